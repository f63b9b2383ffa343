/**
 * Inventory → Start Read for Sync, then Inventory → Sync with "Read Started Earlier": Shopify's bulk read
 * runs while the workflow reads FileMaker, and Sync collects it. No phantom units: a sale after the read
 * started is held back (orders read after the levels) and makes the write stale (re-read).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { runNode } from '../helpers/n8n-harness';
import { availableBySku, locationParam, runSync, skus, tokenCredentials } from './helpers';

let emu: ShopifyEmulator;
beforeAll(async () => {
	emu = await startShopifyEmulator();
});
afterAll(async () => emu?.close());
beforeEach(() => {
	emu.reset();
	emu.setOptions({ bulkReadsAt: 'start', stockRules: { protectedCustomerDataApproved: true, unapprovedOrderReads: 'empty' } });
});

const bulkStarts = () => emu.requestLog.filter((l) => l.operationName === 'BulkRunQuery');

async function startRead(location = locationParam(emu)): Promise<string | null> {
	const r = await runNode({
		type: 'shopifyInventory',
		parameters: { resource: 'inventory', operation: 'startRead', location },
		input: [{}],
		credentials: tokenCredentials(emu),
	});
	expect(r.error).toBeUndefined();
	return r.items[0].json.bulkOperationId as string | null;
}

describe('Read Started Earlier', () => {
	it('Sync collects the read (no second bulk operation) and writes what differs', async () => {
		const all = skus(300);
		emu.seed({ items: all.map((sku, i) => ({ sku, available: i % 10 === 0 ? 1 : 5 })) });
		const id = await startRead();
		expect(id).toMatch(/^gid:\/\/shopify\/BulkOperation\//);
		const r = await runSync(emu, tokenCredentials(emu), all.map((sku) => ({ sku, quantity: 5 })), { options: { bulkOperationId: id } });
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ readMode: 'bulk', readStartedEarlier: true, compared: 300, updated: 30, writeCalls: 1 });
		expect(bulkStarts()).toHaveLength(1);
		expect(Object.values(availableBySku(emu)).every((q) => q === 5)).toBe(true);
	});

	it('a sale after the read started is held back and its stale write re-read: never offered again', async () => {
		const all = skus(20);
		emu.seed({ items: all.map((sku) => ({ sku, available: 10 })) });
		const since = new Date(emu.clock.now() - 60_000).toISOString();
		const id = await startRead(); // Shopify's snapshot: 10 everywhere
		await emu.placeOrder({ lineItems: [{ sku: all[3], quantity: 2 }], financialStatus: 'pending', deliver: false }); // 10 → 8
		const fileMaker = all.map((sku) => ({ sku, quantity: 10 })); // FileMaker does not have the sale yet
		const r = await runSync(emu, tokenCredentials(emu), fileMaker, { options: { bulkOperationId: id, holdBackOrdersSince: since } });
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ heldBackUnits: 2, failed: 0 });
		expect(emu.levels().get(all[3])).toMatchObject({ available: 8, committed: 2 });
		for (const sku of all.filter((_, i) => i !== 3)) expect(emu.levels().get(sku)!.available).toBe(10);
	});

	it('a read of another location is not used: Sync reads the levels itself', async () => {
		emu.seed({ locations: [{ name: 'Main' }, { name: 'Outlet' }], items: skus(10).map((sku) => ({ sku, available: 2 })) });
		const other = await startRead({ __rl: true, mode: 'id', value: emu.location('Outlet').id });
		const r = await runSync(emu, tokenCredentials(emu), skus(10).map((sku) => ({ sku, quantity: 4 })), {
			location: { __rl: true, mode: 'id', value: emu.location('Main').id },
			options: { bulkOperationId: other, readMode: 'bulk' },
		});
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ updated: 10, readStartedEarlier: false });
		expect(bulkStarts()).toHaveLength(2);
		for (const [, level] of emu.levels(emu.location('Main').id)) expect(level.available).toBe(4);
	});
});
