/**
 * On Error "Continue (using error output)", Shopify Inventory: for every operation an item that fails
 * leaves through the error output (output 1) with its message and details, paired with its input
 * item; the other items leave through the success output (output 0).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { runNode } from '../helpers/n8n-harness';
import { locationParam, skus, tokenCredentials } from '../shopify/helpers';

let emu: ShopifyEmulator;
beforeAll(async () => {
	emu = await startShopifyEmulator();
});
afterAll(async () => emu?.close());
beforeEach(() => {
	emu.reset();
	emu.seed({ locations: [{ name: 'Main' }], items: skus(5).map((sku, i) => ({ sku, available: i, onHand: i, locationName: 'Main' })) });
});

async function run(parameters: IDataObject, input: IDataObject[]) {
	const r = await runNode({ type: 'shopifyInventory', parameters, input, credentials: tokenCredentials(emu), onError: 'continueErrorOutput' });
	expect(r.error).toBeUndefined();
	expect(r.outputs).toHaveLength(2);
	return { ok: r.outputs[0], failed: r.outputs[1] };
}

const paired = (items: INodeExecutionData[]) => items.map((i) => i.pairedItem);
const [A, B] = skus(5);

describe('Shopify Inventory: failed items leave through the error output', () => {
	it('Inventory → Get', async () => {
		const { ok, failed } = await run(
			{ resource: 'inventory', operation: 'get', location: locationParam(emu, 'Main'), sku: '={{ $json.sku }}' },
			[{ sku: A }, { sku: 'NOPE' }, { sku: B }],
		);
		expect(ok.map((i) => i.json.sku)).toEqual([A, B]);
		expect(paired(ok)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(failed).toHaveLength(1);
		expect(failed[0].json).toMatchObject({ error: 'SKU "NOPE" does not exist in Shopify', sku: 'NOPE' });
		expect(failed[0].pairedItem).toEqual({ item: 1 });
	});

	it('Inventory → Get Many', async () => {
		const { ok, failed } = await run(
			{ resource: 'inventory', operation: 'getMany', location: { __rl: true, mode: 'id', value: '={{ $json.location }}' }, options: { readMode: 'paged' } },
			[{ location: emu.location('Main').id }, { location: '999999' }],
		);
		expect(ok).toHaveLength(5);
		expect(new Set(ok.map((i) => (i.pairedItem as { item: number }).item))).toEqual(new Set([0]));
		expect(failed).toHaveLength(1);
		expect(failed[0].json.error).toMatch(/no location gid:\/\/shopify\/Location\/999999/);
		expect(failed[0].pairedItem).toEqual({ item: 1 });
	});

	it('Inventory → Set (batch): the row that cannot be written, with its details', async () => {
		const { ok, failed } = await run(
			{ resource: 'inventory', operation: 'set', location: locationParam(emu, 'Main'), sku: '={{ $json.sku }}', quantity: '={{ $json.quantity }}' },
			[{ sku: A, quantity: 40 }, { sku: B, quantity: 'lots' }],
		);
		expect(ok.map((i) => [i.json.sku, i.json.to, i.json.status])).toEqual([[A, 40, 'updated']]);
		expect(paired(ok)).toEqual([{ item: 0 }]);
		expect(failed).toHaveLength(1);
		expect(failed[0].json.error).toMatch(new RegExp(`^SKU "${B}": `));
		expect(failed[0].json.details).toMatchObject({ sku: B, status: 'failed' });
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		expect(emu.levels(emu.location('Main').id).get(A)!.available).toBe(40);
	});

	it('Inventory → Adjust (batch)', async () => {
		const { ok, failed } = await run(
			{ resource: 'inventory', operation: 'adjust', location: locationParam(emu, 'Main'), sku: '={{ $json.sku }}', delta: '={{ $json.delta }}' },
			[{ sku: 'NOPE', delta: 1 }, { sku: B, delta: 2 }],
		);
		expect(ok.map((i) => [i.json.sku, i.json.status])).toEqual([[B, 'updated']]);
		expect(paired(ok)).toEqual([{ item: 1 }]);
		expect(failed).toHaveLength(1);
		expect(failed[0].json.error).toMatch(/NOPE/);
		expect(failed[0].json.details).toMatchObject({ sku: 'NOPE' });
		expect(failed[0].pairedItem).toEqual({ item: 0 });
	});

	it('Inventory → Sync (batch): problem rows to the error output, the summary and written rows to the success output', async () => {
		const { ok, failed } = await run(
			{ resource: 'inventory', operation: 'sync', location: locationParam(emu, 'Main'), output: 'summaryAndDetails' },
			skus(5).map((sku, i) => ({ sku, quantity: sku === B ? -1 : sku === A ? 10 : i })),
		);
		expect(ok[0].json).toMatchObject({ updated: 1, invalidQuantities: 1 });
		expect(ok.slice(1).map((i) => [i.json.sku, i.json.status])).toEqual([[A, 'updated']]);
		expect(failed).toHaveLength(1);
		expect(failed[0].json.details).toMatchObject({ sku: B, status: 'invalidQuantity' });
		expect(typeof failed[0].json.error).toBe('string');
		expect(failed[0].pairedItem).toEqual({ item: 1 });
	});

	it('Location → Get Many', async () => {
		emu.injectFault({ when: (r) => /locations/i.test(r.body), times: 1, status: 403, body: '{"errors":"Forbidden"}' });
		const { ok, failed } = await run({ resource: 'location', operation: 'getMany' }, [{ n: 1 }, { n: 2 }]);
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 0 });
		expect(typeof failed[0].json.error).toBe('string');
		expect(ok.map((i) => i.json.name)).toEqual(['Main']);
		expect(paired(ok)).toEqual([{ item: 1 }]);
	});

	it('Order → Get Many', async () => {
		const { ok, failed } = await run(
			{ resource: 'order', operation: 'getMany', updatedSince: '={{ $json.since }}' },
			[{ since: 'the day before yesterday-ish' }, { since: '' }],
		);
		expect(failed).toHaveLength(1);
		expect(failed[0].json.error).toMatch(/day before yesterday-ish/);
		expect(failed[0].pairedItem).toEqual({ item: 0 });
		expect(ok.every((i) => (i.pairedItem as { item: number }).item === 1)).toBe(true);
	});
});
