/**
 * The trigger's per-delivery decision (pure) and the catch-up's page sizes / time window.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { resolveUpdatedSince, updatedSinceQuery } from '../../nodes/ShopifyInventory/logic/catchUp';
import {
	fulfillmentsCost,
	lineItemsPageCost,
	LINE_ITEMS_PAGE,
	orderByIdCost,
	returnsCost,
	MAX_REQUESTED_COST,
	ORDERS_PAGE,
	ordersPageCost,
	REFUND_IDS_PAGE,
	refundIdsCost,
	REFUND_LINES_PAGE,
	refundLinesPageCost,
} from '../../nodes/ShopifyInventory/transport/orders';
import { requestedQueryCost } from '../../nodes/shared/shopify/queryCost';
import {
	ORDER_LINE_ITEMS_PAGE_QUERY,
	ORDERS_UPDATED_SINCE_QUERY,
	REFUND_LINE_ITEMS_PAGE_QUERY,
} from '../../nodes/ShopifyInventory/transport/orders.documents';
import { decideDelivery, signingSecret, type DeliveryInput } from '../../nodes/ShopifyInventoryTrigger/logic/delivery';
import { computeShopifyHmac, DEFAULT_ORDER_TOPICS } from '../../nodes/shared/orders';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'shopify', 'webhooks');
const SECRET = 'whsec_unit_test_secret';
const paidBody = readFileSync(path.join(FIXTURES, 'orders_paid.json'));
const refundBody = readFileSync(path.join(FIXTURES, 'refunds_create.json'));

function delivery(over: Partial<DeliveryInput> & { topic?: string; sign?: boolean | string } = {}): DeliveryInput {
	const rawBody = over.rawBody ?? paidBody;
	const headers: Record<string, unknown> = {
		'x-shopify-topic': over.topic ?? 'orders/paid',
		'x-shopify-event-id': 'evt-1',
		'x-shopify-webhook-id': 'wh-1',
		...(over.headers ?? {}),
	};
	if (over.sign !== false) {
		headers['x-shopify-hmac-sha256'] = computeShopifyHmac(rawBody, typeof over.sign === 'string' ? over.sign : SECRET);
	}
	return {
		rawBody,
		headers,
		secret: 'secret' in over ? over.secret : SECRET,
		topics: over.topics ?? ['orders/paid'],
		output: over.output ?? 'stockChanges',
	};
}

describe('decideDelivery', () => {
	it('orders/edited and reverse_fulfillment_orders/dispose → read the named order (the node projects it like the catch-up)', () => {
		const edited = Buffer.from(JSON.stringify({ order_edit: { id: 5, order_id: 7001, line_items: { additions: [{ id: 9, delta: 1 }], removals: [] } } }));
		const d = decideDelivery(delivery({ rawBody: edited, topic: 'orders/edited', topics: ['orders/edited'] }));
		expect(d).toEqual({ action: 'readOrder', orderId: '7001', topic: 'orders/edited', eventId: 'evt-1' });
		const dispose = Buffer.from(JSON.stringify({ id: 3, order_id: 7002, dispositions: [{ type: 'restocked', quantity: 1 }] }));
		const r = decideDelivery(delivery({ rawBody: dispose, topic: 'reverse_fulfillment_orders/dispose', topics: ['reverse_fulfillment_orders/dispose'] }));
		expect(r).toMatchObject({ action: 'readOrder', orderId: '7002' });
		const nameless = decideDelivery(delivery({ rawBody: Buffer.from('{"order_edit":{}}'), topic: 'orders/edited', topics: ['orders/edited'] }));
		expect(nameless).toMatchObject({ action: 'reject', status: 400 });
		// Raw output: the payload as sent, no read.
		expect(decideDelivery(delivery({ rawBody: edited, topic: 'orders/edited', topics: ['orders/edited'], output: 'raw' })).action).toBe('run');
	});

	it('the default topics: sale at creation, cancellations, refunds, edits, returns restocked', () => {
		expect(DEFAULT_ORDER_TOPICS).toEqual(['orders/create', 'orders/cancelled', 'refunds/create', 'orders/edited', 'reverse_fulfillment_orders/dispose']);
	});

	it('a valid signed orders/paid delivery → items with topic, eventId and keys', () => {
		const d = decideDelivery(delivery());
		expect(d.action).toBe('run');
		if (d.action !== 'run') return;
		expect(d.items).toHaveLength(10);
		for (const item of d.items) {
			expect(item).toMatchObject({ topic: 'orders/paid', eventId: 'evt-1' });
			expect(String(item.idempotencyKey)).toMatch(/^shopify:order:820982911946154508:line:\d+:(sale|cancel)$/);
		}
	});

	it('eventId falls back to X-Shopify-Webhook-Id; header names are case-insensitive', () => {
		const input = delivery();
		delete input.headers['x-shopify-event-id'];
		input.headers = Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toUpperCase(), v]));
		const d = decideDelivery(input);
		expect(d.action).toBe('run');
		if (d.action === 'run') expect(d.items[0].eventId).toBe('wh-1');
	});

	it('missing header, wrong signature, wrong secret, changed body → 401 without details', () => {
		const cases: DeliveryInput[] = [
			delivery({ sign: false }),
			delivery({ sign: 'another-secret' }),
			delivery({ secret: 'another-secret' }),
			{ ...delivery(), rawBody: Buffer.concat([paidBody, Buffer.from('\n')]) },
		];
		for (const input of cases) {
			const d = decideDelivery(input);
			expect(d).toMatchObject({ action: 'reject', status: 401, body: { message: 'Unauthorized' } });
			if (d.action === 'reject') {
				expect(d.log.message).not.toContain(SECRET);
				expect(d.log.message).not.toContain('820982911946154508');
			}
		}
	});

	it('no secret configured → 401 and an error log that says what to fix', () => {
		const d = decideDelivery(delivery({ secret: undefined }));
		expect(d).toMatchObject({ action: 'reject', status: 401, log: { level: 'error' } });
	});

	it('empty body: unsigned → 401; correctly signed → 400. Signed non-JSON → 400', () => {
		expect(decideDelivery(delivery({ rawBody: Buffer.alloc(0), sign: false }))).toMatchObject({ status: 401 });
		expect(decideDelivery(delivery({ rawBody: Buffer.alloc(0) }))).toMatchObject({ action: 'reject', status: 400 });
		expect(decideDelivery(delivery({ rawBody: Buffer.from('not json') }))).toMatchObject({ action: 'reject', status: 400 });
		expect(decideDelivery(delivery({ rawBody: Buffer.from('[1,2]') }))).toMatchObject({ action: 'reject', status: 400 });
		expect(decideDelivery(delivery({ rawBody: Buffer.from('{"id":1}') }))).toMatchObject({ action: 'reject', status: 400 });
	});

	it('a topic that is not selected → 200 ignored, no items', () => {
		const d = decideDelivery(delivery({ topic: 'orders/cancelled', topics: ['orders/paid'] }));
		expect(d).toMatchObject({ action: 'ignore', status: 200, body: { ignored: true } });
	});

	it('a refund without restock → 200, nothing to run', () => {
		const d = decideDelivery(delivery({ rawBody: refundBody, topic: 'refunds/create', topics: ['refunds/create'] }));
		expect(d).toMatchObject({ action: 'ignore', status: 200 });
	});

	it('raw output → one item with the payload (exact big ids kept as strings)', () => {
		const d = decideDelivery(delivery({ output: 'raw' }));
		expect(d.action).toBe('run');
		if (d.action === 'run') {
			expect(d.items).toHaveLength(1);
			expect(d.items[0].name).toBe('#9999');
			expect(d.items[0].id).toBe('820982911946154500');
		}
	});

	it('signing secret: Webhook Signing Secret, else Client Secret; manual mode needs the signing secret', () => {
		expect(signingSecret({ webhookSigningSecret: 'a', clientSecret: 'b' }, 'api')).toBe('a');
		expect(signingSecret({ webhookSigningSecret: '', clientSecret: 'b' }, 'api')).toBe('b');
		expect(signingSecret({ webhookSigningSecret: '', clientSecret: 'b' }, 'manual')).toBeUndefined();
		expect(signingSecret({}, 'api')).toBeUndefined();
	});
});

describe('catch-up page sizes and window', () => {
	it('every document stays below the 1,000-point requested cost (nested connections multiply)', () => {
		const costs = {
			orders: ordersPageCost(ORDERS_PAGE),
			lineItems: lineItemsPageCost(LINE_ITEMS_PAGE),
			refundIds: refundIdsCost(REFUND_IDS_PAGE),
			refundLines: refundLinesPageCost(REFUND_LINES_PAGE),
		};
		for (const cost of Object.values(costs)) expect(cost).toBeLessThan(MAX_REQUESTED_COST);
		// Our estimate is never below the Shopify-documented formula as implemented by the Shopify node.
		expect(costs.orders).toBeGreaterThanOrEqual(
			requestedQueryCost(ORDERS_UPDATED_SINCE_QUERY, { ...ORDERS_PAGE, query: 'x' }),
		);
		expect(costs.lineItems).toBeGreaterThanOrEqual(
			requestedQueryCost(ORDER_LINE_ITEMS_PAGE_QUERY, { first: LINE_ITEMS_PAGE }),
		);
		expect(costs.refundLines).toBeGreaterThanOrEqual(
			requestedQueryCost(REFUND_LINE_ITEMS_PAGE_QUERY, { first: REFUND_LINES_PAGE }),
		);
		// Refunds are a list (not a connection): refundsFirst × (refund + its refund lines).
		expect(ordersPageCost({ ...ORDERS_PAGE, refundsFirst: ORDERS_PAGE.refundsFirst + 1 })).toBeGreaterThan(costs.orders + ORDERS_PAGE.first * 30);
	});

	it('Updated Since: empty = last 24 h; ISO, epoch and Date accepted; garbage rejected', () => {
		const now = new Date('2026-11-24T12:00:00Z');
		expect(resolveUpdatedSince('', now).toISOString()).toBe('2026-11-23T12:00:00.000Z');
		expect(resolveUpdatedSince(undefined, now).toISOString()).toBe('2026-11-23T12:00:00.000Z');
		expect(resolveUpdatedSince('2026-11-24T08:30:00+01:00', now).toISOString()).toBe('2026-11-24T07:30:00.000Z');
		expect(resolveUpdatedSince(1764000000000, now).toISOString()).toBe(new Date(1764000000000).toISOString());
		expect(resolveUpdatedSince(new Date('2026-01-01T00:00:00Z'), now).toISOString()).toBe('2026-01-01T00:00:00.000Z');
		expect(() => resolveUpdatedSince('yesterday-ish', now)).toThrow(/not a date/);
		// Without an offset (n8n's date picker): the workflow's time zone.
		expect(resolveUpdatedSince('2026-11-24T08:30:00', now, 'Europe/Berlin').toISOString()).toBe('2026-11-24T07:30:00.000Z');
		expect(resolveUpdatedSince('2026-07-01T08:30:00', now, 'Europe/Berlin').toISOString()).toBe('2026-07-01T06:30:00.000Z');
		expect(resolveUpdatedSince('2026-11-24T08:30:00', now, 'America/New_York').toISOString()).toBe('2026-11-24T13:30:00.000Z');
		expect(resolveUpdatedSince('2026-11-24T08:30:00', now).toISOString()).toBe('2026-11-24T08:30:00.000Z');
		expect(updatedSinceQuery(new Date('2026-11-24T07:30:00.900Z'))).toBe("updated_at:>='2026-11-24T07:30:00Z'");
	});
});

describe('follow-up reads of the catch-up stay under the single-query limit', () => {
	it('one order, fulfilments of a cancelled order, returns with dispositions', () => {
		for (const cost of [orderByIdCost(), fulfillmentsCost(), returnsCost(), ordersPageCost(ORDERS_PAGE)]) {
			expect(cost).toBeLessThan(MAX_REQUESTED_COST);
			expect(cost).toBeGreaterThan(100);
		}
	});
});
