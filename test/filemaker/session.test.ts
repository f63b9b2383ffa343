import { beforeEach, describe, expect, it, vi } from 'vitest';

import { seedCatalogue } from '../emulators/filemaker';
import type { Env } from './_support';
import { requestsTo, useFileMakerEnv } from './_support';

let env: Env;
useFileMakerEnv((e) => (env = e));
beforeEach(() => {
	env.fm.setOptions({ numbersAsStrings: false, latencyMs: undefined });
});

const getMany = (options: Record<string, unknown> = {}) => ({ resource: 'stock', operation: 'getMany', options });

describe('one session, reused', () => {
	it('10 executions in a row log in once and leave one session open', async () => {
		seedCatalogue(env.fm, 20);
		for (let i = 1; i <= 10; i++) {
			const r = await env.run({ resource: 'stock', operation: 'get', sku: `SKU-${String(i).padStart(6, '0')}` });
			expect(r.error).toBeUndefined();
			expect(r.items).toHaveLength(1);
		}
		expect(env.fm.stats.logins).toBe(1);
		expect(env.fm.stats.activeSessions).toBe(1);
		expect(env.fm.stats.logouts).toBe(0);
		expect(env.creds.preAuthCalls.fileMakerDataApi).toBe(1);
		const tokens = new Set(env.fm.requestLog.filter((l) => !l.path.endsWith('/sessions')).map((l) => l.sessionToken));
		expect(tokens.size).toBe(1);
		expect(env.creds.data('fileMakerDataApi').sessionToken).toBe([...tokens][0]);
	});

	it('an expired session met by 10 executions at once is renewed by one of them; the others wait a moment and use its token', async () => {
		seedCatalogue(env.fm, 20);
		expect((await env.run({ resource: 'stock', operation: 'get', sku: 'SKU-000001' })).error).toBeUndefined();
		env.fm.setOptions({ latencyMs: 5 });
		env.fm.expireAllSessions();
		// The random part of each wait, spread over the window (the node draws it from Math.random).
		let draw = 0;
		const random = vi.spyOn(Math, 'random').mockImplementation(() => (draw++ % 10) / 10);
		try {
			const runs = await Promise.all(
				Array.from({ length: 10 }, async (_, i) => await env.run({ resource: 'stock', operation: 'get', sku: `SKU-${String(i + 1).padStart(6, '0')}` })),
			);
			for (const r of runs) expect(r.error).toBeUndefined();
		} finally {
			random.mockRestore();
		}
		expect(env.fm.stats.logins).toBe(2); // the first login + one renewal for all ten
		expect(env.fm.stats.activeSessions).toBe(1);
	});

	it('a token that expires between pages of Get Many is renewed once and nothing is lost', async () => {
		seedCatalogue(env.fm, 2500);
		let rangeRequests = 0;
		env.fm.injectFault({
			// Called for every request until it returns true: expire all sessions just before page 2.
			when: (req) => {
				if (req.method === 'GET' && req.path.endsWith('/layouts/Stock/records') && ++rangeRequests === 2) {
					env.fm.expireAllSessions();
				}
				return false;
			},
			httpStatus: 500,
			code: '-1',
		});
		const r = await env.run(getMany({ pageSize: 1000, pageConcurrency: 1 })); // pages one after another
		expect(r.error).toBeUndefined();
		expect(r.items).toHaveLength(2500);
		expect(new Set(r.items.map((i) => i.json.sku)).size).toBe(2500);
		expect(env.fm.stats.logins).toBe(2); // the first login + exactly one renewal
		expect(env.fm.stats.activeSessions).toBe(1);
		const pages = requestsTo(env.fm, 'GET', '/layouts/Stock/records');
		// Refused, sent again after a short random wait (another run may have renewed meanwhile), then renewed once.
		expect(pages.map((p) => `${p.status}/${p.code}`)).toEqual(['200/0', '401/952', '401/952', '200/0', '200/0']);
		// The next execution reuses the renewed token: no login.
		const again = await env.run({ resource: 'stock', operation: 'get', sku: 'SKU-000001' });
		expect(again.error).toBeUndefined();
		expect(env.fm.stats.logins).toBe(2);
	});

	it('an injected 952 (HTTP 401) in the middle of a find-based Get Many is sent again; the session still holds, so no login', async () => {
		seedCatalogue(env.fm, 1200);
		let finds = 0;
		env.fm.injectFault({
			when: (req) => req.method === 'POST' && req.path.endsWith('/layouts/Stock/_find') && ++finds === 2,
			httpStatus: 401,
			code: '952',
			message: 'Invalid FileMaker Data API token (*)',
		});
		const r = await env.run({
			...getMany({ pageSize: 500, pageConcurrency: 1 }),
			findCriteria: { criteria: [{ field: 'Quantity', operator: 'greaterOrEqual', value: '0' }] },
		});
		expect(r.error).toBeUndefined();
		expect(r.items).toHaveLength(1200);
		expect(env.fm.stats.logins).toBe(1);
		expect(requestsTo(env.fm, 'POST', '/layouts/Stock/_find').map((l) => l.code)).toEqual(['0', '952', '0', '0']);
	});

	it('an expired token during Adjust is renewed and the change is applied once', async () => {
		seedCatalogue(env.fm, 3, { quantity: () => 10 });
		await env.run({ resource: 'stock', operation: 'get', sku: 'SKU-000001' });
		env.fm.expireAllSessions();
		const r = await env.run({ resource: 'stock', operation: 'adjust', sku: 'SKU-000001', delta: -2, idempotencyKey: 'k-expire' });
		expect(r.error).toBeUndefined();
		expect(r.items[0].json).toMatchObject({ applied: true, quantityAfter: 8 });
		expect(env.fm.stats.logins).toBe(2);
		expect(env.fm.records('Stock')[0].fieldData.Quantity).toBe(8);
	});
});

describe('Get Many paging', () => {
	it('reads 50,000 records with ceil(50,000 / page size) range requests in one session', async () => {
		const items = seedCatalogue(env.fm, 50_000);
		const r = await env.run(getMany());
		expect(r.error).toBeUndefined();
		expect(r.items).toHaveLength(50_000);
		const pages = requestsTo(env.fm, 'GET', '/layouts/Stock/records');
		expect(pages).toHaveLength(Math.ceil(50_000 / 1000)); // 50 with the default page size
		expect(pages.every((p) => p.status === 200)).toBe(true);
		expect(new Set(pages.map((p) => p.sessionToken)).size).toBe(1);
		expect(env.fm.stats.logins).toBe(1);
		expect(r.items[0].json).toEqual({ sku: items[0].sku, quantity: items[0].quantity, recordId: '1', modId: '0' });
		expect(r.items[49_999].json.sku).toBe(items[49_999].sku);
		expect(r.items.every((i, n) => i.pairedItem && (i.pairedItem as { item: number }).item === 0 && n >= 0)).toBe(true);

		env.fm.requestLog.length = 0;
		const r2 = await env.run(getMany({ pageSize: 7000 }));
		expect(r2.items).toHaveLength(50_000);
		expect(requestsTo(env.fm, 'GET', '/layouts/Stock/records')).toHaveLength(Math.ceil(50_000 / 7000)); // 8
	});

	it('makes exactly one request for an empty layout and never asks past the end', async () => {
		const r = await env.run(getMany());
		expect(r.error).toBeUndefined();
		expect(r.items).toHaveLength(0);
		expect(requestsTo(env.fm, 'GET', '/layouts/Stock/records')).toHaveLength(1);

		seedCatalogue(env.fm, 2000);
		env.fm.requestLog.length = 0;
		const full = await env.run(getMany({ pageSize: 1000 }));
		expect(full.items).toHaveLength(2000);
		const pages = requestsTo(env.fm, 'GET', '/layouts/Stock/records');
		expect(pages).toHaveLength(2);
		expect(pages.every((p) => p.code === '0')).toBe(true);
	});

	it('outputs one item per record for each input item (paired to it)', async () => {
		seedCatalogue(env.fm, 5);
		const r = await env.run(getMany(), [{ a: 1 }, { a: 2 }]);
		expect(r.items).toHaveLength(10);
		expect(r.items.map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
	});
});

describe('numbers as strings (older servers)', () => {
	const scenario = async () => {
		env.fm.reset();
		env.creds.update('fileMakerDataApi', { sessionToken: '' });
		seedCatalogue(env.fm, 12, { quantity: (i) => 10 + i });
		const results: unknown[] = [];
		const strip = (items: { json: Record<string, unknown> }[]) =>
			items.map((i) => {
				const { appliedAt: _a, ...rest } = i.json;
				void _a;
				return rest;
			});
		results.push(strip((await env.run(getMany({ pageSize: 5, extraFields: ['Name'] }))).items));
		results.push(strip((await env.run({ resource: 'stock', operation: 'get', sku: 'SKU-000003' })).items));
		results.push(strip((await env.run({ resource: 'stock', operation: 'adjust', sku: 'SKU-000003', delta: '-2', idempotencyKey: 'n1' })).items));
		results.push(strip((await env.run({ resource: 'stock', operation: 'adjust', sku: 'SKU-000003', delta: -2, idempotencyKey: 'n1' })).items));
		results.push(strip((await env.run({ resource: 'stock', operation: 'set', sku: 'SKU-000004', quantity: '5' })).items));
		results.push(strip((await env.run({ resource: 'movement', operation: 'getMany' })).items).map((m) => ({ ...m, createdAt: undefined })));
		results.push(
			strip(
				(
					await env.run({
						...getMany(),
						findCriteria: { criteria: [{ field: 'Quantity', operator: 'lessThan', value: '12' }] },
					})
				).items,
			),
		);
		return results;
	};

	it('gives the same results with numbers as JSON numbers and as strings', async () => {
		env.fm.setOptions({ numbersAsStrings: false });
		const asNumbers = await scenario();
		env.fm.setOptions({ numbersAsStrings: true });
		const asStrings = await scenario();
		// Prove the switch is really on: the raw answer carries "12"-style strings.
		const raw = await fetch(`${env.fm.url}/fmi/data/vLatest/databases/Inventory/layouts/Stock/records?_limit=1`, {
			headers: { Authorization: `Bearer ${String(env.creds.data('fileMakerDataApi').sessionToken)}` },
		}).then(async (res) => (await res.json()) as { response: { data: { fieldData: { Quantity: unknown } }[] } });
		expect(typeof raw.response.data[0].fieldData.Quantity).toBe('string');
		expect(asStrings).toEqual(asNumbers);
		expect((asNumbers[0] as unknown[])[0]).toEqual({ sku: 'SKU-000001', quantity: 10, recordId: '1', modId: '0', Name: 'Item 1' });
		expect((asNumbers[2] as unknown[])[0]).toMatchObject({ applied: true, quantityBefore: 12, quantityAfter: 10 });
		expect((asNumbers[3] as unknown[])[0]).toMatchObject({ applied: false, duplicate: true, quantity: 10 });
	});
});
