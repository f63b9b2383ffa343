/**
 * After the trigger has answered a delivery, when to hand n8n the workflow data (which starts the
 * execution that applies the stored events). On a sale day hundreds of deliveries arrive at once; in
 * one n8n process every started execution takes CPU from the answers still to be given, and Shopify
 * waits only 5 s. So the trigger waits while the process is busy: it sleeps in short steps and goes on
 * once `QUIET_STEPS` steps in a row ended on time (a late timer means the event loop is still full of
 * other work; a burst leaves short gaps while it waits for FileMaker, so one step is not enough), or
 * after at most `maxMs`. A delivery on a quiet day starts its workflow after QUIET_STEPS steps.
 *
 * Nothing is stored here and nothing depends on it for correctness: the events are durable before the
 * answer, and if n8n stops while waiting the scheduled sweep applies them.
 */
export const QUIET_STEP_MS = 100;
export const QUIET_STEPS = 3;
/** A step that ends this much later than asked means the process is busy. */
export const BUSY_LATENESS_MS = 15;
export const MAX_WAIT_FOR_QUIET_MS = 10_000;

export interface QuietClock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

/** Resolves once `QUIET_STEPS` steps in a row ended on time, or after `maxMs`; returns the time waited. */
export async function waitForQuiet(clock: QuietClock, maxMs = MAX_WAIT_FOR_QUIET_MS): Promise<number> {
	const start = clock.now();
	let onTime = 0;
	for (;;) {
		const before = clock.now();
		await clock.sleep(QUIET_STEP_MS);
		const after = clock.now();
		onTime = after - before - QUIET_STEP_MS < BUSY_LATENESS_MS ? onTime + 1 : 0;
		if (onTime >= QUIET_STEPS || after - start >= maxMs) return after - start;
	}
}
