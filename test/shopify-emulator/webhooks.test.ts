import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { seedCatalogue } from '../emulators/shopify/catalogue';
import { gql, startReceiver } from './helpers';

const fixture = (name: string) =>
	JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'shopify', 'webhooks', name), 'utf8')) as Record<string, unknown>;

const verify = (secret: string, raw: string, header: string | string[] | undefined) => {
	const digest = createHmac('sha256', secret).update(raw, 'utf8').digest();
	const given = Buffer.from(String(header ?? ''), 'base64');
	return given.length === digest.length && timingSafeEqual(digest, given);
};

let emu: ShopifyEmulator;
beforeAll(async () => {
	emu = await startShopifyEmulator({ apps: [{ clientId: 'cid', clientSecret: 'app-secret' }], webhookRetryDelayMs: 1 });
	emu.seed({ locations: [{ name: 'Warehouse' }], items: [] });
	seedCatalogue(emu, 5, { locationName: 'Warehouse', available: 10 });
});
afterAll(() => emu.close());

describe('sendWebhook', () => {
	it('signs the raw body with HMAC-SHA256 (base64) and sets the Shopify headers', async () => {
		const rx = await startReceiver();
		try {
			const r = await emu.sendWebhook({ url: rx.url, topic: 'ORDERS_PAID', payload: { id: 1, note: 'ünïcode' } });
			expect(r.attempts).toEqual([{ status: 200, body: 'ok' }]);
			const got = rx.received[0];
			expect(verify('app-secret', got.raw, got.headers['x-shopify-hmac-sha256'])).toBe(true);
			expect(got.headers['content-type']).toBe('application/json');
			expect(got.headers['x-shopify-topic']).toBe('orders/paid');
			expect(got.headers['x-shopify-shop-domain']).toBe('demo-shop.myshopify.com');
			expect(got.headers['x-shopify-api-version']).toBe('2026-10');
			expect(got.headers['x-shopify-webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
			expect(got.headers['x-shopify-event-id']).toMatch(/^[0-9a-f-]{36}$/);
			expect(Number.isNaN(Date.parse(String(got.headers['x-shopify-triggered-at'])))).toBe(false);
		} finally {
			await rx.close();
		}
	});

	it('supports tamper / omitHmac / rawBody / custom secret', async () => {
		const rx = await startReceiver();
		try {
			await emu.sendWebhook({ url: rx.url, topic: 'orders/paid', payload: { id: 2 }, tamper: true });
			await emu.sendWebhook({ url: rx.url, topic: 'orders/paid', payload: { id: 3 }, omitHmac: true });
			await emu.sendWebhook({ url: rx.url, topic: 'orders/paid', payload: null, rawBody: '{"id":4,  "spaced":true}', secret: 'other' });
			expect(verify('app-secret', rx.received[0].raw, rx.received[0].headers['x-shopify-hmac-sha256'])).toBe(false);
			expect(rx.received[1].headers['x-shopify-hmac-sha256']).toBeUndefined();
			expect(rx.received[2].raw).toBe('{"id":4,  "spaced":true}');
			expect(verify('other', rx.received[2].raw, rx.received[2].headers['x-shopify-hmac-sha256'])).toBe(true);
		} finally {
			await rx.close();
		}
	});

	it('retries on non-2xx with the same webhook id and event id', async () => {
		const rx = await startReceiver([500, 503]);
		try {
			const r = await emu.sendWebhook({ url: rx.url, topic: 'orders/paid', payload: { id: 5 }, retries: 3 });
			expect(r.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
			const ids = new Set(rx.received.map((x) => x.headers['x-shopify-webhook-id']));
			const events = new Set(rx.received.map((x) => x.headers['x-shopify-event-id']));
			expect(ids.size).toBe(1);
			expect(events.size).toBe(1);
			const none = await emu.sendWebhook({ url: rx.url.replace(/:\d+\//, ':1/'), topic: 'orders/paid', payload: {} });
			expect(none.attempts[0].status).toBe(0);
		} finally {
			await rx.close();
		}
	});
});

describe('subscriptions and order events', () => {
	it('creates, lists and deletes subscriptions through GraphQL', async () => {
		const create = `mutation($topic: WebhookSubscriptionTopic!, $uri: String!) {
			webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
				webhookSubscription { id topic uri format endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } }
				userErrors { field message }
			}
		}`;
		const a = await gql(emu, create, { topic: 'ORDERS_PAID', uri: 'https://example.com/a' });
		const sub = a.body.data.webhookSubscriptionCreate.webhookSubscription;
		expect(sub).toMatchObject({ topic: 'ORDERS_PAID', uri: 'https://example.com/a', format: 'JSON', endpoint: { __typename: 'WebhookHttpEndpoint', callbackUrl: 'https://example.com/a' } });
		const dup = await gql(emu, create, { topic: 'ORDERS_PAID', uri: 'https://example.com/a' });
		expect(dup.body.data.webhookSubscriptionCreate.userErrors[0].message).toBe('Address for this topic has already been taken');
		await gql(emu, create, { topic: 'REFUNDS_CREATE', uri: 'https://example.com/b' });
		const list = await gql(emu, `{ webhookSubscriptions(first: 10, topics: [ORDERS_PAID]) { nodes { id topic uri } } }`);
		expect(list.body.data.webhookSubscriptions.nodes).toEqual([{ id: sub.id, topic: 'ORDERS_PAID', uri: 'https://example.com/a' }]);
		expect(emu.subscriptions()).toHaveLength(2);
		const del = await gql(emu, `mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { message } } }`, { id: sub.id });
		expect(del.body.data.webhookSubscriptionDelete).toEqual({ deletedWebhookSubscriptionId: sub.id, userErrors: [] });
		const again = await gql(emu, `mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } } }`, { id: sub.id });
		expect(again.body.data.webhookSubscriptionDelete.userErrors).toHaveLength(1);
		for (const s of emu.subscriptions()) await gql(emu, `mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { userErrors { message } } }`, { id: s.id });
		expect(emu.subscriptions()).toEqual([]);
	});

	it('createOrder / refundOrder / cancelOrder: REST-shaped payloads with real ids, delivered to subscriptions, visible in GraphQL', async () => {
		const rx = await startReceiver();
		try {
			for (const topic of ['ORDERS_PAID', 'REFUNDS_CREATE', 'ORDERS_CANCELLED'])
				await gql(emu, `mutation($t: WebhookSubscriptionTopic!, $u: String!) { webhookSubscriptionCreate(topic: $t, webhookSubscription: { uri: $u }) { userErrors { message } } }`, { t: topic, u: rx.url });
			const loc = emu.location('Warehouse');
			const before = emu.levels(loc.id).get('SKU-000001')!;
			const since = new Date(emu.clock.now() - 1000).toISOString();
			const { order } = await emu.createOrder({ lineItems: [{ sku: 'SKU-000001', quantity: 2 }, { sku: null, quantity: 1 }], locationId: loc.id, deliver: true });

			expect(Object.keys(order)).toEqual(Object.keys(fixture('orders_paid.json')));
			const lines = order.line_items as Record<string, unknown>[];
			expect(Object.keys(lines[0])).toEqual(Object.keys((fixture('orders_paid.json').line_items as Record<string, unknown>[])[0]));
			expect(lines[0]).toMatchObject({ sku: 'SKU-000001', quantity: 2, variant_id: Number(before.variantId.split('/').pop()) });
			expect(lines[1]).toMatchObject({ sku: null, variant_id: null, product_id: null });
			expect(order.location_id).toBe(Number(loc.id.split('/').pop()));
			expect(emu.levels(loc.id).get('SKU-000001')).toMatchObject({ available: before.available - 2, committed: before.committed + 2, on_hand: before.on_hand });

			expect(rx.received).toHaveLength(1);
			expect(rx.received[0].headers['x-shopify-topic']).toBe('orders/paid');
			expect(JSON.parse(rx.received[0].raw).id).toBe(order.id);
			expect(verify('app-secret', rx.received[0].raw, rx.received[0].headers['x-shopify-hmac-sha256'])).toBe(true);

			// the order is also visible to a GraphQL catch-up query
			const q = await gql(emu, `query($q: String!) { orders(first: 10, query: $q, sortKey: UPDATED_AT) { nodes { id legacyResourceId name updatedAt cancelledAt lineItems(first: 5) { nodes { id sku quantity currentQuantity variant { id } } } } } }`, { q: `updated_at:>'${since}'` });
			const o = q.body.data.orders.nodes.find((n: { legacyResourceId: string }) => n.legacyResourceId === String(order.id));
			expect(o.id).toBe(`gid://shopify/Order/${order.id}`);
			expect(o.lineItems.nodes[0]).toMatchObject({ id: (lines[0] as { admin_graphql_api_id: string }).admin_graphql_api_id, sku: 'SKU-000001', quantity: 2, currentQuantity: 2, variant: { id: before.variantId } });

			// partial refund with restock 'return'
			const lineId = lines[0].id as number;
			const { payload: refund } = await emu.refundOrder(order.id as number, { lines: [{ lineItemId: lineId, quantity: 1, restockType: 'return' }], deliver: true });
			expect(Object.keys(refund)).toEqual(Object.keys(fixture('refunds_create.json')));
			const rli = (refund.refund_line_items as Record<string, unknown>[])[0];
			expect(Object.keys(rli)).toEqual(Object.keys((fixture('refunds_create.json').refund_line_items as Record<string, unknown>[])[0]));
			expect(rli).toMatchObject({ line_item_id: lineId, quantity: 1, restock_type: 'return', location_id: order.location_id, line_item: { sku: 'SKU-000001', variant_id: lines[0].variant_id } });
			expect(emu.levels(loc.id).get('SKU-000001')).toMatchObject({ available: before.available - 1, committed: before.committed + 1, on_hand: before.on_hand });

			// cancel: remaining quantity restocked with restock_type cancel
			const { payload: cancelled } = await emu.cancelOrder(order.id as number, { deliver: true });
			expect(cancelled.cancelled_at).not.toBeNull();
			const cancelRefund = (cancelled.refunds as Record<string, unknown>[]).at(-1)!;
			expect((cancelRefund.refund_line_items as Record<string, unknown>[]).map((r) => r.restock_type)).toEqual(['cancel', 'cancel']);
			expect(emu.levels(loc.id).get('SKU-000001')).toMatchObject({ available: before.available, committed: before.committed, on_hand: before.on_hand });
			expect(rx.received.map((r) => r.headers['x-shopify-topic'])).toEqual(['orders/paid', 'refunds/create', 'orders/cancelled']);

			const after = await gql(emu, `query($id: ID!) { order(id: $id) { cancelledAt refunds { refundLineItems(first: 5) { nodes { lineItem { id } quantity restockType location { id } } } } } }`, { id: `gid://shopify/Order/${order.id}` });
			expect(after.body.data.order.cancelledAt).not.toBeNull();
			expect(after.body.data.order.refunds[0].refundLineItems.nodes[0]).toEqual({ lineItem: { id: (lines[0] as { admin_graphql_api_id: string }).admin_graphql_api_id }, quantity: 1, restockType: 'RETURN', location: { id: loc.id } });
		} finally {
			await rx.close();
		}
	});

	it('numbersAsStrings turns REST/webhook ids into strings', async () => {
		const e2 = await startShopifyEmulator({ numbersAsStrings: true });
		try {
			seedCatalogue(e2, 1);
			const { order } = await e2.createOrder({ lineItems: [{ sku: 'SKU-000001', quantity: 1 }] });
			expect(typeof order.id).toBe('string');
			expect(typeof (order.line_items as Record<string, unknown>[])[0].variant_id).toBe('string');
		} finally {
			await e2.close();
		}
	});
});
