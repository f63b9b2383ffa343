/**
 * FileMaker Inventory → Stock → Get Many for the incremental and the large full sync:
 * - "Modified Since": a find `>=` on the modification timestamp, to the second, in the FileMaker server's
 *   wall-clock time (the workflow's time zone); the emulator here runs its clock in Europe/Berlin.
 * - "Parallel Page Reads": pages requested several at a time in one session, every record once, in order.
 * In-process n8n (WorkflowExecute) against the FileMaker emulator; time is the emulator's clock.
 */
process.env.TZ = 'Europe/Berlin';

import type { IDataObject } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { remainingPageOffsets } from '../../nodes/shared/filemaker/client';
import { runWorkflow, type WorkflowJson } from '../helpers/n8n-harness';
import { requestsTo, startEnv, type Env } from './_support';

let env: Env;
beforeAll(async () => {
	env = await startEnv();
});
afterAll(async () => env?.close());
beforeEach(() => env.fm.reset());

/** Get Many in a workflow whose time zone is `timezone` (n8n's workflow setting). */
async function getMany(options: Record<string, string | number>, timezone = 'Europe/Berlin'): Promise<{ rows: IDataObject[]; error?: Error }> {
	const creds = env.creds.get('fileMakerDataApi')!;
	const workflow: WorkflowJson = {
		settings: { executionOrder: 'v1', timezone },
		nodes: [
			{ id: 't', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'g',
				name: 'Get Many',
				type: 'n8n-nodes-filemaker-shopify.fileMakerInventory',
				typeVersion: 1,
				position: [200, 0],
				parameters: { resource: 'stock', operation: 'getMany', options },
				credentials: { fileMakerDataApi: { id: creds.id, name: creds.name } },
			},
		],
		connections: { Start: { main: [[{ node: 'Get Many', type: 'main', index: 0 }]] } },
	};
	const run = await runWorkflow({ workflow, credentials: env.creds });
	return { rows: run.outputOf('Get Many').map((i) => i.json), error: run.nodeError('Get Many') ?? run.error };
}

/** Seeds one stock record per SKU, each modified at its own moment of the emulator's clock. */
function seedAt(records: Array<{ sku: string; quantity: number; at: number }>) {
	for (const r of records) {
		env.fm.setNow(r.at);
		env.fm.seed('Stock', [{ SKU: r.sku, Quantity: r.quantity }]);
	}
}

describe('Modified Since', () => {
	const T = Date.UTC(2026, 11, 4, 9, 30, 0); // 10:30:00 in Berlin (CET, UTC+1)

	beforeEach(() => {
		seedAt([
			{ sku: 'EARLY', quantity: 1, at: T - 30 * 60_000 },
			{ sku: 'ONE-SECOND-BEFORE', quantity: 2, at: T - 1000 },
			{ sku: 'AT', quantity: 3, at: T },
			{ sku: 'AT-PLUS-MS', quantity: 4, at: T + 999 },
			{ sku: 'LATER', quantity: 5, at: T + 30 * 60_000 },
		]);
		env.fm.setNow(T + 60 * 60_000);
	});

	it('is a >= find on the timestamp in FileMaker’s format, to the second: the boundary is included', async () => {
		const { rows, error } = await getMany({ modifiedSince: new Date(T).toISOString() });
		expect(error).toBeUndefined();
		expect(rows.map((r) => r.sku)).toEqual(['AT', 'AT-PLUS-MS', 'LATER']);
		const finds = env.fm.requestLog.filter((l) => l.path.endsWith('/_find'));
		expect(finds.length).toBe(1);
	});

	it('converts an instant with an offset to the server’s wall clock (the workflow’s time zone)', async () => {
		// The same instant written as New York time.
		const { rows } = await getMany({ modifiedSince: '2026-12-04T04:30:00-05:00' });
		expect(rows.map((r) => r.sku)).toEqual(['AT', 'AT-PLUS-MS', 'LATER']);
		// Wall-clock text without an offset is the server's time as it is.
		const wall = await getMany({ modifiedSince: '2026-12-04T10:29:59' });
		expect(wall.rows.map((r) => r.sku)).toEqual(['ONE-SECOND-BEFORE', 'AT', 'AT-PLUS-MS', 'LATER']);
	});

	it('a workflow time zone other than the server’s moves the window (why the two must match)', async () => {
		const { rows } = await getMany({ modifiedSince: new Date(T).toISOString() }, 'UTC');
		// 09:30 UTC is read as 09:30 Berlin time: one hour early, so EARLY (10:00 Berlin) is included too.
		expect(rows.map((r) => r.sku)).toEqual(['EARLY', 'ONE-SECOND-BEFORE', 'AT', 'AT-PLUS-MS', 'LATER']);
	});

	it('nothing modified since: no rows and no error', async () => {
		const { rows, error } = await getMany({ modifiedSince: new Date(T + 31 * 60_000).toISOString() });
		expect(error).toBeUndefined();
		expect(rows).toEqual([]);
	});
});

describe('Parallel Page Reads', () => {
	it('computes the offsets of the pages after the first', () => {
		expect(remainingPageOffsets(100, 100, 345)).toEqual([101, 201, 301]);
		expect(remainingPageOffsets(100, 100, 100)).toEqual([]);
	});

	it.each([
		['a range read (every record)', {}],
		['a find (modified since)', { modifiedSince: '2000-01-01T00:00:00Z' }],
	])('%s: several pages in flight, one session, every record once and in order', async (_label, extra) => {
		const n = 2345;
		env.fm.seed(
			'Stock',
			Array.from({ length: n }, (_, i) => ({ SKU: `SKU-${String(i).padStart(5, '0')}`, Quantity: i % 9 })),
		);
		let inFlight = 0;
		let maxInFlight = 0;
		const isPage = (r: { method: string; path: string }) => r.path.includes('/layouts/Stock/');
		env.fm.onRequest({
			when: isPage,
			action: async () => {
				inFlight++;
				maxInFlight = Math.max(maxInFlight, inFlight);
				await new Promise((resolve) => setTimeout(resolve, 5));
			},
		});
		env.fm.onRequest({ when: isPage, phase: 'after', action: () => void inFlight-- });
		const { rows, error } = await getMany({ pageSize: 100, pageConcurrency: 4, ...extra });
		expect(error).toBeUndefined();
		expect(rows.length).toBe(n);
		expect(rows.map((r) => r.sku)).toEqual(Array.from({ length: n }, (_, i) => `SKU-${String(i).padStart(5, '0')}`));
		expect(rows.map((r) => r.quantity)).toEqual(Array.from({ length: n }, (_, i) => i % 9));
		expect(maxInFlight).toBe(4);
		// The credential's token from an earlier test is refused once (952) on the first page, which renews
		// it before the other pages start: still one login, and every page in that one session.
		const pages = env.fm.requestLog.filter((l) => isPage(l) && l.status === 200);
		expect(pages.length).toBe(Math.ceil(n / 100));
		expect(env.fm.stats.logins).toBe(1);
		expect(new Set(pages.map((p) => p.sessionToken)).size).toBe(1);
		expect(requestsTo(env.fm, 'POST', '/sessions').length).toBe(1);
	});

	it('a token that expires while pages are in flight is renewed once: one new session, every record once', async () => {
		const n = 1000;
		env.fm.seed('Stock', Array.from({ length: n }, (_, i) => ({ SKU: `E-${String(i).padStart(4, '0')}`, Quantity: 2 })));
		await getMany({ pageSize: 100 }); // logs in
		const loginsBefore = env.fm.stats.logins;
		let pageRequests = 0;
		env.fm.onRequest({
			when: (r) => r.path.endsWith('/layouts/Stock/records'),
			action: () => {
				if (++pageRequests === 2) env.fm.expireAllSessions(); // after page 1, before the 3 pages in flight
			},
		});
		const { rows, error } = await getMany({ pageSize: 100, pageConcurrency: 4 });
		expect(error).toBeUndefined();
		expect(rows.map((r) => r.sku)).toEqual(Array.from({ length: n }, (_, i) => `E-${String(i).padStart(4, '0')}`));
		expect(env.fm.stats.logins).toBe(loginsBefore + 1);
		expect(env.fm.stats.activeSessions).toBe(1);
	});

	it('a failing page fails the read with FileMaker’s error (no partial output)', async () => {
		env.fm.seed('Stock', Array.from({ length: 500 }, (_, i) => ({ SKU: `S-${i}`, Quantity: 1 })));
		env.fm.injectFault({ when: (r) => r.path.includes('/layouts/Stock/'), skip: 2, times: 1, httpStatus: 500, code: '102', message: 'Field is missing' });
		const { rows, error } = await getMany({ pageSize: 100, pageConcurrency: 4 });
		expect(error).toBeDefined();
		expect(rows).toEqual([]);
	});
});
