import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { FileMakerScript } from '../emulators/filemaker';
import { parseAppliedKeys } from '../../nodes/FileMakerInventory/logic/appliedKeys';
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
		expect(conflicts).toBeGreaterThan(0); // the two held reads saw the same modId
		for (const a of attempts) {
			expect(Number.isInteger(a)).toBe(true);
			expect(a).toBeGreaterThanOrEqual(1);
			expect(a).toBeLessThanOrEqual(10); // Max Attempts (default)
		}
		// Each 306 costs exactly the execution that met it one more attempt (read again, write again).
		expect(attempts.reduce((sum, a) => sum + a, 0)).toBe(50 + conflicts);
		expect(requestsTo(env.fm, 'PATCH', '/layouts/Stock/records/1')).toHaveLength(50 + conflicts);
	});

	it('50 parallel -1 with 50 different idempotency keys: all applied, all keys recorded', async () => {
		await env.run({ resource: 'stock', operation: 'get', sku: 'HOT-1' });
		env.fm.setOptions({ latencyMs: { min: 1, max: 15 } });
		const runs = await Promise.all(
			Array.from({ length: 50 }, (_, i) => env.run(adjust('HOT-1', -1, { idempotencyKey: `order:${i}:line:1` }))),
		);
		expect(runs.filter((r) => r.items[0]?.json.applied === true)).toHaveLength(50);
		expect(stockOf(env.fm, 'HOT-1')?.fieldData.Quantity).toBe(950);
		expect(movementsOf(env.fm, 'HOT-1')).toHaveLength(50);
		const keys = parseAppliedKeys(stockOf(env.fm, 'HOT-1')?.fieldData.AppliedKeys).map((e) => e.key);
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
				detectedBy: 'appliedKeys',
				idempotencyKey: 'shopify:order:1001:line:1',
				quantity: 7,
				movementRepaired: false,
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
			Reference: 'shopify:order:1001:line:1',
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
			// a duplicate never writes a second row while the winner is still writing its own
			expect(outputs.filter((o) => o.movementRepaired === true)).toHaveLength(0);
		}
		expect(stockOf(env.fm, 'HOT-1')?.fieldData.Quantity).toBe(990);
		const rows = movementsOf(env.fm, 'HOT-1');
		expect(rows).toHaveLength(10);
		expect(new Set(rows.map((r) => r.fieldData.Reference)).size).toBe(10);
	});

	it('keys that left the Applied Keys list are still recognised through the movement log', async () => {
		const opts = { options: { appliedKeysToKeep: 2 } };
		for (const key of ['k1', 'k2', 'k3']) await env.run(adjust('B-2', -1, { idempotencyKey: key, ...opts }));
		expect(parseAppliedKeys(stockOf(env.fm, 'B-2')?.fieldData.AppliedKeys).map((e) => e.key)).toEqual(['k2', 'k3']);
		const again = (await env.run(adjust('B-2', -1, { idempotencyKey: 'k1', ...opts }))).items[0].json;
		expect(again).toMatchObject({ applied: false, duplicate: true, detectedBy: 'movement', quantity: 7 });
		expect(stockOf(env.fm, 'B-2')?.fieldData.Quantity).toBe(7);
	});

	it('works without the Applied Keys field (movement log only)', async () => {
		const opts = { stockFields: { appliedKeysField: '' } };
		const first = (await env.run(adjust('C-3', 2, { idempotencyKey: 'po:77', ...opts }))).items[0].json;
		const second = (await env.run(adjust('C-3', 2, { idempotencyKey: 'po:77', ...opts }))).items[0].json;
		expect(first).toMatchObject({ applied: true, quantityAfter: 7 });
		expect(second).toMatchObject({ applied: false, duplicate: true, detectedBy: 'movement' });
		expect(stockOf(env.fm, 'C-3')?.fieldData).toMatchObject({ Quantity: 7, AppliedKeys: '' });
	});

	it('a key is per SKU: the same key on another SKU is a different change', async () => {
		await env.run(adjust('B-2', -1, { idempotencyKey: 'shared' }));
		const other = (await env.run(adjust('C-3', -1, { idempotencyKey: 'shared' }))).items[0].json;
		expect(other).toMatchObject({ applied: true, quantityAfter: 4 });
	});

	it('refuses keys with line breaks', async () => {
		const r = await env.run(adjust('B-2', -1, { idempotencyKey: 'a\nb' }));
		expect(r.error?.message).toBe("The idempotency key must not contain line breaks or tabs. (SKU 'B-2')");
	});
});

describe('n8n stops between the stock write and the movement write', () => {
	const failMovementOnce = () =>
		env.fm.injectFault({
			when: (req) => req.method === 'POST' && req.path.endsWith('/layouts/StockMovements/records'),
			times: 1,
			httpStatus: 503,
			code: '-1',
			message: 'Service unavailable',
		});

	it('the retry with the same key does not apply again and writes the missing movement row', async () => {
		failMovementOnce();
		const first = await env.run(adjust('B-2', -4, { idempotencyKey: 'shopify:order:3003:line:2' }));
		expect(first.error?.message).toMatch(
			/^The stock of SKU 'B-2' was changed by -4 to 6 \(record 2\), but the movement row could not be written/,
		);
		expect(first.error?.description).toMatch(/Run the same change again with the same idempotency key/);
		expect(stockOf(env.fm, 'B-2')?.fieldData.Quantity).toBe(6);
		expect(movementsOf(env.fm, 'B-2')).toHaveLength(0);

		const retry = await env.run(adjust('B-2', -4, { idempotencyKey: 'shopify:order:3003:line:2', options: { repairAfterSeconds: 0 } }));
		expect(retry.error).toBeUndefined();
		expect(retry.items[0].json).toMatchObject({
			applied: false,
			duplicate: true,
			detectedBy: 'appliedKeys',
			movementRepaired: true,
			quantity: 6,
		});
		expect(stockOf(env.fm, 'B-2')?.fieldData.Quantity).toBe(6);
		const rows = movementsOf(env.fm, 'B-2');
		expect(rows).toHaveLength(1);
		expect(rows[0].fieldData).toMatchObject({ Change: -4, QuantityAfter: 6, Reference: 'shopify:order:3003:line:2' });

		const third = (await env.run(adjust('B-2', -4, { idempotencyKey: 'shopify:order:3003:line:2', options: { repairAfterSeconds: 0 } })))
			.items[0].json;
		expect(third).toMatchObject({ duplicate: true, movementRepaired: false, movementRecordId: rows[0].recordId });
		expect(movementsOf(env.fm, 'B-2')).toHaveLength(1);
	});

	it('a retry within the grace period leaves the row to the run that may still be writing it', async () => {
		failMovementOnce();
		await env.run(adjust('B-2', -1, { idempotencyKey: 'k-grace' }));
		const retry = (await env.run(adjust('B-2', -1, { idempotencyKey: 'k-grace' }))).items[0].json;
		expect(retry).toMatchObject({ applied: false, duplicate: true, movementRepaired: false, movementPending: true });
		expect(movementsOf(env.fm, 'B-2')).toHaveLength(0);
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

	it('keyed Adjust: find, movement lookup, guarded edit, movement row; a duplicate: find and one lookup', async () => {
		await env.run({ resource: 'stock', operation: 'get', sku: 'B-2' }); // warm the session
		expect(await requestsOf(adjust('B-2', -1, { idempotencyKey: 'budget-1' }))).toEqual([
			'POST /layouts/Stock/_find',
			'POST /layouts/StockMovements/_find',
			'PATCH /layouts/Stock/records/2',
			'POST /layouts/StockMovements/records',
		]);
		expect(await requestsOf(adjust('B-2', -1, { idempotencyKey: 'budget-1' }))).toEqual(['POST /layouts/Stock/_find', 'POST /layouts/StockMovements/_find']);
		expect(await requestsOf(adjust('B-2', -1))).toEqual(['POST /layouts/Stock/_find', 'PATCH /layouts/Stock/records/2', 'POST /layouts/StockMovements/records']);
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
			"Could not change the stock of SKU 'B-2' after 2 attempts: the record 2 stayed in use by another user (FileMaker 301). Nothing was changed by this item. Try again later or raise 'Max Attempts'.",
		);
		expect(stockOf(env.fm, 'B-2')?.fieldData.Quantity).toBe(10);
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
		expect(requestsTo(env.fm, 'POST', '/layouts/Stock/_find')).toHaveLength(3); // re-read before each attempt
	});

	it('writes with the modId it read (PATCH {fieldData, modId})', async () => {
		const bodies: unknown[] = [];
		env.fm.injectFault({
			when: (req) => {
				if (req.method === 'PATCH') bodies.push(req.body);
				return false;
			},
			times: 1,
			httpStatus: 500,
			code: '-1',
		});
		await env.run(adjust('B-2', -1, { idempotencyKey: 'k-mod' }));
		expect(bodies).toHaveLength(1);
		expect(bodies[0]).toMatchObject({ modId: '0', fieldData: { Quantity: 9, AppliedKeys: expect.stringMatching(/^k-mod\t-1\t9\t/) } });
	});
});

describe('Set', () => {
	it('sets an absolute quantity and logs the difference', async () => {
		const r = (await env.run({ resource: 'stock', operation: 'set', sku: 'B-2', quantity: 25, reason: 'stocktake' })).items[0].json;
		expect(r).toMatchObject({ applied: true, change: 15, quantityBefore: 10, quantityAfter: 25 });
		expect(movementsOf(env.fm, 'B-2')[0].fieldData).toMatchObject({ Change: 15, QuantityAfter: 25, Reason: 'stocktake', Source: 'n8n' });
		const same = (await env.run({ resource: 'stock', operation: 'set', sku: 'B-2', quantity: 25 })).items[0].json;
		expect(same).toMatchObject({ applied: false, unchanged: true, change: 0 });
		expect(movementsOf(env.fm, 'B-2')).toHaveLength(1);
	});

	it('can skip the movement row', async () => {
		await env.run({ resource: 'stock', operation: 'set', sku: 'C-3', quantity: 0, options: { recordMovement: false } });
		expect(stockOf(env.fm, 'C-3')?.fieldData.Quantity).toBe(0);
		expect(movementsOf(env.fm)).toHaveLength(0);
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
