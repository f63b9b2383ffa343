import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { DEFAULT_LAYOUTS } from '../emulators/filemaker';
import type { Env } from './_support';
import { LAYOUTS_WITHOUT_UNIQUE_SKU, credentialData, movementsOf, startEnv, stockOf } from './_support';

let env: Env;

beforeAll(async () => {
	env = await startEnv({ layouts: LAYOUTS_WITHOUT_UNIQUE_SKU });
});

afterAll(async () => {
	await env.close();
});

beforeEach(() => {
	env.fm.setOptions({ layouts: LAYOUTS_WITHOUT_UNIQUE_SKU });
	env.fm.reset();
	env.creds.set('fileMakerDataApi', credentialData(env.fm));
	env.fm.seed('Stock', [
		{ SKU: 'OK-1', Quantity: 10 }, // record 1
		{ SKU: 'BAD-1', Quantity: 'n/a' }, // record 2
		{ SKU: 'EMPTY-1', Quantity: '' }, // record 3
		{ SKU: 'DUP-1', Quantity: 4 }, // record 4
		{ SKU: 'DUP-1', Quantity: 6 }, // record 5
		{ SKU: 'OK-2', Quantity: 20 }, // record 6
	]);
});

const stock = (operation: string, extra: Record<string, unknown> = {}) => ({ resource: 'stock', operation, ...extra });

describe('per-item errors name the SKU and the record', () => {
	it('non-numeric quantity in FileMaker (Get, Adjust, Set)', async () => {
		const expected = "Record 2 (SKU 'BAD-1') has quantity 'n/a' in field 'Quantity', which is not a whole number. Fix the record in FileMaker.";
		expect((await env.run(stock('get', { sku: 'BAD-1' }))).error?.message).toBe(expected);
		expect((await env.run(stock('adjust', { sku: 'BAD-1', delta: -1 }))).error?.message).toBe(expected);
		expect((await env.run(stock('set', { sku: 'BAD-1', quantity: 3 }))).error?.message).toBe(expected);
		expect(env.fm.records('Stock')[1].fieldData.Quantity).toBe('n/a');
	});

	it('empty quantity in FileMaker', async () => {
		expect((await env.run(stock('adjust', { sku: 'EMPTY-1', delta: 1 }))).error?.message).toBe(
			"Record 3 (SKU 'EMPTY-1') has an empty quantity in field 'Quantity', which is not a whole number. Fix the record in FileMaker.",
		);
	});

	it('duplicate SKUs (Get, Adjust, Set)', async () => {
		const expected =
			"2 records in layout 'Stock' have SKU 'DUP-1' (record IDs 4, 5). Each SKU must be on exactly one record: merge or correct them in FileMaker.";
		expect((await env.run(stock('get', { sku: 'DUP-1' }))).error?.message).toBe(expected);
		expect((await env.run(stock('adjust', { sku: 'DUP-1', delta: -1 }))).error?.message).toBe(expected);
		expect((await env.run(stock('set', { sku: 'DUP-1', quantity: 1 }))).error?.message).toBe(expected);
		expect(movementsOf(env.fm)).toHaveLength(0);
	});

	it('unknown SKU', async () => {
		const expected = "No record with SKU 'NOPE-9' in layout 'Stock' (field 'SKU'). Create the record in FileMaker or correct the SKU.";
		expect((await env.run(stock('get', { sku: 'NOPE-9' }))).error?.message).toBe(expected);
		expect((await env.run(stock('adjust', { sku: 'NOPE-9', delta: 1 }))).error?.message).toBe(expected);
		expect((await env.run(stock('set', { sku: 'NOPE-9', quantity: 1 }))).error?.message).toBe(expected);
		expect((await env.run(stock('get', { sku: 'NOPE-9', options: { notFound: 'output' } }))).items[0].json).toEqual({
			sku: 'NOPE-9',
			found: false,
		});
	});

	it('SKU match is exact, not FileMaker word matching', async () => {
		env.fm.seed('Stock', [{ SKU: 'OK-10', Quantity: 1 }, { SKU: 'ok-1 extra', Quantity: 1 }]);
		expect((await env.run(stock('get', { sku: 'OK-1' }))).items[0].json).toMatchObject({ sku: 'OK-1', quantity: 10, recordId: '1' });
	});

	it('non-integer or missing change, non-integer quantity', async () => {
		expect((await env.run(stock('adjust', { sku: 'OK-1', delta: 1.5 }))).error?.message).toBe(
			"The change for SKU 'OK-1' must be a whole number such as -1 or 5 (got '1.5').",
		);
		expect((await env.run(stock('adjust', { sku: 'OK-1', delta: 'two' }))).error?.message).toBe(
			"The change for SKU 'OK-1' must be a whole number such as -1 or 5 (got 'two').",
		);
		expect((await env.run(stock('adjust', { sku: 'OK-1', delta: '' }))).error?.message).toBe(
			"The change for SKU 'OK-1' is empty. Give a whole number such as -1 or 5.",
		);
		expect((await env.run(stock('set', { sku: 'OK-1', quantity: '7.25' }))).error?.message).toBe(
			"The new quantity for SKU 'OK-1' must be a whole number such as -1 or 5 (got '7.25').",
		);
		// (left empty in the editor n8n refuses to run the node; an expression can still give '')
		expect((await env.run(stock('set', { sku: 'OK-1', quantity: '={{ $json.missing ?? "" }}' }))).error?.message).toBe(
			"The new quantity for SKU 'OK-1' is empty. Give a whole number such as -1 or 5.",
		);
		expect((await env.run(stock('adjust', { sku: '  ', delta: 1 }))).error?.message).toMatch(/^The SKU is empty/);
		expect(stockOf(env.fm, 'OK-1')?.fieldData.Quantity).toBe(10);
	});

	it('accepts numeric strings for the change (from expressions)', async () => {
		const r = await env.run(stock('adjust', { sku: 'OK-1', delta: ' -3 ' }));
		expect(r.items[0].json).toMatchObject({ applied: true, quantityAfter: 7 });
	});
});

describe('continue on fail', () => {
	const items = [
		{ sku: 'OK-1', delta: -1 },
		{ sku: 'NOPE-9', delta: -1 },
		{ sku: 'OK-2', delta: 0.5 },
		{ sku: 'BAD-1', delta: -1 },
		{ sku: 'DUP-1', delta: -1 },
		{ sku: 'OK-2', delta: -2 },
	];
	const params = stock('adjust', { sku: '={{ $json.sku }}', delta: '={{ $json.delta }}' });

	it('gives failing items { error } and lets the others go on', async () => {
		const r = await env.run(params, items, { continueOnFail: true });
		expect(r.error).toBeUndefined();
		expect(r.items).toHaveLength(6);
		expect(r.items.map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 1, 2, 3, 4, 5]);
		const json = r.items.map((i) => i.json);
		expect(json[0]).toMatchObject({ sku: 'OK-1', applied: true, quantityAfter: 9 });
		expect(json[1]).toEqual({ error: "No record with SKU 'NOPE-9' in layout 'Stock' (field 'SKU'). Create the record in FileMaker or correct the SKU.", sku: 'NOPE-9', retryable: false });
		expect(json[2]).toMatchObject({ sku: 'OK-2', error: "The change for SKU 'OK-2' must be a whole number such as -1 or 5 (got '0.5')." });
		expect(json[3].error).toMatch(/^Record 2 \(SKU 'BAD-1'\) has quantity 'n\/a'/);
		expect(json[4].error).toMatch(/^2 records in layout 'Stock' have SKU 'DUP-1'/);
		expect(json[5]).toMatchObject({ sku: 'OK-2', applied: true, quantityAfter: 18 });
		// every failure here is about the item's own data: retrying cannot help
		expect(json.filter((j) => j.error !== undefined).map((j) => j.retryable)).toEqual([false, false, false, false]);
		expect(movementsOf(env.fm)).toHaveLength(2);
	});

	it('without it, stops at the first bad item with its message', async () => {
		const r = await env.run(params, items);
		expect(r.error?.message).toBe("No record with SKU 'NOPE-9' in layout 'Stock' (field 'SKU'). Create the record in FileMaker or correct the SKU.");
		expect(stockOf(env.fm, 'OK-1')?.fieldData.Quantity).toBe(9); // item 0 ran before
	});
});

describe('Get Many with bad data', () => {
	it('fails on an invalid quantity by default, naming the record', async () => {
		const r = await env.run(stock('getMany'));
		expect(r.error?.message).toBe(
			"Record 2 (SKU 'BAD-1') has quantity 'n/a' in field 'Quantity', which is not a whole number. Fix the record in FileMaker.",
		);
	});

	it('skips and reports, or outputs as-is with invalidQuantity: true', async () => {
		const skipped = await env.run(stock('getMany', { options: { invalidQuantities: 'skip' } }));
		expect(skipped.error).toBeUndefined();
		expect(skipped.items.map((i) => i.json.sku)).toEqual(['OK-1', 'DUP-1', 'DUP-1', 'OK-2']);
		const hints = (skipped.run.run.data.resultData.runData.Node?.[0] as { hints?: { message: string }[] }).hints ?? [];
		expect(hints.map((h) => h.message).join(' ')).toMatch(/2 records were skipped because the quantity is not a whole number\. Record 2 \(SKU 'BAD-1'\)/);

		const flagged = await env.run(stock('getMany', { options: { invalidQuantities: 'flag' } }));
		const bad = flagged.items.map((i) => i.json).filter((j) => j.invalidQuantity === true);
		expect(bad).toEqual([
			expect.objectContaining({ sku: 'BAD-1', quantity: 'n/a', recordId: '2', invalidQuantityMessage: expect.stringMatching(/Record 2/) }),
			expect.objectContaining({ sku: 'EMPTY-1', quantity: '', recordId: '3' }),
		]);
	});

	it('reports duplicate SKUs in the output (or fails when asked)', async () => {
		const r = await env.run(stock('getMany', { options: { invalidQuantities: 'skip' } }));
		const dups = r.items.map((i) => i.json).filter((j) => j.duplicateSku === true);
		expect(dups).toEqual([
			expect.objectContaining({ sku: 'DUP-1', recordId: '4', duplicateRecordIds: ['4', '5'] }),
			expect.objectContaining({ sku: 'DUP-1', recordId: '5', duplicateRecordIds: ['4', '5'] }),
		]);
		const failing = await env.run(stock('getMany', { options: { invalidQuantities: 'skip', duplicateSkus: 'fail' } }));
		expect(failing.error?.message).toMatch(/^1 SKU is on more than one record in layout 'Stock'\. 2 records have SKU 'DUP-1' \(record IDs 4, 5\)/);
	});
});

describe('FileMaker error codes become clear messages', () => {
	it('102: a configured field that is not on the layout', async () => {
		const r = await env.run(stock('adjust', { sku: 'OK-1', delta: 1, stockFields: { quantityField: 'Qty' } }));
		expect(r.error?.message).toBe("The field 'Qty' is not on layout 'Stock'. Add it to the layout in FileMaker or change 'Quantity Field' in the node.");
		const find = await env.run(stock('getMany', { findCriteria: { criteria: [{ field: 'Colour', operator: 'equals', value: 'red' }] } }));
		expect(find.error?.message).toBe(
			"The field 'Colour' is not on layout 'Stock' in database 'Inventory' (code 102). Add it to the layout in FileMaker or correct the field name in the node.",
		);
		const sku = await env.run(stock('get', { sku: 'OK-1', stockFields: { skuField: 'ItemNo' } }));
		expect(sku.error?.message).toMatch(/^The field 'ItemNo' is not on layout 'Stock' in database 'Inventory' \(code 102\)/);
		const extra = await env.run(stock('getMany', { options: { extraFields: ['Colour'], invalidQuantities: 'skip' } }));
		expect(extra.error?.message).toBe("The field 'Colour' is not on layout 'Stock'. Add it to the layout in FileMaker or correct the field names in the node.");
	});

	it('102 on the movement layout names the field', async () => {
		const r = await env.run(stock('adjust', { sku: 'OK-1', delta: 1, movementFields: { sourceField: 'Origin' } }));
		expect(r.error?.message).toMatch(/^The field 'Origin' is not on layout 'StockMovements' in database 'Inventory' \(code 102\)/);
		// the event is written before the stock changes: a refused event changes nothing
		expect(env.fm.records('Stock')[0].fieldData.Quantity).toBe(10);
		expect(movementsOf(env.fm)).toHaveLength(0);
	});

	it('105: missing layout', async () => {
		const r = await env.run(stock('get', { sku: 'OK-1', stockLayout: { __rl: true, mode: 'name', value: 'Stocks' } }));
		expect(r.error?.message).toBe(
			"The layout 'Stocks' does not exist in database 'Inventory' (code 105). Pick the layout from the list or correct its name.",
		);
		const plain = await env.run(stock('getMany', { stockLayout: 'Lager' }));
		expect(plain.error?.message).toMatch(/^The layout 'Lager' does not exist/);
	});

	it('504: value must be unique', async () => {
		env.fm.setOptions({
			layouts: {
				...DEFAULT_LAYOUTS,
				StockMovements: {
					// a new table: the emulator keeps the field definitions of an existing one
					table: 'MovementsUniqueReference',
					fields: DEFAULT_LAYOUTS.StockMovements.fields.map((f) => (f.name === 'Reference' ? { ...f, unique: true } : f)),
				},
			},
		});
		const record = { resource: 'movement', operation: 'record', sku: 'OK-1', change: 5, reference: 'PO-1' };
		expect((await env.run(record)).error).toBeUndefined();
		expect((await env.run(record)).error?.message).toBe(
			"FileMaker refused the value while writing the movement row for SKU 'OK-1': it must be unique and another record already has it (code 504).",
		);
	});

	it('500-509: validation', async () => {
		env.fm.setOptions({
			layouts: {
				...DEFAULT_LAYOUTS,
				StockMovements: {
					table: 'MovementsReasonRequired',
					fields: DEFAULT_LAYOUTS.StockMovements.fields.map((f) => (f.name === 'Reason' ? { ...f, notEmpty: true } : f)),
				},
			},
		});
		const r = await env.run({ resource: 'movement', operation: 'record', sku: 'OK-1', change: 5 });
		expect(r.error?.message).toBe(
			"FileMaker refused the value while writing the movement row for SKU 'OK-1' because of a field validation rule (code 509: Field requires a valid value).",
		);
	});

	it('802 and 212 from a node run', async () => {
		env.creds.set('fileMakerDataApi', credentialData(env.fm, { database: 'Inventar' }));
		expect((await env.run(stock('get', { sku: 'OK-1' }))).error?.message).toMatch(
			/^The FileMaker host .* does not have an open database named 'Inventar' \(code 802\)\. Check the Database name\./,
		);
		env.creds.set('fileMakerDataApi', credentialData(env.fm, { username: 'someone' }));
		expect((await env.run(stock('get', { sku: 'OK-1' }))).error?.message).toMatch(/account name or password .*\(code 212\)/);
	});

	it('812: host capacity', async () => {
		env.fm.setOptions({ sessionCap: 0 });
		try {
			expect((await env.run(stock('get', { sku: 'OK-1' }))).error?.message).toMatch(/no room for another Data API session \(code 812/);
		} finally {
			env.fm.setOptions({ sessionCap: undefined });
		}
	});

	it('with continue on fail, a FileMaker failure is marked retryable (the item itself is fine)', async () => {
		// the stock edit refused twice (after the first refusal the node reads again and retries once)
		env.fm.injectFault({ when: (req) => req.method === 'PATCH', times: 2, httpStatus: 500, code: '812', message: 'Exceeded host’s capacity' });
		const r = await env.run(stock('adjust', { sku: 'OK-1', delta: -1 }), [{}], { continueOnFail: true });
		expect(r.error).toBeUndefined();
		expect(r.items[0].json).toMatchObject({ sku: 'OK-1', retryable: true });
		expect(String(r.items[0].json.error)).not.toBe('');
		expect(typeof r.items[0].json.error).toBe('string'); // String(undefined) would have passed the line above
		expect(r.items[0].json.error).toMatch(/no room for another Data API session \(code 812/);
		expect(env.fm.records('Stock')[0].fieldData.Quantity).toBe(10); // the refused write changed nothing
	});

	it('a find problem in the node itself is explained before any request', async () => {
		const r = await env.run(
			stock('getMany', {
				findCriteria: {
					criteria: [
						{ field: 'Quantity', operator: 'greaterThan', value: '1' },
						{ field: 'Quantity', operator: 'lessThan', value: '9' },
					],
				},
			}),
		);
		expect(r.error?.message).toMatch(/The field 'Quantity' is used in more than one find criterion/);
		const bad = await env.run(stock('getMany', { options: { modifiedSince: 'last week' } }));
		expect(bad.error?.message).toBe("Modified Since: 'last week' is not an ISO 8601 date, e.g. 2026-11-24 or 2026-11-24T09:30:00Z.");
	});
});
