/**
 * Inventory → Sync on the Shopify emulator, run through n8n's WorkflowExecute (test harness).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { availableBySku, mutationsOf, runSync, skus, tokenCredentials } from './helpers';

let emu: ShopifyEmulator;
beforeAll(async () => {
	emu = await startShopifyEmulator();
});
afterAll(async () => emu?.close());
beforeEach(() => emu.reset());

describe('10,000 SKUs, 5 % changed', () => {
	it('writes exactly ⌈500 / 250⌉ = 2 mutations and Shopify ends equal to the input', async () => {
		const all = skus(10_000);
		emu.seed({ items: all.map((sku, i) => ({ sku, available: i % 50 })) });
		const input = all.map((sku, i) => ({ sku, quantity: i % 20 === 0 ? (i % 50) + 3 : i % 50 }));
		const r = await runSync(emu, tokenCredentials(emu), input, { options: { readMode: 'bulk' } });
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({
			compared: 10_000,
			unchanged: 9_500,
			updated: 500,
			failed: 0,
			missingInShopify: 0,
			missingInFileMaker: 0,
			duplicateSkus: 0,
			invalidQuantities: 0,
			dryRun: false,
			readMode: 'bulk',
			writeCalls: 2,
		});
		const writes = mutationsOf(emu);
		expect(writes.length).toBe(Math.ceil(500 / 250));
		expect(writes.map((w) => w.rows)).toEqual([250, 250]);
		expect(new Set(writes.map((w) => w.idempotencyKey)).size).toBe(2);
		const state = availableBySku(emu);
		for (const row of input) expect(state[row.sku]).toBe(row.quantity);
		// Measured facts for the report.
		console.log(
			`10k sync: apiCalls=${String(r.summary.apiCalls)} costUsed=${String(r.summary.costUsed)} durationMs=${String(r.summary.durationMs)} requests=${emu.requestLog.length}`,
		);
		expect(r.summary.apiCalls).toBeLessThanOrEqual(10);
		// The summary is paired with every input item.
		expect((r.items[0].pairedItem as unknown[]).length).toBe(10_000);
	});
});

describe('a sale between the read and the write', () => {
	it('comes back stale, is re-read, FileMaker’s value is set and the sale stays committed', async () => {
		emu.seed({ items: skus(20).map((sku) => ({ sku, available: 10 })) });
		const input = skus(20).map((sku, i) => ({ sku, quantity: i < 5 ? 7 : 10 }));
		const target = skus(20)[3];
		let sold = false;
		emu.injectFault({
			when: (req) => {
				if (!sold && req.operationName === 'InventorySetQuantities') {
					sold = true;
					emu.sell(target, 2); // available 10 → 8, committed 0 → 2, on_hand stays 10
				}
				return false;
			},
			times: 1,
			status: 500,
		});
		const r = await runSync(emu, tokenCredentials(emu), input, { output: 'summaryAndDetails' });
		expect(r.error).toBeUndefined();
		expect(sold).toBe(true);
		expect(r.summary).toMatchObject({ updated: 5, failed: 0, unchanged: 15, staleRetries: 1 });
		// 1st write rejected as a whole (stale row) → the 4 other rows again with a new key → the re-read row.
		const writes = mutationsOf(emu);
		expect(writes.map((w) => w.rows)).toEqual([5, 4, 1]);
		expect(new Set(writes.map((w) => w.idempotencyKey)).size).toBe(3);
		const level = emu.levels().get(target)!;
		expect(level.available).toBe(7); // FileMaker's quantity
		expect(level.committed).toBe(2); // the sale is still there
		expect(level.on_hand).toBe(level.available + level.committed);
		const detail = r.details.find((d) => d.sku === target)!;
		expect(detail).toMatchObject({ status: 'updated', from: 8, to: 7 });
		expect(String(detail.message)).toMatch(/changed from 10 to 8 during the sync/);
		for (const sku of skus(20).slice(0, 5)) expect(emu.levels().get(sku)!.available).toBe(7);
	});
});

describe('many rows stale at once', () => {
	it('re-reads the location the way the first read went: Automatic counts variants only once', async () => {
		emu.seed({ items: skus(100).map((sku) => ({ sku, available: 10 })) });
		let sold = false;
		emu.injectFault({
			when: (req) => {
				if (!sold && req.operationName === 'InventorySetQuantities') {
					sold = true;
					for (const sku of skus(30)) emu.sell(sku, 1); // more rows than are looked up one by one
				}
				return false;
			},
			times: 1,
			status: 500,
		});
		const r = await runSync(emu, tokenCredentials(emu), skus(100).map((sku) => ({ sku, quantity: 5 })));
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ updated: 100, failed: 0, staleRetries: 30 });
		expect(emu.requestLog.map((l) => l.operationName)).toEqual([
			'VariantsCount',
			'LocationLevelsPage',
			'InventorySetQuantities', // rejected: 30 rows stale
			'InventorySetQuantities', // the other 70
			'LocationLevelsPage', // the re-read, without a second count
			'InventorySetQuantities', // the 30 with their fresh changeFromQuantity
		]);
		for (const sku of skus(100)) expect(emu.levels().get(sku)!.available).toBe(5);
	});
});

describe('idempotency keys across executions', () => {
	it('an identical write in a later execution is applied again (new key), not replayed from the first', async () => {
		emu.seed({ items: [{ sku: 'SAME', available: 5 }] });
		const creds = tokenCredentials(emu);
		const first = await runSync(emu, creds, [{ sku: 'SAME', quantity: 7 }]);
		expect(first.summary.updated).toBe(1);
		emu.sell('SAME', 2); // available back to 5: the next sync writes exactly the same row (5 → 7)
		const second = await runSync(emu, creds, [{ sku: 'SAME', quantity: 7 }]);
		expect(second.summary.updated).toBe(1);
		expect(emu.levels().get('SAME')!.available).toBe(7);
		const keys = mutationsOf(emu).map((w) => w.idempotencyKey);
		expect(keys.length).toBe(2);
		expect(keys[0]).not.toBe(keys[1]);
	});
});

describe('dry run', () => {
	it('changes nothing and reports exactly the diff a real run then applies', async () => {
		emu.seed({ items: skus(120).map((sku, i) => ({ sku, available: i % 7 })) });
		const input = skus(120).map((sku, i) => ({ sku, quantity: i % 3 === 0 ? i % 5 : i % 7 }));
		const before = availableBySku(emu);
		const dry = await runSync(emu, tokenCredentials(emu), input, { dryRun: true, output: 'summaryAndDetails' });
		expect(dry.error).toBeUndefined();
		expect(dry.summary.dryRun).toBe(true);
		expect(emu.requestLog.filter((l) => l.kind === 'mutation')).toEqual([]);
		expect(availableBySku(emu)).toEqual(before);
		const planned = dry.details.filter((d) => d.status === 'wouldUpdate').map((d) => [d.sku, d.from, d.to]);
		expect(planned.length).toBe(dry.summary.updated);
		expect(planned.length).toBeGreaterThan(0);

		const real = await runSync(emu, tokenCredentials(emu), input, { output: 'summaryAndDetails' });
		expect(real.error).toBeUndefined();
		const applied = real.details.filter((d) => d.status === 'updated').map((d) => [d.sku, d.from, d.to]);
		expect(applied).toEqual(planned);
		expect(real.summary.updated).toBe(dry.summary.updated);
		for (const row of input) expect(availableBySku(emu)[row.sku]).toBe(row.quantity);
	});
});

describe('every supported Admin API version', () => {
	it.each([['2026-01'], ['2026-04'], ['2026-07'], ['2026-10']])('%s runs a sync', async (apiVersion) => {
		emu.seed({ items: skus(40).map((sku) => ({ sku, available: 1 })) });
		const input = skus(40).map((sku, i) => ({ sku, quantity: i % 4 === 0 ? 9 : 1 }));
		const r = await runSync(emu, tokenCredentials(emu, { apiVersion }), input);
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ updated: 10, failed: 0, apiVersion });
		expect(emu.requestLog.every((l) => l.path === `/admin/api/${apiVersion}/graphql.json`)).toBe(true);
		const writes = mutationsOf(emu);
		expect(writes.length).toBe(1);
		expect(writes[0].idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
		for (const row of input) expect(availableBySku(emu)[row.sku]).toBe(row.quantity);
	});
});

describe('problems in the input and in Shopify', () => {
	it('are counted, reported per item with pairedItem, and the rest is synced', async () => {
		emu.seed({ items: [...skus(5).map((sku) => ({ sku, available: 1 })), { sku: 'ONLY-IN-SHOPIFY', available: 4 }] });
		const [a, b, c, d, e] = skus(5);
		const input = [
			{ sku: a, quantity: 2 }, // 0 change
			{ sku: b, quantity: 1 }, // 1 unchanged
			{ sku: c, quantity: -1 }, // 2 invalid
			{ sku: d, quantity: 3 }, // 3 duplicate
			{ sku: d, quantity: 4 }, // 4 duplicate
			{ sku: '', quantity: 4 }, // 5 empty SKU
			{ error: 'FileMaker record locked', sku: e }, // 6 error item
			{ sku: 'NOT-IN-SHOPIFY', quantity: 1 }, // 7 missing in Shopify
			{ sku: e, quantity: '1.5' }, // 8 invalid (fraction)
		];
		const r = await runSync(emu, tokenCredentials(emu), input, { output: 'summaryAndDetails' });
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({
			compared: 2,
			updated: 1,
			unchanged: 1,
			failed: 0,
			missingInShopify: 1,
			missingInFileMaker: 1,
			duplicateSkus: 1,
			invalidQuantities: 4,
			inputErrors: 1,
			emptySkus: 1,
		});
		const byStatus = (s: string) => r.items.filter((i) => i.json.status === s);
		expect(byStatus('updated').map((i) => [i.json.sku, i.pairedItem])).toEqual([[a, { item: 0 }]]);
		expect(byStatus('invalidQuantity').map((i) => i.pairedItem)).toEqual([{ item: 2 }, { item: 8 }]);
		expect(byStatus('duplicateSku').map((i) => i.pairedItem)).toEqual([[{ item: 3 }, { item: 4 }], [{ item: 3 }, { item: 4 }]]);
		expect(byStatus('emptySku').map((i) => i.pairedItem)).toEqual([{ item: 5 }]);
		expect(byStatus('inputError').map((i) => i.pairedItem)).toEqual([{ item: 6 }]);
		expect(byStatus('missingInShopify').map((i) => [i.json.sku, i.pairedItem])).toEqual([['NOT-IN-SHOPIFY', { item: 7 }]]);
		expect(byStatus('missingInFileMaker').map((i) => i.json.sku)).toEqual(['ONLY-IN-SHOPIFY']);
		for (const item of r.items) expect(item.pairedItem).toBeDefined();
		expect(emu.levels().get(d)!.available).toBe(1); // duplicates are never written
		expect(emu.levels().get(c)!.available).toBe(1);
		expect(emu.levels().get(a)!.available).toBe(2);
	});

	it('Only SKU reads and writes just that SKU', async () => {
		emu.seed({ items: skus(50).map((sku) => ({ sku, available: 1 })) });
		const input = skus(50).map((sku) => ({ sku, quantity: 5 }));
		const only = skus(50)[17];
		const r = await runSync(emu, tokenCredentials(emu), input, { onlySku: only });
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ compared: 1, updated: 1, missingInFileMaker: 0, readMode: 'bySku' });
		expect(emu.requestLog.map((l) => l.operationName)).toEqual(['InventoryItemsBySku', 'InventorySetQuantities']);
		expect(emu.levels().get(only)!.available).toBe(5);
		expect(emu.levels().get(skus(50)[16])!.available).toBe(1);
	});

	it('a row Shopify rejects is reported with its SKU and the rest of the batch is written', async () => {
		emu.seed({ items: skus(10).map((sku) => ({ sku, available: 1 })) });
		const input = skus(10).map((sku, i) => ({ sku, quantity: i === 4 ? 1_000_000_000 : 2 }));
		// FileMaker allows 1e9; make Shopify refuse that row (as if its item were not mutable).
		emu.injectFault({
			when: (req) => req.operationName === 'InventorySetQuantities' && req.body.includes('1000000000'),
			times: 1,
			status: 200,
			body: JSON.stringify({
				data: {
					inventorySetQuantities: {
						inventoryAdjustmentGroup: null,
						userErrors: [
							{ field: ['input', 'quantities', '4', 'quantity'], message: 'The item cannot be changed.', code: 'NON_MUTABLE_INVENTORY_ITEM' },
						],
					},
				},
			}),
		});
		const r = await runSync(emu, tokenCredentials(emu), input, { output: 'summaryAndDetails' });
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ updated: 9, failed: 1 });
		expect(r.summary).toMatchObject({ bundleParents: 1, needsAttention: 0, retryable: 0 });
		const failed = r.details.find((d) => d.status === 'bundleParent')!;
		expect(failed.sku).toBe(skus(10)[4]);
		expect(String(failed.message)).toMatch(/cannot be changed.*NON_MUTABLE_INVENTORY_ITEM/);
		const writes = mutationsOf(emu);
		expect(writes.length).toBe(2); // the first answer is the injected one (no rows logged), then 9 rows
		expect(writes[1].rows).toBe(9);
		expect(writes[0].idempotencyKey).not.toBe(writes[1].idempotencyKey);
		expect(emu.levels().get(skus(10)[4])!.available).toBe(1);
		expect(emu.levels().get(skus(10)[5])!.available).toBe(2);
	});
});
