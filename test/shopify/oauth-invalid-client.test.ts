/**
 * The Shopify emulator's `oauthInvalidClientStatus` switch (the HTTP status of a refused client ID or secret
 * is not documented: 401 or 400), in both positions, through the credential test and the node.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { PACKAGE_SCOPES, startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { CredentialStore, runNode, testCredential } from '../helpers/n8n-harness';

const SECRET = 'shpss_right_secret_value_42';
const WRONG = 'shpss_wrong_secret_value_77';
let emu: ShopifyEmulator;

beforeAll(async () => {
	emu = await startShopifyEmulator({ apps: [{ clientId: 'client-1', clientSecret: SECRET, scopes: PACKAGE_SCOPES }] });
});
afterAll(async () => emu?.close());

beforeEach(() => {
	emu.reset();
	emu.seed({ items: [{ sku: 'A', available: 1 }] });
});

const clientCredentials = (clientSecret: string) => ({
	shop: emu.url,
	authentication: 'clientCredentials',
	clientId: 'client-1',
	clientSecret,
});

describe.each([401, 400] as const)('oauthInvalidClientStatus: %s', (status) => {
	beforeEach(() => emu.setOptions({ oauthInvalidClientStatus: status }));

	it('the credential test says the client ID or secret was refused, without the secret', async () => {
		const r = await testCredential('shopifyInventoryApi', clientCredentials(WRONG));
		expect(r.status).toBe('Error');
		expect(r.message).toMatch(/^Shopify refused the client ID or secret/);
		expect(r.message).not.toContain(WRONG);
		expect(emu.requestLog.filter((l) => l.kind === 'oauth').map((l) => l.status)).toContain(status);
		// the right secret still passes in this position
		expect(await testCredential('shopifyInventoryApi', clientCredentials(SECRET))).toMatchObject({ status: 'OK' });
	});

	it('the node fails with the same plain message, asks for a token once and sends no API call', async () => {
		const creds = new CredentialStore();
		creds.set('shopifyInventoryApi', clientCredentials(WRONG));
		const r = await runNode({ type: 'shopifyInventory', parameters: { resource: 'location', operation: 'getMany' }, credentials: creds });
		expect(r.error?.message).toMatch(/^Shopify refused the client ID or secret/);
		expect(JSON.stringify({ m: r.error?.message, d: r.error?.description })).not.toContain(WRONG);
		const oauth = emu.requestLog.filter((l) => l.kind === 'oauth');
		expect(oauth).toHaveLength(1); // a refused secret is not asked again
		expect(oauth.every((l) => l.status === status)).toBe(true);
		expect(emu.requestLog.filter((l) => l.kind === 'query' || l.kind === 'mutation')).toHaveLength(0);
	});
});
