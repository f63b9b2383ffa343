/**
 * Retry schedules of both nodes (pure): exponential steps, capped, with jitter.
 *
 * - HTTP retries (429 / 5xx / network failures, Shopify and FileMaker alike): "equal jitter", half
 *   the step plus a random part of the other half, or the server's Retry-After when it sends one.
 * - Stock writes that lost a race (FileMaker 306, modification ID mismatch) or hit a record open
 *   elsewhere (301): "full jitter", a random time between 0 and the step. Randomness spreads writers
 *   that collided apart, so with many concurrent changes to one SKU each round lets more through.
 *   For conflicts the scale follows the time one read-and-write takes (the "cycle"): a writer only
 *   succeeds if nobody else commits during its own cycle, so waits are spread over windows many
 *   cycles wide (right both against a fast local server and one 150 ms away; a simulation of 50
 *   simultaneous writers on one record: all commit within 10 attempts).
 */

export interface BackoffOptions {
	/** Upper bound of the first wait (ms). */
	baseMs: number;
	/** Upper bound of any wait (ms). */
	maxMs: number;
}

/** The step before retry number `retry` (1 = the first retry): min(maxMs, baseMs × 2^(retry−1)). */
export function backoffCeilingMs(retry: number, options: BackoffOptions): number {
	const n = Math.max(1, Math.floor(retry));
	return Math.min(options.maxMs, options.baseMs * 2 ** Math.min(n - 1, 30));
}

/** The upper bounds of the waits for `attempts` attempts (for documentation and tests). */
export function backoffCeilings(attempts: number, options: BackoffOptions): number[] {
	const result: number[] = [];
	for (let retry = 1; retry < attempts; retry++) result.push(backoffCeilingMs(retry, options));
	return result;
}

/**
 * Full-jitter wait before retry number `retry` (1 = the first retry): random in [0, step).
 * `random` returns a number in [0, 1) (injectable for tests).
 */
export function backoffDelayMs(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
	const r = Math.min(Math.max(random(), 0), 1);
	return Math.floor(r * backoffCeilingMs(retry, options));
}

// ---------------------------------------------------------------------------------------------
// HTTP retries
// ---------------------------------------------------------------------------------------------

export const HTTP_MAX_ATTEMPTS = 6;
export const HTTP_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 30_000 };
/** Longest wait taken from a Retry-After header (a longer request is shortened to this). */
export const RETRY_AFTER_CAP_MS = 120_000;

/**
 * Wait before HTTP retry number `retry`: the Retry-After header (seconds or an HTTP date, capped)
 * when present, otherwise equal jitter over the HTTP schedule.
 */
export function httpRetryDelayMs(
	retry: number,
	retryAfter?: string | number | null,
	random: () => number = Math.random,
	now: number = Date.now(),
): number {
	const fromHeader = parseRetryAfterMs(retryAfter, now);
	if (fromHeader !== undefined) return Math.min(RETRY_AFTER_CAP_MS, fromHeader);
	const step = backoffCeilingMs(retry, HTTP_BACKOFF);
	return Math.round(step / 2 + random() * (step / 2));
}

export function parseRetryAfterMs(value: string | number | null | undefined, now: number = Date.now()): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'number') return value >= 0 ? Math.ceil(value * 1000) : undefined;
	const trimmed = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	if (!Number.isNaN(date)) return Math.max(0, date - now);
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// Stock-change conflicts (FileMaker)
// ---------------------------------------------------------------------------------------------

/** Default number of attempts (read + write) for one stock change. */
export const STOCK_CHANGE_MAX_ATTEMPTS = 10;

/** For 306 (someone else changed the record between our read and write): the minimum scale. */
export const CONFLICT_BACKOFF: BackoffOptions = { baseMs: 50, maxMs: 10_000 };

/** For 301 (record open in FileMaker, e.g. a user editing it): longer, fixed waits. */
export const LOCKED_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 10_000 };

/** Backoff for a 306 after a read-and-write cycle that took `cycleMs`: base = max(50 ms, 8 cycles), cap = max(10 s, 100 cycles). */
export function conflictBackoff(cycleMs: number): BackoffOptions {
	const cycle = Number.isFinite(cycleMs) && cycleMs > 0 ? cycleMs : 0;
	return {
		baseMs: Math.max(CONFLICT_BACKOFF.baseMs, Math.round(8 * cycle)),
		maxMs: Math.max(CONFLICT_BACKOFF.maxMs, Math.round(100 * cycle)),
	};
}

/**
 * The wait of a run whose credential token was refused (401) before it looks again (see the FileMaker
 * and Shopify transports): up to `windowMs`, drawn as windowMs × √u. Every run in flight at an expiry
 * draws one; the first to wake renews the token and the others use it, unless they wake within one
 * renewal of the first. The √ makes early wakes rare, so fewer runs wake close behind the first than
 * with an even spread: about 2·L·√n / windowMs of n runs renew again (L: the renewal's duration),
 * against n·L / windowMs. Mean wait: 2/3 of the window.
 */
export function renewalLookAgainMs(windowMs: number, random: () => number = Math.random): number {
	return Math.floor(windowMs * Math.sqrt(random()));
}
