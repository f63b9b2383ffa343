/**
 * Every stock event Shopify records, exactly once (issue 13): order edits, returns restocked through
 * the returns flow, cancellation of a partly fulfilled order, gift cards and untracked lines.
 *
 * Each scenario runs on the Shopify emulator, whose webhooks reach the Shopify Inventory Trigger
 * (default topics, subscribed through the API) as they happen; then every delivery is replayed in
 * reverse order, twice; then the catch-up (Order → Get Many) reads the same orders. Applying each
 * idempotency key once must move every SKU exactly as Shopify's `available` moved, every key must
 * carry the same quantity wherever it came from, and the trigger and the catch-up must name the same
 * keys.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { INode } from 'n8n-workflow';

import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { CredentialStore, runNode, startWebhookRunner, type WebhookRunner } from '../helpers/n8n-harness';
import { DEFAULT_ORDER_TOPICS, SKIP_REASONS, dispositionRestockKey, editRemovedKey } from '../../nodes/shared/orders';

const SECRET = 'whsec_stock_events_secret';
const START = 50;
const SKUS = ['MUG-RED', 'MUG-BLUE', 'CAP-GREEN', 'HAT-GREY'] as const;

let shop: ShopifyEmulator;
let creds: CredentialStore;
let runner: WebhookRunner | undefined;

interface Item {
	idempotencyKey: string;
	kind: string;
	sku: string | null;
	quantity: number;
	skipped: boolean;
	reason?: string;
	orderId: string | null;
	topic: string | null;
}

function triggerNode(): INode {
	return {
		id: 'trigger',
		name: 'Shopify Inventory Trigger',
		type: 'shopifyInventoryTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId: 'stock-events',
		parameters: { topics: [...DEFAULT_ORDER_TOPICS], registration: 'api', responseMode: 'lastNode', output: 'stockChanges' },
		credentials: { shopifyInventoryApi: { id: 'x', name: 'Shopify' } },
	};
}

async function startTrigger(): Promise<WebhookRunner> {
	runner = await startWebhookRunner({ workflow: { nodes: [triggerNode()], connections: {} }, credentials: creds });
	return runner;
}

function triggerItems(r: WebhookRunner): Item[] {
	return r.executions.flatMap((e) => e.triggerItems.map((i) => i.json as unknown as Item));
}

async function catchUp(since: string): Promise<Item[]> {
	const result = await runNode({
		type: 'shopifyInventory',
		parameters: { resource: 'order', operation: 'getMany', updatedSince: since, output: 'stockChanges' },
		credentials: creds,
	});
	expect(result.error).toBeUndefined();
	return result.items.map((i) => i.json as unknown as Item);
}

/** Applies each key once (what FileMaker does); every key must carry one quantity wherever it came from. */
function applyOnce(items: Item[]): { net: Record<string, number>; keys: Map<string, Item> } {
	const keys = new Map<string, Item>();
	for (const item of items) {
		if (item.skipped) continue;
		const seen = keys.get(item.idempotencyKey);
		if (seen) {
			expect([item.idempotencyKey, item.quantity, item.sku]).toEqual([seen.idempotencyKey, seen.quantity, seen.sku]);
			continue;
		}
		keys.set(item.idempotencyKey, item);
	}
	const net: Record<string, number> = {};
	for (const item of keys.values()) net[item.sku!] = (net[item.sku!] ?? 0) + item.quantity;
	return { net, keys };
}

/** How Shopify's `available` moved per SKU since the seed (only SKUs that moved). */
function shopifyMoves(): Record<string, number> {
	const levels = shop.levels();
	const moves: Record<string, number> = {};
	for (const sku of SKUS) {
		const moved = (levels.get(sku)?.available ?? START) - START;
		if (moved !== 0) moves[sku] = moved;
	}
	return moves;
}

function withoutZero(net: Record<string, number>): Record<string, number> {
	return Object.fromEntries(Object.entries(net).filter(([, n]) => n !== 0));
}

/** The webhook events of every emulator action of the running test, in the order Shopify sent them. */
let events: { topic: string; payload: Record<string, unknown> }[] = [];

async function act<T extends { events: { topic: string; payload: Record<string, unknown> }[] }>(action: Promise<T>): Promise<T> {
	const result = await action;
	events.push(...result.events);
	return result;
}

/** Replays every event of a subscribed topic, newest first, twice. */
async function replayReversed(r: WebhookRunner): Promise<void> {
	const subscribed = events.filter((e) => (DEFAULT_ORDER_TOPICS as string[]).includes(e.topic));
	expect(subscribed.length).toBeGreaterThan(0);
	for (let round = 0; round < 2; round++) {
		for (const e of [...subscribed].reverse()) {
			const sent = await shop.sendWebhook({ url: r.url, topic: e.topic, payload: e.payload });
			expect(sent.attempts.map((a) => a.status)).toEqual([200]);
		}
	}
	await r.idle();
}

/**
 * The whole check for one scenario: live deliveries, replays and the catch-up all move FileMaker as
 * Shopify moved, and name the same keys with the same quantities.
 */
async function expectExactlyOnce(r: WebhookRunner, since: string): Promise<{ webhook: Item[]; catchUp: Item[] }> {
	await r.idle();
	expect(r.responses.every((x) => x.status === 200)).toBe(true);
	const live = triggerItems(r);
	const expected = shopifyMoves();
	expect(withoutZero(applyOnce(live).net)).toEqual(expected);

	await replayReversed(r);
	const all = triggerItems(r);
	expect(withoutZero(applyOnce(all).net)).toEqual(expected);
	expect([...applyOnce(all).keys.keys()].sort()).toEqual([...applyOnce(live).keys.keys()].sort());

	const fromCatchUp = await catchUp(since);
	expect(withoutZero(applyOnce(fromCatchUp).net)).toEqual(expected);
	// Same keys and quantities from both sources (and catch-up after webhooks: nothing new).
	const webhookKeys = applyOnce(all).keys;
	const catchUpKeys = applyOnce(fromCatchUp).keys;
	expect([...catchUpKeys.keys()].sort()).toEqual([...webhookKeys.keys()].sort());
	applyOnce([...all, ...fromCatchUp]);
	return { webhook: all, catchUp: fromCatchUp };
}

beforeAll(async () => {
	shop = await startShopifyEmulator({ webhookSecret: SECRET });
});

afterAll(async () => {
	await shop?.close();
});

beforeEach(() => {
	events = [];
	shop.reset();
	shop.setOptions({ stockRules: { protectedCustomerDataApproved: true, unapprovedOrderReads: 'empty', cancellationRecord: 'refund' } });
	shop.seed({ items: SKUS.map((sku) => ({ sku, available: START })) });
	creds = new CredentialStore();
	creds.set('shopifyInventoryApi', {
		shop: shop.url,
		authentication: 'accessToken',
		accessToken: 'shpat_test_token',
		apiVersion: '2026-10',
		webhookSigningSecret: SECRET,
	});
});

afterEach(async () => {
	await runner?.close();
	runner = undefined;
});

const since = () => new Date(shop.clock.now() - 2000).toISOString();

describe('each unit moves once: trigger (live and replayed in any order) and catch-up agree', () => {
	it('an edit removing one unit and adding a line', async () => {
		const from = since();
		const r = await startTrigger();
		const placed = await act(shop.placeOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 3 }], financialStatus: 'paid' }));
		const [red] = placed.lineItemIds;
		const edit = await act(shop.editOrder(placed.orderId, { changes: [{ lineItemId: red, quantity: 2 }], additions: [{ sku: 'CAP-GREEN', quantity: 1 }] }));
		expect(edit.events.map((e) => e.topic)).toContain('orders/edited');

		const { webhook } = await expectExactlyOnce(r, from);
		expect(shopifyMoves()).toEqual({ 'MUG-RED': -2, 'CAP-GREEN': -1 });
		const removed = webhook.filter((i) => i.kind === 'edit');
		expect(new Set(removed.map((i) => i.idempotencyKey))).toEqual(new Set([editRemovedKey(String(placed.orderId), String(red), 1)]));
		expect(removed.every((i) => i.quantity === 1 && i.sku === 'MUG-RED' && i.topic === 'orders/edited')).toBe(true);
		const added = webhook.find((i) => i.kind === 'sale' && i.sku === 'CAP-GREEN');
		expect(added).toMatchObject({ quantity: -1, topic: 'orders/edited', idempotencyKey: `shopify:order:${placed.orderId}:line:${edit.addedLineItemIds[0]}:sale` });
	});

	it('a second edit of the same line adds only the units it removed', async () => {
		const from = since();
		const r = await startTrigger();
		const placed = await act(shop.placeOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 5 }] }));
		const [red] = placed.lineItemIds;
		await act(shop.editOrder(placed.orderId, { changes: [{ lineItemId: red, quantity: 3 }] }));
		await act(shop.editOrder(placed.orderId, { changes: [{ lineItemId: red, quantity: 2 }] }));
		const { catchUp: items } = await expectExactlyOnce(r, from);
		expect(items.filter((i) => i.kind === 'edit').map((i) => i.idempotencyKey)).toEqual(
			[1, 2, 3].map((n) => editRemovedKey(String(placed.orderId), String(red), n)),
		);
	});

	it('a return restocked through the returns flow (disposition RESTOCKED), then refunded without restock', async () => {
		const from = since();
		const r = await startTrigger();
		const placed = await act(shop.placeOrder({ lineItems: [{ sku: 'MUG-BLUE', quantity: 2 }], financialStatus: 'paid' }));
		const [blue] = placed.lineItemIds;
		await act(shop.fulfilOrder(placed.orderId));
		const ret = await act(shop.createReturn(placed.orderId, { lines: [{ lineItemId: blue, quantity: 1 }] }));
		const disposed = await act(shop.disposeReturn(ret.returnId, { items: [{ lineItemId: blue, quantity: 1, disposition: 'RESTOCKED' }] }));
		expect(disposed.events.map((e) => e.topic)).toContain('reverse_fulfillment_orders/dispose');
		await act(shop.refundOrderEvent(placed.orderId, { lines: [{ lineItemId: blue, quantity: 1, restockType: 'no_restock' }] }));

		const { webhook, catchUp: items } = await expectExactlyOnce(r, from);
		expect(shopifyMoves()).toEqual({ 'MUG-BLUE': -1 });
		const restocks = items.filter((i) => i.kind === 'return');
		expect(restocks).toHaveLength(1);
		expect(restocks[0]).toMatchObject({ sku: 'MUG-BLUE', quantity: 1, skipped: false });
		expect(restocks[0].idempotencyKey).toMatch(/^shopify:disposition:\d+:restock$/);
		expect(webhook.some((i) => i.idempotencyKey === restocks[0].idempotencyKey && i.topic === 'reverse_fulfillment_orders/dispose')).toBe(true);
	});

	it('a cancellation of a partly fulfilled order gives back only the unfulfilled units', async () => {
		const from = since();
		const r = await startTrigger();
		const placed = await act(shop.placeOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 3 }, { sku: 'HAT-GREY', quantity: 2 }], financialStatus: 'paid' }));
		const [red, grey] = placed.lineItemIds;
		await act(shop.fulfilOrder(placed.orderId, { lines: [{ lineItemId: red, quantity: 2 }] }));
		await act(shop.cancelOrderEvent(placed.orderId));

		const { catchUp: items } = await expectExactlyOnce(r, from);
		// Shopify: red sold 3, 2 shipped, 1 back; grey sold 2, both back.
		expect(shopifyMoves()).toEqual({ 'MUG-RED': -2 });
		const cancels = items.filter((i) => i.kind === 'cancel');
		expect(cancels.map((i) => [i.sku, i.quantity, i.skipped])).toEqual([
			['MUG-RED', 0, true],
			['HAT-GREY', 0, true],
		]);
		const refunds = items.filter((i) => i.kind === 'refund');
		expect(refunds.map((i) => [i.sku, i.quantity])).toEqual([
			['MUG-RED', 1],
			['HAT-GREY', 2],
		]);
		expect(refunds.map((i) => i.idempotencyKey.split(':line:')[1])).toEqual([`${red}:restock`, `${grey}:restock`]);
	});

	it('the same cancellation when Shopify records no cancel refund (switch cancellationRecord: none): the cancel key gives back the unfulfilled units', async () => {
		shop.setOptions({ stockRules: { cancellationRecord: 'none' } });
		const from = since();
		const r = await startTrigger();
		const placed = await act(shop.placeOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 3 }, { sku: 'HAT-GREY', quantity: 2 }], financialStatus: 'paid' }));
		const [red] = placed.lineItemIds;
		await act(shop.fulfilOrder(placed.orderId, { lines: [{ lineItemId: red, quantity: 2 }] }));
		const cancelled = await act(shop.cancelOrderEvent(placed.orderId));
		expect(cancelled.events.map((e) => e.topic)).not.toContain('refunds/create');

		const { catchUp: items } = await expectExactlyOnce(r, from);
		expect(shopifyMoves()).toEqual({ 'MUG-RED': -2 });
		expect(items.filter((i) => i.kind === 'cancel').map((i) => [i.sku, i.quantity])).toEqual([
			['MUG-RED', 1],
			['HAT-GREY', 2],
		]);
		expect(items.some((i) => i.kind === 'refund')).toBe(false);
	});

	it('a gift card line and an untracked line are skipped and reported, never a stock change', async () => {
		shop.configureItem('CAP-GREEN', { tracked: false });
		const from = since();
		const r = await startTrigger();
		await act(shop.placeOrder({
			lineItems: [
				{ sku: 'MUG-BLUE', quantity: 1 },
				{ sku: 'HAT-GREY', quantity: 1, giftCard: true },
				{ sku: 'CAP-GREEN', quantity: 2 },
			],
			financialStatus: 'paid',
		}));
		const { webhook, catchUp: items } = await expectExactlyOnce(r, from);
		expect(shopifyMoves()).toEqual({ 'MUG-BLUE': -1 });
		for (const source of [webhook, items]) {
			const skipped = source.filter((i) => i.skipped);
			expect(new Set(skipped.map((i) => `${i.sku}: ${i.reason}`))).toEqual(
				new Set([`HAT-GREY: ${SKIP_REASONS.giftCard}`, `CAP-GREEN: ${SKIP_REASONS.untracked}`]),
			);
		}
	});
});

describe('protected customer data', () => {
	it('activation without approval: a loud error saying what to request', async () => {
		shop.setOptions({ stockRules: { protectedCustomerDataApproved: false } });
		const r = await startWebhookRunner({
			workflow: { nodes: [triggerNode()], connections: {} },
			credentials: creds,
			throwOnActivationError: false,
		});
		runner = r;
		expect(r.activationError).toBeDefined();
		expect(r.activationError!.message).toMatch(/not approved for protected customer data/);
		expect((r.activationError as { description?: string }).description).toMatch(/Dev Dashboard.*Partner Dashboard.*protected customer data/s);
		expect(r.activationError!.message).not.toMatch(/read_orders/);
		expect(shop.subscriptions()).toEqual([]);
	});

	it('the catch-up without approval: a clear error, not an empty result', async () => {
		await act(shop.placeOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 1 }], deliver: false }));
		shop.setOptions({ stockRules: { protectedCustomerDataApproved: false, unapprovedOrderReads: 'access-denied' } });
		const result = await runNode({
			type: 'shopifyInventory',
			parameters: { resource: 'order', operation: 'getMany', updatedSince: since(), output: 'stockChanges' },
			credentials: creds,
		});
		expect(result.error?.message).toMatch(/not approved for protected customer data/);
		expect((result.error as { description?: string }).description).toMatch(/Dev Dashboard/);
	});
});

describe('keys', () => {
	it('disposition keys name the disposition only', () => {
		expect(dispositionRestockKey('98000001')).toBe('shopify:disposition:98000001:restock');
		expect(editRemovedKey('5', '6', 2)).toBe('shopify:order:5:line:6:removed:2');
	});
});

describe("Respond: Using 'Respond to Webhook' Node", () => {
	it('Shopify gets the answer of the Respond to Webhook node; the items are those of the trigger', async () => {
		const trigger = triggerNode();
		trigger.parameters = { ...trigger.parameters, responseMode: 'responseNode' };
		const respond: INode = {
			id: 'respond',
			name: 'Respond to Webhook',
			type: 'respondToWebhook',
			typeVersion: 1,
			position: [200, 0],
			parameters: { respondWith: 'text', responseBody: 'stored', options: { responseCode: 200 } },
		};
		const r = await startWebhookRunner({
			workflow: { nodes: [trigger, respond], connections: { [trigger.name]: { main: [[{ node: respond.name, type: 'main', index: 0 }]] } } },
			credentials: creds,
		});
		runner = r;
		await act(shop.placeOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 2 }] }));
		await r.idle();
		expect(r.responses.map((x) => [x.status, x.body])).toEqual([[200, 'stored']]);
		expect(triggerItems(r).map((i) => [i.sku, i.quantity, i.topic])).toEqual([['MUG-RED', -2, 'orders/create']]);
	});
});
