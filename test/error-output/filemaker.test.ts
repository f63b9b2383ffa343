/**
 * On Error "Continue (using error output)", FileMaker Inventory: for every operation an item that
 * fails leaves through the error output (output 1) with its message and details, paired with its
 * input item; the other items leave through the success output (output 0).
 */
import { beforeEach, describe, expect, it } from 'vitest';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { runNode } from '../helpers/n8n-harness';
import { stockOf, useFileMakerEnv, type Env } from '../filemaker/_support';

let env: Env;
useFileMakerEnv((e) => (env = e));
beforeEach(() => {
	env.fm.seed('Stock', [
		{ SKU: 'A-1', Quantity: 10 },
		{ SKU: 'B-2', Quantity: 20 },
	]);
});

async function run(parameters: Record<string, unknown>, input: Record<string, unknown>[]) {
	const r = await runNode({ type: 'fileMakerInventory', parameters: parameters as IDataObject, input: input as IDataObject[], credentials: env.creds, onError: 'continueErrorOutput' });
	expect(r.error).toBeUndefined();
	expect(r.outputs).toHaveLength(2);
	return { ok: r.outputs[0], failed: r.outputs[1] };
}

const itemOf = (i: INodeExecutionData) => (i.pairedItem as { item: number }).item;
const NOT_FOUND = /No record with SKU 'NOPE-9'/;

/** The one failed item: input item 1, with a message and details. */
function expectOneFailure(failed: INodeExecutionData[], message: RegExp, details: Record<string, unknown> = {}) {
	expect(failed).toHaveLength(1);
	expect(itemOf(failed[0])).toBe(1);
	expect(failed[0].json.error).toMatch(message);
	expect(failed[0].json.details).toMatchObject(details);
}

describe('FileMaker Inventory: failed items leave through the error output', () => {
	it('Stock → Get', async () => {
		const { ok, failed } = await run({ resource: 'stock', operation: 'get', sku: '={{ $json.sku }}' }, [{ sku: 'A-1' }, { sku: 'NOPE-9' }, { sku: 'B-2' }]);
		expect(ok.map((i) => [i.json.sku, itemOf(i)])).toEqual([['A-1', 0], ['B-2', 2]]);
		expectOneFailure(failed, NOT_FOUND, { sku: 'NOPE-9', retryable: false });
	});

	it('Stock → Get Many', async () => {
		const { ok, failed } = await run(
			{
				resource: 'stock',
				operation: 'getMany',
				findCriteria: { criteria: [{ field: '={{ $json.field }}', operator: 'equals', value: 'A-1' }] },
			},
			[{ field: 'SKU' }, { field: 'NoSuchField' }],
		);
		expect(ok.map((i) => [i.json.sku, itemOf(i)])).toEqual([['A-1', 0]]);
		expectOneFailure(failed, /NoSuchField/);
	});

	it('Stock → Set', async () => {
		const { ok, failed } = await run(
			{ resource: 'stock', operation: 'set', sku: '={{ $json.sku }}', quantity: '={{ $json.quantity }}' },
			[{ sku: 'A-1', quantity: 5 }, { sku: 'NOPE-9', quantity: 5 }],
		);
		expect(ok.map((i) => [i.json.sku, itemOf(i)])).toEqual([['A-1', 0]]);
		expectOneFailure(failed, NOT_FOUND, { sku: 'NOPE-9', retryable: false });
		expect(stockOf(env.fm, 'A-1')?.fieldData.Quantity).toBe(5);
	});

	it('Stock → Adjust', async () => {
		const { ok, failed } = await run(
			{ resource: 'stock', operation: 'adjust', sku: '={{ $json.sku }}', delta: '={{ $json.delta }}' },
			[{ sku: 'A-1', delta: -1 }, { sku: 'NOPE-9', delta: -1 }],
		);
		expect(ok.map((i) => [i.json.sku, i.json.quantityAfter, itemOf(i)])).toEqual([['A-1', 9, 0]]);
		expectOneFailure(failed, NOT_FOUND, { sku: 'NOPE-9', retryable: false });
	});

	it('Movement → Record', async () => {
		const { ok, failed } = await run(
			{ resource: 'movement', operation: 'record', sku: '={{ $json.sku }}', change: '={{ $json.change }}' },
			[{ sku: 'A-1', change: 5 }, { sku: 'A-1', change: 'lots' }],
		);
		expect(ok.map(itemOf)).toEqual([0]);
		expectOneFailure(failed, /lots/, { sku: 'A-1', retryable: false });
	});

	it('Movement → Get Many', async () => {
		await run({ resource: 'stock', operation: 'adjust', sku: 'A-1', delta: -1 }, [{}]);
		const { ok, failed } = await run({ resource: 'movement', operation: 'getMany', filters: { since: '={{ $json.since }}' } }, [{ since: '' }, { since: 'someday' }]);
		expect(ok.length).toBeGreaterThan(0);
		expect(ok.every((i) => itemOf(i) === 0)).toBe(true);
		expectOneFailure(failed, /someday/);
	});

	it('Stock Event → Store (batch)', async () => {
		const { ok, failed } = await run(
			{ resource: 'event', operation: 'store', sku: '={{ $json.sku }}', change: '={{ $json.change }}', setTo: '', idempotencyKey: '={{ $json.key }}', source: 'shopify', reason: 'order' },
			[{ sku: 'A-1', change: -1, key: 'k-1' }, { sku: 'NOPE-9', change: -1, key: 'k-2' }],
		);
		expect(ok.map((i) => [i.json.sku, i.json.status, itemOf(i)])).toEqual([['A-1', 'stored', 0]]);
		expectOneFailure(failed, /NOPE-9/, { sku: 'NOPE-9', retryable: false });
	});

	it('Stock Event → Apply Pending (batch)', async () => {
		const { ok, failed } = await run({ resource: 'event', operation: 'applyPending', sku: '={{ $json.sku }}' }, [{ sku: 'A-1' }, { sku: '' }]);
		expect(ok.map((i) => [i.json.sku, itemOf(i)])).toEqual([['A-1', 0]]);
		expectOneFailure(failed, /SKU/, { retryable: false });
	});

	it('Stock Event → Get Many', async () => {
		await run({ resource: 'event', operation: 'store', sku: 'A-1', change: -1, setTo: '', idempotencyKey: 'k-1', source: 'shopify', reason: 'order' }, [{}]);
		const { ok, failed } = await run({ resource: 'event', operation: 'getMany', filters: { since: '={{ $json.since }}' } }, [{ since: '' }, { since: 'someday' }]);
		expect(ok.length).toBeGreaterThan(0);
		expect(ok.every((i) => itemOf(i) === 0)).toBe(true);
		expectOneFailure(failed, /someday/);
	});
});
