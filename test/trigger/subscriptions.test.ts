/**
 * webhookMethods (checkExists / create / delete) called directly with a minimal hook context whose
 * httpRequestWithAuthentication talks to the Shopify emulator: re-activation with the same URL,
 * lost static data, partly existing subscriptions, subscriptions already removed in Shopify.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IDataObject, IHookFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { ShopifyInventoryTrigger } from '../../nodes/ShopifyInventoryTrigger/ShopifyInventoryTrigger.node';

const URL_A = 'https://n8n.example.com/webhook/abc/shopify-inventory';
const methods = new ShopifyInventoryTrigger().webhookMethods.default;

let shop: ShopifyEmulator;

interface Ctx {
	ctx: IHookFunctions;
	staticData: IDataObject;
	logs: { level: string; message: string }[];
}

function hookContext(parameters: IDataObject, staticData: IDataObject = {}, credentials: IDataObject = {}): Ctx {
	const logs: Ctx['logs'] = [];
	const node = { id: 't', name: 'Shopify Inventory Trigger', type: 'shopifyInventoryTrigger', typeVersion: 1, position: [0, 0], parameters };
	const creds = {
		shop: shop.url,
		authentication: 'accessToken',
		accessToken: 'shpat_test_token',
		apiVersion: '2026-10',
		webhookSigningSecret: 'whsec_x',
		...credentials,
	};
	const log = (level: string) => (message: string) => logs.push({ level, message });
	const ctx = {
		getNode: () => node,
		getWorkflow: () => ({ id: 'wf-1', name: 'wf', active: true }),
		getNodeParameter: (name: string, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
		getNodeWebhookUrl: () => URL_A,
		getWorkflowStaticData: () => staticData,
		getCredentials: async () => creds,
		logger: { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug') },
		helpers: {
			async httpRequestWithAuthentication(_type: string, options: IHttpRequestOptions) {
				const res = await fetch(options.url, {
					method: options.method ?? 'GET',
					headers: { ...(options.headers as Record<string, string>), 'X-Shopify-Access-Token': creds.accessToken },
					body: JSON.stringify(options.body),
				});
				const text = await res.text();
				const data = text ? (JSON.parse(text) as unknown) : {};
				if (res.status >= 400) throw Object.assign(new Error(`HTTP ${res.status}`), { response: { status: res.status, data } });
				return data;
			},
		},
	} as unknown as IHookFunctions;
	return { ctx, staticData, logs };
}

const subscribeCalls = () => shop.requestLog.filter((l) => l.operationName === 'ShopifyInventoryTriggerSubscribe').length;

beforeAll(async () => {
	shop = await startShopifyEmulator();
});

afterAll(async () => {
	await shop.close();
});

beforeEach(() => {
	shop.reset();
});

describe('subscription lifecycle', () => {
	it('re-activation finds the existing subscriptions by URL (also without static data): no duplicates', async () => {
		const params = { topics: ['orders/paid', 'refunds/create'], registration: 'api' };
		const first = hookContext(params);
		expect(await methods.checkExists.call(first.ctx)).toBe(false);
		expect(await methods.create.call(first.ctx)).toBe(true);
		expect(subscribeCalls()).toBe(2);

		// n8n restarts with the workflow active: checkExists with the stored ids …
		expect(await methods.checkExists.call(hookContext(params, first.staticData).ctx)).toBe(true);
		// … and with lost static data: found through webhookSubscriptions filtered by uri.
		const lost = hookContext(params, {});
		expect(await methods.checkExists.call(lost.ctx)).toBe(true);
		expect(lost.staticData.subscriptions).toEqual(first.staticData.subscriptions);
		expect(subscribeCalls()).toBe(2);
		expect(shop.subscriptions()).toHaveLength(2);
	});

	it('subscriptions of other URLs are left alone; a missing topic is added', async () => {
		const other = hookContext({ topics: ['orders/paid'] });
		(other.ctx as unknown as { getNodeWebhookUrl: () => string }).getNodeWebhookUrl = () => 'https://other.example.com/hook';
		await methods.create.call(other.ctx);

		const only = hookContext({ topics: ['orders/paid'] });
		await methods.create.call(only.ctx);
		const both = hookContext({ topics: ['orders/paid', 'orders/cancelled'] });
		expect(await methods.checkExists.call(both.ctx)).toBe(false);
		await methods.create.call(both.ctx);
		expect(
			shop
				.subscriptions()
				.filter((s) => s.uri === URL_A)
				.map((s) => s.topic)
				.sort(),
		).toEqual(['ORDERS_CANCELLED', 'ORDERS_PAID']);
		expect(shop.subscriptions().filter((s) => s.uri !== URL_A)).toHaveLength(1);

		await methods.delete.call(both.ctx);
		expect(shop.subscriptions().map((s) => s.uri)).toEqual(['https://other.example.com/hook']);
	});

	it('a topic deselected while inactive is unsubscribed on the next activation', async () => {
		const before = hookContext({ topics: ['orders/paid', 'orders/create'] });
		await methods.create.call(before.ctx);
		const after = hookContext({ topics: ['orders/paid'] }, { ...before.staticData });
		expect(await methods.checkExists.call(after.ctx)).toBe(false);
		await methods.create.call(after.ctx);
		expect(shop.subscriptions().map((s) => s.topic)).toEqual(['ORDERS_PAID']);
		expect(after.staticData.subscriptions).toEqual({ 'orders/paid': shop.subscriptions()[0].id });
		expect(subscribeCalls()).toBe(2);
	});

	it('delete succeeds when Shopify already removed a subscription (after failed deliveries)', async () => {
		const c = hookContext({ topics: ['orders/paid', 'refunds/create'] });
		await methods.create.call(c.ctx);
		const stored = c.staticData.subscriptions as Record<string, string>;
		// Remove one behind our back.
		const gone = hookContext({ topics: ['orders/paid'] }, { subscriptions: { 'orders/paid': stored['orders/paid'] } });
		await methods.delete.call(gone.ctx);
		expect(await methods.delete.call(c.ctx)).toBe(true);
		expect(shop.subscriptions()).toEqual([]);
		expect(c.staticData.subscriptions).toBeUndefined();
	});

	it('no secret at all (API mode, empty Client Secret and Signing Secret) → activation fails loudly', async () => {
		const c = hookContext({ topics: ['orders/paid'] }, {}, { webhookSigningSecret: '', clientSecret: '' });
		await expect(methods.checkExists.call(c.ctx)).rejects.toThrow(/no secret to verify webhook signatures/);
		expect(c.logs.some((l) => l.level === 'error')).toBe(true);
		expect(shop.subscriptions()).toEqual([]);
	});

	it('the Client Secret is enough in API mode (deliveries of app subscriptions are signed with it)', async () => {
		const c = hookContext({ topics: ['orders/paid'] }, {}, { webhookSigningSecret: '', clientSecret: 'app-secret' });
		expect(await methods.checkExists.call(c.ctx)).toBe(false);
		expect(await methods.create.call(c.ctx)).toBe(true);
		expect(shop.subscriptions()).toHaveLength(1);
		expect(c.logs.filter((l) => l.level === 'error')).toEqual([]);
	});
});
