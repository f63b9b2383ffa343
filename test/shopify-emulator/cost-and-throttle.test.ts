import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { seedCatalogue } from '../emulators/shopify/catalogue';
import { gql } from './helpers';

const fixture = (name: string) =>
	JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'shopify', 'responses', name), 'utf8')) as Record<string, unknown>;

let emu: ShopifyEmulator;
beforeAll(async () => {
	emu = await startShopifyEmulator();
	seedCatalogue(emu, 3);
});
afterAll(() => emu.close());

const KNOWN = `{
	shop { name }
	locations(first: 5) { edges { node { id name } } }
	productVariants(first: 10) {
		nodes { id sku inventoryItem { id inventoryLevels(first: 2) { nodes { quantities(names: ["available"]) { quantity } } } } }
		pageInfo { hasNextPage }
	}
}`;

describe('query cost', () => {
	it('computes requested cost statically and actual cost from what was returned', async () => {
		const before = emu.bucketState();
		const r = await gql(emu, KNOWN);
		// requested: shop 1 + locations (2 + 5×1) + productVariants (2 + 10 × (1 + inventoryItem (1 + levels (2 + 2 × (1 + 1)))))
		//          = 1 + 7 + (2 + 10 × 8) = 90
		// actual:  1 + (2 + 1) + (2 + 3 × (1 + 1 + (2 + 1 × 2))) = 24
		expect(r.body.extensions.cost).toMatchObject({ requestedQueryCost: 90, actualQueryCost: 24 });
		expect(r.body.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
		expect(r.body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThanOrEqual(before.currentlyAvailable);
		expect(emu.requestLog.at(-1)).toMatchObject({ requestedCost: 90, actualCost: 24, throttled: false, kind: 'query' });
	});

	it('charges mutations 10 points', async () => {
		const r = await gql(emu, `mutation { webhookSubscriptionDelete(id: "gid://shopify/WebhookSubscription/1") { userErrors { message } } }`);
		expect(r.body.extensions.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
	});

	it('rejects queries above 1000 points with MAX_COST_EXCEEDED (fixture shape)', async () => {
		const r = await gql(emu, '{ productVariants(first: 250) { nodes { inventoryItem { inventoryLevels(first: 10) { nodes { id } } } } } }');
		expect(r.status).toBe(200);
		expect(r.body.data).toBeUndefined();
		const expected = (fixture('graphql-max-cost-exceeded.json').errors as Record<string, unknown>[])[0];
		expect(Object.keys(r.body)).toEqual(Object.keys(fixture('graphql-max-cost-exceeded.json')));
		expect(Object.keys(r.body.errors[0])).toEqual(Object.keys(expected));
		expect(r.body.errors[0].extensions).toEqual({ code: 'MAX_COST_EXCEEDED', cost: 3502, maxCost: 1000, documentation: 'https://shopify.dev/api/usage/rate-limits' });
		expect(r.body.errors[0].message).toMatch(/^Query cost is 3502, which exceeds the single query max cost limit \(1000\)\./);
	});
});

describe('leaky bucket', () => {
	it('answers THROTTLED at HTTP 200 with a tiny bucket and recovers after the refill', async () => {
		const small = await startShopifyEmulator({ bucket: { maximumAvailable: 50, restoreRate: 0.1 } });
		try {
			seedCatalogue(small, 30);
			const q = '{ productVariants(first: 20) { nodes { id } } }'; // 22 points, all returned
			const a = await gql(small, q);
			expect(a.body.extensions.cost).toMatchObject({ requestedQueryCost: 22, actualQueryCost: 22 });
			expect(a.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(28);
			await gql(small, q);
			const t = await gql(small, q);
			expect(t.status).toBe(200);
			const shape = fixture('graphql-throttled.json');
			expect(t.body.errors).toEqual(shape.errors);
			expect(t.body.data).toBeUndefined();
			expect(t.body.extensions.cost).toEqual({
				requestedQueryCost: 22,
				actualQueryCost: null,
				throttleStatus: { maximumAvailable: 50, currentlyAvailable: 6, restoreRate: 0.1 },
			});
			expect(small.requestLog.at(-1)).toMatchObject({ throttled: true, requestedCost: 22 });
			expect(small.bucketState().currentlyAvailable).toBe(6);
			small.clock.advance(160_000); // +16 points at 0.1/s
			const ok = await gql(small, q);
			expect(ok.body.errors).toBeUndefined();
			expect(ok.body.data.productVariants.nodes).toHaveLength(20);
			expect(ok.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(0);
		} finally {
			await small.close();
		}
	});

	it('keeps one bucket per access token and lets setOptions change it', async () => {
		const two = await startShopifyEmulator({ accessTokens: [{ token: 'a' }, { token: 'b' }], bucket: { maximumAvailable: 100, restoreRate: 1 } });
		try {
			await gql(two, '{ locations(first: 50) { nodes { id } } }', undefined, { token: 'a' });
			expect(two.bucketState('a').currentlyAvailable).toBeLessThan(100);
			expect(two.bucketState('b').currentlyAvailable).toBe(100);
			two.setOptions({ bucket: { maximumAvailable: 10, restoreRate: 1 } });
			expect(two.bucketState('b')).toEqual({ maximumAvailable: 10, currentlyAvailable: 10, restoreRate: 1 });
		} finally {
			await two.close();
		}
	});
});
