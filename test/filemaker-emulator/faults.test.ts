/**
 * Fault injection for crash and outage tests: answers lost after a write was applied, dropped
 * connections, a web server's 502 page, the Nth matching request, request hooks and per-request latency.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFileMakerEmulator, type FileMakerEmulator } from '../emulators/filemaker';
import { FmClient } from './helpers';

let fm: FileMakerEmulator;
let c: FmClient;

beforeEach(async () => {
	fm = await startFileMakerEmulator();
	c = new FmClient(fm);
	await c.login();
	fm.seed('StockMovements', [{ EventKey: 'e1' }, { EventKey: 'e2' }, { EventKey: 'e3' }]);
});
afterEach(() => fm.close());

const patchToMovements = (r: { method: string; path: string }) =>
	r.method === 'PATCH' && r.path.includes('/layouts/StockMovements/records/');

const applied = () => fm.records('StockMovements').map((r) => [r.fieldData.AppliedBatch, r.modId]);

describe('faults after the write ("applied, but the answer was lost")', () => {
	it('the 2nd PATCH to StockMovements is applied and answered 500 / code 100 (skip: 1, phase: after)', async () => {
		fm.injectFault({ when: patchToMovements, skip: 1, phase: 'after', httpStatus: 500, code: '100', message: 'File is missing' });
		const first = await c.edit('StockMovements', 1, { fieldData: { AppliedBatch: 'b-1' } });
		const second = await c.edit('StockMovements', 2, { fieldData: { AppliedBatch: 'b-1' } });
		const third = await c.edit('StockMovements', 3, { fieldData: { AppliedBatch: 'b-1' } });
		expect([first.status, second.status, third.status]).toEqual([200, 500, 200]);
		expect(second.json).toEqual({ response: {}, messages: [{ code: '100', message: 'File is missing' }] });
		expect(applied()).toEqual([
			['b-1', '1'],
			['b-1', '1'],
			['b-1', '1'],
		]);
		expect(fm.requestLog.filter((e) => e.method === 'PATCH').map((e) => [e.status, e.code])).toEqual([
			[200, '0'],
			[500, '100'],
			[200, '0'],
		]);
	});

	it('dropConnection after the write: the client sees a failed request, the record is changed', async () => {
		fm.injectFault({ when: patchToMovements, phase: 'after', dropConnection: true });
		await expect(c.edit('StockMovements', 1, { fieldData: { AppliedBatch: 'b-7' } })).rejects.toThrow();
		expect(applied()[0]).toEqual(['b-7', '1']);
		expect(fm.requestLog.at(-1)).toMatchObject({ method: 'PATCH', status: 0, code: '' });
	});

	it('a fault before processing (default phase) has no side effect', async () => {
		fm.injectFault({ when: patchToMovements, httpStatus: 500, code: '301' });
		const r = await c.edit('StockMovements', 1, { fieldData: { AppliedBatch: 'b-1' } });
		expect([r.status, r.code]).toEqual([500, '301']);
		expect(applied()[0]).toEqual(['', '0']);
	});

	it('a refused write stays refused with phase "after": the fault replaces the 504 answer, nothing stored', async () => {
		fm.injectFault({ phase: 'after', httpStatus: 500, code: '100' });
		const r = await c.create('StockMovements', { fieldData: { EventKey: 'e1' } });
		expect([r.status, r.code]).toEqual([500, '100']);
		expect(fm.records('StockMovements')).toHaveLength(3);
	});
});

describe('engine down: the web server answers 502 with its own page', () => {
	it('rawBody is sent as text/html with the given status, twice (times: 2), then normal answers', async () => {
		const page = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
		fm.injectFault({ times: 2, httpStatus: 502, rawBody: page });
		for (let i = 0; i < 2; i++) {
			const res = await fetch(`${c.base}${c.db('/layouts/Stock/records')}`, { headers: { Authorization: `Bearer ${c.token}` } });
			expect(res.status).toBe(502);
			expect(res.headers.get('content-type')).toBe('text/html');
			expect(await res.text()).toBe(page);
		}
		const ok = await c.range('StockMovements');
		expect([ok.status, ok.code]).toEqual([200, '0']);
	});

	it('a fault needs a status and a code (or a body), or dropConnection', () => {
		expect(() => fm.injectFault({ httpStatus: 500 })).toThrow(/httpStatus and code/);
		expect(() => fm.injectFault({ code: '100' })).toThrow(/httpStatus and code/);
	});
});

describe('request hooks', () => {
	it('a "before" hook can hold the 2nd create until released (a crash window); nothing is written meanwhile', async () => {
		let release: () => void = () => undefined;
		const gate = new Promise<void>((r) => (release = r));
		let heldPath = '';
		fm.onRequest({
			when: (r) => r.method === 'POST' && r.path.endsWith('/layouts/StockMovements/records'),
			skip: 1,
			times: 1,
			action: async (r) => {
				heldPath = r.path;
				await gate;
			},
		});
		expect((await c.create('StockMovements', { fieldData: { EventKey: 'e4' } })).status).toBe(200);
		const pending = c.create('StockMovements', { fieldData: { EventKey: 'e5' } });
		await new Promise((r) => setImmediate(r));
		while (heldPath === '') await new Promise((r) => setImmediate(r));
		expect(heldPath).toBe('/fmi/data/vLatest/databases/Inventory/layouts/StockMovements/records');
		expect(fm.records('StockMovements').map((r) => r.fieldData.EventKey)).toEqual(['e1', 'e2', 'e3', 'e4']);
		release();
		expect((await pending).status).toBe(200);
		expect(fm.records('StockMovements').map((r) => r.fieldData.EventKey)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
	});

	it('an "after" hook sees the outcome of each matching request; removing it stops it', async () => {
		const seen: string[] = [];
		const remove = fm.onRequest({
			when: (r) => r.method === 'POST' && r.path.endsWith('/records'),
			phase: 'after',
			action: (r) => {
				seen.push(`${(r.body as { fieldData: { EventKey: string } }).fieldData.EventKey}:${r.status}:${r.code}`);
			},
		});
		await c.create('StockMovements', { fieldData: { EventKey: 'e9' } });
		await c.create('StockMovements', { fieldData: { EventKey: 'e9' } });
		remove();
		await c.create('StockMovements', { fieldData: { EventKey: 'e10' } });
		expect(seen).toEqual(['e9:200:0', 'e9:500:504']);
	});

	it('reset() removes hooks and faults', async () => {
		let calls = 0;
		fm.onRequest({ action: () => void calls++ });
		fm.injectFault({ httpStatus: 500, code: '100' });
		fm.reset();
		await c.login();
		expect(calls).toBe(0);
		expect((await c.range('Stock')).code).toBe('401'); // empty table after reset, not the fault's 100
	});
});

describe('per-request latency', () => {
	it('a latency function is asked once per request with its method and path', async () => {
		const asked: string[] = [];
		fm.setOptions({
			latencyMs: (r) => {
				asked.push(`${r.method} ${r.path.replace('/fmi/data/vLatest/databases/Inventory', '')}`);
				return r.method === 'PATCH' ? 5 : 0;
			},
		});
		await c.edit('StockMovements', 1, { fieldData: { AppliedBatch: 'b' } });
		await c.range('StockMovements');
		expect(asked).toEqual(['PATCH /layouts/StockMovements/records/1', 'GET /layouts/StockMovements/records']);
	});
});
