/**
 * FileMaker Inventory over several locations (option Location Field): stock records per (SKU,
 * location); Stock Event → Store / Apply Pending key records on SKU and location; Stock → Get Many
 * outputs the location and subtracts pending sales per SKU and location. Without the option: per SKU.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { MULTI_LOCATION_LAYOUTS } from '../emulators/filemaker';
import { startEnv, storeEventParameters, type Env } from '../filemaker/_support';
import { stockKey, stockKeyLabel, stockKeyParts } from '../../nodes/FileMakerInventory/logic/stockKey';

let env: Env;
beforeAll(async () => {
	env = await startEnv({ layouts: MULTI_LOCATION_LAYOUTS });
});
afterAll(async () => env.close());
beforeEach(() => {
	env.fm.reset();
	env.creds.update('fileMakerDataApi', { sessionToken: '' });
	env.fm.seed('Stock', [
		{ SKU: 'A', Location: 'WH', Quantity: 10 },
		{ SKU: 'A', Location: 'SHOP', Quantity: 5 },
		{ SKU: 'B', Location: 'WH', Quantity: 3 },
	]);
});

const options = { locationField: 'Location' };
const store = () => storeEventParameters({ options });
const quantityAt = (sku: string, location: string) =>
	env.fm.records('Stock').find((r) => r.fieldData.SKU === sku && r.fieldData.Location === location)?.fieldData.Quantity;

describe('Stock events per SKU and location', () => {
	it('stores each event with its location and applies it to the record of that location only, once', async () => {
		const stored = await env.run(
			store(),
			[
				{ sku: 'A', location: 'WH', change: -2, key: 'shopify:order:1:line:1:sale' },
				{ sku: 'A', location: 'SHOP', change: 1, key: 'shopify:refund:7:line:1:restock' },
				{ sku: 'A', location: 'WH', change: -2, key: 'shopify:order:1:line:1:sale' },
				{ sku: 'B', location: 'SHOP', change: -1, key: 'shopify:order:2:line:3:sale' },
			],
			{ continueOnFail: true },
		);
		const out = env.json(stored);
		expect(out.slice(0, 3).map((o) => [o.sku, o.location, o.status])).toEqual([
			['A', 'WH', 'stored'],
			['A', 'SHOP', 'stored'],
			['A', 'WH', 'duplicate'],
		]);
		// B has no record at the shop: reported, not stored.
		expect(String(out[3].error)).toContain("SKU 'B' at location 'SHOP'");
		expect(env.fm.records('StockMovements').map((r) => [r.fieldData.SKU, r.fieldData.Location, r.fieldData.Change])).toEqual([
			['A', 'WH', -2],
			['A', 'SHOP', 1],
		]);

		// Get Many before applying: pending sales per SKU and location.
		const before = env.json(await env.run({ resource: 'stock', operation: 'getMany', options: { ...options, subtractPendingSales: true } }));
		expect(before.map((r) => [r.sku, r.location, r.quantity, r.pendingSales])).toEqual([
			['A', 'WH', 8, -2],
			['A', 'SHOP', 5, 0],
			['B', 'WH', 3, 0],
		]);
		expect(before.some((r) => r.duplicateSku === true)).toBe(false);

		const applied = env.json(await env.run({ resource: 'event', operation: 'applyPending', options: { ...options, scope: 'all' } }));
		expect(applied.map((a) => [a.sku, a.location, a.applied, a.quantityAfter]).sort()).toEqual([
			['A', 'SHOP', 1, 6],
			['A', 'WH', 1, 8],
		]);
		expect([quantityAt('A', 'WH'), quantityAt('A', 'SHOP'), quantityAt('B', 'WH')]).toEqual([8, 6, 3]);
		// Again, and for the input items: nothing applied twice.
		await env.run({ resource: 'event', operation: 'applyPending', sku: '={{ $json.sku }}', options }, [
			{ sku: 'A', location: 'WH' },
			{ sku: 'A', location: 'SHOP' },
		]);
		expect([quantityAt('A', 'WH'), quantityAt('A', 'SHOP')]).toEqual([8, 6]);
	});

	it('Adjust and Set change the record of the item\'s location only', async () => {
		const adjusted = env.json(
			await env.run(
				{ resource: 'stock', operation: 'adjust', sku: '={{ $json.sku }}', delta: '={{ $json.delta }}', idempotencyKey: '={{ $json.key }}', options },
				[{ sku: 'A', location: 'SHOP', delta: -2, key: 'count:1' }],
			),
		);
		expect(adjusted[0]).toMatchObject({ sku: 'A', quantityBefore: 5, quantityAfter: 3 });
		await env.run({ resource: 'stock', operation: 'set', sku: 'A', quantity: 20, options: { ...options, location: 'WH' } });
		expect([quantityAt('A', 'WH'), quantityAt('A', 'SHOP')]).toEqual([20, 3]);
		expect(env.fm.records('StockMovements').map((r) => [r.fieldData.Location, r.fieldData.Change])).toEqual([
			['SHOP', -2],
			['WH', 10],
		]);
	});

	it('without Location Field a SKU on two records is a duplicate, as before', async () => {
		const rows = env.json(await env.run({ resource: 'stock', operation: 'getMany', options: { duplicateSkus: 'report' } }));
		expect(rows.filter((r) => r.sku === 'A').every((r) => r.duplicateSku === true)).toBe(true);
		expect(rows.every((r) => !('location' in r))).toBe(true);
	});

	it('Stock → Get reads the SKU at the item\'s location, or at every location when the item names none', async () => {
		env.fm.seed('Stock', [{ SKU: 'C', Location: 'WH', Quantity: 1 }, { SKU: 'C', Location: 'WH', Quantity: 2 }]);
		const get = { resource: 'stock', operation: 'get', sku: '={{ $json.sku }}', options };
		const out = env.json(
			await env.run(get, [{ sku: 'A', location: 'SHOP' }, { sku: 'A' }, { sku: 'B', location: 'SHOP' }, { sku: 'C', location: 'WH' }], { continueOnFail: true }),
		);
		expect(out.slice(0, 3).map((o) => [o.sku, o.location, o.quantity])).toEqual([
			['A', 'SHOP', 5],
			['A', 'WH', 10],
			['A', 'SHOP', 5],
		]);
		expect(String(out[3].error)).toContain("No record with SKU 'B' at location 'SHOP'");
		expect(String(out[4].error)).toContain("2 records in layout 'Stock' have SKU 'C' at location 'WH'");
		// If Not Found → output: the item goes on with found: false.
		const notFound = env.json(await env.run({ ...get, options: { ...options, notFound: 'output' } }, [{ sku: 'B', location: 'SHOP' }]));
		expect(notFound).toEqual([{ sku: 'B', location: 'SHOP', found: false }]);
		// Without a Location Field the same SKU on two records is a duplicate, as before.
		const single = env.json(await env.run({ ...get, options: {} }, [{ sku: 'A' }], { continueOnFail: true }));
		expect(String(single[0].error)).toContain("2 records in layout 'Stock' have SKU 'A'");
	});

	it('an item without a location is refused when a Location Field is set', async () => {
		const r = await env.run(store(), [{ sku: 'A', change: -1, key: 'shopify:order:3:line:4:sale' }], { continueOnFail: true });
		expect(String(env.json(r)[0].error)).toContain('location of item 1 is empty');
		expect(env.fm.records('StockMovements')).toEqual([]);
	});
});

describe('stock keys (pure)', () => {
	it('keep the SKU alone without a location and read back both parts with one', () => {
		expect(stockKey('A')).toBe('A');
		expect(stockKeyParts(stockKey('A', 'WH'))).toEqual({ sku: 'A', location: 'WH' });
		expect(stockKeyParts('A')).toEqual({ sku: 'A' });
		expect(`SKU '${stockKeyLabel(stockKey('A', 'WH'))}'`).toBe("SKU 'A' at location 'WH'");
	});
});
