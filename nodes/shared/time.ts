/**
 * Time zones, the one implementation shared by the nodes.
 *
 * n8n gives a workflow's time zone as an IANA name (for example "Europe/Berlin"). Two conversions
 * need it: an instant to the wall-clock time of that zone (FileMaker timestamps carry no zone, they
 * are the wall-clock time of the solution), and a wall-clock time without offset (as n8n's date
 * picker gives it) to the instant it means in that zone. Both use only `Intl.DateTimeFormat`.
 */

export interface WallClock {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

/** The time zone name is not one that `Intl` knows. */
export class UnknownTimeZoneError extends RangeError {
	constructor(readonly timeZone: string) {
		super(`Unknown time zone '${timeZone}'.`);
		this.name = 'UnknownTimeZoneError';
	}
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (formatter) return formatter;
	try {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
	} catch {
		formatter = undefined;
	}
	if (!formatter) throw new UnknownTimeZoneError(timeZone);
	formatters.set(timeZone, formatter);
	return formatter;
}

/** The wall-clock time (to the second) of `instant` in `timeZone`. Throws UnknownTimeZoneError. */
export function wallClockIn(instant: Date, timeZone: string): WallClock {
	const parts: Record<string, number> = {};
	for (const part of formatterFor(timeZone).formatToParts(instant)) {
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	}
	return {
		year: parts.year,
		month: parts.month,
		day: parts.day,
		hour: parts.hour === 24 ? 0 : parts.hour,
		minute: parts.minute,
		second: parts.second,
	};
}

/** Offset (ms) of `timeZone` from UTC at the instant `ms`. Throws UnknownTimeZoneError. */
export function zoneOffsetMs(ms: number, timeZone: string): number {
	const w = wallClockIn(new Date(ms), timeZone);
	const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
	return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant of a wall-clock time without offset ("2026-11-24T08:00:00", as n8n's date picker
 * gives it) in `timeZone`; undefined when the text is not such a time. An unknown zone reads as UTC.
 */
export function wallClockToDate(text: string, timeZone: string): Date | undefined {
	const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/.exec(text);
	if (!m) return undefined;
	const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = m;
	const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0')));
	if (Number.isNaN(wall)) return undefined;
	let zone: number;
	try {
		zone = zoneOffsetMs(wall, timeZone);
		// Second pass: the offset at the resulting instant (DST changes in between).
		zone = zoneOffsetMs(wall - zone, timeZone);
	} catch {
		zone = 0;
	}
	return new Date(wall - zone);
}
