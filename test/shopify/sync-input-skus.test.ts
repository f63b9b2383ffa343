/**
 * Inventory → Sync with "Only SKUs in the Input" (the incremental sync): Shopify is read only for the
 * input's SKUs, with batched exact SKU searches (transport readLevelsBySkuSearch). Shopify's search is
 * loose, so near-miss SKUs come back too: they are never compared or written, and a search is paged
 * while more can match. Hold-back and SKUs Not to Write keep working. In-process n8n (WorkflowExecute).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { skusSearchQuery, SKUS_PER_SEARCH, skuSearchBatches } from '../../nodes/ShopifyInventory/transport/inventory';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { availableBySku, mutationsOf, runSync, skus, tokenCredentials } from './helpers';

let emu: ShopifyEmulator;
beforeAll(async () => {
	emu = await startShopifyEmulator();
});
afterAll(async () => emu?.close());
beforeEach(() => {
	emu.reset();
	emu.setOptions({ stockRules: { protectedCustomerDataApproved: true, unapprovedOrderReads: 'empty' } });
});

const searchesOf = () => emu.requestLog.filter((l) => l.operationName === 'InventoryItemsBySkusPage');
const wholeLocationReads = () =>
	emu.requestLog.filter((l) => l.operationName === 'LocationLevelsPage' || l.operationName === 'BulkRunQuery');

describe('search batches (pure)', () => {
	it('puts 50 distinct SKUs in each search, quoted and OR-ed', () => {
		const batches = skuSearchBatches([...skus(120), 'SKU-00000']);
		expect(batches.map((b) => b.length)).toEqual([SKUS_PER_SEARCH, SKUS_PER_SEARCH, 20]);
		expect(skusSearchQuery(['A 1', 'B"2'])).toBe('sku:"A 1" OR sku:"B\\"2"');
	});
});

describe('Only SKUs in the Input', () => {
	it('reads only the input SKUs (⌈k/50⌉ searches, no read of the location) and writes what differs', async () => {
		const all = skus(1000);
		emu.seed({ items: all.map((sku) => ({ sku, available: 5 })) });
		const changed = all.filter((_, i) => i % 8 === 0).slice(0, 120); // 120 SKUs modified in FileMaker
		const input = changed.map((sku, i) => ({ sku, quantity: i % 3 === 0 ? 9 : 5 }));
		const r = await runSync(emu, tokenCredentials(emu), input, { options: { onlyInputSkus: true } });
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({
			readMode: 'inputSkus',
			onlyInputSkus: true,
			compared: 120,
			updated: 40,
			unchanged: 80,
			missingInShopify: 0,
			missingInFileMaker: 0,
			writeCalls: 1,
		});
		expect(searchesOf().length).toBe(Math.ceil(120 / 50));
		expect(wholeLocationReads()).toEqual([]);
		const state = availableBySku(emu);
		for (const row of input) expect(state[row.sku]).toBe(row.quantity);
		// Every SKU not in the input is untouched.
		expect(all.filter((sku) => !changed.includes(sku) && state[sku] !== 5)).toEqual([]);
	});

	it('keeps exact matches only, pages past a first page of near misses, and never writes a near miss', async () => {
		const wanted = skus(50, 'AB-');
		// Near misses first (lower ids: Shopify returns them first): same SKU in lower case.
		emu.seed({
			items: [
				...wanted.map((sku) => ({ sku: sku.toLowerCase(), available: 3 })),
				...wanted.map((sku) => ({ sku, available: 3 })),
			],
		});
		const input = wanted.map((sku) => ({ sku, quantity: 8 }));
		const r = await runSync(emu, tokenCredentials(emu), input, { options: { onlyInputSkus: true } });
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ compared: 50, updated: 50, missingInShopify: 0, duplicateSkus: 0 });
		// 100 items match the 50-SKU search: two pages of 50, the exact ones all on the second.
		expect(searchesOf().length).toBe(2);
		const state = availableBySku(emu);
		for (const sku of wanted) {
			expect(state[sku]).toBe(8);
			expect(state[sku.toLowerCase()]).toBe(3);
		}
	});

	it('a SKU Shopify does not have is reported missing; hold-back and SKUs Not to Write still apply', async () => {
		const all = skus(30);
		emu.seed({ items: all.map((sku) => ({ sku, available: 10 })) });
		const since = new Date(emu.clock.now() - 60_000).toISOString();
		await emu.placeOrder({ lineItems: [{ sku: all[2], quantity: 3 }], deliver: false }); // available 10 → 7
		const input = [
			{ sku: all[2], quantity: 12 }, // a delivery of 2 reached FileMaker; the order has not
			{ sku: all[4], quantity: 6 },
			{ sku: all[5], quantity: 1 },
			{ sku: 'NOT-IN-SHOPIFY', quantity: 4 },
		];
		const r = await runSync(emu, tokenCredentials(emu), input, {
			output: 'summaryAndDetails',
			options: { onlyInputSkus: true, holdBackOrdersSince: since, skipSkus: all[5] },
		});
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ updated: 2, heldBack: 1, heldBackUnits: 3, missingInShopify: 1, missingInFileMaker: 0 });
		const state = availableBySku(emu);
		expect(state[all[2]]).toBe(9); // 12 − 3 held back: the sold units are not offered again
		expect(state[all[4]]).toBe(6);
		expect(state[all[5]]).toBe(10); // not written
		expect(r.details).toEqual(expect.arrayContaining([expect.objectContaining({ sku: 'NOT-IN-SHOPIFY', status: 'missingInShopify' })]));
	});

	it('more SKUs than the bucket can search for: one bulk read of the location, only the input SKUs kept', async () => {
		const all = skus(3000);
		emu.seed({ items: all.map((sku) => ({ sku, available: 1 })) });
		const input = all.slice(0, 2500).map((sku, i) => ({ sku, quantity: i % 10 === 0 ? 4 : 1 }));
		const r = await runSync(emu, tokenCredentials(emu), input, { options: { onlyInputSkus: true } });
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ readMode: 'inputSkus:bulk', compared: 2500, updated: 250, missingInFileMaker: 0, writeCalls: 1 });
		expect(searchesOf()).toEqual([]);
		expect(mutationsOf(emu).length).toBe(1);
		const state = availableBySku(emu);
		for (const row of input) expect(state[row.sku]).toBe(row.quantity);
	});
});
