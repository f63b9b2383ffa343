/**
 * Field value handling for the FileMaker Data API emulator: normalising written values per field
 * type, parsing/formatting dates and timestamps, and index keys.
 *
 * Storage model (per field type):
 *  - text:      string ('' = empty)
 *  - number:    JS number, '' = empty, or the raw string when a non-numeric text was written to a
 *               number field without strict-numeric validation (FileMaker keeps what was typed)
 *  - timestamp: "wall clock" milliseconds (Date.UTC of the local date/time parts, no time zone), '' = empty
 *  - date:      the same, at midnight
 */

export type FieldType = 'text' | 'number' | 'timestamp' | 'date';
export type StoredValue = string | number;

/** A FileMaker error raised while handling a request (turned into an HTTP response). */
export class FmError extends Error {
	constructor(
		public readonly code: string,
		message: string,
		public readonly httpStatus = 500,
		public readonly response: Record<string, unknown> = {},
	) {
		super(message);
	}
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseNumeric(s: string): number | undefined {
	const t = s.trim();
	if (!NUMERIC.test(t)) return undefined;
	const n = Number(t);
	return Number.isFinite(n) ? n : undefined;
}

export type Precision = 'day' | 'hour' | 'minute' | 'second' | 'ms';
export interface ParsedMoment {
	ms: number;
	precision: Precision;
}

const PRECISION_MS: Record<Precision, number> = {
	day: 86_400_000,
	hour: 3_600_000,
	minute: 60_000,
	second: 1_000,
	ms: 1,
};

export function precisionSpan(p: Precision): number {
	return PRECISION_MS[p];
}

function validDate(y: number, m: number, d: number): boolean {
	if (y < 1 || y > 4000 || m < 1 || m > 12 || d < 1) return false;
	const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
	return d <= dim;
}

const US_RE =
	/^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T]+(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?\s*([AaPp][Mm])?)?$/;
const ISO_RE =
	/^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses 'MM/dd/yyyy[ HH:mm[:ss[.fff]]][ AM|PM]' or 'yyyy-MM-dd[(T| )HH:mm[:ss[.fff]]]'. A trailing
 * zone designator on ISO input is accepted and ignored (FileMaker timestamps carry no zone).
 */
export function parseMoment(input: string): ParsedMoment | undefined {
	const s = input.trim();
	let y: number, mo: number, d: number;
	let hh: string | undefined, mi: string | undefined, ss: string | undefined, frac: string | undefined;
	let ampm: string | undefined;
	let m = US_RE.exec(s);
	if (m) {
		mo = Number(m[1]);
		d = Number(m[2]);
		y = Number(m[3]);
		[hh, mi, ss, frac, ampm] = [m[4], m[5], m[6], m[7], m[8]];
	} else {
		m = ISO_RE.exec(s);
		if (!m) return undefined;
		y = Number(m[1]);
		mo = Number(m[2]);
		d = Number(m[3]);
		[hh, mi, ss, frac] = [m[4], m[5], m[6], m[7]];
	}
	if (!validDate(y, mo, d)) return undefined;
	let precision: Precision = 'day';
	let h = 0,
		min = 0,
		sec = 0,
		msec = 0;
	if (hh !== undefined) {
		h = Number(hh);
		precision = 'hour';
		if (ampm) {
			if (h < 1 || h > 12) return undefined;
			const pm = ampm.toLowerCase() === 'pm';
			h = (h % 12) + (pm ? 12 : 0);
		}
		if (h > 23) return undefined;
		if (mi !== undefined) {
			min = Number(mi);
			precision = 'minute';
			if (min > 59) return undefined;
		}
		if (ss !== undefined) {
			sec = Number(ss);
			precision = 'second';
			if (sec > 59) return undefined;
		}
		if (frac !== undefined) {
			msec = Math.round(Number(`0.${frac}`) * 1000);
			precision = 'ms';
		}
	}
	return { ms: Date.UTC(y, mo - 1, d, h, min, sec, msec), precision };
}

/** Wall-clock milliseconds for a JS Date, using its local date/time parts. */
export function wallClockOf(d: Date): number {
	return Date.UTC(
		d.getFullYear(),
		d.getMonth(),
		d.getDate(),
		d.getHours(),
		d.getMinutes(),
		d.getSeconds(),
		d.getMilliseconds(),
	);
}

const p2 = (n: number) => String(n).padStart(2, '0');

export function formatMoment(ms: number, type: 'timestamp' | 'date', iso: boolean): string {
	const d = new Date(ms);
	const Y = String(d.getUTCFullYear()).padStart(4, '0');
	const M = p2(d.getUTCMonth() + 1);
	const D = p2(d.getUTCDate());
	const date = iso ? `${Y}-${M}-${D}` : `${M}/${D}/${Y}`;
	if (type === 'date') return date;
	const millis = d.getUTCMilliseconds();
	const time = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}${
		millis ? `.${String(millis).padStart(3, '0')}` : ''
	}`;
	return iso ? `${date}T${time}` : `${date} ${time}`;
}

export interface FieldLike {
	name: string;
	type: FieldType;
	strictNumeric?: boolean;
}

/**
 * Converts a value written through the API (JSON) into the stored representation.
 * Throws FmError for values FileMaker refuses.
 */
export function normaliseInput(field: FieldLike, value: unknown): StoredValue {
	if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'object') {
		// FileMaker answers 1708 for null / non-scalar JSON values in fieldData.
		throw new FmError('1708', 'Parameter value is invalid');
	}
	if (typeof value === 'number' && !Number.isFinite(value)) {
		throw new FmError('1708', 'Parameter value is invalid');
	}
	switch (field.type) {
		case 'text':
			return String(value);
		case 'number': {
			if (typeof value === 'number') return value;
			const s = String(value);
			if (s.trim() === '') return '';
			const n = parseNumeric(s);
			if (n !== undefined) return n;
			if (field.strictNumeric) {
				throw new FmError('502', 'Number value does not meet validation entry options');
			}
			return s; // FileMaker keeps the text typed into a number field
		}
		case 'timestamp':
		case 'date': {
			if (typeof value === 'number') {
				throw new FmError('500', 'Date value does not meet validation entry options');
			}
			const s = String(value);
			if (s.trim() === '') return '';
			const p = parseMoment(s);
			if (!p) throw new FmError('500', 'Date value does not meet validation entry options');
			if (field.type === 'date') {
				const d = new Date(p.ms);
				return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
			}
			return p.ms;
		}
	}
}

/** Like normaliseInput but for emulator.seed(): also accepts Date objects and throws plain Errors. */
export function normaliseSeed(field: FieldLike, value: unknown): StoredValue {
	if (value === null || value === undefined) return '';
	if (value instanceof Date) {
		if (field.type === 'text') return formatMoment(wallClockOf(value), 'timestamp', false);
		if (field.type === 'number') return value.getTime();
		const ms = wallClockOf(value);
		if (field.type === 'date') {
			const d = new Date(ms);
			return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
		}
		return ms;
	}
	try {
		return normaliseInput({ ...field, strictNumeric: false }, value);
	} catch (e) {
		throw new Error(
			`seed: value ${JSON.stringify(value)} is not valid for ${field.type} field "${field.name}": ${
				(e as Error).message
			}`,
		);
	}
}

/** JSON value returned by the Data API for a stored value. */
export function serialiseValue(
	type: FieldType,
	v: StoredValue,
	o: { iso: boolean; numbersAsStrings: boolean },
): string | number {
	if (v === '') return '';
	switch (type) {
		case 'text':
			return v;
		case 'number':
			return typeof v === 'number' && o.numbersAsStrings ? String(v) : v;
		case 'timestamp':
		case 'date':
			return typeof v === 'number' ? formatMoment(v, type, o.iso) : v;
	}
}

/** Raw value for emulator.records(): numbers as numbers, dates/timestamps as 'MM/dd/yyyy HH:mm:ss'. */
export function rawValue(type: FieldType, v: StoredValue): string | number {
	return serialiseValue(type, v, { iso: false, numbersAsStrings: false });
}

/**
 * How text of one field is compared. The default index language folds case (Claris: the "Default"
 * language uses the primary and secondary collation weights; case is a tertiary difference);
 * "Unicode" compares code points, so case matters. `trimTrailingSpaces` is the assumed switch for
 * `==` and unique checks ignoring trailing spaces.
 */
export interface TextMatch {
	caseSensitive: boolean;
	trimTrailingSpaces: boolean;
}

export const DEFAULT_TEXT_MATCH: TextMatch = { caseSensitive: false, trimTrailingSpaces: false };

/** Text folded for comparison under a field's text-match rule. */
export function foldText(s: string, m: TextMatch = DEFAULT_TEXT_MATCH): string {
	const t = m.trimTrailingSpaces ? s.replace(/ +$/, '') : s;
	return m.caseSensitive ? t : t.toLowerCase();
}

/** Key of a stored value in an exact-match index (text folded as the field's index language does). */
export function indexKey(v: StoredValue, m: TextMatch = DEFAULT_TEXT_MATCH): string {
	if (v === '') return '';
	if (typeof v === 'number') return `n:${v}`;
	return `s:${foldText(v, m)}`;
}
