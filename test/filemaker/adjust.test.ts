import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { FileMakerScript } from '../emulators/filemaker';
import type { Env } from './_support';
import { movementsOf, requestsTo, startEnv, stockOf } from './_support';

let env: Env;

/** An "existing transactional script" of a FileMaker solution, emulated: keeps its own books. */
function makeAdjustScript() {
	const applied = new Set<string>();
	const quantities = new Map<string, number>();
	/** Every parameter the node sent to the script, as received. */
	const received: string[] = [];
	const script: FileMakerScript = ({ param, emulator }) => {
		received.push(param ?? '');
		const p = JSON.parse(param ?? '{}') as { sku: string; delta: number; key: string; reason: string; source: string };
		if (!quantities.has(p.sku)) {
			const rec = emulator.records('Stock').find((r) => r.fieldData.SKU === p.sku);
			if (!rec) return { scriptResult: JSON.stringify({ applied: false, error: `unknown SKU ${p.sku}` }) };
			quantities.set(p.sku, Number(rec.fieldData.Quantity));
		}
		if (p.key && applied.has(p.key)) {
			return { scriptResult: JSON.stringify({ applied: false, duplicate: true, quantityAfter: quantities.get(p.sku) }) };
		}
		if (p.key) applied.add(p.key);
		const after = (quantities.get(p.sku) ?? 0) + p.delta;
		quantities.set(p.sku, after);
		emulator.seed('StockMovements', [
			{ SKU: p.sku, Change: p.delta, QuantityAfter: after, Reason: p.reason, Reference: p.key, Source: p.source },
		]);
		// Numbers as text, as FileMaker's JSON functions often produce.
		return { scriptResult: `{"applied":true,"quantityAfter":"${after}","duplicate":false}`, scriptError: '0' };
	};
	return { script, quantities, received };
}

const adjustScript = makeAdjustScript();

beforeAll(async () => {
	env = await startEnv({
		scripts: {
			'Adjust Stock': adjustScript.script,
			'Broken Script': () => ({ scriptResult: 'done', scriptError: '0' }),
			'Failing Script': () => ({ scriptError: '301' }),
		},
	});
});

afterAll(async () => {
	await env.close();
});

beforeEach(() => {
	env.fm.setOptions({ latencyMs: undefined });
	env.fm.reset();
	env.creds.update('fileMakerDataApi', { sessionToken: '' });
	env.fm.seed('Stock', [
		{ SKU: 'HOT-1', Quantity: 1000, Name: 'Hot item' },
		{ SKU: 'B-2', Quantity: 10 },
		{ SKU: 'C-3', Quantity: 5 },
	]);
});

const adjust = (sku: string, delta: unknown, extra: Record<string, unknown> = {}) => ({
	resource: 'stock',
	operation: 'adjust',
	sku,
	delta,
	source: 'shopify',
	reason: 'order paid',
	...extra,
});

describe('Adjust under concurrency', () => {
	it('50 parallel -1 on one SKU with random latency: exactly 50 lower, exactly 50 movement rows', async () => {
		// Warm the session with one execution, then 50 executions at once sharing the credential.
		expect((await env.run({ resource: 'stock', operation: 'get', sku: 'HOT-1' })).error).toBeUndefined();
		env.fm.setOptions({ latencyMs: { min: 1, max: 15 } });
		// Forced concurrency, independent of the machine's speed: the first two reads of the stock record are
		// held until both have arrived, so two executions read the same modId and one of them must meet a 306.
		let heldReads = 0;
		let releaseReads!: () => void;
		const bothReadsArrived = new Promise<void>((resolve) => (releaseReads = resolve));
		env.fm.onRequest({
			when: (req) => req.method === 'POST' && req.path.endsWith('/layouts/Stock/_find'),
			times: 2,
			action: async () => {
				heldReads++;
				if (heldReads === 2) releaseReads();
				await bothReadsArrived;
			},
		});
		const runs = await Promise.all(Array.from({ length: 50 }, () => env.run(adjust('HOT-1', -1))));
		for (const r of runs) {
			expect(r.error).toBeUndefined();
			expect(r.items[0].json).toMatchObject({ applied: true, change: -1 });
		}
		expect(stockOf(env.fm, 'HOT-1')?.fieldData.Quantity).toBe(950);
		const rows = movementsOf(env.fm, 'HOT-1');
		expect(rows).toHaveLength(50);
		expect(rows.every((m) => m.fieldData.Change === -1 && m.fieldData.Source === 'shopify')).toBe(true);
		// Every quantity from 999 down to 950 was written exactly once.
		expect(new Set(rows.map((m) => m.fieldData.QuantityAfter)).size).toBe(50);
		expect(env.fm.stats.logins).toBe(1);
		const conflicts = requestsTo(env.fm, 'PATCH', '/layouts/Stock/records/1').filter((l) => l.code === '306').length;
		const attempts = runs.map((r) => Number(r.items[0].json.attempts));
		// (measured facts for the report)
		console.info(`50 parallel adjusts: ${conflicts} conflicts (306), max attempts ${Math.max(...attempts)}`);
		expect(heldReads).toBe(2);
		for (const a of attempts) {
			expect(Number.isInteger(a)).toBe(true);
			expect(a).toBeGreaterThanOrEqual(1);
			expect(a).toBeLessThanOrEqual(10); // Max Attempts (default)
		}
		// Every guarded edit either committed one batch (named by its rows' AppliedBatch) or met a 306.
		const batches = new Set(rows.map((m) => m.fieldData.AppliedBatch));
		expect(rows.every((m) => m.fieldData.AppliedBatch !== '')).toBe(true);
		expect(requestsTo(env.fm, 'PATCH', '/layouts/Stock/records/1')).toHaveLength(batches.size + conflicts);
	});

	it('50 parallel -1 with 50 different idempotency keys: all applied, one row per key', async () => {
		await env.run({ resource: 'stock', operation: 'get', sku: 'HOT-1' });
		env.fm.setOptions({ latencyMs: { min: 1, max: 15 } });
		const runs = await Promise.all(
			Array.from({ length: 50 }, (_, i) => env.run(adjust('HOT-1', -1, { idempotencyKey: `order:${i}:line:1` }))),
		);
		expect(runs.filter((r) => r.items[0]?.json.applied === true)).toHaveLength(50);
		expect(stockOf(env.fm, 'HOT-1')?.fieldData.Quantity).toBe(950);
		expect(movementsOf(env.fm, 'HOT-1')).toHaveLength(50);
		const keys = movementsOf(env.fm, 'HOT-1').map((m) => m.fieldData.EventKey);
		expect(new Set(keys).size).toBe(50);
	});
});

describe('idempotency keys', () => {
	it('the same key sent 3 times in a row is applied once', async () => {
		const results = [];
		for (let i = 0; i < 3; i++) results.push((await env.run(adjust('B-2', -3, { idempotencyKey: 'shopify:order:1001:line:1' }))).items[0].json);
		expect(results[0]).toMatchObject({ applied: true, duplicate: false, quantityBefore: 10, quantityAfter: 7 });
		for (const dup of results.slice(1)) {
			expect(dup).toMatchObject({
				applied: false,
				duplicate: true,
				idempotencyKey: 'shopify:order:1001:line:1',
				change: -3,
				quantityAfter: 7,
				quantity: 7,
			});
		}
		expect(stockOf(env.fm, 'B-2')?.fieldData.Quantity).toBe(7);
		const rows = movementsOf(env.fm, 'B-2');
		expect(rows).toHaveLength(1);
		expect(rows[0].fieldData).toMatchObject({
			SKU: 'B-2',
			Change: -3,
			QuantityAfter: 7,
			Reason: 'order paid',
			EventKey: 'shopify:order:1001:line:1',
			Source: 'shopify',
		});
	});

	it('the same key sent 3 times at once is applied once (repeated over 10 keys)', async () => {
		await env.run({ resource: 'stock', operation: 'get', sku: 'HOT-1' });
		env.fm.setOptions({ latencyMs: { min: 1, max: 15 } });
		for (let k = 0; k < 10; k++) {
			const key = `shopify:order:${2000 + k}:line:1`;
			const runs = await Promise.all([0, 1, 2].map(() => env.run(adjust('HOT-1', -1, { idempotencyKey: key }))));
			const outputs = runs.map((r) => {
				expect(r.error).toBeUndefined();
				return r.items[0].json;
			});
			expect(outputs.filter((o) => o.applied === true)).toHaveLength(1);
			expect(outputs.filter((o) => o.duplicate === true)).toHaveLength(2);
		}
		expect(stockOf(env.fm, 'HOT-1')?.fieldData.Quantity).toBe(990);
		const rows = movementsOf(env.fm, 'HOT-1');
		expect(rows).toHaveLength(10);
		expect(new Set(rows.map((r) => r.fieldData.EventKey)).size).toBe(10);
	});

	it('a key names one event: the same key on another SKU is refused, naming the SKU it belongs to', async () => {
		await env.run(adjust('B-2', -1, { idempotencyKey: 'shared' }));
		const other = await env.run(adjust('C-3', -1, { idempotencyKey: 'shared' }));
		expect(other.error?.message).toBe(
			"The change key 'shared' is already stored for SKU 'B-2', not 'C-3'. A key names one event: use a key per SKU, e.g. with the SKU or the order line in it.",
		);
		expect(stockOf(env.fm, 'C-3')?.fieldData.Quantity).toBe(5);
	});

	it('refuses keys with line breaks', async () => {
		const r = await env.run(adjust('B-2', -1, { idempotencyKey: 'a\nb' }));
		expect(r.error?.message).toBe("The change key must not contain line breaks or tabs. (SKU 'B-2')");
	});
});

describe('n8n stops between storing the event and applying it', () => {
	it('the event stays stored; the retry with the same key does not store it again and applies it once', async () => {
		env.fm.injectFault({ when: (req) => req.method === 'PATCH', times: 2, httpStatus: 503, code: '-1', message: 'Service unavailable' });
		const first = await env.run(adjust('B-2', -4, { idempotencyKey: 'shopify:order:3003:line:2' }));
		expect(first.error?.description).toMatch(/The change itself is stored as a stock event/);
		expect(first.error?.description).toMatch(/Running it again with the same change key \('shopify:order:3003:line:2'\) is safe/);
		expect(stockOf(env.fm, 'B-2')?.fieldData.Quantity).toBe(10);
		expect(movementsOf(env.fm, 'B-2')).toHaveLength(1);

		const retry = await env.run(adjust('B-2', -4, { idempotencyKey: 'shopify:order:3003:line:2' }));
		expect(retry.error).toBeUndefined();
		expect(retry.items[0].json).toMatchObject({ applied: false, duplicate: true, appliedEvents: 1, change: -4, quantityAfter: 6, quantity: 6 });
		const third = (await env.run(adjust('B-2', -4, { idempotencyKey: 'shopify:order:3003:line:2' }))).items[0].json;
		expect(third).toMatchObject({ duplicate: true, appliedEvents: 0, quantity: 6 });
		const rows = movementsOf(env.fm, 'B-2');
		expect(rows).toHaveLength(1);
		expect(rows[0].fieldData).toMatchObject({ Change: -4, QuantityAfter: 6, EventKey: 'shopify:order:3003:line:2' });
		expect(stockOf(env.fm, 'B-2')?.fieldData.Quantity).toBe(6);
	});

	it('without a key, the error does not advise running the change again', async () => {
		env.fm.injectFault({ when: (req) => req.method === 'PATCH', times: 2, httpStatus: 503, code: '-1', message: 'Service unavailable' });
		const first = await env.run(adjust('B-2', -1));
		expect(first.error?.description).toMatch(/Do not run this item again: it had no change key/);
		// the stored event is applied by the next Apply Pending
		await env.run({ resource: 'event', operation: 'applyPending', sku: 'B-2' });
		expect(stockOf(env.fm, 'B-2')?.fieldData.Quantity).toBe(9);
	});
});

describe('requests per change', () => {
	/** Data API requests (logins left out) of one run. */
	async function requestsOf(parameters: Record<string, unknown>) {
		const start = env.fm.requestLog.length;
		expect((await env.run(parameters)).error).toBeUndefined();
		return env.fm.requestLog
			.slice(start)
			.filter((l) => !l.path.endsWith('/sessions'))
			.map((l) => `${l.method} ${l.path.replace(/^.*\/databases\/[^/]+/, '')}`);
	}

	it('keyed Adjust: check, store, read, pending, key check, guarded edit, mark; a duplicate: check, refused store, read, pending, the row', async () => {
		await env.run({ resource: 'stock', operation: 'get', sku: 'B-2' }); // warm the session
		const direct = [
			'POST /layouts/Stock/_find',
			'POST /layouts/StockMovements/records',
			'POST /layouts/Stock/_find',
			'POST /layouts/StockMovements/_find',
			'POST /layouts/StockMovements/_find',
			'PATCH /layouts/Stock/records/2',
			'PATCH /layouts/StockMovements/records/1',
		];
		expect(await requestsOf(adjust('B-2', -1, { idempotencyKey: 'budget-1' }))).toEqual(direct);
		expect(await requestsOf(adjust('B-2', -1, { idempotencyKey: 'budget-1' }))).toEqual([
			'POST /layouts/Stock/_find',
			'POST /layouts/StockMovements/records',
			'POST /layouts/Stock/_find',
			'POST /layouts/StockMovements/_find',
			'POST /layouts/StockMovements/_find',
		]);
		expect(await requestsOf(adjust('B-2', -1))).toEqual(direct.map((r) => r.replace('records/1', 'records/2')));
	});
});

describe('locks and conflicts', () => {
	it('waits for a record that is open in FileMaker (301) and then applies', async () => {
		env.fm.lockRecord('Stock', '2', 400);
		const r = await env.run(adjust('B-2', 5));
		expect(r.error).toBeUndefined();
		expect(r.items[0].json).toMatchObject({ applied: true, quantityAfter: 15 });
		expect(Number(r.items[0].json.attempts)).toBeGreaterThan(1);
		expect(requestsTo(env.fm, 'PATCH', '/layouts/Stock/records/2').some((l) => l.code === '301')).toBe(true);
	});

	it('gives up after Max Attempts with a clear message (301)', async () => {
		env.fm.lockRecord('Stock', '2', 60_000);
		const r = await env.run(adjust('B-2', 5, { options: { maxAttempts: 2 } }));
		expect(r.error?.message).toBe(
			"Could not apply the pending stock events of SKU 'B-2' after 2 attempts: the record 2 stayed in use by another user (FileMaker 301). The events stay stored; the next Apply Pending applies them once. Try again later or raise 'Max Attempts'.",
		);
		expect(stockOf(env.fm, 'B-2')?.fieldData.Quantity).toBe(10);
		expect(movementsOf(env.fm, 'B-2')[0].fieldData.AppliedBatch).toBe(''); // stored, pending
	});

	it('gives up after Max Attempts with a clear message (306)', async () => {
		env.fm.injectFault({
			when: (req) => req.method === 'PATCH',
			times: 3,
			httpStatus: 500,
			code: '306',
			message: 'Record modification ID does not match',
		});
		const r = await env.run(adjust('B-2', 5, { options: { maxAttempts: 3 } }));
		expect(r.error?.message).toMatch(/after 3 attempts: the record 2 kept being changed by others between reading and writing \(FileMaker 306\)/);
		expect(requestsTo(env.fm, 'POST', '/layouts/Stock/_find')).toHaveLength(1 + 3); // the SKU check, then a re-read before each attempt
	});

	it('writes with the modId it read (PATCH {fieldData, modId})', async () => {
		const bodies: unknown[] = [];
		env.fm.injectFault({
			when: (req) => {
				if (req.method === 'PATCH' && req.path.includes('/layouts/Stock/')) bodies.push(req.body);
				return false;
			},
			times: 1,
			httpStatus: 500,
			code: '-1',
		});
		await env.run(adjust('B-2', -1, { idempotencyKey: 'k-mod' }));
		expect(bodies).toHaveLength(1);
		expect(bodies[0]).toMatchObject({ modId: '0', fieldData: { Quantity: 9, LastBatch: expect.stringMatching(/^b\w+:10:1$/) } });
	});
});

describe('Set', () => {
	it('sets an absolute quantity and logs the difference', async () => {
		const r = (await env.run({ resource: 'stock', operation: 'set', sku: 'B-2', quantity: 25, reason: 'stocktake' })).items[0].json;
		expect(r).toMatchObject({ applied: true, change: 15, quantityBefore: 10, quantityAfter: 25 });
		expect(movementsOf(env.fm, 'B-2')[0].fieldData).toMatchObject({ Change: 15, QuantityAfter: 25, Reason: 'stocktake', Source: 'n8n' });
		// a Set that changes nothing is still an event (its key, its audit row)
		const same = (await env.run({ resource: 'stock', operation: 'set', sku: 'B-2', quantity: 25 })).items[0].json;
		expect(same).toMatchObject({ applied: true, unchanged: true, change: 0, quantityAfter: 25 });
		expect(movementsOf(env.fm, 'B-2').map((m) => m.fieldData.Change)).toEqual([15, 0]);
	});
});

describe('Run FileMaker Script mode', () => {
	const scriptAdjust = (sku: string, delta: number, extra: Record<string, unknown> = {}) =>
		adjust(sku, delta, { adjustMode: 'script', scriptName: 'Adjust Stock', ...extra });

	it('calls the script with the JSON parameter and reads its result', async () => {
		adjustScript.quantities.clear();
		adjustScript.received.length = 0;
		const first = await env.run(scriptAdjust('C-3', -2, { idempotencyKey: 'script:1' }));
		expect(first.error).toBeUndefined();
		expect(first.items[0].json).toMatchObject({
			sku: 'C-3',
			applied: true,
			duplicate: false,
			change: -2,
			quantityAfter: 3,
			idempotencyKey: 'script:1',
			script: 'Adjust Stock',
		});
		const again = (await env.run(scriptAdjust('C-3', -2, { idempotencyKey: 'script:1' }))).items[0].json;
		expect(again).toMatchObject({ applied: false, duplicate: true, quantityAfter: 3 });
		expect(movementsOf(env.fm, 'C-3')).toHaveLength(1);
		const calls = requestsTo(env.fm, 'GET', '/layouts/Stock/script/Adjust Stock');
		expect(calls).toHaveLength(2);
		expect(env.fm.stats.logins).toBe(1);
		// What the node sent: the documented parameter, with the same key on the repeat.
		expect(adjustScript.received).toHaveLength(2);
		const sent = adjustScript.received.map((p) => JSON.parse(p) as Record<string, unknown>);
		expect(Object.keys(sent[0]).sort()).toEqual(['delta', 'key', 'reason', 'reference', 'sku', 'source']);
		expect(sent[0]).toMatchObject({ sku: 'C-3', delta: -2, key: 'script:1', reason: 'order paid', source: 'shopify' });
		expect(sent[1]).toEqual(sent[0]);
		// What the node did: the script owns the change; the node wrote neither the stock nor a movement row.
		expect(requestsTo(env.fm, 'PATCH', '/layouts/Stock/records/3')).toHaveLength(0);
		expect(requestsTo(env.fm, 'POST', '/layouts/StockMovements/records')).toHaveLength(0);
		expect(stockOf(env.fm, 'C-3')?.fieldData.Quantity).toBe(5);
	});

	it('passes a duplicate answer through as "not applied" and does not retry or apply it itself', async () => {
		let calls = 0;
		const replaying: FileMakerScript = () => {
			calls++;
			// A solution's script that answers with text values, as FileMaker's JSON functions often do.
			return { scriptResult: '{"applied":"false","duplicate":"true","quantityAfter":"7"}', scriptError: '0' };
		};
		env.fm.setOptions({ scripts: { 'Adjust Stock': adjustScript.script, 'Replaying Script': replaying } });
		try {
			const r = await env.run(adjust('C-3', -2, { adjustMode: 'script', scriptName: 'Replaying Script', idempotencyKey: 'script:dup' }));
			expect(r.error).toBeUndefined();
			expect(r.items[0].json).toMatchObject({
				sku: 'C-3',
				applied: false,
				duplicate: true,
				quantityAfter: 7,
				idempotencyKey: 'script:dup',
			});
			expect(calls).toBe(1);
			expect(requestsTo(env.fm, 'GET', '/layouts/Stock/script/Replaying Script')).toHaveLength(1);
			expect(requestsTo(env.fm, 'PATCH', '/layouts/Stock/records/3')).toHaveLength(0);
			expect(stockOf(env.fm, 'C-3')?.fieldData.Quantity).toBe(5);
			expect(movementsOf(env.fm, 'C-3')).toHaveLength(0);
		} finally {
			env.fm.setOptions({ scripts: { 'Adjust Stock': adjustScript.script, 'Broken Script': () => ({ scriptResult: 'done', scriptError: '0' }), 'Failing Script': () => ({ scriptError: '301' }) } });
		}
	});

	it('reports script failures clearly', async () => {
		adjustScript.quantities.clear();
		const unknown = await env.run(scriptAdjust('NOPE', -1));
		expect(unknown.error?.message).toBe("The FileMaker script 'Adjust Stock' refused the change: unknown SKU NOPE (SKU 'NOPE')");
		const broken = await env.run(adjust('C-3', -1, { adjustMode: 'script', scriptName: 'Broken Script' }));
		expect(broken.error?.message).toMatch(/returned "done", which is not a JSON object/);
		const failing = await env.run(adjust('C-3', -1, { adjustMode: 'script', scriptName: 'Failing Script' }));
		expect(failing.error?.message).toBe("The FileMaker script 'Failing Script' ended with error 301. (SKU 'C-3')");
		const missing = await env.run(adjust('C-3', -1, { adjustMode: 'script', scriptName: 'No Such Script' }));
		expect(missing.error?.message).toMatch(/'No Such Script' ended with error 104/);
	});

	it('refuses a stock layout that an expression left empty (no silent default)', async () => {
		adjustScript.quantities.clear();
		const start = env.fm.requestLog.length;
		const empty = await env.run(scriptAdjust('C-3', -1, { stockLayout: { __rl: true, mode: 'name', value: '={{ "" }}' } }));
		expect(empty.error?.message).toBe('No stock layout is set. Choose the FileMaker layout in the node.');
		expect(env.fm.requestLog.length).toBe(start);
	});
});
