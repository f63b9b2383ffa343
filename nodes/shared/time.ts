/**
 * Time zones, through luxon (n8n's own date library, provided by n8n at run time).
 *
 * n8n gives a workflow's time zone as an IANA name (for example "Europe/Berlin"). A wall-clock time
 * without offset (as n8n's date picker gives it) is read in that zone.
 */
import { DateTime } from 'luxon';

/** Date, or date and time without offset: 2026-11-24, 2026-11-24T08:00, 2026-11-24 08:00:00.123. */
const WALL_CLOCK_TEXT = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;

/**
 * The instant of a wall-clock time without offset in `timeZone`; undefined when the text is not such
 * a time. An unknown zone reads as UTC.
 */
export function wallClockToDate(text: string, timeZone: string): Date | undefined {
	if (!WALL_CLOCK_TEXT.test(text)) return undefined;
	const iso = text.replace(' ', 'T');
	let parsed = DateTime.fromISO(iso, { zone: timeZone });
	if (!parsed.isValid && parsed.invalidReason === 'unsupported zone') parsed = DateTime.fromISO(iso, { zone: 'UTC' });
	return parsed.isValid ? parsed.toJSDate() : undefined;
}
