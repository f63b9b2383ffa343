/**
 * `location` without an id (the primary location), `productVariantsCount(limit, query)` and
 * `currentAppInstallation { accessScopes }`, with their query cost.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { PACKAGE_SCOPES, startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { gql } from './helpers';

const SECRET = 'shpss_counts_secret';
let emu: ShopifyEmulator;

beforeAll(async () => {
	emu = await startShopifyEmulator({
		accessTokens: [
			{ token: 'shpat_test_token' },
			{ token: 'shpat_inventory_only', scopes: ['write_inventory'] },
		],
		apps: [{ clientId: 'counts-app', clientSecret: SECRET, scopes: ['read_products', 'read_locations'] }],
	});
});
afterAll(async () => emu?.close());
beforeEach(() => emu.reset());

const COUNT = 'query($limit: Int, $query: String) { productVariantsCount(limit: $limit, query: $query) { count precision } }';

describe('location without an id', () => {
	it('is the first location seeded', async () => {
		emu.seed({ locations: [{ name: 'Warehouse' }, { name: 'Store' }], items: [] });
		const r = await gql(emu, '{ location { id name isPrimary } }');
		expect(r.body.errors).toBeUndefined();
		expect(r.body.data.location).toEqual({ id: emu.location('Warehouse').id, name: 'Warehouse', isPrimary: true });
		expect(emu.location().id).toBe(emu.location('Warehouse').id);
	});

	it('is the location seeded as primary', async () => {
		emu.seed({ locations: [{ name: 'Warehouse' }, { name: 'Store', primary: true }], items: [{ sku: 'A', available: 1, locationName: 'Store' }] });
		const r = await gql(emu, '{ location { id name } locations(first: 5) { nodes { name isPrimary } } }');
		expect(r.body.data.location).toEqual({ id: emu.location('Store').id, name: 'Store' });
		expect(r.body.data.locations.nodes).toEqual(
			expect.arrayContaining([
				{ name: 'Store', isPrimary: true },
				{ name: 'Warehouse', isPrimary: false },
			]),
		);
		expect([...emu.levels().keys()]).toEqual(['A']); // levels() defaults to the primary location too
	});

	it('needs read_locations', async () => {
		emu.seed({ items: [{ sku: 'A', available: 1 }] });
		const r = await gql(emu, '{ location { id } }', undefined, { token: 'shpat_inventory_only' });
		expect(r.body.errors[0].extensions.code).toBe('ACCESS_DENIED');
		expect(r.body.errors[0].message).toContain('read_locations');
	});
});

describe('productVariantsCount', () => {
	beforeEach(() => {
		emu.seed({ items: Array.from({ length: 25 }, (_, i) => ({ sku: i < 5 ? `RED-${i}` : `SKU-${i}`, available: i })) });
	});

	it('counts every variant, exactly, below the limit (default limit 10000)', async () => {
		const r = await gql(emu, '{ productVariantsCount { count precision } }');
		expect(r.body.errors).toBeUndefined();
		expect(r.body.data.productVariantsCount).toEqual({ count: 25, precision: 'EXACT' });
	});

	it('stops at the limit with precision AT_LEAST; limit null counts everything', async () => {
		expect((await gql(emu, COUNT, { limit: 10 })).body.data.productVariantsCount).toEqual({ count: 10, precision: 'AT_LEAST' });
		expect((await gql(emu, COUNT, { limit: 25 })).body.data.productVariantsCount).toEqual({ count: 25, precision: 'AT_LEAST' });
		expect((await gql(emu, COUNT, { limit: 26 })).body.data.productVariantsCount).toEqual({ count: 25, precision: 'EXACT' });
		expect((await gql(emu, COUNT, { limit: null })).body.data.productVariantsCount).toEqual({ count: 25, precision: 'EXACT' });
	});

	it('filters with the variant search syntax', async () => {
		expect((await gql(emu, COUNT, { query: 'sku:RED-*' })).body.data.productVariantsCount).toEqual({ count: 5, precision: 'EXACT' });
		expect((await gql(emu, COUNT, { query: 'sku:"SKU-7"' })).body.data.productVariantsCount).toEqual({ count: 1, precision: 'EXACT' });
		expect((await gql(emu, COUNT, { query: 'sku:nothing' })).body.data.productVariantsCount).toEqual({ count: 0, precision: 'EXACT' });
	});

	it('costs 1 (a count is an object) and needs read_products', async () => {
		const r = await gql(emu, COUNT, { limit: 5000 });
		expect(r.body.extensions.cost).toMatchObject({ requestedQueryCost: 1, actualQueryCost: 1 });
		expect(emu.requestLog.at(-1)).toMatchObject({ requestedCost: 1, actualCost: 1 });
		const denied = await gql(emu, COUNT, {}, { token: 'shpat_inventory_only' });
		expect(denied.body.errors[0].extensions.code).toBe('ACCESS_DENIED');
		expect(denied.body.errors[0].message).toContain('read_products');
		expect(denied.body.data.productVariantsCount).toBeNull();
	});
});

describe('currentAppInstallation', () => {
	const SCOPES = '{ currentAppInstallation { accessScopes { handle } } }';
	const handles = (body: { data: { currentAppInstallation: { accessScopes: { handle: string }[] } } }) =>
		body.data.currentAppInstallation.accessScopes.map((s) => s.handle);

	it('lists the scopes of the calling access token', async () => {
		const r = await gql(emu, SCOPES);
		expect(r.body.errors).toBeUndefined();
		expect(handles(r.body)).toEqual(PACKAGE_SCOPES);
		// write_x implies read_x: listed too when it was not granted on its own
		const limited = await gql(emu, SCOPES, undefined, { token: 'shpat_inventory_only' });
		expect(handles(limited.body)).toEqual(['write_inventory', 'read_inventory']);
	});

	it('lists the scopes of a client-credentials app token, with its client ID as the API key', async () => {
		const res = await fetch(`${emu.url}/admin/oauth/access_token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'counts-app', client_secret: SECRET }).toString(),
		});
		const { access_token: token } = (await res.json()) as { access_token: string };
		const r = await gql(emu, '{ currentAppInstallation { id app { apiKey } accessScopes { handle description } } }', undefined, { token });
		expect(r.body.errors).toBeUndefined();
		expect(r.body.data.currentAppInstallation.id).toMatch(/^gid:\/\/shopify\/AppInstallation\/\d+$/);
		expect(r.body.data.currentAppInstallation.app.apiKey).toBe('counts-app');
		expect(handles(r.body)).toEqual(['read_products', 'read_locations']);
		for (const s of r.body.data.currentAppInstallation.accessScopes) expect(s.description).not.toBe('');
	});

	it('needs no scope and costs like an object with a list of objects', async () => {
		const r = await gql(emu, SCOPES, undefined, { token: 'shpat_inventory_only' });
		expect(r.body.errors).toBeUndefined();
		// requested: installation 1 + accessScopes list (unsized: 1 × 1); actual: 1 + one per scope returned
		expect(r.body.extensions.cost).toMatchObject({ requestedQueryCost: 2 });
		expect(r.body.extensions.cost.actualQueryCost).toBeLessThanOrEqual(2);
	});
});
