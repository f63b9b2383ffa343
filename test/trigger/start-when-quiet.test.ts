/**
 * waitForQuiet: after answering, the storing trigger starts the workflow once this n8n process is no
 * longer busy (timers ending on time), or after the cap. A fake clock stands for a busy or quiet loop.
 */
import { describe, expect, it } from 'vitest';

import { BUSY_LATENESS_MS, MAX_WAIT_FOR_QUIET_MS, QUIET_STEP_MS, QUIET_STEPS, waitForQuiet } from '../../nodes/ShopifyInventoryTrigger/startWhenQuiet';

/** A clock whose sleeps end `lateness(step)` ms late (the event loop's delay at that moment). */
function loop(lateness: (step: number) => number) {
	let now = 0;
	let step = 0;
	return {
		now: () => now,
		sleep: async (ms: number) => {
			now += ms + lateness(step++);
		},
		steps: () => step,
	};
}

describe('waitForQuiet', () => {
	it('a quiet process: the workflow starts after QUIET_STEPS steps', async () => {
		const clock = loop(() => 1);
		expect(await waitForQuiet(clock)).toBe(QUIET_STEPS * (QUIET_STEP_MS + 1));
		expect(clock.steps()).toBe(QUIET_STEPS);
	});

	it('a busy process waits until the steps end on time again, QUIET_STEPS in a row', async () => {
		// busy for 10 steps, one on-time gap in the middle (a burst waiting for FileMaker), then quiet
		const clock = loop((step) => (step < 10 && step !== 4 ? 200 : 2));
		await waitForQuiet(clock);
		expect(clock.steps()).toBe(10 + QUIET_STEPS);
	});

	it('late by less than BUSY_LATENESS_MS counts as on time', async () => {
		const clock = loop(() => BUSY_LATENESS_MS - 1);
		await waitForQuiet(clock);
		expect(clock.steps()).toBe(QUIET_STEPS);
	});

	it('never quiet: gives up after the cap, so the workflow still starts', async () => {
		const clock = loop(() => 500);
		const waited = await waitForQuiet(clock);
		expect(waited).toBeGreaterThanOrEqual(MAX_WAIT_FOR_QUIET_MS);
		expect(waited).toBeLessThan(MAX_WAIT_FOR_QUIET_MS + QUIET_STEP_MS + 500);
	});
});
