/**
 * FileMaker date formats.
 *
 * Without the `dateformats` parameter the Data API reads and writes dates in US format:
 * timestamps as MM/dd/yyyy HH:mm:ss, dates as MM/dd/yyyy. FileMaker timestamps carry no time zone:
 * they are the wall-clock time of the solution. So an instant (ISO text with Z or an offset) is
 * converted to the wall-clock time of the given IANA time zone (the workflow's time zone, which
 * should be the FileMaker server's); ISO text without an offset is used as it is.
 */

import { wallClockIn as sharedWallClockIn, type WallClock } from '../../shared/time';

export class DateInputError extends Error {}

const ISO_PATTERN =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function pad(n: number, width = 2): string {
	return String(n).padStart(width, '0');
}

function wallClockIn(instant: Date, timeZone: string): WallClock {
	let wall: WallClock | undefined;
	try {
		wall = sharedWallClockIn(instant, timeZone);
	} catch {
		// The only error wallClockIn throws: an UnknownTimeZoneError.
		wall = undefined;
	}
	if (!wall) throw new DateInputError(`Unknown time zone '${timeZone}'.`);
	return wall;
}

function toWallClock(input: unknown, timeZone: string): WallClock {
	if (input instanceof Date) {
		if (Number.isNaN(input.getTime())) throw new DateInputError('The date is not valid.');
		return wallClockIn(input, timeZone);
	}
	let text: string;
	if (typeof input === 'string') {
		text = input.trim();
	} else if (input && typeof input === 'object' && typeof (input as { toISO?: unknown }).toISO === 'function') {
		// A Luxon DateTime from an expression such as {{ $now.minus({ hours: 1 }) }}
		text = String((input as { toISO: () => string }).toISO());
	} else if (typeof input === 'number' && Number.isFinite(input)) {
		return wallClockIn(new Date(input), timeZone);
	} else {
		throw new DateInputError(`'${String(input)}' is not a date. Use ISO 8601, e.g. 2026-11-24T09:30:00Z.`);
	}
	const m = ISO_PATTERN.exec(text);
	if (!m) {
		throw new DateInputError(`'${text}' is not an ISO 8601 date, e.g. 2026-11-24 or 2026-11-24T09:30:00Z.`);
	}
	const [, y, mo, d, h, mi, s, zone] = m;
	const wall: WallClock = {
		year: Number(y),
		month: Number(mo),
		day: Number(d),
		hour: h === undefined ? 0 : Number(h),
		minute: mi === undefined ? 0 : Number(mi),
		second: s === undefined ? 0 : Number(s),
	};
	const check = new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second));
	if (
		check.getUTCFullYear() !== wall.year ||
		check.getUTCMonth() !== wall.month - 1 ||
		check.getUTCDate() !== wall.day ||
		wall.hour > 23 ||
		wall.minute > 59 ||
		wall.second > 59
	) {
		throw new DateInputError(`'${text}' is not a valid date.`);
	}
	if (zone === undefined) return wall;
	let offsetMinutes = 0;
	if (zone.toUpperCase() !== 'Z') {
		const sign = zone.startsWith('-') ? -1 : 1;
		const digits = zone.slice(1).replace(':', '');
		offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
	}
	return wallClockIn(new Date(check.getTime() - offsetMinutes * 60_000), timeZone);
}

/** MM/dd/yyyy HH:mm:ss in the given time zone (see the module comment). */
export function toFileMakerTimestamp(input: unknown, timeZone = 'UTC'): string {
	const w = toWallClock(input, timeZone);
	return `${pad(w.month)}/${pad(w.day)}/${pad(w.year, 4)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** MM/dd/yyyy in the given time zone. */
export function toFileMakerDate(input: unknown, timeZone = 'UTC'): string {
	const w = toWallClock(input, timeZone);
	return `${pad(w.month)}/${pad(w.day)}/${pad(w.year, 4)}`;
}
