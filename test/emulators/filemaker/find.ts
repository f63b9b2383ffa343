/**
 * FileMaker find-criterion semantics for the emulator.
 *
 * Text fields (case-insensitive under FileMaker's default index language; case-sensitive for a field
 * using the Unicode language: see TextMatch in values.ts):
 *   value        every word of the criterion must match the START of some word in the field
 *                ("RED" finds "TSHIRT-RED-M"; "SKU-00001" also finds "SKU-000010")
 *   =value       every word must equal a whole word of the field; '=' alone: field is empty
 *   ==value      the whole field content equals value ('*', '@', '#' wildcards allowed)
 *   "a phrase"   the phrase occurs, starting at a word boundary
 *   *            field is not empty (inside a word: zero or more characters)
 *   @ / #        one character / one digit
 *   < <= > >= (also ≤ ≥)   comparisons;  a...b (or a..b, a…b) inclusive range
 *   \x           x taken literally
 * Number fields compare numerically; date/timestamp fields compare at the precision written in the
 * criterion ('11/24/2026' = that whole day; '>=11/24/2026 05:00' from 05:00:00). Both
 * 'MM/dd/yyyy HH:mm:ss' and ISO 'yyyy-MM-ddTHH:mm:ss' are accepted.
 */
import {
	DEFAULT_TEXT_MATCH,
	FmError,
	foldText,
	indexKey,
	parseMoment,
	parseNumeric,
	precisionSpan,
	type FieldType,
	type StoredValue,
	type TextMatch,
} from './values';

export interface CompiledCriterion {
	test(v: StoredValue): boolean;
	/** When set, only records whose index key equals this can match (exact-match fast path). */
	exactKey?: string;
}

const WORD_SPLIT = /[^\p{L}\p{N}]+/u;
const WILDCARDS = /[*@#]/;

function words(s: string, m: TextMatch): string[] {
	return foldText(s, m).split(WORD_SPLIT).filter((w) => w.length > 0);
}

/** Regex flags: case-insensitive unless the field uses the Unicode index language. */
function flags(m: TextMatch): string {
	return m.caseSensitive ? 'u' : 'iu';
}

function unescape(s: string): string {
	return s.replace(/\\(.)/g, '$1');
}

function hasUnescapedWildcard(s: string): boolean {
	for (let i = 0; i < s.length; i++) {
		if (s[i] === '\\') {
			i++;
			continue;
		}
		if (WILDCARDS.test(s[i])) return true;
	}
	return false;
}

/** Regex source for a criterion with FileMaker wildcards. */
function wildcardSource(s: string): string {
	let out = '';
	for (let i = 0; i < s.length; i++) {
		const c = s[i];
		if (c === '\\' && i + 1 < s.length) {
			out += escapeRe(s[++i]);
		} else if (c === '*') out += '[\\s\\S]*';
		else if (c === '@') out += '[\\s\\S]';
		else if (c === '#') out += '\\p{N}';
		else out += escapeRe(c);
	}
	return out;
}

function escapeRe(c: string): string {
	return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const WORD_START = '(?:^|[^\\p{L}\\p{N}])';
const WORD_END = '(?=$|[^\\p{L}\\p{N}])';

interface Bound {
	lo: number; // inclusive
	hi: number; // exclusive
}

function momentBound(field: string, s: string): Bound {
	const p = parseMoment(s);
	if (!p) {
		throw new FmError('500', `Date value does not meet validation entry options (find criterion "${s}" for field "${field}")`);
	}
	return { lo: p.ms, hi: p.ms + precisionSpan(p.precision) };
}

function splitRange(s: string): [string, string] | undefined {
	const m = /^(.*?)(?:\.\.\.|…|\.\.)(.*)$/s.exec(s);
	if (!m) return undefined;
	return [m[1].trim(), m[2].trim()];
}

const COMPARE = /^(>=|<=|≥|≤|>|<)(.*)$/s;

/**
 * Compiles one field criterion. Returns undefined for an empty criterion (ignored, like FileMaker).
 */
export function compileCriterion(
	fieldName: string,
	type: FieldType,
	rawCriterion: unknown,
	m: TextMatch = DEFAULT_TEXT_MATCH,
): CompiledCriterion | undefined {
	if (rawCriterion === null || typeof rawCriterion === 'object' || typeof rawCriterion === 'boolean') {
		throw new FmError('1708', 'Parameter value is invalid');
	}
	const s = String(rawCriterion).trim();
	if (s === '') return undefined;
	if (s === '=' || s === '==') return { test: (v) => v === '' };
	if (s === '*') return { test: (v) => v !== '' };
	if (s.startsWith('\\')) return compileDefault(fieldName, type, s, m);

	if (s.startsWith('==')) return compileExact(fieldName, type, s.slice(2), m);

	const cmp = COMPARE.exec(s);
	if (cmp) return compileCompare(fieldName, type, cmp[1], cmp[2].trim(), m);

	const range = splitRange(s);
	if (range) return compileRange(fieldName, type, range[0], range[1], m);

	if (s.startsWith('=')) return compileWordExact(fieldName, type, s.slice(1), m);
	return compileDefault(fieldName, type, s, m);
}

function numberOf(v: StoredValue): number | undefined {
	return typeof v === 'number' ? v : undefined;
}

function textOf(v: StoredValue): string {
	return typeof v === 'number' ? String(v) : v;
}

function compileExact(fieldName: string, type: FieldType, rest: string, m: TextMatch): CompiledCriterion {
	const body = rest.trim();
	if (body === '') return { test: (v) => v === '' };
	if (type === 'timestamp' || type === 'date') {
		if (hasUnescapedWildcard(body)) return compileTextWildcardAnchored(body, m);
		const b = momentBound(fieldName, body);
		return { test: (v) => typeof v === 'number' && v >= b.lo && v < b.hi };
	}
	if (hasUnescapedWildcard(body)) return compileTextWildcardAnchored(body, m);
	const lit = unescape(body);
	if (type === 'number') {
		const n = parseNumeric(lit);
		if (n !== undefined) return { test: (v) => v === n, exactKey: indexKey(n) };
		const key = indexKey(lit);
		return { test: (v) => indexKey(v) === key, exactKey: key };
	}
	const key = indexKey(lit, m);
	return { test: (v) => v !== '' && indexKey(v, m) === key, exactKey: key };
}

function compileTextWildcardAnchored(body: string, m: TextMatch): CompiledCriterion {
	const re = new RegExp(`^${wildcardSource(body)}$`, flags(m));
	const field = (v: StoredValue) => (m.trimTrailingSpaces ? textOf(v).replace(/ +$/, '') : textOf(v));
	return { test: (v) => v !== '' && re.test(field(v)) };
}

function compileCompare(
	fieldName: string,
	type: FieldType,
	op: string,
	operand: string,
	m: TextMatch,
): CompiledCriterion {
	const o = op === '≥' ? '>=' : op === '≤' ? '<=' : op;
	if (operand === '') throw new FmError('508', 'Invalid value entered in Find mode');
	if (type === 'number') {
		const n = parseNumeric(unescape(operand));
		if (n === undefined) return { test: () => false };
		return {
			test: (v) => {
				const x = numberOf(v);
				if (x === undefined) return false;
				return o === '>' ? x > n : o === '>=' ? x >= n : o === '<' ? x < n : x <= n;
			},
		};
	}
	if (type === 'timestamp' || type === 'date') {
		const b = momentBound(fieldName, operand);
		return {
			test: (v) => {
				if (typeof v !== 'number') return false;
				return o === '>' ? v >= b.hi : o === '>=' ? v >= b.lo : o === '<' ? v < b.lo : v < b.hi;
			},
		};
	}
	const lit = foldText(unescape(operand), m);
	return {
		test: (v) => {
			if (v === '') return false;
			const x = foldText(textOf(v), m);
			return o === '>' ? x > lit : o === '>=' ? x >= lit : o === '<' ? x < lit : x <= lit;
		},
	};
}

function compileRange(fieldName: string, type: FieldType, a: string, b: string, m: TextMatch): CompiledCriterion {
	if (type === 'number') {
		const lo = a === '' ? -Infinity : parseNumeric(unescape(a));
		const hi = b === '' ? Infinity : parseNumeric(unescape(b));
		if (lo === undefined || hi === undefined) return { test: () => false };
		return {
			test: (v) => {
				const x = numberOf(v);
				return x !== undefined && x >= lo && x <= hi;
			},
		};
	}
	if (type === 'timestamp' || type === 'date') {
		const lo = a === '' ? -Infinity : momentBound(fieldName, a).lo;
		const hi = b === '' ? Infinity : momentBound(fieldName, b).hi;
		return { test: (v) => typeof v === 'number' && v >= lo && v < hi };
	}
	const lo = foldText(unescape(a), m);
	const hi = foldText(unescape(b), m);
	return {
		test: (v) => {
			if (v === '') return false;
			const x = foldText(textOf(v), m);
			return (lo === '' || x >= lo) && (hi === '' || x <= hi || x.startsWith(hi));
		},
	};
}

function compileWordExact(fieldName: string, type: FieldType, rest: string, m: TextMatch): CompiledCriterion {
	const body = rest.trim();
	if (body === '') return { test: (v) => v === '' };
	if (type !== 'text') return compileExact(fieldName, type, body, m);
	if (hasUnescapedWildcard(body)) {
		const re = new RegExp(`${WORD_START}${wildcardSource(body)}${WORD_END}`, flags(m));
		return { test: (v) => v !== '' && re.test(textOf(v)) };
	}
	const want = words(unescape(body), m);
	if (want.length === 0) return { test: (v) => v === '' };
	return {
		test: (v) => {
			if (v === '') return false;
			const have = new Set(words(textOf(v), m));
			return want.every((w) => have.has(w));
		},
	};
}

function compileDefault(fieldName: string, type: FieldType, s: string, m: TextMatch): CompiledCriterion {
	if (type === 'number') {
		const lit = unescape(s);
		const n = parseNumeric(lit);
		if (n !== undefined && !hasUnescapedWildcard(s)) return { test: (v) => v === n, exactKey: indexKey(n) };
		return compileTextDefault(s, m);
	}
	if (type === 'timestamp' || type === 'date') {
		if (hasUnescapedWildcard(s)) return compileTextDefault(s, m);
		const b = momentBound(fieldName, unescape(s));
		return { test: (v) => typeof v === 'number' && v >= b.lo && v < b.hi };
	}
	return compileTextDefault(s, m);
}

/** Default text find: every criterion word (or phrase / wildcard token) matches at a word start. */
function compileTextDefault(s: string, m: TextMatch): CompiledCriterion {
	const checks: ((text: string, textWords: string[]) => boolean)[] = [];
	// quoted phrases first
	const rest = s.replace(/"([^"]*)"/g, (_m, phrase: string) => {
		const p = phrase;
		if (p.length > 0) {
			const re = new RegExp(`${WORD_START}${escapeAll(p)}`, flags(m));
			checks.push((text) => re.test(text));
		}
		return ' ';
	});
	for (const token of rest.split(/\s+/).filter((t) => t.length > 0)) {
		if (hasUnescapedWildcard(token)) {
			const re = new RegExp(`${WORD_START}${wildcardSource(token)}`, flags(m));
			checks.push((text) => re.test(text));
		} else {
			for (const w of words(unescape(token), m)) {
				checks.push((_text, textWords) => textWords.some((tw) => tw.startsWith(w)));
			}
		}
	}
	if (checks.length === 0) return { test: () => true };
	return {
		test: (v) => {
			if (v === '') return false;
			const text = textOf(v);
			const tw = words(text, m);
			return checks.every((c) => c(text, tw));
		},
	};
}

function escapeAll(s: string): string {
	let out = '';
	for (const c of s) out += escapeRe(c);
	return out;
}
