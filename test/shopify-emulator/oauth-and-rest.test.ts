import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { seedCatalogue } from '../emulators/shopify/catalogue';
import { gql, TOKEN } from './helpers';

let emu: ShopifyEmulator;
beforeAll(async () => {
	emu = await startShopifyEmulator({
		apps: [{ clientId: 'cid', clientSecret: 'csecret', tokenTtlSeconds: 3600 }],
		rest: { bucketSize: 5, leakPerSecond: 0.05 },
	});
	seedCatalogue(emu, 12);
});
afterAll(() => emu.close());

const tokenRequest = (body: string, contentType = 'application/x-www-form-urlencoded') =>
	fetch(`${emu.url}/admin/oauth/access_token`, { method: 'POST', headers: { 'Content-Type': contentType }, body });

describe('client credentials grant', () => {
	it('issues a token (form or JSON body) that works until it expires on the emulated clock', async () => {
		const r = await tokenRequest('grant_type=client_credentials&client_id=cid&client_secret=csecret');
		expect(r.status).toBe(200);
		const t = (await r.json()) as { access_token: string; scope: string; expires_in: number };
		expect(t).toEqual({ access_token: expect.any(String), scope: expect.stringContaining('write_inventory'), expires_in: 3600 });
		const ok = await gql(emu, '{ shop { name } }', undefined, { token: t.access_token });
		expect(ok.status).toBe(200);
		const j = await tokenRequest(JSON.stringify({ grant_type: 'client_credentials', client_id: 'cid', client_secret: 'csecret' }), 'application/json');
		expect(j.status).toBe(200);

		emu.clock.advance(3600 * 1000 + 1);
		const expired = await gql(emu, '{ shop { name } }', undefined, { token: t.access_token });
		expect(expired.status).toBe(401);
		expect(expired.body).toEqual({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
		expect(emu.requestLog.filter((l) => l.kind === 'oauth')).toHaveLength(2);
	});

	it('refuses a wrong secret or unknown client with invalid_client', async () => {
		for (const body of ['grant_type=client_credentials&client_id=cid&client_secret=nope', 'grant_type=client_credentials&client_id=x&client_secret=csecret']) {
			const r = await tokenRequest(body);
			expect([400, 401]).toContain(r.status);
			expect(((await r.json()) as { error: string }).error).toBe('invalid_client');
		}
		const g = await tokenRequest('grant_type=password&client_id=cid&client_secret=csecret');
		expect(g.status).toBe(400);
		expect(((await g.json()) as { error: string }).error).toBe('unsupported_grant_type');
	});
});

describe('REST (legacy)', () => {
	const rest = (path: string, init: RequestInit = {}) =>
		fetch(`${emu.url}/admin/api/2026-10/${path}`, {
			...init,
			headers: { 'X-Shopify-Access-Token': TOKEN, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
		});

	it('lists inventory levels with Link-header pagination, sets levels, and enforces the 40/2 style bucket (429 + Retry-After)', async () => {
		emu.reset();
		const skus = seedCatalogue(emu, 12).skus;
		const locId = Number(emu.location().id.split('/').pop());
		const first = await rest(`inventory_levels.json?location_ids=${locId}&limit=5`);
		expect(first.status).toBe(200);
		expect(first.headers.get('x-shopify-shop-api-call-limit')).toBe('1/5');
		const page1 = (await first.json()) as { inventory_levels: { inventory_item_id: number; location_id: number; available: number }[] };
		expect(page1.inventory_levels).toHaveLength(5);
		expect(typeof page1.inventory_levels[0].inventory_item_id).toBe('number');
		expect(page1.inventory_levels[0].location_id).toBe(locId);
		const link = first.headers.get('link')!;
		expect(link).toMatch(/rel="next"/);
		const next = link.match(/<([^>]+)>; rel="next"/)![1];
		const second = await fetch(next, { headers: { 'X-Shopify-Access-Token': TOKEN } });
		const page2 = (await second.json()) as { inventory_levels: { inventory_item_id: number }[] };
		expect(page2.inventory_levels[0].inventory_item_id).toBeGreaterThan(page1.inventory_levels[4].inventory_item_id);
		expect(second.headers.get('link')).toMatch(/rel="previous"/);

		const itemId = Number(emu.levels().get(skus[0])!.inventoryItemId.split('/').pop());
		const set = await rest('inventory_levels/set.json', { method: 'POST', body: JSON.stringify({ location_id: locId, inventory_item_id: itemId, available: 42 }) });
		expect(set.status).toBe(200);
		expect(((await set.json()) as { inventory_level: { available: number } }).inventory_level.available).toBe(42);
		expect(emu.levels().get(skus[0])!.available).toBe(42);

		// bucket of 5 (test config): 3 used so far
		await rest('shop.json');
		await rest('shop.json');
		const limited = await rest('shop.json');
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(((await limited.json()) as { errors: string }).errors).toMatch(/Exceeded .* calls per second/);
		expect(emu.requestLog.at(-1)).toMatchObject({ kind: 'rest', status: 429, throttled: true });
		emu.clock.advance(60_000);
		expect((await rest('shop.json')).status).toBe(200);
	});

	it('answers 401 without a valid token', async () => {
		const r = await fetch(`${emu.url}/admin/api/2026-10/inventory_levels.json?location_ids=1`);
		expect(r.status).toBe(401);
	});
});
