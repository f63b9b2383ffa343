/**
 * JSON parsing for webhook bodies (pure, no n8n imports).
 *
 * Shopify ids are 64-bit integers. `JSON.parse` turns an integer above 2^53 into the nearest double
 * and silently changes its last digits, so the body is parsed with such integers kept as strings
 * (the exact digits). Everything else is plain `JSON.parse`.
 */

/** Integers with more digits than this can exceed Number.MAX_SAFE_INTEGER (9007199254740991, 16 digits). */
const SAFE_DIGITS = 15;

/**
 * Quotes every integer literal that is too large for a double. Strings are copied untouched
 * (escape-aware), so a long number inside a string value is never changed.
 */
export function quoteUnsafeIntegers(text: string): string {
	let out = '';
	let i = 0;
	const n = text.length;
	let copyFrom = 0;
	while (i < n) {
		const ch = text.charCodeAt(i);
		if (ch === 0x22 /* " */) {
			i++;
			while (i < n) {
				const c = text.charCodeAt(i);
				if (c === 0x5c /* \ */) {
					i += 2;
					continue;
				}
				i++;
				if (c === 0x22) break;
			}
			continue;
		}
		if (ch === 0x2d /* - */ || (ch >= 0x30 && ch <= 0x39)) {
			const start = i;
			if (ch === 0x2d) i++;
			const digitsStart = i;
			while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
			const digits = i - digitsStart;
			const next = i < n ? text[i] : '';
			const isInteger = next !== '.' && next !== 'e' && next !== 'E';
			if (isInteger && digits > SAFE_DIGITS) {
				const literal = text.slice(start, i);
				const value = BigInt(literal);
				if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
					out += text.slice(copyFrom, start) + '"' + literal + '"';
					copyFrom = i;
				}
			}
			if (!isInteger) {
				// Skip the rest of a float literal.
				while (i < n && /[0-9.eE+-]/.test(text[i])) i++;
			}
			continue;
		}
		i++;
	}
	return copyFrom === 0 ? text : out + text.slice(copyFrom);
}

/** Parses JSON, keeping integers beyond 2^53 as exact decimal strings. Throws SyntaxError like JSON.parse. */
export function parseJsonKeepingBigIds(text: string): unknown {
	return JSON.parse(quoteUnsafeIntegers(text));
}
