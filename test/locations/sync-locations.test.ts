/**
 * Inventory → Sync over several locations (option Locations): one pass, rows of every location written
 * together (250 rows a call), hold-back per location; no mapping = the single-location path.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { availableBySku, mutationsOf, runSync, skus, tokenCredentials } from '../shopify/helpers';

let emu: ShopifyEmulator;
beforeAll(async () => {
	emu = await startShopifyEmulator();
});
afterAll(async () => emu?.close());
beforeEach(() => emu.reset());

const LOCATIONS = [{ name: 'Warehouse' }, { name: 'Shop' }];

function mapping() {
	return {
		mapping: [
			{ fileMakerValue: 'WH', shopifyLocation: { __rl: true, mode: 'id', value: emu.location('Warehouse').id } },
			{ fileMakerValue: 'SHOP', shopifyLocation: { __rl: true, mode: 'list', value: emu.location('Shop').id, cachedResultName: 'Shop' } },
		],
	};
}

describe('Sync: 10,000 SKUs × 2 locations', () => {
	it('writes ⌈changed rows / 250⌉ mutations, rows of both locations in the same calls, and both locations end as FileMaker', async () => {
		const all = skus(10_000);
		emu.seed({
			locations: LOCATIONS,
			items: [
				...all.map((sku, i) => ({ sku, available: i % 40, locationName: 'Warehouse' })),
				...all.map((sku, i) => ({ sku, available: i % 30, locationName: 'Shop' })),
			],
		});
		// 1 in 25 rows changed at the warehouse (400), 1 in 40 at the shop (250): 650 changed rows.
		const input = [
			...all.map((sku, i) => ({ sku, Location: 'WH', quantity: i % 25 === 0 ? (i % 40) + 5 : i % 40 })),
			...all.map((sku, i) => ({ sku, Location: 'SHOP', quantity: i % 40 === 1 ? (i % 30) + 2 : i % 30 })),
		];
		const changed = 400 + 250;
		const r = await runSync(emu, tokenCredentials(emu), input, {
			locations: mapping(),
			locationField: 'Location',
			options: { readMode: 'bulk' },
		});
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ compared: 20_000, updated: changed, unchanged: 20_000 - changed, failed: 0, writeCalls: Math.ceil(changed / 250) });
		const writes = mutationsOf(emu);
		expect(writes.length).toBe(Math.ceil(changed / 250));
		expect(writes.map((w) => w.rows)).toEqual([250, 250, 150]);
		// Per-location batches would be [250, 150, 250]: the second call holds rows of both locations.
		const warehouse = availableBySku(emu, emu.location('Warehouse').id);
		const shop = availableBySku(emu, emu.location('Shop').id);
		for (const row of input) expect((row.Location === 'WH' ? warehouse : shop)[row.sku]).toBe(row.quantity);
		const perLocation = r.summary.locations as Array<Record<string, unknown>>;
		expect(perLocation.map((l) => [l.location, l.updated, l.compared])).toEqual([
			['WH', 400, 10_000],
			['SHOP', 250, 10_000],
		]);
	});
});

describe('Sync over two locations: hold-back, unmapped rows, no mapping', () => {
	beforeEach(() => {
		emu.seed({
			locations: LOCATIONS,
			items: [
				{ sku: 'A', available: 10, locationName: 'Warehouse' },
				{ sku: 'B', available: 10, locationName: 'Warehouse' },
				{ sku: 'A', available: 4, locationName: 'Shop' },
				{ sku: 'B', available: 4, locationName: 'Shop' },
			],
		});
	});

	it('holds back an order only at the location that sold it', async () => {
		const since = new Date(emu.clock.now() - 1000).toISOString();
		// A POS sale at the shop, which FileMaker has not applied yet.
		await emu.placeOrder({ lineItems: [{ sku: 'A', quantity: 2 }], locationId: emu.location('Shop').id, deliver: false });
		const input = [
			{ sku: 'A', location: 'WH', quantity: 12 },
			{ sku: 'B', location: 'WH', quantity: 10 },
			{ sku: 'A', location: 'SHOP', quantity: 4 },
			{ sku: 'B', location: 'SHOP', quantity: 6 },
		];
		const r = await runSync(emu, tokenCredentials(emu), input, {
			locations: mapping(),
			output: 'summaryAndDetails',
			options: { holdBackOrdersSince: since },
		});
		expect(r.error).toBeUndefined();
		expect(availableBySku(emu, emu.location('Warehouse').id)).toEqual({ A: 12, B: 10 });
		// Shop: A = 4 − 2 held back (the sale is not in FileMaker yet) = 2, as Shopify already shows.
		expect(availableBySku(emu, emu.location('Shop').id)).toEqual({ A: 2, B: 6 });
		expect(r.summary).toMatchObject({ updated: 2, heldBackUnits: 2, heldBackSkus: 1, writeCalls: 1 });
		const shopA = r.details.find((d) => d.sku === 'A' && d.location === 'SHOP');
		expect(shopA).toMatchObject({ status: 'unchanged', fileMakerQuantity: 4, heldBackUnits: 2, locationId: emu.location('Shop').id });
	});

	it('holds an online order back only at the location Shopify assigned to fulfil it', async () => {
		const since = new Date(emu.clock.now() - 1000).toISOString();
		// Shipped from the warehouse, not in FileMaker yet.
		await emu.placeOrder({ lineItems: [{ sku: 'B', quantity: 3 }], locationId: emu.location('Warehouse').id, online: true, deliver: false });
		const input = [
			{ sku: 'A', location: 'WH', quantity: 10 },
			{ sku: 'B', location: 'WH', quantity: 10 },
			{ sku: 'A', location: 'SHOP', quantity: 4 },
			{ sku: 'B', location: 'SHOP', quantity: 4 },
		];
		const r = await runSync(emu, tokenCredentials(emu), input, { locations: mapping(), options: { holdBackOrdersSince: since } });
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ heldBackUnits: 3, heldBackSkus: 1, updated: 0, writeCalls: 0 });
		expect(availableBySku(emu, emu.location('Warehouse').id)).toEqual({ A: 10, B: 7 });
		expect(availableBySku(emu, emu.location('Shop').id)).toEqual({ A: 4, B: 4 });
	});

	it('reports rows of a location not in the mapping and writes the others', async () => {
		const input = [
			{ sku: 'A', location: 'WH', quantity: 7 },
			{ sku: 'A', location: 'Cellar', quantity: 1 },
			{ sku: 'B', quantity: 1 },
		];
		const r = await runSync(emu, tokenCredentials(emu), input, {
			locations: mapping(),
			output: 'summaryAndDetails',
			options: { reportMissingInFileMaker: false },
		});
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ updated: 1, unmappedLocations: 2, needsAttention: 2 });
		expect(r.details.filter((d) => d.status === 'unmappedLocation').map((d) => d.location)).toEqual(['Cellar', null]);
		expect(availableBySku(emu, emu.location('Warehouse').id)).toEqual({ A: 7, B: 10 });
		expect(availableBySku(emu, emu.location('Shop').id)).toEqual({ A: 4, B: 4 });
	});

	it('Only SKUs in the Input reads only those SKUs at each location (exact SKU searches)', async () => {
		const input = [
			{ sku: 'A', location: 'WH', quantity: 1 },
			{ sku: 'B', location: 'SHOP', quantity: 2 },
		];
		const r = await runSync(emu, tokenCredentials(emu), input, { locations: mapping(), options: { onlyInputSkus: true } });
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ compared: 2, updated: 2, missingInFileMaker: 0, writeCalls: 1, readMode: 'bySku' });
		expect(availableBySku(emu, emu.location('Warehouse').id)).toEqual({ A: 1, B: 10 });
		expect(availableBySku(emu, emu.location('Shop').id)).toEqual({ A: 4, B: 2 });
		expect(emu.requestLog.some((l) => l.operationName?.toLowerCase().includes('bulk'))).toBe(false);
	});

	it('refuses a Shopify location mapped twice before any call', async () => {
		const twice = {
			mapping: [
				{ fileMakerValue: 'WH', shopifyLocation: { __rl: true, mode: 'id', value: emu.location('Shop').id } },
				{ fileMakerValue: 'SHOP', shopifyLocation: { __rl: true, mode: 'id', value: emu.location('Shop').id } },
			],
		};
		const r = await runSync(emu, tokenCredentials(emu), [{ sku: 'A', location: 'WH', quantity: 1 }], { locations: twice });
		expect(String(r.error?.message)).toContain('mapped to both "WH" and "SHOP"');
		expect(mutationsOf(emu)).toEqual([]);
	});

	it('without a mapping writes the Location parameter only, as before', async () => {
		const input = [
			{ sku: 'A', quantity: 3 },
			{ sku: 'B', quantity: 10 },
		];
		const r = await runSync(emu, tokenCredentials(emu), input, {
			location: { __rl: true, mode: 'id', value: emu.location('Shop').id },
		});
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ locationId: emu.location('Shop').id, updated: 2, writeCalls: 1 });
		expect(availableBySku(emu, emu.location('Shop').id)).toEqual({ A: 3, B: 10 });
		expect(availableBySku(emu, emu.location('Warehouse').id)).toEqual({ A: 10, B: 10 });
	});
});
