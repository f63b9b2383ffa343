/**
 * Location → Get Many, Inventory → Get Many / Get / Set / Adjust, per-item errors and Continue On Fail.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { IDataObject } from 'n8n-workflow';

import { ShopifyInventory } from '../../nodes/ShopifyInventory/ShopifyInventory.node';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { runNode } from '../helpers/n8n-harness';
import { locationParam, mutationsOf, runSync, skus, tokenCredentials } from './helpers';

let emu: ShopifyEmulator;
beforeAll(async () => {
	emu = await startShopifyEmulator();
});
afterAll(async () => emu?.close());
beforeEach(() => {
	emu.reset();
	emu.seed({
		locations: [{ name: 'Main' }, { name: 'Warehouse' }],
		items: [
			...skus(30).map((sku, i) => ({ sku, available: i, onHand: i + 2, locationName: 'Main' })),
			{ sku: 'WH-1', available: 5, locationName: 'Warehouse' },
		],
	});
});

async function run(parameters: IDataObject, input: IDataObject[] = [{}], continueOnFail = false) {
	return await runNode({ type: 'shopifyInventory', parameters, input, credentials: tokenCredentials(emu), continueOnFail });
}

describe('node description', () => {
	it('registers the resources and operations', () => {
		const d = new ShopifyInventory().description;
		expect(d.name).toBe('shopifyInventory');
		expect(d.version).toBe(1);
		const resource = d.properties.find((p) => p.name === 'resource')!;
		expect((resource.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['inventory', 'location', 'order']);
		const ops = d.properties.filter((p) => p.name === 'operation');
		expect(ops.map((o) => [o.displayOptions?.show?.resource, (o.options as Array<{ value: string }>).map((x) => x.value)])).toEqual([
			[['inventory'], ['adjust', 'get', 'getMany', 'set', 'startRead', 'sync']],
			[['location'], ['getMany']],
			[['order'], ['getMany']],
		]);
	});
});

describe('Location → Get Many', () => {
	it('lists the locations, with a limit', async () => {
		const all = await run({ resource: 'location', operation: 'getMany' });
		expect(all.error).toBeUndefined();
		expect(all.items.map((i) => i.json.name)).toEqual(expect.arrayContaining(['Main', 'Warehouse']));
		expect(all.items[0].json.id).toMatch(/^gid:\/\/shopify\/Location\/\d+$/);
		const one = await run({ resource: 'location', operation: 'getMany', returnAll: false, limit: 1 });
		expect(one.items.length).toBe(1);
	});
});

describe('Inventory → Get Many', () => {
	it('pages through a location (sku, inventoryItemId, variantId, available, onHand)', async () => {
		const r = await run({ resource: 'inventory', operation: 'getMany', location: locationParam(emu, 'Main'), options: { readMode: 'paged' } });
		expect(r.error).toBeUndefined();
		expect(r.items.length).toBe(30);
		const first = r.items.find((i) => i.json.sku === skus(30)[3])!.json;
		expect(first).toMatchObject({ available: 3, onHand: 5, locationId: emu.location('Main').id });
		expect(first.inventoryItemId).toMatch(/^gid:\/\/shopify\/InventoryItem\//);
		expect(first.variantId).toMatch(/^gid:\/\/shopify\/ProductVariant\//);
		expect(first.variantId).toBe(emu.levels(emu.location('Main').id).get(skus(30)[3])!.variantId);
	});

	it('gives the same result through a bulk operation', async () => {
		const paged = await run({ resource: 'inventory', operation: 'getMany', location: locationParam(emu, 'Main'), options: { readMode: 'paged' } });
		const bulk = await run({ resource: 'inventory', operation: 'getMany', location: locationParam(emu, 'Main'), options: { readMode: 'bulk' } });
		expect(bulk.error).toBeUndefined();
		expect(emu.requestLog.some((l) => l.operationName === 'BulkRunQuery')).toBe(true);
		const sort = (items: typeof paged.items) => items.map((i) => i.json).sort((a, b) => String(a.sku).localeCompare(String(b.sku)));
		expect(sort(bulk.items)).toEqual(sort(paged.items));
	});

	it('honours a limit and accepts a numeric location id', async () => {
		const numeric = emu.location('Warehouse').id.split('/').pop();
		const r = await run({ resource: 'inventory', operation: 'getMany', location: { __rl: true, mode: 'id', value: numeric }, returnAll: false, limit: 5 });
		expect(r.error).toBeUndefined();
		expect(r.items.map((i) => i.json.sku)).toEqual(['WH-1']);
		const limited = await run({ resource: 'inventory', operation: 'getMany', location: locationParam(emu, 'Main'), returnAll: false, limit: 7 });
		expect(limited.items.length).toBe(7);
	});

	it('names an unknown location', async () => {
		const r = await run({ resource: 'inventory', operation: 'getMany', location: { __rl: true, mode: 'id', value: '999999' }, options: { readMode: 'paged' } });
		expect(r.error?.message).toMatch(/no location gid:\/\/shopify\/Location\/999999/);
	});
});

describe('Inventory → Get', () => {
	it('reads one SKU, and says when it is missing or not stocked at the location', async () => {
		const r = await run(
			{ resource: 'inventory', operation: 'get', location: locationParam(emu, 'Main'), sku: '={{ $json.sku }}' },
			[{ sku: skus(30)[7] }, { sku: 'NOPE' }, { sku: 'WH-1' }, { sku: '' }],
			true,
		);
		expect(r.error).toBeUndefined();
		expect(r.items[0].json).toMatchObject({ sku: skus(30)[7], available: 7, onHand: 9 });
		expect(r.items[1].json.error).toBe('SKU "NOPE" does not exist in Shopify');
		expect(r.items[2].json.error).toBe('SKU "WH-1" is not stocked at this location');
		expect(r.items[3].json.error).toBe('The SKU is empty');
		expect(r.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		const failing = await run({ resource: 'inventory', operation: 'get', location: locationParam(emu, 'Main'), sku: 'NOPE' });
		expect(failing.error?.message).toBe('SKU "NOPE" does not exist in Shopify');
	});
});

describe('Inventory → Set', () => {
	const setParams = () => ({
		resource: 'inventory',
		operation: 'set',
		location: locationParam(emu, 'Main'),
		sku: '={{ $json.sku }}',
		quantity: '={{ $json.quantity }}',
	});

	it('sets absolute quantities with changeFromQuantity, skipping unchanged rows', async () => {
		const [a, b, c] = skus(30);
		const r = await run(setParams(), [
			{ sku: a, quantity: 100 },
			{ sku: b, quantity: 1 }, // already 1
			{ sku: c, quantity: '7' },
		]);
		expect(r.error).toBeUndefined();
		expect(r.items.map((i) => [i.json.sku, i.json.from, i.json.to, i.json.status])).toEqual([
			[a, 0, 100, 'updated'],
			[b, 1, 1, 'unchanged'],
			[c, 2, 7, 'updated'],
		]);
		const writes = mutationsOf(emu);
		expect(writes.map((w) => w.rows)).toEqual([2]);
		expect(emu.levels(emu.location('Main').id).get(a)!.available).toBe(100);
	});

	it('can set on_hand', async () => {
		const a = skus(30)[4];
		const r = await run({ ...setParams(), options: { quantityName: 'on_hand', reason: 'cycle_count_available' } }, [{ sku: a, quantity: 50 }]);
		expect(r.error).toBeUndefined();
		expect(r.items[0].json).toMatchObject({ from: 6, to: 50, quantityName: 'on_hand', status: 'updated' });
		expect(emu.levels(emu.location('Main').id).get(a)!.on_hand).toBe(50);
	});

	it('bad input: a clear per-item error, and nothing is written without Continue On Fail', async () => {
		const [a, b] = skus(30);
		const input = [
			{ sku: a, quantity: 5 },
			{ sku: '', quantity: 1 },
			{ sku: b, quantity: 1_000_000_001 },
			{ sku: b, quantity: 2.5 },
			{ sku: 'UNKNOWN-SKU', quantity: 1 },
		];
		const strict = await run(setParams(), input);
		expect(strict.error?.message).toBe('Item 2: the SKU is empty');
		expect(mutationsOf(emu)).toEqual([]);

		const lenient = await run(setParams(), input, true);
		expect(lenient.error).toBeUndefined();
		expect(lenient.items.map((i) => i.json.error ?? i.json.status)).toEqual([
			'updated',
			'Item 2: the SKU is empty',
			`SKU "${b}": the quantity 1000000001 is above 1,000,000,000`,
			`SKU "${b}": the quantity 2.5 is not a whole number`,
			'SKU "UNKNOWN-SKU" is not stocked at this location in Shopify (or does not exist)',
		]);
		expect(emu.levels(emu.location('Main').id).get(a)!.available).toBe(5);
	});

	it('a SKU twice in the input is an error for both items', async () => {
		const a = skus(30)[9];
		const r = await run(setParams(), [{ sku: a, quantity: 1 }, { sku: a, quantity: 2 }], true);
		expect(r.items.map((i) => i.json.error)).toEqual([
			`SKU "${a}" occurs 2 times in the input (items 1, 2); none of them was written`,
			`SKU "${a}" occurs 2 times in the input (items 1, 2); none of them was written`,
		]);
		expect(mutationsOf(emu)).toEqual([]);
	});

	it('a userError names the SKU; the rest of the batch is written with a new key', async () => {
		const [a, b] = skus(30);
		emu.injectFault({
			when: (req) => req.operationName === 'InventorySetQuantities',
			times: 1,
			status: 200,
			body: JSON.stringify({
				data: {
					inventorySetQuantities: {
						inventoryAdjustmentGroup: null,
						userErrors: [{ field: ['input', 'quantities', '1', 'quantity'], message: 'The item cannot be changed.', code: 'NON_MUTABLE_INVENTORY_ITEM' }],
					},
				},
			}),
		});
		const r = await run(setParams(), [{ sku: a, quantity: 40 }, { sku: b, quantity: 41 }], true);
		expect(r.items[0].json).toMatchObject({ sku: a, status: 'updated', to: 40 });
		expect(r.items[1].json.error).toBe(`SKU "${b}": The item cannot be changed. (NON_MUTABLE_INVENTORY_ITEM)`);
		const writes = mutationsOf(emu);
		expect(writes.length).toBe(2);
		expect(writes[0].idempotencyKey).not.toBe(writes[1].idempotencyKey);
		const strict = await run(setParams(), [{ sku: a, quantity: 40 }]);
		expect(strict.error).toBeUndefined();
	});
});

describe('Inventory → Adjust', () => {
	it('adds and removes with changeFromQuantity; a sale in between is re-read, not overwritten', async () => {
		const [a, b] = skus(30).slice(10);
		let sold = false;
		emu.injectFault({
			when: (req) => {
				if (!sold && req.operationName === 'InventoryAdjustQuantities') {
					sold = true;
					emu.sell(a, 1, emu.location('Main').id);
				}
				return false;
			},
			times: 1,
			status: 500,
		});
		const r = await run(
			{ resource: 'inventory', operation: 'adjust', location: locationParam(emu, 'Main'), sku: '={{ $json.sku }}', delta: '={{ $json.delta }}' },
			[{ sku: a, delta: 5 }, { sku: b, delta: -4 }],
		);
		expect(r.error).toBeUndefined();
		expect(sold).toBe(true);
		const levels = emu.levels(emu.location('Main').id);
		expect(levels.get(a)!.available).toBe(10 - 1 + 5); // the sale is kept, the delta applied once
		expect(levels.get(b)!.available).toBe(11 - 4);
		expect(r.items.map((i) => [i.json.sku, i.json.from, i.json.to])).toEqual([
			[a, 9, 14],
			[b, 11, 7],
		]);
	});
});

describe('Sync with Continue On Fail', () => {
	it('a failing sync becomes one error item paired with every input item', async () => {
		const r = await runSync(
			emu,
			tokenCredentials(emu),
			[{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 2 }],
			{ location: { __rl: true, mode: 'id', value: '999999' } },
			true,
		);
		expect(r.error).toBeUndefined();
		expect(r.items.length).toBe(1);
		expect(r.items[0].json.error).toBe('Shopify has no location gid://shopify/Location/999999');
		expect(r.items[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('location list (resource locator) and bulk fallback', () => {
	/** What a dropdown loader gets from n8n: the credential and its authenticated request helper. */
	function loadOptionsContext() {
		return {
			getNode: () => ({ id: 'n', name: 'Shopify Inventory', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} }),
			getCredentials: async () => ({ shop: emu.url, apiVersion: '2026-10', authentication: 'accessToken', accessToken: 'shpat_test_token' }),
			helpers: {
				httpRequestWithAuthentication: async (_type: string, o: { url: string; body: unknown; method: string }) => {
					const res = await fetch(o.url, {
						method: o.method,
						headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': 'shpat_test_token' },
						body: JSON.stringify(o.body),
					});
					return await res.json();
				},
			},
		};
	}

	it('searchLocations lists and filters the locations', async () => {
		const { searchLocations } = await import('../../nodes/ShopifyInventory/methods/listSearch');
		const ctx = loadOptionsContext();
		const all = await searchLocations.call(ctx as never);
		expect(all.results.map((x) => x.name)).toEqual(expect.arrayContaining(['Main', 'Warehouse']));
		const filtered = await searchLocations.call(ctx as never, 'ware');
		expect(filtered.results).toEqual([{ name: 'Warehouse', value: emu.location('Warehouse').id }]);
		expect(all.results.map((x) => x.value)).toContain(emu.location('Main').id);
	});

	it("the trigger's Default Location dropdown (version 2): the credential's default first, then every location", async () => {
		const { getLocations } = await import('../../nodes/ShopifyInventoryTrigger/methods/loadOptions');
		const options = await getLocations.call(loadOptionsContext() as never);
		expect(options[0]).toEqual({ name: "- The Credential's Default Location -", value: '' });
		expect(options.slice(1)).toEqual(expect.arrayContaining([{ name: 'Main', value: emu.location('Main').id }, { name: 'Warehouse', value: emu.location('Warehouse').id }]));
	});

	it('reads page by page when Shopify refuses to start a bulk operation', async () => {
		emu.injectFault({
			when: (req) => req.operationName === 'BulkRunQuery',
			times: 1,
			status: 200,
			body: JSON.stringify({
				data: { bulkOperationRunQuery: { bulkOperation: null, userErrors: [{ field: null, message: 'A bulk query operation for this app and shop is already in progress.', code: 'OPERATION_IN_PROGRESS' }] } },
			}),
		});
		const r = await run({ resource: 'inventory', operation: 'getMany', location: locationParam(emu, 'Main'), options: { readMode: 'bulk' } });
		expect(r.error).toBeUndefined();
		expect(r.items.length).toBe(30);
		expect(emu.requestLog.some((l) => l.operationName === 'LocationLevelsWithVariantsPage')).toBe(true);
	});
});

describe('Read Mode: Automatic', () => {
	const params = (bulkThreshold: number) => ({
		resource: 'inventory',
		operation: 'getMany',
		location: locationParam(emu, 'Main'),
		options: { bulkThreshold },
	});

	it('counts first (the emulator counts 31 variants): at or above the threshold it uses a bulk operation, below it pages', async () => {
		const big = await run(params(31));
		expect(big.error).toBeUndefined();
		expect(big.items.length).toBe(30);
		expect(emu.requestLog[0]).toMatchObject({ operationName: 'VariantsCount', requestedCost: 1, actualCost: 1 });
		expect(emu.requestLog.some((l) => l.operationName === 'BulkRunQuery')).toBe(true);

		emu.requestLog.length = 0;
		const small = await run(params(32));
		expect(small.items.length).toBe(30);
		expect(emu.requestLog.map((l) => l.operationName)).toEqual(['VariantsCount', 'LocationLevelsWithVariantsPage']);
	});

	it('counts only up to the threshold (Shopify answers AT_LEAST) and still chooses bulk', async () => {
		let sent: unknown;
		emu.injectFault({
			when: (req) => {
				if (req.operationName === 'VariantsCount') sent = (JSON.parse(req.body) as { variables?: unknown }).variables;
				return false;
			},
			status: 500,
		});
		const r = await run(params(20));
		expect(r.error).toBeUndefined();
		expect(sent).toEqual({ limit: 20 });
		expect(emu.requestLog.some((l) => l.operationName === 'BulkRunQuery')).toBe(true);
	});

	it('pages when Shopify gives no count (field null or missing)', async () => {
		for (const data of [{ productVariantsCount: null }, {}]) {
			emu.requestLog.length = 0;
			emu.injectFault({
				when: (req) => req.operationName === 'VariantsCount',
				times: 1,
				status: 200,
				body: JSON.stringify({
					data,
					extensions: { cost: { requestedQueryCost: 1, actualQueryCost: 1, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1999, restoreRate: 100 } } },
				}),
			});
			const r = await run(params(1));
			expect(r.error).toBeUndefined();
			expect(r.items.length).toBe(30);
			expect(emu.requestLog.map((l) => l.operationName)).toEqual(['VariantsCount', 'LocationLevelsWithVariantsPage']);
		}
	});

	it('pages when the count query itself is refused (a GraphQL error instead of a count)', async () => {
		emu.injectFault({
			when: (req) => req.operationName === 'VariantsCount',
			times: 1,
			status: 200,
			body: JSON.stringify({
				errors: [{ message: "Field 'productVariantsCount' doesn't exist on type 'QueryRoot'", extensions: { code: 'undefinedField', typeName: 'QueryRoot', fieldName: 'productVariantsCount' } }],
			}),
		});
		const r = await run(params(1));
		expect(r.error).toBeUndefined();
		expect(r.items.length).toBe(30);
		expect(emu.requestLog.some((l) => l.operationName === 'LocationLevelsWithVariantsPage')).toBe(true);
	});
});
