/**
 * Stop in the editor while a node waits: the wait ends at once, the execution ends as cancelled, and
 * the node starts no request after the Stop. The Stop is placed by the emulator's hooks inside a long
 * wait (a 30-second Retry-After while a bulk operation is polled); pass/fail is decided by behaviour
 * (status, requests started), never by how long something took.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startShopifyEmulator, type EmulatorRequestInfo, type ShopifyEmulator } from '../emulators/shopify';
import { runNode, type RunningExecution } from '../helpers/n8n-harness';
import { locationParam, skus, tokenCredentials } from '../shopify/helpers';

let emu: ShopifyEmulator;
beforeAll(async () => {
	emu = await startShopifyEmulator();
});
afterAll(async () => emu?.close());
beforeEach(() => {
	emu.reset();
	// A bulk operation that takes an emulated hour: the node keeps polling until stopped.
	emu.setOptions({ bulkDurationMs: 60 * 60 * 1000 });
	emu.seed({ locations: [{ name: 'Main' }], items: skus(20).map((sku, i) => ({ sku, available: i, locationName: 'Main' })) });
});

const isBulkStatusPoll = (r: { operationName?: string; body: string }) => /BulkOperationStatus/.test(r.body);

describe('Stop during a wait', () => {
	it('Stop while Get Many waits between bulk-operation polls ends the execution as cancelled, with no request after it', async () => {
		let execution: RunningExecution | undefined;
		const credentials = tokenCredentials(emu);
		const started = () => credentials.authenticatedRequests.shopifyInventoryApi ?? 0;
		let startedAtStop = -1;
		let requestsAtStop = -1;
		// The first status poll is answered 429 with Retry-After 30 s: the node waits 30 s before polling again.
		emu.injectFault({ when: isBulkStatusPoll, times: 1, status: 429, retryAfter: 30 });
		// Stop once that answer is on its way, while the node waits (the wait is 30 s long, the Stop comes after 0.1 s).
		emu.onRequest(
			(r: EmulatorRequestInfo) => isBulkStatusPoll(r),
			() => {
				setTimeout(() => {
					startedAtStop = started();
					requestsAtStop = emu.requestLog.length;
					execution!.cancel();
				}, 100);
			},
			{ times: 1, phase: 'answered' },
		);

		const result = await runNode({
			type: 'shopifyInventory',
			parameters: { resource: 'inventory', operation: 'getMany', location: locationParam(emu, 'Main'), options: { readMode: 'bulk' } },
			credentials,
			onExecutionStarted: (running) => (execution = running),
		});

		expect(startedAtStop).toBeGreaterThan(0);
		expect(result.run.status).toBe('canceled');
		expect(result.items).toEqual([]);
		// runNode resolves only once the node's code has returned: had the wait ignored Stop, the node
		// would have polled again (a request started, and one more in the emulator's log) first.
		expect(started()).toBe(startedAtStop);
		expect(emu.requestLog.length).toBe(requestsAtStop);
		expect(emu.requestLog.filter((l) => l.status === 429)).toHaveLength(1);
	}, 60_000);
});
