/**
 * The stock-event store: Stock Event → Store / Apply Pending / Get Many, the direct mode of
 * Adjust and Set, the horizon of idempotency keys and the faults of issue 12, on the emulator.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import type { Env } from './_support';
import { movementsOf, requestsTo, stockOf, useFileMakerEnv } from './_support';

let env: Env;
const DAY = 24 * 60 * 60 * 1000;

useFileMakerEnv((e) => (env = e));

beforeEach(() => {
	env.fm.setOptions({ latencyMs: undefined, now: undefined });
	env.fm.seed('Stock', [
		{ SKU: 'HOT-1', Quantity: 1000 },
		{ SKU: 'B-2', Quantity: 10 },
		{ SKU: 'ABC-1', Quantity: 7 },
	]);
});

const store = (extra: Record<string, unknown> = {}) => ({
	resource: 'event',
	operation: 'store',
	sku: '={{ $json.sku }}',
	change: '={{ $json.change }}',
	setTo: '={{ $json.setTo ?? "" }}',
	idempotencyKey: '={{ $json.key }}',
	source: 'shopify',
	reason: 'order',
	...extra,
});
const apply = (options: Record<string, unknown> = {}) => ({
	resource: 'event',
	operation: 'applyPending',
	sku: '={{ $json.sku }}',
	options,
});
const adjust = (sku: string, delta: number, key = '', extra: Record<string, unknown> = {}) => ({
	resource: 'stock',
	operation: 'adjust',
	sku,
	delta,
	idempotencyKey: key,
	source: 'shopify',
	...extra,
});
const set = (sku: string, quantity: number, key = '') => ({ resource: 'stock', operation: 'set', sku, quantity: String(quantity), idempotencyKey: key });

const quantity = (sku: string) => Number(stockOf(env.fm, sku)?.fieldData.Quantity);
const rows = (sku: string) => movementsOf(env.fm, sku);
const isPostToEvents = ({ method, path }: { method: string; path: string }) => method === 'POST' && path.endsWith('/layouts/StockMovements/records');
const isPatchToEvents = ({ method, path }: { method: string; path: string }) => method === 'PATCH' && path.includes('/layouts/StockMovements/records/');
const isPatchToStock = ({ method, path }: { method: string; path: string }) => method === 'PATCH' && path.includes('/layouts/Stock/records/');

/** QuantityAfter of the rows in Serial order equals the quantity after applying them one by one. */
function expectSequential(sku: string, start: number) {
	const ordered = rows(sku).sort((a, b) => Number(a.fieldData.Serial) - Number(b.fieldData.Serial));
	let q = start;
	for (const r of ordered) {
		q = r.fieldData.SetTo !== '' ? Number(r.fieldData.SetTo) : q + Number(r.fieldData.Change);
		expect(r.fieldData.AppliedBatch).not.toBe('');
		expect(Number(r.fieldData.QuantityAfter)).toBe(q);
	}
	return q;
}

describe('Store', () => {
	it('stores one row per event; a repeated key is a duplicate, not an error; 2 requests before the answer', async () => {
		const input = [
			{ sku: 'HOT-1', change: -1, key: 'o:1:l:1' },
			{ sku: 'B-2', change: -2, key: 'o:1:l:2' },
			{ sku: 'HOT-1', change: -1, key: 'o:1:l:1' },
		];
		const res = await env.run(store(), input);
		expect(res.error).toBeUndefined();
		const out = env.json(res);
		expect(out.map((o) => o.status)).toEqual(['stored', 'stored', 'duplicate']);
		expect(out[0]).toMatchObject({ sku: 'HOT-1', idempotencyKey: 'o:1:l:1', change: -1 });
		expect(out[0].recordId).toBeTypeOf('string');
		expect(out[2].recordId).toBeUndefined();
		expect(rows('HOT-1')).toHaveLength(1);
		expect(quantity('HOT-1')).toBe(1000);
		// one SKU check for the execution, one create per event (login aside)
		expect(requestsTo(env.fm, 'POST', '/_find')).toHaveLength(1);
		expect(requestsTo(env.fm, 'POST', '/layouts/StockMovements/records')).toHaveLength(3);
	});

	it("Input Items 'Shopify Stock Changes': the trigger's items stored as they are (no mapping), skipped lines passed over", async () => {
		const params = { resource: 'event', operation: 'store', inputItems: 'shopifyChanges', source: 'shopify' };
		const res = await env.run(params, [
			{ kind: 'sale', sku: 'HOT-1', quantity: -2, idempotencyKey: 'shopify:order:7:line:1:sale', orderId: '7', orderName: '#1007', skipped: false },
			{ kind: 'restock', sku: 'B-2', quantity: 1, idempotencyKey: 'shopify:refund:9:line:3:restock', orderId: '8', orderName: null, skipped: false },
			{ kind: 'sale', sku: null, quantity: -1, idempotencyKey: 'shopify:order:7:line:2:sale', skipped: true, reason: 'Line has no SKU' },
		]);
		expect(res.error).toBeUndefined();
		const out = env.json(res);
		expect(out.map((o) => o.status)).toEqual(['stored', 'stored', 'skipped']);
		const hot = rows('HOT-1')[0].fieldData;
		expect([hot.Change, hot.EventKey, hot.Reason, hot.Reference, hot.Source]).toEqual([-2, 'shopify:order:7:line:1:sale', 'Shopify sale', '#1007', 'shopify']);
		const b2 = rows('B-2')[0].fieldData;
		expect([b2.Change, b2.Reason, b2.Reference]).toEqual([1, 'Shopify restock', '8']);
	});

	it('unknown SKU and near match are error items (retryable: false) naming both spellings; the rest is stored', async () => {
		const res = await env.run(store(), [
			{ sku: 'abc-1', change: -1, key: 'k1' },
			{ sku: 'NOPE', change: -1, key: 'k2' },
			{ sku: 'B-2', change: -1, key: 'k3' },
		]);
		const out = env.json(res);
		expect(out[0].error).toContain("'abc-1'");
		expect(out[0].error).toContain("'ABC-1'");
		expect(out[0].retryable).toBe(false);
		expect(out[1].error).toContain("No record with SKU 'NOPE'");
		expect(out[2].status).toBe('stored');
		expect(movementsOf(env.fm)).toHaveLength(1);
	});

	it('a key longer than 100 characters is refused with its length', async () => {
		const out = env.json(await env.run(store(), [{ sku: 'B-2', change: 1, key: 'x'.repeat(101) }]));
		expect(out[0].error).toContain('101 characters');
		expect(out[0].error).toContain('at most 100');
		expect(movementsOf(env.fm)).toHaveLength(0);
	});

	it('FileMaker failing one create: fail (default) stores the others, then fails; report gives a retryable error item', async () => {
		env.fm.injectFault({ when: isPostToEvents, skip: 1, httpStatus: 500, code: '100' });
		const input = [
			{ sku: 'B-2', change: -1, key: 'f1' },
			{ sku: 'B-2', change: -1, key: 'f2' },
			{ sku: 'B-2', change: -1, key: 'f3' },
		];
		const failed = await env.run(store(), input);
		expect(failed.error?.message).toContain('1 of 3 stock events could not be stored');
		expect(rows('B-2')).toHaveLength(2);
		const again = env.json(await env.run(store(), input));
		expect(again.map((o) => o.status).sort()).toEqual(['duplicate', 'duplicate', 'stored']);

		env.fm.injectFault({ when: isPostToEvents, httpStatus: 500, code: '100' });
		const reported = env.json(await env.run(store({ options: { onRetryableFailure: 'report' } }), [{ sku: 'B-2', change: -1, key: 'f4' }]));
		expect(reported[0]).toMatchObject({ sku: 'B-2', idempotencyKey: 'f4', retryable: true });
		expect(reported[0].error).toBeTypeOf('string');
	});
});

describe('Apply Pending', () => {
	it('applies stored events once, in order, with sets; a second run applies nothing', async () => {
		await env.run(store(), [
			{ sku: 'B-2', change: -3, key: 'a1' },
			{ sku: 'B-2', setTo: 50, key: 'a2' },
			{ sku: 'B-2', change: -1, key: 'a3' },
		]);
		const first = env.json(await env.run(apply(), [{ sku: 'B-2' }, { sku: 'B-2' }]));
		expect(first).toEqual([{ sku: 'B-2', applied: 3, change: 39, quantityBefore: 10, quantityAfter: 49 }]);
		expect(quantity('B-2')).toBe(49);
		expect(expectSequential('B-2', 10)).toBe(49);
		// the set row records the difference it made
		expect(rows('B-2').find((r) => r.fieldData.EventKey === 'a2')?.fieldData.Change).toBe(43);
		const second = env.json(await env.run(apply(), [{ sku: 'B-2' }]));
		expect(second).toEqual([{ sku: 'B-2', applied: 0, change: 0, quantityBefore: 49, quantityAfter: 49 }]);
	});

	it('one stored event: read the stock, the pending events, their keys, one guarded edit, the mark, then one find for events stored meanwhile (6 requests, as before the key check)', async () => {
		await env.run(store(), [{ sku: 'B-2', change: -1, key: 'one:1' }]);
		await env.run({ resource: 'stock', operation: 'get', sku: 'B-2' }); // the session is warm
		const from = env.fm.requestLog.length;
		expect(env.json(await env.run(apply(), [{ sku: 'B-2' }]))[0]).toMatchObject({ applied: 1, quantityAfter: 9 });
		expect(env.fm.requestLog.slice(from).map((l) => `${l.method} ${l.path.replace(/^.*\/layouts\//, '')}`)).toEqual([
			'POST Stock/_find',
			'POST StockMovements/_find',
			'POST StockMovements/_find',
			'PATCH Stock/records/2',
			'PATCH StockMovements/records/1',
			'POST StockMovements/_find',
		]);
	});

	it("whenBusy 'leave': another run changed the stock record → stop at once, events stay pending; the sweep applies them once", async () => {
		await env.run(store(), [
			{ sku: 'B-2', change: -1, key: 'w1' },
			{ sku: 'B-2', change: -2, key: 'w2' },
		]);
		env.fm.injectFault({ when: isPatchToStock, times: 1, httpStatus: 500, code: '306' });
		const left = env.json(await env.run(apply({ whenBusy: 'leave' }), [{ sku: 'B-2' }]));
		expect(left).toEqual([{ sku: 'B-2', applied: 0, change: 0, quantityBefore: 10, quantityAfter: 10, leftPending: true }]);
		expect(env.fm.requestLog.filter(isPatchToStock)).toHaveLength(1);
		expect(quantity('B-2')).toBe(10);
		expect(rows('B-2').filter((r) => r.fieldData.AppliedBatch === '')).toHaveLength(2);
		const swept = env.json(await env.run(apply({ scope: 'all' }), [{}]));
		expect(swept).toEqual([{ sku: 'B-2', applied: 2, change: -3, quantityBefore: 10, quantityAfter: 7 }]);
		expect(quantity('B-2')).toBe(7);
	});

	it("whenBusy 'leave': after its write, the run reads once more and applies events stored meanwhile (a run its write made leave relies on it)", async () => {
		await env.run(store(), [{ sku: 'B-2', change: -1, key: 'r1' }]);
		// While this run writes its batch, another delivery's event arrives; that delivery's own run would
		// meet this write (306) and leave its event to this one.
		env.fm.onRequest({
			when: isPatchToStock,
			times: 1,
			action: async () => {
				await env.run(store(), [{ sku: 'B-2', change: -2, key: 'r2' }]);
			},
		});
		const out = env.json(await env.run(apply({ whenBusy: 'leave' }), [{ sku: 'B-2' }]));
		expect(out).toEqual([{ sku: 'B-2', applied: 2, change: -3, quantityBefore: 10, quantityAfter: 7 }]);
		expect(env.fm.requestLog.filter(isPatchToStock)).toHaveLength(2);
		expect(rows('B-2').filter((r) => r.fieldData.AppliedBatch === '')).toEqual([]);
	});

	it('whenBusy wait (the sweep, the sync): after its write the run also reads once more, so a leave-mode run its write turned away is not left for the next sweep', async () => {
		await env.run(store(), [{ sku: 'B-2', change: -1, key: 'q1' }]);
		env.fm.onRequest({
			when: isPatchToStock,
			times: 1,
			action: async () => {
				await env.run(store(), [{ sku: 'B-2', change: -2, key: 'q2' }]);
			},
		});
		const out = env.json(await env.run(apply({ scope: 'all' }), [{}]));
		expect(out).toEqual([{ sku: 'B-2', applied: 2, change: -3, quantityBefore: 10, quantityAfter: 7 }]);
		expect(rows('B-2').filter((r) => r.fieldData.AppliedBatch === '')).toEqual([]);
	});

	it("whenBusy 'leave': another run's committed batch still being marked → leave it to that run (no second marking); the sweep repairs a stopped one", async () => {
		await env.run(store(), [
			{ sku: 'B-2', change: -1, key: 'm1' },
			{ sku: 'B-2', change: -2, key: 'm2' },
		]);
		// the first run commits its batch, then stops before marking the rows (n8n killed)
		env.fm.injectFault({ when: (req) => req.method === 'PATCH' && req.path.includes('/layouts/StockMovements/records/'), times: 2, httpStatus: 502, code: '-1', message: 'Bad gateway' });
		await env.run(apply(), [{ sku: 'B-2' }]).catch(() => undefined);
		expect(quantity('B-2')).toBe(7);
		expect(rows('B-2').filter((r) => r.fieldData.AppliedBatch === '')).toHaveLength(2);
		await env.run(store(), [{ sku: 'B-2', change: -4, key: 'm3' }]);
		env.fm.requestLog.length = 0;
		const left = env.json(await env.run(apply({ whenBusy: 'leave' }), [{ sku: 'B-2' }]));
		expect(left).toEqual([{ sku: 'B-2', applied: 0, change: 0, quantityBefore: 7, quantityAfter: 7, leftPending: true }]);
		// nothing written: no row marked twice, no stock edit
		expect(env.fm.requestLog.filter((r) => r.method === 'PATCH')).toEqual([]);
		const swept = env.json(await env.run(apply({ scope: 'all' }), [{}]));
		expect(swept).toEqual([{ sku: 'B-2', applied: 1, change: -4, quantityBefore: 7, quantityAfter: 3, repaired: 2 }]);
		expect(rows('B-2').filter((r) => r.fieldData.AppliedBatch === '')).toEqual([]);
	});

	it('n8n stopped after Store, before Apply: the sweep (scope all) applies every SKU once', async () => {
		await env.run(store(), [
			{ sku: 'B-2', change: -1, key: 's1' },
			{ sku: 'HOT-1', change: -5, key: 's2' },
			{ sku: 'B-2', change: -2, key: 's3' },
		]);
		const out = env.json(await env.run(apply({ scope: 'all' }), [{}]));
		expect(out.map((o) => [o.sku, o.applied]).sort()).toEqual([
			['B-2', 2],
			['HOT-1', 1],
		]);
		expect(quantity('B-2')).toBe(7);
		expect(quantity('HOT-1')).toBe(995);
		expect(env.json(await env.run(apply({ scope: 'all' }), [{}]))).toEqual([]);
		expect(quantity('B-2')).toBe(7);
	});

	it('FileMaker 5xx while marking rows: LastBatch committed, rows not marked → the next apply repairs, no double', async () => {
		await env.run(store(), [
			{ sku: 'B-2', change: -1, key: 'm1' },
			{ sku: 'B-2', change: -2, key: 'm2' },
		]);
		env.fm.injectFault({ when: isPatchToEvents, times: 2, httpStatus: 500, code: '100' });
		const failed = env.json(await env.run(apply(), [{ sku: 'B-2' }]));
		expect(failed[0].error).toContain("The stock of SKU 'B-2' was changed");
		expect(failed[0].retryable).toBe(true);
		expect(quantity('B-2')).toBe(7);
		expect(String(stockOf(env.fm, 'B-2')?.fieldData.LastBatch)).toMatch(/^b\w+:10:\d+,\d+$/);
		expect(rows('B-2').every((r) => r.fieldData.AppliedBatch === '')).toBe(true);

		expect(failed[0].errorDescription).toContain('marks those rows without changing the stock again');
		const repaired = env.json(await env.run(apply(), [{ sku: 'B-2' }]));
		expect(repaired).toEqual([{ sku: 'B-2', applied: 0, change: 0, quantityBefore: 7, quantityAfter: 7, repaired: 2 }]);
		expect(quantity('B-2')).toBe(7);
		expect(expectSequential('B-2', 10)).toBe(7);
	});

	it('one of three marks failing (a Set among them): the repair reads the marked row and fills in the rest exactly', async () => {
		await env.run(store(), [
			{ sku: 'B-2', change: -2, key: 'r1' },
			{ sku: 'B-2', setTo: 30, key: 'r2' },
			{ sku: 'B-2', change: -5, key: 'r3' },
		]);
		env.fm.injectFault({ when: isPatchToEvents, skip: 1, times: 1, httpStatus: 500, code: '100' });
		const failed = env.json(await env.run(apply(), [{ sku: 'B-2' }]));
		expect(failed[0].error).toContain('1 of 3 event rows could not be marked');
		expect(quantity('B-2')).toBe(25);
		expect(rows('B-2').filter((r) => r.fieldData.AppliedBatch === '')).toHaveLength(1);
		const repaired = env.json(await env.run(apply(), [{ sku: 'B-2' }]));
		expect(repaired[0]).toMatchObject({ applied: 0, repaired: 1, quantityAfter: 25 });
		expect(expectSequential('B-2', 10)).toBe(25);
		expect(rows('B-2').map((r) => r.fieldData.Change)).toEqual([-2, 22, -5]);
	});

	it('FileMaker 5xx on the stock edit itself: nothing applied, the next apply applies once', async () => {
		await env.run(store(), [{ sku: 'B-2', change: -4, key: 'p1' }]);
		env.fm.injectFault({ when: isPatchToStock, times: 2, httpStatus: 500, code: '100' });
		const failed = env.json(await env.run(apply(), [{ sku: 'B-2' }]));
		expect(failed[0].retryable).toBe(true);
		expect(failed[0].errorDescription).toContain('Running Apply Pending again is safe');
		expect(quantity('B-2')).toBe(10);
		expect(env.json(await env.run(apply(), [{ sku: 'B-2' }]))[0]).toMatchObject({ applied: 1, quantityAfter: 6 });
		expect(quantity('B-2')).toBe(6);
	});

	it('the stock edit applied but its answer lost: counted once, rows marked, nothing applied twice', async () => {
		await env.run(store(), [
			{ sku: 'B-2', change: -1, key: 'l1' },
			{ sku: 'B-2', change: -1, key: 'l2' },
		]);
		env.fm.injectFault({ when: isPatchToStock, phase: 'after', httpStatus: 500, code: '100' });
		const out = env.json(await env.run(apply(), [{ sku: 'B-2' }]));
		expect(out).toEqual([{ sku: 'B-2', applied: 2, change: -2, quantityBefore: 10, quantityAfter: 8 }]);
		expect(quantity('B-2')).toBe(8);
		expect(expectSequential('B-2', 10)).toBe(8);
	});

	it('the stock edit applied but the connection dropped before the answer: read again, counted once', async () => {
		await env.run(store(), [{ sku: 'B-2', change: -3, key: 'd1' }]);
		env.fm.injectFault({ when: isPatchToStock, phase: 'after', dropConnection: true });
		const out = env.json(await env.run(apply(), [{ sku: 'B-2' }]));
		expect(out).toEqual([{ sku: 'B-2', applied: 1, change: -3, quantityBefore: 10, quantityAfter: 7 }]);
		expect(quantity('B-2')).toBe(7);
		expect(expectSequential('B-2', 10)).toBe(7);
	});

	it('an event with both a change and Set To is refused', async () => {
		const out = env.json(await env.run(store(), [{ sku: 'B-2', change: -1, setTo: 5, key: 'both' }]));
		expect(out[0].error).toBe("The event for SKU 'B-2' has both a change (-1) and Set To (5). Give one of them: a change, or Set To for an absolute quantity.");
		expect(out[0].retryable).toBe(false);
		expect(rows('B-2')).toHaveLength(0);
	});

	it('the same event delivered 3 times concurrently: one row, applied once', async () => {
		const deliver = async () => {
			await env.run(store(), [{ sku: 'HOT-1', change: -3, key: 'order:77:line:1:sale' }]);
			return env.json(await env.run(apply(), [{ sku: 'HOT-1' }]));
		};
		env.fm.setOptions({ latencyMs: { min: 1, max: 10 } });
		await Promise.all([deliver(), deliver(), deliver()]);
		expect(rows('HOT-1')).toHaveLength(1);
		expect(quantity('HOT-1')).toBe(997);
		expect(expectSequential('HOT-1', 1000)).toBe(997);
	});

	it('200 events on one SKU stored concurrently, applied by 4 concurrent runs: exact stock, one row each, QuantityAfter sequential', async () => {
		env.fm.setOptions({ latencyMs: { min: 0, max: 5 } });
		await Promise.all(
			Array.from({ length: 200 }, async (_, i) => {
				const res = await env.run(store(), [{ sku: 'HOT-1', change: i % 10 === 0 ? 2 : -1, key: `burst:${i}` }]);
				expect(res.error).toBeUndefined();
			}),
		);
		expect(rows('HOT-1')).toHaveLength(200);
		const runs = await Promise.all([1, 2, 3, 4].map(async () => env.json(await env.run(apply(), [{ sku: 'HOT-1' }]))));
		const appliedTotal = runs.reduce((sum, out) => sum + Number(out[0].applied), 0);
		expect(appliedTotal).toBe(200);
		// 20 restocks of +2, 180 sales of -1
		expect(quantity('HOT-1')).toBe(1000 + 40 - 180);
		expect(expectSequential('HOT-1', 1000)).toBe(860);
	});

	it("Input Items 'Store's Output': the SKUs of stored and duplicate items are applied, skipped lines left out", async () => {
		const stored = env.json(
			await env.run({ resource: 'event', operation: 'store', inputItems: 'shopifyChanges', source: 'shopify' }, [
				{ kind: 'sale', sku: 'B-2', quantity: -2, idempotencyKey: 'so:1', orderName: '#1' },
				{ kind: 'sale', sku: 'B-2', quantity: -2, idempotencyKey: 'so:1', orderName: '#1' },
				{ kind: 'sale', sku: null, quantity: -1, idempotencyKey: 'so:2', skipped: true },
				{ kind: 'sale', sku: 'HOT-1', quantity: -3, idempotencyKey: 'so:3', orderName: '#1' },
			]),
		);
		expect(stored.map((o) => o.status)).toEqual(['stored', 'duplicate', 'skipped', 'stored']);
		const applied = env.json(await env.run({ resource: 'event', operation: 'applyPending', inputItems: 'storedEvents' }, stored));
		expect(applied.map((o) => [o.sku, o.applied, o.quantityAfter])).toEqual([
			['B-2', 1, 8],
			['HOT-1', 1, 997],
		]);
	});

	it('Wait Before Applying: events stored while the run waits are applied by it, in one batch', async () => {
		const waiting = env.run(apply({ waitSeconds: 0.5 }), [{ sku: 'B-2' }]);
		await env.run(store(), [
			{ sku: 'B-2', change: -1, key: 'g1' },
			{ sku: 'B-2', change: -2, key: 'g2' },
			{ sku: 'B-2', change: 4, key: 'g3' },
		]);
		expect(rows('B-2').filter((r) => r.fieldData.AppliedBatch === '')).toHaveLength(3);
		expect(env.json(await waiting)).toEqual([{ sku: 'B-2', applied: 3, change: 1, quantityBefore: 10, quantityAfter: 11 }]);
		expect(env.fm.requestLog.filter(isPatchToStock)).toHaveLength(1);
	});
});

describe('Horizon: a key is recognised for as long as its row exists', () => {
	it('a change whose row write answer was lost, 500 later keyed changes, then the first key again: not applied', async () => {
		env.fm.injectFault({ when: isPostToEvents, phase: 'after', httpStatus: 500, code: '100' });
		const first = await env.run(adjust('HOT-1', -2, 'first-key'));
		expect(first.error?.description).toContain('same change key is safe');
		const later = Array.from({ length: 500 }, (_, i) => ({ sku: 'HOT-1', change: -1, key: `later:${i}` }));
		expect(env.json(await env.run(store(), later)).filter((o) => o.status === 'stored')).toHaveLength(500);
		expect(env.json(await env.run(apply(), [{ sku: 'HOT-1' }]))[0]).toMatchObject({ applied: 501, quantityAfter: 498 });

		const again = await env.run(adjust('HOT-1', -2, 'first-key'));
		expect(again.error).toBeUndefined();
		expect(env.json(again)[0]).toMatchObject({ duplicate: true, applied: false, change: -2, quantity: 498 });
		expect(quantity('HOT-1')).toBe(498);
		expect(rows('HOT-1')).toHaveLength(501);
	});

	it('a change whose row write failed outright is not stored: the redelivery applies it once', async () => {
		env.fm.injectFault({ when: isPostToEvents, httpStatus: 500, code: '100' });
		expect((await env.run(adjust('B-2', -2, 'k-failed'))).error).toBeDefined();
		expect(quantity('B-2')).toBe(10);
		expect(env.json(await env.run(adjust('B-2', -2, 'k-failed')))[0]).toMatchObject({ applied: true, quantityAfter: 8 });
		expect(env.json(await env.run(adjust('B-2', -2, 'k-failed')))[0]).toMatchObject({ duplicate: true, quantity: 8 });
		expect(quantity('B-2')).toBe(8);
	});

	it('a key 8 days old (emulated clock) is still a duplicate', async () => {
		env.fm.setNow(Date.UTC(2026, 10, 1, 12));
		expect(env.json(await env.run(adjust('B-2', -1, 'old-key')))[0]).toMatchObject({ applied: true, quantityAfter: 9 });
		env.fm.advance(8 * DAY);
		env.creds.update('fileMakerDataApi', { sessionToken: '' });
		expect(env.json(await env.run(adjust('B-2', -1, 'old-key')))[0]).toMatchObject({ duplicate: true, quantity: 9 });
		expect(quantity('B-2')).toBe(9);
	});

	it('a keyed Set that changes nothing stores its key: no-op Set, a sale, the same Set again → no change', async () => {
		const noop = env.json(await env.run(set('B-2', 10, 'count:1')))[0];
		expect(noop).toMatchObject({ applied: true, unchanged: true, change: 0, quantityAfter: 10 });
		expect(env.json(await env.run(adjust('B-2', -1, 'sale:1')))[0]).toMatchObject({ quantityAfter: 9 });
		expect(env.json(await env.run(set('B-2', 10, 'count:1')))[0]).toMatchObject({ duplicate: true, quantity: 9 });
		expect(quantity('B-2')).toBe(9);
	});
});

describe('Direct mode and exact SKUs', () => {
	it('marking fails after the stock changed: without a key the error says not to run the item again', async () => {
		env.fm.injectFault({ when: isPatchToEvents, httpStatus: 500, code: '100' });
		const res = await env.run(adjust('B-2', -1));
		expect(res.error?.message).toContain("The stock of SKU 'B-2' was changed");
		expect(res.error?.description).toContain('Do not run this item again: the change is applied');
		expect(res.error?.description).not.toContain('same change key');
		expect(quantity('B-2')).toBe(9);
		// the sweep marks the row, the stock stays
		await env.run(apply({ scope: 'all' }), [{}]);
		expect(quantity('B-2')).toBe(9);
		expect(expectSequential('B-2', 10)).toBe(9);
	});

	it('Adjust without a key stores an event with a random key and applies it', async () => {
		const out = env.json(await env.run(adjust('B-2', 5)))[0];
		expect(out).toMatchObject({ sku: 'B-2', applied: true, duplicate: false, change: 5, quantityBefore: 10, quantityAfter: 15 });
		expect(out.idempotencyKey).toBeUndefined();
		expect(String(rows('B-2')[0].fieldData.EventKey)).toMatch(/^n8n:/);
	});

	it('abc-1 against a record ABC-1: Get, Set and Adjust report both spellings and change nothing', async () => {
		for (const params of [{ resource: 'stock', operation: 'get', sku: 'abc-1' }, adjust('abc-1', -1, 'x1'), set('abc-1', 3, 'x2')]) {
			const res = await env.run(params);
			expect(res.error?.message).toContain("'abc-1'");
			expect(res.error?.message).toContain("'ABC-1'");
		}
		expect(quantity('ABC-1')).toBe(7);
		expect(movementsOf(env.fm)).toHaveLength(0);
	});
});

describe('Stock → Get Many with Subtract Pending Sales', () => {
	it('subtracts pending negative changes only, read before the stock', async () => {
		await env.run(store(), [
			{ sku: 'B-2', change: -3, key: 'g1' },
			{ sku: 'B-2', change: 2, key: 'g2' },
			{ sku: 'HOT-1', setTo: 5, key: 'g3' },
		]);
		const logStart = env.fm.requestLog.length;
		const out = env.json(await env.run({ resource: 'stock', operation: 'getMany', options: { subtractPendingSales: true } }));
		const b2 = out.find((o) => o.sku === 'B-2');
		expect(b2).toMatchObject({ quantity: 7, recordedQuantity: 10, pendingSales: -3 });
		expect(out.find((o) => o.sku === 'HOT-1')).toMatchObject({ quantity: 1000, recordedQuantity: 1000, pendingSales: 0 });
		const reads = env.fm.requestLog.slice(logStart).filter((l) => l.path.includes('/layouts/'));
		expect(reads.map((l) => `${l.method} ${l.path.replace(/.*\/layouts\//, '')}`)).toEqual(['POST StockMovements/_find', 'GET Stock/records']);
	});
});
