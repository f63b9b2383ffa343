/** Retry schedule for HTTP 429 / 5xx / network failures (pure). */

export const DEFAULT_MAX_ATTEMPTS = 6;
export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 30_000;
/** Longest wait taken from a Retry-After header (a longer request is shortened to this). */
export const RETRY_AFTER_CAP_MS = 120_000;

/**
 * Delay before retry number `retry` (1 = first retry).
 * Retry-After (seconds, or an HTTP date) is waited for when present (capped). Otherwise exponential back-off with
 * "equal jitter": half the exponential step plus a random part of the other half.
 */
export function backoffDelayMs(
	retry: number,
	retryAfter?: string | number | null,
	random: () => number = Math.random,
	now: number = Date.now(),
): number {
	const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retry - 1));
	const jittered = Math.round(exp / 2 + random() * (exp / 2));
	const fromHeader = parseRetryAfterMs(retryAfter, now);
	if (fromHeader !== undefined) return Math.min(RETRY_AFTER_CAP_MS, fromHeader);
	return jittered;
}

export function parseRetryAfterMs(
	value: string | number | null | undefined,
	now: number = Date.now(),
): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'number') return value >= 0 ? Math.ceil(value * 1000) : undefined;
	const trimmed = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	if (!Number.isNaN(date)) return Math.max(0, date - now);
	return undefined;
}
