import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { seedCatalogue } from '../emulators/shopify/catalogue';
import { gql } from './helpers';

let emu: ShopifyEmulator;

beforeAll(async () => {
	emu = await startShopifyEmulator({ accessTokens: [{ token: 'shpat_test_token' }, { token: 'shpat_no_orders', scopes: ['read_inventory'] }] });
	emu.seed({ locations: [{ name: 'Warehouse' }, { name: 'Store' }], items: [] });
	seedCatalogue(emu, 30, { locationName: 'Warehouse' });
	emu.seed({ items: [{ sku: 'SKU-000001', available: 4, locationName: 'Store' }] });
});
afterAll(() => emu.close());

describe('authentication', () => {
	it('answers 401 with the Shopify body when the token is missing or unknown', async () => {
		for (const token of [null, 'shpat_nope']) {
			const r = await gql(emu, '{ shop { name } }', undefined, { token });
			expect(r.status).toBe(401);
			expect(r.body).toEqual({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
		}
		expect(emu.requestLog.at(-1)).toMatchObject({ status: 401, kind: 'query' });
	});

	it('denies fields the token has no scope for (ACCESS_DENIED, data null)', async () => {
		const r = await gql(emu, '{ orders(first: 1) { nodes { id } } }', undefined, { token: 'shpat_no_orders' });
		expect(r.status).toBe(200);
		expect(r.body.errors[0].extensions.code).toBe('ACCESS_DENIED');
		expect(r.body.errors[0].message).toContain('read_orders');
		expect(r.body.data).toBeNull();
	});
});

describe('schema validation', () => {
	it('rejects unknown fields like Shopify: HTTP 200, errors with code, no data', async () => {
		const r = await gql(emu, '{ shop { name nope } }');
		expect(r.status).toBe(200);
		expect(r.body.data).toBeUndefined();
		expect(r.body.errors[0]).toMatchObject({
			message: "Field 'nope' doesn't exist on type 'Shop'",
			locations: [{ line: 1, column: 15 }],
			extensions: { code: 'undefinedField' },
		});
	});

	it('reports syntax errors and bad variables', async () => {
		const syntax = await gql(emu, '{ shop { name }');
		expect(syntax.status).toBe(200);
		expect(syntax.body.errors[0].message).toMatch(/Syntax Error/);
		const vars = await gql(emu, 'query($id: ID!) { location(id: $id) { name } }', {});
		expect(vars.body.errors[0].extensions.code).toBe('INVALID_VARIABLE');
		expect(vars.body.data).toBeUndefined();
	});

	it('validates against the requested version (compareQuantity exists in 2026-01 only)', async () => {
		const q = `mutation($i: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $i) { userErrors { code } } }`;
		const doc = q.replace('$i: InventorySetQuantitiesInput!', '').replace('input: $i', 'input: {name: "available", reason: "correction", quantities: [{inventoryItemId: "gid://shopify/InventoryItem/1", locationId: "gid://shopify/Location/1", quantity: 1, compareQuantity: 1}]}').replace('mutation()', 'mutation');
		const v01 = await gql(emu, doc, undefined, { version: '2026-01' });
		expect(v01.body.errors).toBeUndefined();
		const v04 = await gql(emu, doc, undefined, { version: '2026-04' });
		expect(v04.body.errors[0].message).toMatch(/compareQuantity/);
		expect(v04.body.data).toBeUndefined();
	});

	it('falls forward from a retired version to 2026-01', async () => {
		const r = await gql(emu, '{ shop { name } }', undefined, { version: '2025-10' });
		expect(r.status).toBe(200);
		expect(r.headers.get('x-shopify-api-version')).toBe('2026-01');
		expect(r.body.data.shop.name).toBe('Demo Shop');
	});
});

describe('queries', () => {
	it('pages productVariants with cursors and finds by sku', async () => {
		const q = `query($after: String) { productVariants(first: 12, after: $after) { edges { cursor node { sku } } pageInfo { hasNextPage endCursor } } }`;
		const skus: string[] = [];
		let after: string | null = null;
		for (let i = 0; i < 5; i++) {
			const r = await gql(emu, q, { after });
			const c = r.body.data.productVariants;
			skus.push(...c.edges.map((e: { node: { sku: string } }) => e.node.sku));
			if (!c.pageInfo.hasNextPage) break;
			after = c.pageInfo.endCursor;
		}
		expect(skus).toHaveLength(30);
		expect(skus[0]).toBe('SKU-000001');
		expect(skus[29]).toBe('SKU-000030');
		const one = await gql(emu, `{ productVariants(first: 5, query: "sku:SKU-000007 OR sku:SKU-000009") { nodes { sku inventoryItem { sku } } } }`);
		expect(one.body.data.productVariants.nodes.map((n: { sku: string }) => n.sku)).toEqual(['SKU-000007', 'SKU-000009']);
	});

	it('reads inventory items, levels per location and nodes()', async () => {
		const wh = emu.location('Warehouse');
		const st = emu.location('Store');
		const r = await gql(
			emu,
			`query($loc: ID!) { inventoryItems(first: 1, query: "sku:SKU-000001") { nodes { id sku tracked variant { id sku }
				inventoryLevel(locationId: $loc) { id quantities(names: ["available", "on_hand", "committed"]) { name quantity } }
				inventoryLevels(first: 5) { nodes { location { id name } quantities(names: ["available"]) { quantity } } } } } }`,
			{ loc: st.id },
		);
		const item = r.body.data.inventoryItems.nodes[0];
		expect(item.sku).toBe('SKU-000001');
		expect(item.tracked).toBe(true);
		expect(item.variant.sku).toBe('SKU-000001');
		expect(item.inventoryLevel.quantities).toEqual([
			{ name: 'available', quantity: 4 },
			{ name: 'on_hand', quantity: 4 },
			{ name: 'committed', quantity: 0 },
		]);
		expect(item.inventoryLevels.nodes.map((n: { location: { name: string } }) => n.location.name).sort()).toEqual(['Store', 'Warehouse']);
		const nodes = await gql(emu, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Location { name } ... on InventoryItem { sku } } }`, {
			ids: [wh.id, item.id, 'gid://shopify/Location/999'],
		});
		expect(nodes.body.data.nodes).toEqual([
			{ __typename: 'Location', id: wh.id, name: 'Warehouse' },
			{ __typename: 'InventoryItem', id: item.id, sku: 'SKU-000001' },
			null,
		]);
		const locLevels = await gql(emu, `query($id: ID!) { location(id: $id) { name inventoryLevels(first: 3) { nodes { item { sku } } pageInfo { hasNextPage } } } }`, { id: wh.id });
		expect(locLevels.body.data.location.inventoryLevels.nodes.map((n: { item: { sku: string } }) => n.item.sku)).toEqual(['SKU-000001', 'SKU-000002', 'SKU-000003']);
		expect(locLevels.body.data.location.inventoryLevels.pageInfo.hasNextPage).toBe(true);
	});

	it('requires first or last and caps pages at 250', async () => {
		const none = await gql(emu, '{ locations { nodes { id } } }');
		expect(none.body.errors[0].message).toBe('you must provide one of first or last');
		const big = await gql(emu, '{ locations(first: 251) { nodes { id } } }');
		expect(big.body.errors[0].extensions.code).toBe('MAX_PAGE_SIZE_EXCEEDED');
	});

	it('resolves unimplemented non-null fields to typed defaults instead of failing', async () => {
		const r = await gql(emu, '{ shop { name currencyCode billingAddress { country } features { giftCards } } }');
		expect(r.body.errors).toBeUndefined();
		expect(r.body.data.shop.currencyCode).toBe('USD');
	});
});
