/**
 * Shopify webhook signature check (pure; node:crypto only).
 *
 * Shopify signs every delivery with `X-Shopify-Hmac-Sha256: base64(HMAC-SHA256(secret, raw body))`.
 * The HMAC must be computed over the exact bytes received (never over re-serialised JSON) and
 * compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck =
	| { ok: true }
	| { ok: false; reason: 'missingHeader' | 'missingSecret' | 'malformedHeader' | 'mismatch' };

export function computeShopifyHmac(rawBody: Buffer | string, secret: string): string {
	return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/** Takes the header value as n8n/Node hands it over (string, string[] or undefined). */
export function headerString(value: unknown): string | undefined {
	if (Array.isArray(value)) return headerString(value[0]);
	if (typeof value === 'string') return value;
	return undefined;
}

/**
 * Verifies a delivery. Never throws and never returns the expected signature, so callers cannot
 * leak it into logs or responses by accident.
 */
export function verifyShopifyHmac(
	rawBody: Buffer | string,
	signatureHeader: unknown,
	secret: string | undefined | null,
): SignatureCheck {
	if (typeof secret !== 'string' || secret === '') return { ok: false, reason: 'missingSecret' };
	const header = headerString(signatureHeader)?.trim();
	if (!header) return { ok: false, reason: 'missingHeader' };
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(header)) return { ok: false, reason: 'malformedHeader' };
	const received = Buffer.from(header, 'base64');
	const expected = createHmac('sha256', secret).update(rawBody).digest();
	// timingSafeEqual needs equal lengths; a SHA-256 digest is always 32 bytes.
	if (received.length !== expected.length) return { ok: false, reason: 'mismatch' };
	return timingSafeEqual(received, expected) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
