/**
 * Rate limits, transient failures, idempotent retries and token renewal, on the emulator.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { LEVELS_PAGE_SIZE } from '../../nodes/ShopifyInventory/transport/inventory';
import { LOCATION_LEVELS_PAGE_QUERY } from '../../nodes/ShopifyInventory/transport/inventory.documents';
import { requestedQueryCost } from '../../nodes/shared/shopify/queryCost';
import { PACKAGE_SCOPES, startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { CredentialStore, runNode } from '../helpers/n8n-harness';
import { availableBySku, locationParam, mutationsOf, rng, runSync, skus, TOKEN, tokenCredentials } from './helpers';

async function drain(emu: ShopifyEmulator, locationId: string, times: number) {
	for (let i = 0; i < times; i++) {
		const res = await fetch(`${emu.url}/admin/api/2026-10/graphql.json`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': TOKEN },
			body: JSON.stringify({ query: LOCATION_LEVELS_PAGE_QUERY, variables: { locationId, first: LEVELS_PAGE_SIZE } }),
		});
		expect(res.status).toBe(200);
	}
}

describe('a tiny bucket', () => {
	let emu: ShopifyEmulator;
	beforeAll(async () => {
		emu = await startShopifyEmulator({ bucket: { maximumAvailable: 1000, restoreRate: 500 } });
	});
	afterAll(async () => emu?.close());

	it('forces THROTTLED once; the sync waits exactly, never sends an unaffordable request again, and completes', async () => {
		emu.reset();
		emu.seed({ items: skus(500).map((sku) => ({ sku, available: 3 })) });
		// Emulated time stands (almost) still from the drain until the sync's first request arrives: however
		// slowly the harness starts, the bucket has not refilled when that request meets it. From then on
		// emulated time runs at real speed again, so the node's waits refill the bucket.
		emu.setOptions({ clock: { speedUp: 1e-9 } });
		const input = skus(500).map((sku, i) => ({ sku, quantity: i % 2 ? 3 : 4 }));
		let availableAtFirstRequest: number | undefined;
		let before = 0;
		let r: Awaited<ReturnType<typeof runSync>>;
		try {
			await drain(emu, emu.location().id, 1); // one full page (988 of 1000 points) used by "another app"
			before = emu.requestLog.length;
			emu.injectFault({
				when: () => {
					if (availableAtFirstRequest === undefined) {
						availableAtFirstRequest = emu.bucketState().currentlyAvailable;
						emu.setOptions({ clock: { speedUp: 1 } });
					}
					return false;
				},
				status: 500,
			});
			r = await runSync(emu, tokenCredentials(emu), input, { options: { readMode: 'paged' } });
		} finally {
			emu.setOptions({ clock: { speedUp: 1 } });
		}
		expect(availableAtFirstRequest).toBe(1000 - requestedQueryCost(LOCATION_LEVELS_PAGE_QUERY, { first: LEVELS_PAGE_SIZE })); // the drained bucket, whatever the machine's speed
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ updated: 250, failed: 0, throttledWaits: 1 });
		const log = emu.requestLog.slice(before);
		const throttled = log.filter((l) => l.throttled);
		expect(throttled.length).toBeLessThanOrEqual(1);
		expect(throttled.length).toBe(1); // the first request met the drained bucket
		expect(log[0].throttled).toBe(true);
		expect(log.slice(1).every((l) => !l.throttled)).toBe(true);
		for (const row of input) expect(availableBySku(emu)[row.sku]).toBe(row.quantity);
	});

	it('a bucket smaller than a page: pages shrink to fit', async () => {
		const small = await startShopifyEmulator({ bucket: { maximumAvailable: 400, restoreRate: 400 } });
		try {
			small.seed({ items: skus(300).map((sku) => ({ sku, available: 1 })) });
			const r = await runSync(small, tokenCredentials(small), skus(300).map((sku) => ({ sku, quantity: 2 })), {
				options: { readMode: 'paged' },
			});
			expect(r.error).toBeUndefined();
			expect(r.summary).toMatchObject({ compared: 300, updated: 300 });
			const pages = small.requestLog.filter((l) => l.operationName === 'LocationLevelsPage' && !l.throttled);
			expect(pages.every((p) => (p.requestedCost ?? 0) <= 400)).toBe(true);
		} finally {
			await small.close();
		}
	});
});

describe('20 % injected 5xx / 429', () => {
	let emu: ShopifyEmulator;
	beforeAll(async () => {
		emu = await startShopifyEmulator({ bucket: { maximumAvailable: 20_000, restoreRate: 1_000 } });
	});
	afterAll(async () => emu?.close());

	it('converges, and a mutation whose answer was lost is retried with the same key and applied once', async () => {
		emu.reset();
		const n = 2500;
		emu.seed({ items: skus(n).map((sku) => ({ sku, available: 10 })) });
		const input = skus(n).map((sku, i) => ({ sku, quantity: i % 5 < 2 ? 11 : 10 })); // 1000 changed
		const random = rng(7);
		let draw = 1;
		const graphql = (req: { path: string }) => req.path.endsWith('/graphql.json');
		// A lost answer on the first write: Shopify applied it, the client saw a 502.
		emu.injectFault({ when: (req) => req.operationName === 'InventorySetQuantities', times: 1, status: 502, phase: 'after' });
		// A rate-limited answer (HTTP 429 with Retry-After) on the first page read.
		emu.injectFault({ when: (req) => req.operationName === 'LocationLevelsPage', times: 1, status: 429, retryAfter: 1 });
		// One draw per request: 8 % 503, 6 % 429 (Retry-After: 1), 6 % 500 after processing (answer lost).
		emu.injectFault({
			when: (req) => {
				draw = random();
				return graphql(req) && draw < 0.08;
			},
			times: 10_000,
			status: 503,
		});
		emu.injectFault({ when: (req) => graphql(req) && draw >= 0.08 && draw < 0.14, times: 10_000, status: 429, retryAfter: 1 });
		emu.injectFault({ when: (req) => graphql(req) && draw >= 0.14 && draw < 0.2, times: 10_000, status: 500, phase: 'after' });
		const r = await runSync(emu, tokenCredentials(emu), input, { options: { readMode: 'paged' } });
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ updated: 1000, failed: 0, compared: n });
		const failures = emu.requestLog.filter((l) => l.status >= 500 || l.status === 429);
		console.log(
			`faults: ${failures.length} of ${emu.requestLog.length} requests failed (${failures.map((f) => f.status).join(',')}); retries=${String(r.summary.retries)}`,
		);
		expect(failures.length).toBeGreaterThanOrEqual(3);
		expect(failures.some((f) => f.status === 429)).toBe(true);
		expect(Number(r.summary.retries)).toBe(failures.length);
		// The set values are right and nothing was applied twice.
		for (const row of input) expect(availableBySku(emu)[row.sku]).toBe(row.quantity);
		const writes = mutationsOf(emu);
		const keys = writes.map((w) => w.idempotencyKey);
		expect(new Set(keys).size).toBe(4); // 4 batches of 250, each with its own key …
		expect(keys.length).toBeGreaterThan(4); // … and resent with the same key after a failure
	});

	it('Adjust: a lost answer is retried with the same key, the delta applies once', async () => {
		emu.reset();
		emu.seed({ items: [{ sku: 'ADJ-1', available: 10 }, { sku: 'ADJ-2', available: 20 }] });
		emu.injectFault({ when: (req) => req.operationName === 'InventoryAdjustQuantities', times: 2, status: 503, phase: 'after' });
		const r = await runNode({
			type: 'shopifyInventory',
			parameters: { resource: 'inventory', operation: 'adjust', location: locationParam(emu), sku: '={{ $json.sku }}', delta: '={{ $json.delta }}' },
			input: [{ sku: 'ADJ-1', delta: 5 }, { sku: 'ADJ-2', delta: -3 }],
			credentials: tokenCredentials(emu),
		});
		expect(r.error).toBeUndefined();
		expect(emu.levels().get('ADJ-1')!.available).toBe(15);
		expect(emu.levels().get('ADJ-2')!.available).toBe(17);
		const writes = mutationsOf(emu, 'InventoryAdjustQuantities');
		expect(writes.length).toBe(3);
		expect(new Set(writes.map((w) => w.idempotencyKey)).size).toBe(1);
		expect(r.items.map((i) => [i.json.sku, i.json.from, i.json.to, i.json.status])).toEqual([
			['ADJ-1', 10, 15, 'updated'],
			['ADJ-2', 20, 17, 'updated'],
		]);
	});
});

describe('client-credentials token expiry mid-run', () => {
	it('renews the token through preAuthentication and completes', async () => {
		const emu = await startShopifyEmulator({
			apps: [{ clientId: 'app-1', clientSecret: 'shpss_app_secret', scopes: PACKAGE_SCOPES, tokenTtlSeconds: 3600 }],
		});
		try {
			emu.seed({ items: skus(30).map((sku) => ({ sku, available: 0 })) });
			const creds = new CredentialStore();
			creds.set('shopifyInventoryApi', {
				shop: emu.url,
				authentication: 'clientCredentials',
				clientId: 'app-1',
				clientSecret: 'shpss_app_secret',
			});
			let expired = false;
			emu.injectFault({
				when: (req) => {
					if (!expired && req.operationName === 'InventorySetQuantities') {
						expired = true;
						emu.clock.advance(25 * 3600 * 1000); // the 24-hour token runs out right now
					}
					return false;
				},
				times: 1,
				status: 500,
			});
			const input = skus(30).map((sku) => ({ sku, quantity: 4 }));
			const r = await runSync(emu, creds, input);
			expect(r.error).toBeUndefined();
			expect(expired).toBe(true);
			expect(r.summary).toMatchObject({ updated: 30, failed: 0 });
			expect(creds.preAuthCalls.shopifyInventoryApi).toBe(2);
			expect(emu.requestLog.filter((l) => l.kind === 'oauth').length).toBe(2);
			expect(emu.requestLog.some((l) => l.status === 401)).toBe(true);
			for (const row of input) expect(availableBySku(emu)[row.sku]).toBe(4);
		} finally {
			await emu.close();
		}
	});

	it('a token that expired is requested again once, not once per execution, when 8 executions meet it at once', async () => {
		const emu = await startShopifyEmulator({
			apps: [{ clientId: 'app-1', clientSecret: 'shpss_app_secret', scopes: PACKAGE_SCOPES, tokenTtlSeconds: 3600 }],
		});
		const random = vi.spyOn(Math, 'random');
		try {
			emu.seed({ items: skus(8).map((sku) => ({ sku, available: 0 })) });
			const creds = new CredentialStore();
			creds.set('shopifyInventoryApi', { shop: emu.url, authentication: 'clientCredentials', clientId: 'app-1', clientSecret: 'shpss_app_secret' });
			expect((await runSync(emu, creds, [{ sku: skus(8)[0], quantity: 1 }])).error).toBeUndefined();
			expect(emu.requestLog.filter((l) => l.kind === 'oauth')).toHaveLength(1);
			emu.clock.advance(2 * 3600 * 1000); // the token has run out
			// The random part of each wait, spread over the window (the node draws it from Math.random).
			let draw = 0;
			random.mockImplementation(() => (draw++ % 8) / 8);
			const runs = await Promise.all(skus(8).map(async (sku) => await runSync(emu, creds, [{ sku, quantity: 5 }])));
			for (const r of runs) expect(r.error).toBeUndefined();
			expect(emu.requestLog.filter((l) => l.kind === 'oauth')).toHaveLength(2);
			for (const sku of skus(8)) expect(availableBySku(emu)[sku]).toBe(5);
		} finally {
			random.mockRestore();
			await emu.close();
		}
	});
});
