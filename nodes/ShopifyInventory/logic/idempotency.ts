import { createHash } from 'node:crypto';

/**
 * Idempotency key for one write: sha256 over the API version, the operation and the exact rows (plus
 * anything else that defines the write, e.g. reason and reference document), formatted as a UUID.
 * The same write retried (timeout, 5xx) carries the same key, so Shopify applies it at most once; a
 * different write (a row dropped, a fresh changeFromQuantity) gets a different key.
 */
export function idempotencyKey(parts: {
	apiVersion: string;
	operation: string;
	rows: unknown;
	context?: unknown;
	salt?: string | number;
}): string {
	const material = JSON.stringify([
		parts.apiVersion,
		parts.operation,
		parts.context ?? null,
		parts.rows,
		parts.salt ?? null,
	]);
	const hex = createHash('sha256').update(material).digest('hex');
	// RFC 9562 layout: version 8 (custom), variant 10xx.
	const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
