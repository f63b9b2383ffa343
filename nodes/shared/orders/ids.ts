/**
 * Shopify ids, normalised to one form (pure, no n8n imports).
 *
 * Webhooks (REST shape) carry numeric ids (`450789469`) and, on most objects, the exact GraphQL id
 * (`admin_graphql_api_id: "gid://shopify/Order/450789469"`); the GraphQL Admin API carries
 * `gid://shopify/<Type>/<n>` ids. Everything the package outputs or puts into an idempotency key is the
 * plain decimal string `"450789469"` (the REST / legacy resource id), whichever side it came from.
 */

const GID = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)(?:\?.*)?$/;

/** `"gid://shopify/Order/123"`, `123`, `"123"` → `"123"`; anything else → null. */
export function toLegacyId(value: unknown): string | null {
	if (value === null || value === undefined) return null;
	if (typeof value === 'bigint') return value >= 0n ? value.toString() : null;
	if (typeof value === 'number') {
		if (!Number.isFinite(value) || value < 0 || !Number.isInteger(value)) return null;
		// Above 2^53 a JS number has already lost digits; print it without exponent anyway.
		return BigInt(value).toString();
	}
	if (typeof value !== 'string') return null;
	const text = value.trim();
	if (text === '') return null;
	if (/^\d+$/.test(text)) return text.replace(/^0+(?=\d)/, '');
	const m = GID.exec(text);
	return m ? m[1].replace(/^0+(?=\d)/, '') : null;
}

/** Prefers the exact GraphQL id of a REST object (`admin_graphql_api_id`) over its numeric `id`. */
export function restObjectId(obj: Record<string, unknown> | null | undefined, idField = 'id'): string | null {
	if (!obj) return null;
	return toLegacyId(obj.admin_graphql_api_id) ?? toLegacyId(obj[idField]);
}

/** Numeric comparison of decimal id strings (ids can exceed 2^53). */
export function compareIds(a: string, b: string): number {
	if (a.length !== b.length) return a.length - b.length;
	return a < b ? -1 : a > b ? 1 : 0;
}
