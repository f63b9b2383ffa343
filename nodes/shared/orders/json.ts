/**
 * JSON parsing for webhook bodies (pure, no n8n imports).
 *
 * Shopify ids are 64-bit integers. `JSON.parse` turns an integer above 2^53 into the nearest double
 * and silently changes its last digits, so such integers are kept as strings (the exact digits).
 * Node 21 and later (n8n 2.x runs on Node 22 or 24) give a `JSON.parse` reviver the source text of
 * each value, which is all this needs; on Node 20 the integers are quoted before parsing instead.
 */

type ReviverContext = { source?: string };

/** Whether this Node.js gives revivers the source text (JSON.parse source text access). */
const REVIVER_SEES_SOURCE = ((): boolean => {
	let seen = false;
	JSON.parse('0', (_key: string, value: unknown, context?: ReviverContext) => {
		seen = typeof context?.source === 'string';
		return value;
	});
	return seen;
})();

function keepExactIntegers(_key: string, value: unknown, context?: ReviverContext): unknown {
	if (typeof value !== 'number' || Number.isSafeInteger(value)) return value;
	const source = context?.source;
	return source !== undefined && /^-?\d+$/.test(source) ? source : value;
}

/** A JSON string (skipped as it is), or an integer literal of 16 digits or more that is not part of a float. */
const STRING_OR_LONG_INTEGER = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/g;

/** Quotes every integer literal too large for a double; strings and every other number stay as they are. */
export function quoteUnsafeIntegers(text: string): string {
	return text.replace(STRING_OR_LONG_INTEGER, (token) =>
		token.startsWith('"') || Number.isSafeInteger(Number(token)) ? token : `"${token}"`,
	);
}

/** Parses JSON, keeping integers beyond 2^53 as exact decimal strings. Throws SyntaxError like JSON.parse. */
export function parseJsonKeepingBigIds(text: string): unknown {
	return REVIVER_SEES_SOURCE ? JSON.parse(text, keepExactIntegers) : JSON.parse(quoteUnsafeIntegers(text));
}
