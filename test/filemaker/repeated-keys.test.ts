/**
 * Exactly once without FileMaker's help: a FileMaker file whose `EventKey` is not validated unique
 * ("Validate data in this field: Only during data entry", or no validation at all) lets a repeated
 * delivery in as a second row. Apply Pending (and the direct mode of Adjust / Set) checks the keys of
 * every batch it applies: a row repeating the key of an applied event is marked "duplicate of <row>"
 * and never applied; of two pending copies only the lower Serial is applied. With the validation set
 * (the documented setup) the check finds only the batch's own rows: one find per batch.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { DEFAULT_LAYOUTS } from '../emulators/filemaker';
import type { KeyRow, PendingEvent } from '../../nodes/FileMakerInventory/logic/events';
import { duplicateMark, isDuplicateMark, repeatedKeys } from '../../nodes/FileMakerInventory/logic/events';
import type { Env } from './_support';
import { movementsOf, stockOf, storeEventParameters, useFileMakerEnv } from './_support';

/** The default layouts, but `EventKey` without "Unique value": FileMaker stores every copy. */
const LAYOUTS_WITHOUT_UNIQUE_KEY = {
	...DEFAULT_LAYOUTS,
	StockMovements: {
		...DEFAULT_LAYOUTS.StockMovements,
		fields: DEFAULT_LAYOUTS.StockMovements.fields.map((f) => (f.name === 'EventKey' ? { ...f, unique: false } : f)),
	},
};

const DAY = 24 * 60 * 60 * 1000;

describe('repeatedKeys (pure)', () => {
	const event = (recordId: string, serial: number, key: string): PendingEvent => ({ recordId, serial, change: -1, key });
	const row = (recordId: string, serial: number, key: string, appliedBatch = ''): KeyRow => ({ recordId, modId: `m${recordId}`, key, serial, appliedBatch });

	it('a key held by its own row only: applied as usual', () => {
		expect(repeatedKeys([event('1', 1, 'k')], [row('1', 1, 'k')])).toEqual({ duplicates: [], later: new Set() });
	});

	it('a key already applied on another row: a duplicate of that row, marked with its own modId', () => {
		const r = repeatedKeys([event('5', 5, 'k')], [row('2', 2, 'k', 'b1'), row('5', 5, 'k')]);
		expect(r.duplicates).toEqual([{ recordId: '5', modId: 'm5', of: '2' }]);
		expect(r.later.size).toBe(0);
	});

	it('two pending copies: the lower Serial is applied, the other waits (a duplicate once that one is applied)', () => {
		const batch = [event('3', 3, 'k'), event('4', 4, 'k')];
		const r = repeatedKeys(batch, [row('3', 3, 'k'), row('4', 4, 'k')]);
		expect(r.duplicates).toEqual([]);
		expect([...r.later]).toEqual(['4']);
	});

	it('keys that differ in case are two events (a Unicode index language keeps them apart): neither is dropped', () => {
		const batch = [event('3', 3, 'k'), event('4', 4, 'K')];
		expect(repeatedKeys(batch, [row('3', 3, 'k'), row('4', 4, 'K')])).toEqual({ duplicates: [], later: new Set() });
	});

	it('a lower pending copy this read did not see yet: this one waits', () => {
		expect([...repeatedKeys([event('9', 9, 'k')], [row('8', 8, 'k'), row('9', 9, 'k')]).later]).toEqual(['9']);
	});

	it('rows already marked as duplicates, rows without a key and other keys count for nothing', () => {
		const r = repeatedKeys(
			[event('7', 7, 'k'), event('8', 8, ''), event('9', 9, 'other')],
			[row('2', 2, 'k', duplicateMark('1')), row('7', 7, 'k'), row('9', 9, 'other')],
		);
		expect(r).toEqual({ duplicates: [], later: new Set() });
		expect(isDuplicateMark(duplicateMark('1'))).toBe(true);
		expect(isDuplicateMark('b1xyz')).toBe(false);
	});
});

describe('EventKey not validated unique in FileMaker', () => {
	let env: Env;
	useFileMakerEnv((e) => (env = e), { layouts: LAYOUTS_WITHOUT_UNIQUE_KEY });

	beforeEach(() => {
		env.fm.setOptions({ latencyMs: undefined, now: undefined });
		env.fm.seed('Stock', [
			{ SKU: 'HOT-1', Quantity: 1000 },
			{ SKU: 'B-2', Quantity: 10 },
		]);
	});

	const store = () => storeEventParameters({ source: 'shopify' });
	const apply = () => ({ resource: 'event', operation: 'applyPending', sku: '={{ $json.sku }}' });
	const adjust = (sku: string, delta: number, key: string) => ({ resource: 'stock', operation: 'adjust', sku, delta, idempotencyKey: key, source: 'shopify' });
	const quantity = (sku: string) => Number(stockOf(env.fm, sku)?.fieldData.Quantity);
	const rows = (sku: string) => movementsOf(env.fm, sku);
	const appliedRows = (sku: string) => rows(sku).filter((r) => r.fieldData.AppliedBatch !== '' && !isDuplicateMark(String(r.fieldData.AppliedBatch)));
	const duplicateRows = (sku: string) => rows(sku).filter((r) => isDuplicateMark(String(r.fieldData.AppliedBatch)));

	it('a repeated delivery stored after the first was applied (days later): marked, not applied, reported with what to fix', async () => {
		env.fm.setNow(Date.UTC(2026, 10, 1, 12));
		await env.run(store(), [{ sku: 'B-2', change: -2, key: 'order:1:line:1:sale' }]);
		expect(env.json(await env.run(apply(), [{ sku: 'B-2' }]))[0]).toMatchObject({ applied: 1, quantityAfter: 8 });

		env.fm.advance(3 * DAY);
		env.creds.update('fileMakerDataApi', { sessionToken: '' });
		// FileMaker lets the copy in: Store cannot tell it from a new event.
		expect(env.json(await env.run(store(), [{ sku: 'B-2', change: -2, key: 'order:1:line:1:sale' }]))[0]).toMatchObject({ status: 'stored' });
		const out = env.json(await env.run(apply(), [{ sku: 'B-2' }]))[0];
		expect(out).toMatchObject({ applied: 0, change: 0, quantityAfter: 8, duplicatesNotApplied: 1 });
		expect(String(out.warning)).toContain("the field 'EventKey' in layout 'StockMovements' is not validated \"Unique value\"");
		expect(quantity('B-2')).toBe(8);
		const [original] = appliedRows('B-2');
		expect(duplicateRows('B-2').map((r) => r.fieldData.AppliedBatch)).toEqual([duplicateMark(original.recordId)]);
		// Nothing pending is left, and the next run has nothing to report.
		expect(env.json(await env.run(apply(), [{ sku: 'B-2' }]))[0]).toEqual({ sku: 'B-2', applied: 0, change: 0, quantityBefore: 8, quantityAfter: 8 });
		// Stock Event → Get Many tells the copy from the event.
		const listed = env.json(await env.run({ resource: 'event', operation: 'getMany', status: 'applied', filters: { sku: 'B-2' } }));
		expect(listed.map((r) => r.status).sort()).toEqual(['applied', 'duplicate']);
	});

	it('both copies stored before any apply: one run applies the first and marks the second', async () => {
		await env.run(store(), [
			{ sku: 'B-2', change: -3, key: 'k-a' },
			{ sku: 'B-2', change: -1, key: 'k-b' },
			{ sku: 'B-2', change: -3, key: 'k-a' },
		]);
		const out = env.json(await env.run(apply(), [{ sku: 'B-2' }]))[0];
		expect(out).toMatchObject({ applied: 2, change: -4, quantityAfter: 6, duplicatesNotApplied: 1 });
		expect(quantity('B-2')).toBe(6);
		expect(appliedRows('B-2').map((r) => r.fieldData.Serial)).toEqual([1, 2]);
		expect(duplicateRows('B-2').map((r) => [r.fieldData.EventKey, r.fieldData.Serial])).toEqual([['k-a', 3]]);
	});

	it('the same event delivered 3 times concurrently (store, then apply, each): applied once, two rows marked', async () => {
		env.fm.setOptions({ latencyMs: { min: 1, max: 10 } });
		const deliver = async () => {
			await env.run(store(), [{ sku: 'HOT-1', change: -3, key: 'order:77:line:1:sale' }]);
			return env.json(await env.run(apply(), [{ sku: 'HOT-1' }]));
		};
		await Promise.all([deliver(), deliver(), deliver()]);
		// A copy stored after the last apply read stays pending until the next apply (the sweep).
		await env.run(apply(), [{ sku: 'HOT-1' }]);
		expect(rows('HOT-1')).toHaveLength(3);
		expect(appliedRows('HOT-1')).toHaveLength(1);
		expect(duplicateRows('HOT-1')).toHaveLength(2);
		expect(quantity('HOT-1')).toBe(997);
	});

	it('60 events each delivered twice at once, applied by 4 concurrent runs: exact stock, each event applied once', async () => {
		env.fm.setOptions({ latencyMs: { min: 0, max: 5 } });
		await Promise.all(
			Array.from({ length: 120 }, async (_, i) => {
				const n = i % 60;
				const res = await env.run(store(), [{ sku: 'HOT-1', change: n % 10 === 0 ? 2 : -1, key: `burst:${n}` }]);
				expect(res.error).toBeUndefined();
			}),
		);
		expect(rows('HOT-1')).toHaveLength(120);
		await Promise.all([1, 2, 3, 4].map(async () => await env.run(apply(), [{ sku: 'HOT-1' }])));
		await env.run(apply(), [{ sku: 'HOT-1' }]);
		// 6 restocks of +2, 54 sales of -1
		expect(quantity('HOT-1')).toBe(1000 + 12 - 54);
		const applied = appliedRows('HOT-1');
		expect(applied).toHaveLength(60);
		expect(new Set(applied.map((r) => r.fieldData.EventKey)).size).toBe(60);
		expect(duplicateRows('HOT-1')).toHaveLength(60);
		// The applied rows' QuantityAfter run in Serial order as if applied one by one.
		let q = 1000;
		for (const r of applied.sort((a, b) => Number(a.fieldData.Serial) - Number(b.fieldData.Serial))) {
			q += Number(r.fieldData.Change);
			expect(Number(r.fieldData.QuantityAfter)).toBe(q);
		}
	});

	it('n8n stopped after committing an event, before marking its row; a copy of it stored meanwhile: the next apply marks the event applied and the copy duplicate, stock changed once', async () => {
		await env.run(store(), [{ sku: 'B-2', change: -2, key: 'order:5:line:1:sale' }]);
		// The commit (stock edit with LastBatch) goes through; marking the row fails, as if n8n stopped there.
		env.fm.injectFault({
			when: ({ method, path }) => method === 'PATCH' && path.includes('/layouts/StockMovements/records/'),
			times: 1,
			httpStatus: 500,
			code: '100',
		});
		const failed = env.json(await env.run(apply(), [{ sku: 'B-2' }]));
		expect(String(failed[0].error)).toContain("The stock of SKU 'B-2' was changed");
		expect(quantity('B-2')).toBe(8);
		expect(rows('B-2').map((r) => r.fieldData.AppliedBatch)).toEqual(['']);

		// The redelivery: FileMaker lets the copy in while the original still looks pending.
		await env.run(store(), [{ sku: 'B-2', change: -2, key: 'order:5:line:1:sale' }]);
		const out = env.json(await env.run(apply(), [{ sku: 'B-2' }]))[0];
		expect(out).toMatchObject({ applied: 0, repaired: 1, quantityAfter: 8, duplicatesNotApplied: 1 });
		expect(quantity('B-2')).toBe(8);
		expect(appliedRows('B-2')).toHaveLength(1);
		expect(duplicateRows('B-2')).toHaveLength(1);
	});

	it('Adjust with the same key twice (the direct mode): the second is a duplicate, with the warning, and changes nothing', async () => {
		expect(env.json(await env.run(adjust('B-2', -2, 'pos:9')))[0]).toMatchObject({ applied: true, quantityAfter: 8 });
		const again = env.json(await env.run(adjust('B-2', -2, 'pos:9')))[0];
		expect(again).toMatchObject({ applied: false, duplicate: true, change: -2, quantity: 8 });
		expect(String(again.warning)).toContain('not validated "Unique value"');
		expect(quantity('B-2')).toBe(8);
		expect(appliedRows('B-2')).toHaveLength(1);
		expect(again.eventRecordId).toBe(appliedRows('B-2')[0].recordId);
	});
});
