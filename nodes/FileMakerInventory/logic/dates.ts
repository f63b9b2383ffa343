/**
 * FileMaker date formats.
 *
 * Without the `dateformats` parameter the Data API reads and writes dates in US format:
 * timestamps as MM/dd/yyyy HH:mm:ss, dates as MM/dd/yyyy. FileMaker timestamps carry no time zone:
 * they are the wall-clock time of the solution. So an instant (ISO text with Z or an offset, a Date,
 * epoch milliseconds, a Luxon DateTime) is converted to the wall-clock time of the given IANA time
 * zone (the workflow's time zone, which should be the FileMaker server's); ISO text without an
 * offset is used as it is. Parsing and zones: luxon.
 */
import { DateTime } from 'luxon';

export class DateInputError extends Error {}

/** ISO 8601 as people type it: date, optional time (space or T), optional Z or offset. */
const ISO_SHAPE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function inZone(instant: DateTime, timeZone: string): DateTime {
	const zoned = instant.setZone(timeZone);
	if (!zoned.isValid) throw new DateInputError(`Unknown time zone '${timeZone}'.`);
	return zoned;
}

function toWallClock(input: unknown, timeZone: string): DateTime {
	if (input instanceof Date) {
		if (Number.isNaN(input.getTime())) throw new DateInputError('The date is not valid.');
		return inZone(DateTime.fromJSDate(input), timeZone);
	}
	if (typeof input === 'number' && Number.isFinite(input)) return inZone(DateTime.fromMillis(input), timeZone);
	let text: string;
	if (typeof input === 'string') {
		text = input.trim();
	} else if (input && typeof input === 'object' && typeof (input as { toISO?: unknown }).toISO === 'function') {
		// A Luxon DateTime from an expression such as {{ $now.minus({ hours: 1 }) }} (n8n's own luxon copy)
		text = String((input as { toISO: () => string }).toISO());
	} else {
		throw new DateInputError(`'${String(input)}' is not a date. Use ISO 8601, e.g. 2026-11-24T09:30:00Z.`);
	}
	const shape = ISO_SHAPE.exec(text);
	if (!shape) throw new DateInputError(`'${text}' is not an ISO 8601 date, e.g. 2026-11-24 or 2026-11-24T09:30:00Z.`);
	const parsed = DateTime.fromISO(text.replace(' ', 'T').replace(/\s+/g, ''), { setZone: true });
	if (!parsed.isValid) throw new DateInputError(`'${text}' is not a valid date.`);
	// With an offset it is an instant; without one it already is FileMaker's wall-clock time.
	return shape[1] === undefined ? parsed : inZone(parsed, timeZone);
}

/** MM/dd/yyyy HH:mm:ss in the given time zone (see the module comment). */
export function toFileMakerTimestamp(input: unknown, timeZone = 'UTC'): string {
	return toWallClock(input, timeZone).toFormat('MM/dd/yyyy HH:mm:ss');
}

/** MM/dd/yyyy in the given time zone. */
export function toFileMakerDate(input: unknown, timeZone = 'UTC'): string {
	return toWallClock(input, timeZone).toFormat('MM/dd/yyyy');
}
