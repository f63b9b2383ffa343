/**
 * The Shopify Inventory API credential: preAuthentication (token / client credentials), the Test
 * button (request + rules, evaluated like n8n's credentials tester), and how the node reports
 * authentication problems. No message may contain a secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { IAuthenticateRuleResponseSuccessBody, ICredentialDataDecryptedObject } from 'n8n-workflow';

import { ShopifyInventoryApi } from '../../credentials/ShopifyInventoryApi.credentials';
import { normalizeShopBaseUrl } from '../../nodes/shared/shopify/url';
import { PACKAGE_SCOPES, startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { CredentialStore, runNode, testCredential } from '../helpers/n8n-harness';

const SECRET = 'shpss_very_secret_value_123';
let emu: ShopifyEmulator;

beforeAll(async () => {
	emu = await startShopifyEmulator({
		accessTokens: [
			{ token: 'shpat_test_token', scopes: PACKAGE_SCOPES },
			{ token: 'shpat_no_locations', scopes: PACKAGE_SCOPES.filter((s) => s !== 'read_locations') },
			{ token: 'shpat_no_write', scopes: ['read_inventory', 'read_products', 'read_locations', 'read_orders'] },
			{ token: 'shpat_no_orders', scopes: PACKAGE_SCOPES.filter((s) => s !== 'read_orders') },
			{ token: 'shpat_no_products', scopes: PACKAGE_SCOPES.filter((s) => s !== 'read_products' && s !== 'write_products') },
			{ token: 'shpat_no_inventory', scopes: ['read_products', 'read_locations', 'read_orders'] },
		],
		apps: [{ clientId: 'client-1', clientSecret: SECRET, scopes: PACKAGE_SCOPES }],
	});
	emu.seed({ items: [{ sku: 'A', available: 1 }, { sku: 'B', available: 2 }] });
});
afterAll(async () => emu?.close());

const credential = new ShopifyInventoryApi();

/** n8n's credentials tester for a successful answer: the first responseSuccessBody rule that matches. */
async function successBodyRuleMessage(token: string): Promise<string | undefined> {
	const version = '2026-10';
	const res = await fetch(`${emu.url}/admin/api/${version}/graphql.json`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': token },
		body: JSON.stringify(credential.test.request.body),
	});
	expect(res.status).toBe(200);
	const body = (await res.json()) as Record<string, unknown>;
	const get = (obj: unknown, key: string): unknown =>
		key
			.replace(/\[(\d+)\]/g, '.$1')
			.split('.')
			.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
	for (const rule of credential.test.rules as IAuthenticateRuleResponseSuccessBody[]) {
		if (rule.type !== 'responseSuccessBody') continue;
		if (get(body, rule.properties.key) === rule.properties.value) return rule.properties.message;
	}
	return undefined;
}

describe('credential definition', () => {
	it('has the contract property names and defaults', async () => {
		const byName = Object.fromEntries(credential.properties.map((p) => [p.name, p]));
		expect(Object.keys(byName).sort()).toEqual(
			['accessToken', 'apiVersion', 'authentication', 'clientId', 'clientSecret', 'defaultLocation', 'locationMapping', 'sessionToken', 'shop', 'webhookSigningSecret'].sort(),
		);
		expect(byName.apiVersion.default).toBe('2026-10');
		expect((byName.apiVersion.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['2026-10', '2026-07', '2026-04', '2026-01']);
		expect(byName.sessionToken.type).toBe('hidden');
		expect(byName.sessionToken.default).toBe('');
		expect(byName.sessionToken.typeOptions?.expirable).toBe(true);
		for (const secret of ['accessToken', 'clientSecret', 'webhookSigningSecret']) {
			expect(byName[secret].typeOptions?.password, secret).toBe(true);
		}
		const signed = await credential.authenticate({ sessionToken: 'shpat_from_session' }, { url: '/x', headers: { Accept: 'application/json' } });
		expect(signed.headers).toEqual({ Accept: 'application/json', 'X-Shopify-Access-Token': 'shpat_from_session' });
	});
});

describe('Test button', () => {
	it('passes with a valid token and all scopes', async () => {
		const r = await testCredential('shopifyInventoryApi', { shop: emu.url, authentication: 'accessToken', accessToken: 'shpat_test_token' });
		expect(r).toEqual({ status: 'OK', message: 'Connection tested successfully' });
		expect(await successBodyRuleMessage('shpat_test_token')).toBeUndefined();
	});

	it('says the token was refused (401)', async () => {
		const r = await testCredential('shopifyInventoryApi', { shop: emu.url, authentication: 'accessToken', accessToken: 'shpat_wrong' });
		expect(r.status).toBe('Error');
		expect(r.message).toMatch(/^Shopify refused the access token\. Check the Admin API access token/);
		expect(r.message).not.toContain('shpat_wrong');
	});

	it('names a missing scope', async () => {
		const r = await testCredential('shopifyInventoryApi', { shop: emu.url, authentication: 'accessToken', accessToken: 'shpat_no_locations' });
		expect(r.status).toBe('Error');
		expect(r.message).toMatch(/^The Shopify app is missing the read_locations access scope\. Add read_locations/);
		// the rule the CLI picks is the same as a direct evaluation of the rules on the answer
		expect(await successBodyRuleMessage('shpat_no_locations')).toBe(r.message);
	});

	it('names each missing read scope, whichever probe fails first', async () => {
		for (const [token, scope] of [
			['shpat_no_orders', 'read_orders'],
			['shpat_no_products', 'read_products'],
			['shpat_no_inventory', 'read_inventory'],
		] as const) {
			const r = await testCredential('shopifyInventoryApi', { shop: emu.url, authentication: 'accessToken', accessToken: token });
			expect(r, token).toMatchObject({ status: 'Error', message: expect.stringContaining(`missing the ${scope} access scope`) });
		}
	});

	it('a token that can read but not write still passes (the test only reads)', async () => {
		const r = await testCredential('shopifyInventoryApi', { shop: emu.url, authentication: 'accessToken', accessToken: 'shpat_no_write' });
		expect(r).toEqual({ status: 'OK', message: 'Connection tested successfully' });
	});

	it('says the address is not the Shopify Admin API (HTTP 404)', async () => {
		const r = await testCredential('shopifyInventoryApi', {
			shop: `${emu.url}/some/proxy/path`,
			authentication: 'accessToken',
			accessToken: 'shpat_test_token',
		});
		expect(r.status).toBe('Error');
		expect(r.message).toMatch(/^No Shopify Admin API found at this address/);
	});

	it('passes with client credentials (the token is fetched by preAuthentication)', async () => {
		const r = await testCredential('shopifyInventoryApi', {
			shop: emu.url,
			authentication: 'clientCredentials',
			clientId: 'client-1',
			clientSecret: SECRET,
		});
		expect(r).toMatchObject({ status: 'OK' });
	});

	it('says the client ID or secret was refused, without the secret', async () => {
		const r = await testCredential('shopifyInventoryApi', {
			shop: emu.url,
			authentication: 'clientCredentials',
			clientId: 'client-1',
			clientSecret: 'shpss_wrong_secret_456',
		});
		expect(r.status).toBe('Error');
		expect(r.message).toMatch(/^Shopify refused the client ID or secret/);
		expect(r.message).not.toContain('shpss_wrong_secret_456');
		expect(r.message).not.toContain(SECRET);
	});

	it('says the shop could not be reached', async () => {
		const r = await testCredential('shopifyInventoryApi', {
			shop: 'http://127.0.0.1:1',
			authentication: 'clientCredentials',
			clientId: 'client-1',
			clientSecret: SECRET,
		});
		expect(r.status).toBe('Error');
		expect(r.message).toMatch(/Could not reach Shopify at 127\.0\.0\.1:1/);
	});

	it('resolves the Shop field in the test request like the nodes do', async () => {
		const { Workflow } = await import('n8n-workflow');
		const workflow = new Workflow({
			nodes: [{ id: '1', name: 'N', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} }],
			connections: {},
			active: false,
			nodeTypes: { getByName: () => undefined, getByNameAndVersion: () => undefined, getKnownTypes: () => ({}) } as never,
		});
		for (const shop of ['my-shop', 'my-shop.myshopify.com', 'https://my-shop.myshopify.com', 'http://127.0.0.1:1234']) {
			const value = workflow.expression.getParameterValue(
				credential.test.request.baseURL as string,
				null,
				0,
				0,
				'N',
				[],
				'internal',
				{ $credentials: { shop } as ICredentialDataDecryptedObject },
			);
			expect(value, shop).toBe(normalizeShopBaseUrl(shop));
		}
	});
});

describe('the node and authentication', () => {
	const loc = () => ({ __rl: true, mode: 'id', value: emu.location().id });

	it('client credentials: fetches one token, stores it, reuses it next execution', async () => {
		const creds = new CredentialStore();
		creds.set('shopifyInventoryApi', { shop: emu.url, authentication: 'clientCredentials', clientId: 'client-1', clientSecret: SECRET });
		const p = { resource: 'inventory', operation: 'getMany', location: loc() };
		const r1 = await runNode({ type: 'shopifyInventory', parameters: p, credentials: creds });
		expect(r1.error).toBeUndefined();
		expect(r1.items.map((i) => i.json.sku).sort()).toEqual(['A', 'B']);
		expect(creds.preAuthCalls.shopifyInventoryApi).toBe(1);
		const stored = creds.data('shopifyInventoryApi').sessionToken;
		expect(typeof stored).toBe('string');
		expect(stored).not.toBe('');
		const r2 = await runNode({ type: 'shopifyInventory', parameters: p, credentials: creds });
		expect(r2.error).toBeUndefined();
		expect(creds.preAuthCalls.shopifyInventoryApi).toBe(1);
	});

	it('a refused token gives a clear error without the token', async () => {
		const creds = new CredentialStore();
		creds.set('shopifyInventoryApi', { shop: emu.url, authentication: 'accessToken', accessToken: 'shpat_wrong_token_789' });
		const r = await runNode({ type: 'shopifyInventory', parameters: { resource: 'inventory', operation: 'getMany', location: loc() }, credentials: creds });
		expect(r.error?.message).toMatch(/Shopify refused the access token/);
		expect(JSON.stringify({ m: r.error?.message, d: r.error?.description })).not.toContain('shpat_wrong_token_789');
	});

	it('wrong client secret: preAuthentication error is clear and secret-free', async () => {
		const creds = new CredentialStore();
		creds.set('shopifyInventoryApi', { shop: emu.url, authentication: 'clientCredentials', clientId: 'client-1', clientSecret: 'nope-secret-000' });
		const r = await runNode({ type: 'shopifyInventory', parameters: { resource: 'location', operation: 'getMany' }, credentials: creds });
		expect(r.error?.message).toMatch(/^Shopify refused the client ID or secret/);
		expect(JSON.stringify({ m: r.error?.message, d: r.error?.description })).not.toContain('nope-secret-000');
	});

	it('a missing scope is named', async () => {
		const creds = new CredentialStore();
		creds.set('shopifyInventoryApi', { shop: emu.url, authentication: 'accessToken', accessToken: 'shpat_no_locations' });
		const r = await runNode({ type: 'shopifyInventory', parameters: { resource: 'location', operation: 'getMany' }, credentials: creds });
		expect(r.error?.message).toMatch(/missing the access scope read_locations/);
	});

	it('a missing write scope is named when writing', async () => {
		const creds = new CredentialStore();
		creds.set('shopifyInventoryApi', { shop: emu.url, authentication: 'accessToken', accessToken: 'shpat_no_write' });
		const r = await runNode({
			type: 'shopifyInventory',
			parameters: { resource: 'inventory', operation: 'sync', location: loc() },
			input: [{ sku: 'A', quantity: 5 }],
			credentials: creds,
		});
		expect(r.error?.message).toMatch(/write_inventory/);
	});
});
