/**
 * An empty Location means the shop's primary location (Shopify: `location` without an id returns it),
 * looked up once per execution.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { ShopifyInventory } from '../../nodes/ShopifyInventory/ShopifyInventory.node';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { runNode } from '../helpers/n8n-harness';
import { availableBySku, locationParam, mutationsOf, tokenCredentials } from './helpers';

let emu: ShopifyEmulator;
beforeAll(async () => {
	emu = await startShopifyEmulator();
});
afterAll(async () => emu?.close());
beforeEach(() => {
	emu.reset();
	// "Main" is the primary location although it is not the first one.
	emu.seed({
		locations: [{ name: 'Warehouse' }, { name: 'Main', primary: true }],
		items: [
			...['A', 'B', 'C'].map((sku, i) => ({ sku, available: i + 1, locationName: 'Main' })),
			...['A', 'B', 'C'].map((sku) => ({ sku, available: 50, locationName: 'Warehouse' })),
		],
	});
});

const EMPTY = { __rl: true, mode: 'list', value: '' };
const primaryLookups = () => emu.requestLog.filter((l) => l.operationName === 'PrimaryLocation');

async function run(parameters: IDataObject, input: IDataObject[] = [{}], continueOnFail = false) {
	return await runNode({ type: 'shopifyInventory', parameters, input, credentials: tokenCredentials(emu), continueOnFail });
}

describe('the Location parameter', () => {
	it('is optional and says that empty means the primary location', () => {
		const locations = new ShopifyInventory().description.properties.filter((p: INodeProperties) => p.name === 'location');
		expect(locations.length).toBeGreaterThan(0);
		for (const p of locations) {
			expect(p.required ?? false).toBe(false);
			expect(p.description).toMatch(/Empty: the shop’s primary location/);
		}
		const ops = locations.flatMap((p) => p.displayOptions?.show?.operation ?? []);
		expect([...ops].sort()).toEqual(['adjust', 'get', 'getMany', 'set', 'startRead', 'sync']);
	});
});

describe('Sync with an empty location', () => {
	it('writes to the primary location and names it in the summary', async () => {
		const main = emu.location('Main');
		const r = await run(
			{ resource: 'inventory', operation: 'sync', location: EMPTY, options: { readMode: 'paged' } },
			[
				{ sku: 'A', quantity: 10 },
				{ sku: 'B', quantity: 2 },
				{ sku: 'C', quantity: 30 },
			],
		);
		expect(r.error).toBeUndefined();
		expect(r.items[0].json).toMatchObject({ locationId: main.id, locationName: 'Main', updated: 2, unchanged: 1 });
		expect(availableBySku(emu, main.id)).toEqual({ A: 10, B: 2, C: 30 });
		expect(availableBySku(emu, emu.location('Warehouse').id)).toEqual({ A: 50, B: 50, C: 50 });
		expect(primaryLookups()).toHaveLength(1);
		expect(emu.requestLog[0].operationName).toBe('PrimaryLocation');
		expect(mutationsOf(emu)).toHaveLength(1);
	});

	it('works the same when the parameter is missing or blank in By ID mode', async () => {
		for (const location of [undefined, { __rl: true, mode: 'id', value: '  ' }]) {
			emu.requestLog.length = 0;
			const parameters: IDataObject = { resource: 'inventory', operation: 'sync', options: { readMode: 'paged' } };
			if (location) parameters.location = location;
			const r = await run(parameters, [{ sku: 'A', quantity: 7 }], false);
			expect(r.error).toBeUndefined();
			expect(r.items[0].json).toMatchObject({ locationId: emu.location('Main').id, locationName: 'Main' });
			expect(primaryLookups()).toHaveLength(1);
		}
		expect(emu.levels(emu.location('Main').id).get('A')!.available).toBe(7);
	});

	it('does not look the primary location up when a location is chosen', async () => {
		const r = await run(
			{ resource: 'inventory', operation: 'sync', location: locationParam(emu, 'Warehouse'), options: { readMode: 'paged' } },
			[{ sku: 'A', quantity: 49 }],
		);
		expect(r.error).toBeUndefined();
		expect(r.items[0].json).toMatchObject({ locationId: emu.location('Warehouse').id, locationName: null });
		expect(primaryLookups()).toHaveLength(0);
		expect(emu.levels(emu.location('Warehouse').id).get('A')!.available).toBe(49);
	});

	it('takes the name of a location picked from the list', async () => {
		const warehouse = emu.location('Warehouse');
		const r = await run(
			{
				resource: 'inventory',
				operation: 'sync',
				location: { __rl: true, mode: 'list', value: warehouse.id, cachedResultName: 'Warehouse' },
				options: { readMode: 'paged' },
				dryRun: true,
			},
			[{ sku: 'A', quantity: 49 }],
		);
		expect(r.items[0].json).toMatchObject({ locationId: warehouse.id, locationName: 'Warehouse', updated: 1, dryRun: true });
	});
});

describe('other operations with an empty location', () => {
	it('Get: one lookup for all items', async () => {
		const r = await run({ resource: 'inventory', operation: 'get', location: EMPTY, sku: '={{ $json.sku }}' }, [
			{ sku: 'A' },
			{ sku: 'B' },
			{ sku: 'C' },
		]);
		expect(r.error).toBeUndefined();
		expect(r.items.map((i) => [i.json.sku, i.json.available, i.json.locationId])).toEqual([
			['A', 1, emu.location('Main').id],
			['B', 2, emu.location('Main').id],
			['C', 3, emu.location('Main').id],
		]);
		expect(primaryLookups()).toHaveLength(1);
	});

	it('Get Many reads the primary location', async () => {
		const r = await run({ resource: 'inventory', operation: 'getMany', location: EMPTY, options: { readMode: 'paged' } });
		expect(r.error).toBeUndefined();
		expect(r.items.map((i) => [i.json.sku, i.json.available])).toEqual([
			['A', 1],
			['B', 2],
			['C', 3],
		]);
	});

	it('Set and Adjust write to the primary location, items with their own location stay there', async () => {
		const set = await run(
			{ resource: 'inventory', operation: 'set', location: '={{ $json.location }}', sku: '={{ $json.sku }}', quantity: '={{ $json.q }}' },
			[
				{ sku: 'A', q: 11, location: '' },
				{ sku: 'B', q: 12, location: emu.location('Warehouse').id },
				{ sku: 'C', q: 13, location: '' },
			],
		);
		expect(set.error).toBeUndefined();
		expect(set.items.map((i) => i.json.status)).toEqual(['updated', 'updated', 'updated']);
		expect(availableBySku(emu, emu.location('Main').id)).toEqual({ A: 11, B: 2, C: 13 });
		expect(availableBySku(emu, emu.location('Warehouse').id)).toEqual({ A: 50, B: 12, C: 50 });
		expect(primaryLookups()).toHaveLength(1);

		const adjust = await run({ resource: 'inventory', operation: 'adjust', location: EMPTY, sku: 'A', delta: -1 });
		expect(adjust.error).toBeUndefined();
		expect(adjust.items[0].json).toMatchObject({ sku: 'A', from: 11, to: 10, locationId: emu.location('Main').id });
	});

	it('a token without read_locations gets a clear error naming the scope', async () => {
		const limited = await startShopifyEmulator({
			accessTokens: [{ token: 'shpat_test_token', scopes: ['write_inventory', 'read_products', 'read_orders'] }],
		});
		try {
			limited.seed({ items: [{ sku: 'A', available: 1 }] });
			const r = await runNode({
				type: 'shopifyInventory',
				parameters: { resource: 'inventory', operation: 'sync', location: EMPTY },
				input: [{ sku: 'A', quantity: 2 }],
				credentials: tokenCredentials(limited),
			});
			expect(r.error?.message).toMatch(/read_locations/);
			expect(limited.levels().get('A')!.available).toBe(1);
		} finally {
			await limited.close();
		}
	});
});
