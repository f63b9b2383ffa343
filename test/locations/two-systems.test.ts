/**
 * Several locations end to end on both emulators: orders shipped from each location, a POS sale and
 * a restock to the second location; the catch-up's items are stored and applied in FileMaker per
 * (SKU, location), FileMaker's stock is read per location and synced to Shopify. Both systems end,
 * per location, as Shopify did, and the sync then has nothing to write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IDataObject } from 'n8n-workflow';

import { MULTI_LOCATION_LAYOUTS } from '../emulators/filemaker';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { startEnv, type Env } from '../filemaker/_support';
import { runNode } from '../helpers/n8n-harness';

const START = 20;
const SKUS = ['MUG-RED', 'MUG-BLUE', 'CAP-GREEN'];
let shop: ShopifyEmulator;
let fm: Env;
const creds = () => {
	const c = fm.creds;
	c.set('shopifyInventoryApi', { shop: shop.url, authentication: 'accessToken', accessToken: 'shpat_test_token', apiVersion: '2026-10' } as never);
	return c;
};

beforeAll(async () => {
	shop = await startShopifyEmulator();
	fm = await startEnv({ layouts: MULTI_LOCATION_LAYOUTS });
});
afterAll(async () => {
	await shop?.close();
	await fm?.close();
});

function mapping() {
	return {
		mapping: [
			{ fileMakerValue: 'WH', shopifyLocation: { __rl: true, mode: 'id', value: shop.location('Warehouse').id } },
			{ fileMakerValue: 'SHOP', shopifyLocation: { __rl: true, mode: 'id', value: shop.location('Shop').id } },
		],
	};
}

describe('two locations, both systems', () => {
	it('FileMaker and Shopify end per location as Shopify moved, and a sync writes nothing', async () => {
		shop.setOptions({ stockRules: { protectedCustomerDataApproved: true } });
		shop.seed({
			locations: [{ name: 'Warehouse' }, { name: 'Shop' }],
			items: ['Warehouse', 'Shop'].flatMap((locationName) => SKUS.map((sku) => ({ sku, available: START, locationName }))),
		});
		fm.fm.seed('Stock', ['WH', 'SHOP'].flatMap((Location) => SKUS.map((SKU) => ({ SKU, Location, Quantity: START }))));
		const since = new Date(shop.clock.now() - 2000).toISOString();

		const fromWarehouse = await shop.placeOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 3 }, { sku: 'CAP-GREEN', quantity: 2 }], locationId: shop.location('Warehouse').id, online: true, deliver: false });
		const fromShop = await shop.placeOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 1 }], locationId: shop.location('Shop').id, online: true, deliver: false });
		await shop.placeOrder({ lineItems: [{ sku: 'MUG-BLUE', quantity: 4 }], locationId: shop.location('Shop').id, deliver: false });
		await shop.fulfilOrder(fromWarehouse.orderId, { deliver: false });
		await shop.fulfilOrder(fromShop.orderId, { deliver: false });
		await shop.refundOrderEvent(fromWarehouse.orderId, {
			lines: [{ lineItemId: fromWarehouse.lineItemIds[1], quantity: 2, restockType: 'return', locationId: shop.location('Shop').id }],
			deliver: false,
		});

		const catchUp = await runNode({
			type: 'shopifyInventory',
			parameters: { resource: 'order', operation: 'getMany', updatedSince: since, output: 'stockChanges', options: { locations: mapping() } },
			credentials: creds(),
		});
		expect(catchUp.error).toBeUndefined();
		const changes = catchUp.items.map((i) => i.json).filter((c) => c.skipped !== true);
		expect(changes.every((c) => c.location === 'WH' || c.location === 'SHOP')).toBe(true);

		const stored = await fm.run(
			{ resource: 'event', operation: 'store', sku: '={{ $json.sku }}', change: '={{ $json.quantity }}', idempotencyKey: '={{ $json.idempotencyKey }}', options: { locationField: 'Location' } },
			changes as IDataObject[],
		);
		expect(stored.error).toBeUndefined();
		expect(fm.json(stored).every((s) => s.status === 'stored')).toBe(true);
		const applied = await fm.run({ resource: 'event', operation: 'applyPending', options: { scope: 'all', locationField: 'Location' } });
		expect(applied.error).toBeUndefined();

		const fileMaker: Record<string, Record<string, unknown>> = { WH: {}, SHOP: {} };
		for (const r of fm.fm.records('Stock')) fileMaker[String(r.fieldData.Location)][String(r.fieldData.SKU)] = r.fieldData.Quantity;
		const shopify: Record<string, Record<string, unknown>> = { WH: {}, SHOP: {} };
		for (const [value, name] of [['WH', 'Warehouse'], ['SHOP', 'Shop']]) {
			for (const [sku, level] of shop.levels(shop.location(name).id)) shopify[value][sku] = level.available;
		}
		expect(shopify).toEqual({
			WH: { 'MUG-RED': 17, 'MUG-BLUE': 20, 'CAP-GREEN': 18 },
			SHOP: { 'MUG-RED': 19, 'MUG-BLUE': 16, 'CAP-GREEN': 22 },
		});
		expect(fileMaker).toEqual(shopify);

		// FileMaker → Shopify: the rows of both locations compare equal; nothing is written.
		const rows = await fm.run({ resource: 'stock', operation: 'getMany', options: { locationField: 'Location', subtractPendingSales: true } });
		const sync = await runNode({
			type: 'shopifyInventory',
			parameters: { resource: 'inventory', operation: 'sync', locations: mapping(), locationField: 'location' },
			input: rows.items.map((i) => i.json),
			credentials: creds(),
		});
		expect(sync.error).toBeUndefined();
		expect(sync.items[0].json).toMatchObject({ compared: 6, unchanged: 6, updated: 0, writeCalls: 0, unmappedLocations: 0 });

		// A delivery of 5 red mugs to the shop in FileMaker: the next sync writes that one row, at the shop.
		const delivered = await fm.run({ resource: 'stock', operation: 'adjust', sku: 'MUG-RED', delta: 5, idempotencyKey: 'delivery:1', options: { locationField: 'Location', location: 'SHOP' } });
		expect(delivered.error).toBeUndefined();
		const rowsAfter = await fm.run({ resource: 'stock', operation: 'getMany', options: { locationField: 'Location', subtractPendingSales: true } });
		const resync = await runNode({
			type: 'shopifyInventory',
			parameters: { resource: 'inventory', operation: 'sync', locations: mapping(), locationField: 'location' },
			input: rowsAfter.items.map((i) => i.json),
			credentials: creds(),
		});
		expect(resync.items[0].json).toMatchObject({ updated: 1, writeCalls: 1 });
		expect(shop.levels(shop.location('Shop').id).get('MUG-RED')?.available).toBe(24);
		expect(shop.levels(shop.location('Warehouse').id).get('MUG-RED')?.available).toBe(17);
	});
});
