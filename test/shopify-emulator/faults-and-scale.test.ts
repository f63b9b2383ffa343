import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { catalogueQuantity, catalogueSku, seedCatalogue } from '../emulators/shopify/catalogue';
import { gql, SET_MUTATION, startReceiver } from './helpers';

describe('fault injection, latency, request log', () => {
	let emu: ShopifyEmulator;
	beforeAll(async () => {
		emu = await startShopifyEmulator();
		seedCatalogue(emu, 3);
	});
	afterAll(() => emu.close());

	it('injects faults by predicate, a given number of times, with Retry-After', async () => {
		emu.injectFault({ when: (r) => r.operationName === 'Shop', times: 2, status: 503, retryAfter: 1 });
		const a = await gql(emu, 'query Shop { shop { name } }');
		expect(a.status).toBe(503);
		expect(a.headers.get('retry-after')).toBe('1');
		expect((await gql(emu, 'query Shop { shop { name } }')).status).toBe(503);
		expect((await gql(emu, 'query Other { shop { name } }')).status).toBe(200);
		expect((await gql(emu, 'query Shop { shop { name } }')).status).toBe(200);
		expect(emu.requestLog.slice(-4).map((l) => [l.operationName, l.status])).toEqual([
			['Shop', 503],
			['Shop', 503],
			['Other', 200],
			['Shop', 200],
		]);
	});

	it("phase 'after' applies the mutation but loses the response; the idempotent retry replays", async () => {
		const loc = emu.location().id;
		const lv = emu.levels(loc).get('SKU-000001')!;
		emu.injectFault({ when: (r) => r.operationName === 'Set', status: 502, phase: 'after' });
		const vars = {
			input: { name: 'available', reason: 'correction', quantities: [{ inventoryItemId: lv.inventoryItemId, locationId: loc, quantity: 77, changeFromQuantity: lv.available }] },
			key: randomUUID(),
		};
		const lost = await gql(emu, SET_MUTATION, vars).catch(() => undefined);
		expect(lost?.status).toBe(502);
		expect(emu.levels(loc).get('SKU-000001')!.available).toBe(77);
		const retry = await gql(emu, SET_MUTATION, vars);
		expect(retry.body.data.inventorySetQuantities.userErrors).toEqual([]);
		expect(emu.levels(loc).get('SKU-000001')!.available).toBe(77);
	});

	it('adds latency when configured', async () => {
		emu.setOptions({ latencyMs: { min: 5, max: 10 } });
		const r = await gql(emu, '{ shop { name } }');
		expect(r.status).toBe(200);
		emu.setOptions({ latencyMs: 0 });
	});

	it('delivers inventory_levels/update to subscribers when levels change', async () => {
		const rx = await startReceiver();
		try {
			await gql(emu, `mutation($u: String!) { webhookSubscriptionCreate(topic: INVENTORY_LEVELS_UPDATE, webhookSubscription: { uri: $u }) { userErrors { message } } }`, { u: rx.url });
			emu.sell('SKU-000002', 1);
			await emu.flushWebhooks();
			expect(rx.received).toHaveLength(1);
			const body = JSON.parse(rx.received[0].raw) as Record<string, unknown>;
			expect(Object.keys(body)).toEqual(['inventory_item_id', 'location_id', 'available', 'updated_at', 'admin_graphql_api_id']);
			expect(rx.received[0].headers['x-shopify-topic']).toBe('inventory_levels/update');
		} finally {
			await rx.close();
		}
	});
});

describe('scale: 50 000 SKUs', () => {
	let emu: ShopifyEmulator;
	const N = 50_000;
	beforeAll(async () => {
		emu = await startShopifyEmulator({ bulkDurationMs: 10 });
		seedCatalogue(emu, N);
	});
	afterAll(() => emu.close());

	it('pages to the end, finds by sku, writes 250 rows and bulk-reads everything', async () => {
		const page = `query($after: String) { productVariants(first: 250, after: $after) { nodes { sku inventoryItem { id } } pageInfo { hasNextPage endCursor } } }`;
		// page through the whole catalogue (bucket permitting: 200 pages × 502 points → throttled at times)
		let after: string | null = null;
		let seen = 0;
		let last = '';
		for (;;) {
			const r = await gql(emu, page, { after });
			if (r.body.errors?.[0]?.extensions?.code === 'THROTTLED') {
				emu.clock.advance(10_000);
				continue;
			}
			const c = r.body.data.productVariants;
			seen += c.nodes.length;
			last = c.nodes.at(-1).sku;
			if (!c.pageInfo.hasNextPage) break;
			after = c.pageInfo.endCursor;
		}
		expect(seen).toBe(N);
		expect(last).toBe(catalogueSku(N));
		const found = await gql(emu, `{ inventoryItems(first: 1, query: "sku:${catalogueSku(49_999)}") { nodes { id sku } } }`);
		expect(found.body.data.inventoryItems.nodes[0].sku).toBe('SKU-049999');

		const levels = emu.levels();
		const loc = emu.location().id;
		const quantities = [];
		for (let i = N - 249; i <= N; i++) {
			const l = levels.get(catalogueSku(i))!;
			expect(l.available).toBe(catalogueQuantity(i));
			quantities.push({ inventoryItemId: l.inventoryItemId, locationId: loc, quantity: 5, changeFromQuantity: l.available });
		}
		const w = await gql(emu, SET_MUTATION, { input: { name: 'available', reason: 'correction', quantities }, key: randomUUID() });
		expect(w.body.data.inventorySetQuantities.userErrors).toEqual([]);
		expect(emu.levels().get(catalogueSku(N))!.available).toBe(5);

		const run = await gql(emu, `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }`, {
			q: '{ productVariants { edges { node { id sku inventoryItem { id inventoryLevels { edges { node { quantities(names: ["available"]) { quantity } } } } } } } } }',
		});
		const id = run.body.data.bulkOperationRunQuery.bulkOperation.id;
		emu.clock.advance(100);
		const done = await gql(emu, `query($id: ID!) { bulkOperation(id: $id) { status objectCount url } }`, { id });
		expect(done.body.data.bulkOperation).toMatchObject({ status: 'COMPLETED', objectCount: String(2 * N) });
		const text = await (await fetch(done.body.data.bulkOperation.url)).text();
		expect(text.split('\n').filter(Boolean)).toHaveLength(2 * N);
	});
});
