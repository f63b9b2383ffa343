/**
 * Shopify Inventory Trigger end to end, in-process: the harness's webhook runner (n8n-core contexts),
 * the Shopify emulator (signed deliveries like Shopify, webhook subscriptions, GraphQL orders) and,
 * downstream, FileMaker Inventory → Adjust against the FileMaker emulator.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IDataObject, INode } from 'n8n-workflow';

import { startFileMakerEmulator, type FileMakerEmulator } from '../emulators/filemaker';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import {
	CredentialStore,
	runNode,
	runWorkflow,
	startWebhookRunner,
	type WebhookRunner,
	type WorkflowJson,
} from '../helpers/n8n-harness';
import {
	normalizeRestOrder,
	normalizeRestRefund,
	orderStockChanges,
	parseJsonKeepingBigIds,
	refundStockChanges,
	SKIP_REASONS,
} from '../../nodes/shared/orders';

const ROOT = path.resolve(__dirname, '..', '..');
const requireFromRoot = createRequire(path.join(ROOT, 'package.json'));

const SECRET = 'whsec_e2e_signing_secret';
const TRIGGER = 'Shopify Inventory Trigger';

let shop: ShopifyEmulator;
let fm: FileMakerEmulator;
let creds: CredentialStore;
const runners: WebhookRunner[] = [];

/** n8n's logger (the one `this.logger` returns in node contexts). */
function n8nLogger(): { error: (...a: unknown[]) => void; warn: (...a: unknown[]) => void } {
	const { Container } = requireFromRoot('@n8n/di') as { Container: { get<T>(c: unknown): T } };
	const { Logger } = requireFromRoot('@n8n/backend-common') as { Logger: unknown };
	return Container.get(Logger);
}

function triggerNode(parameters: IDataObject = {}): INode {
	return {
		id: 'trigger',
		name: TRIGGER,
		type: 'shopifyInventoryTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId: 'e2e-shopify-inventory',
		parameters: { topics: ['orders/paid'], registration: 'api', responseMode: 'lastNode', output: 'stockChanges', ...parameters },
		credentials: { shopifyInventoryApi: { id: 'x', name: 'Shopify' } },
	};
}

const adjustNode: INode = {
	id: 'adjust',
	name: 'FileMaker Adjust',
	type: 'fileMakerInventory',
	typeVersion: 1,
	position: [300, 0],
	parameters: {
		resource: 'stock',
		operation: 'adjust',
		sku: '={{ $json.sku }}',
		delta: '={{ $json.quantity }}',
		idempotencyKey: '={{ $json.idempotencyKey }}',
		reason: '={{ $json.kind }}',
		reference: '={{ $json.orderName }}',
		source: 'shopify',
	},
	credentials: { fileMakerDataApi: { id: 'y', name: 'FileMaker' } },
};

function triggerOnlyWorkflow(parameters: IDataObject = {}): WorkflowJson {
	return {
		nodes: [
			triggerNode(parameters),
			{ id: 'done', name: 'Done', type: 'noOp', typeVersion: 1, position: [300, 0], parameters: {} },
		],
		connections: { [TRIGGER]: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
	};
}

function triggerToFileMakerWorkflow(parameters: IDataObject = {}): WorkflowJson {
	return {
		nodes: [triggerNode(parameters), adjustNode],
		connections: { [TRIGGER]: { main: [[{ node: adjustNode.name, type: 'main', index: 0 }]] } },
	};
}

async function start(workflow: WorkflowJson, opts: { throwOnActivationError?: boolean } = {}): Promise<WebhookRunner> {
	const runner = await startWebhookRunner({ workflow, credentials: creds, ...opts });
	runners.push(runner);
	return runner;
}

function stockOf(sku: string): number {
	const row = fm.records('Stock').find((r) => r.fieldData.SKU === sku);
	return Number(row?.fieldData.Quantity);
}

beforeAll(async () => {
	shop = await startShopifyEmulator({ webhookSecret: SECRET });
	fm = await startFileMakerEmulator();
});

afterAll(async () => {
	await shop?.close();
	await fm?.close();
});

beforeEach(() => {
	shop.reset();
	shop.seed({
		items: [
			{ sku: 'MUG-RED', available: 50 },
			{ sku: 'MUG-BLUE', available: 50 },
			{ sku: 'CAP-GREEN', available: 50 },
		],
	});
	fm.reset();
	fm.seed('Stock', [
		{ SKU: 'MUG-RED', Quantity: 10, AppliedKeys: '' },
		{ SKU: 'MUG-BLUE', Quantity: 10, AppliedKeys: '' },
		{ SKU: 'CAP-GREEN', Quantity: 10, AppliedKeys: '' },
	]);
	creds = new CredentialStore();
	creds.set('shopifyInventoryApi', {
		shop: shop.url,
		authentication: 'accessToken',
		accessToken: 'shpat_test_token',
		apiVersion: '2026-10',
		webhookSigningSecret: SECRET,
	});
	creds.set('fileMakerDataApi', { host: fm.url, database: fm.database, username: 'admin', password: 'secret' });
});

afterEach(async () => {
	while (runners.length) {
		const r = runners.pop()!;
		await r.close();
	}
	vi.restoreAllMocks();
});

describe('activation and deactivation', () => {
	it('registers one subscription per topic at the production URL, stores the ids, removes them on deactivation', async () => {
		const runner = await start(triggerOnlyWorkflow({ topics: ['orders/paid', 'orders/cancelled', 'refunds/create'] }));
		const mine = shop.subscriptions().filter((s) => s.uri === runner.url);
		expect(mine.map((s) => s.topic).sort()).toEqual(['ORDERS_CANCELLED', 'ORDERS_PAID', 'REFUNDS_CREATE']);
		expect(mine.every((s) => s.format === 'JSON')).toBe(true);
		const stored = (runner.staticData[`node:${TRIGGER}`] as IDataObject).subscriptions as Record<string, string>;
		expect(Object.keys(stored).sort()).toEqual(['orders/cancelled', 'orders/paid', 'refunds/create']);
		expect(Object.values(stored).sort()).toEqual(mine.map((s) => s.id).sort());
		expect(shop.requestLog.filter((r) => r.operationName === 'ShopifyInventoryTriggerSubscribe')).toHaveLength(3);

		await runner.deactivate();
		expect(shop.subscriptions().filter((s) => s.uri === runner.url)).toEqual([]);
		expect((runner.staticData[`node:${TRIGGER}`] as IDataObject).subscriptions).toBeUndefined();
	});

	it('a Shopify delivery through the subscription reaches the workflow (orders/paid)', async () => {
		const runner = await start(triggerOnlyWorkflow());
		const { order } = await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 2 }], deliver: true, topic: 'orders/paid' });
		await runner.idle();
		expect(runner.executions).toHaveLength(1);
		expect(runner.executions[0].triggerItems.map((i) => [i.json.sku, i.json.quantity, i.json.topic])).toEqual([['MUG-RED', -2, 'orders/paid']]);
		expect(runner.executions[0].triggerItems[0].json.orderId).toBe(String(order.id));
		expect(shop.webhookLog.at(-1)?.status).toBe(200);
	});

	it('a failing create is loud: NodeApiError with the reason, logged as error, nothing half-registered', async () => {
		const logger = n8nLogger();
		const errors = vi.spyOn(logger, 'error');
		// The first topic is accepted, the second refused with a userError.
		shop.injectFault({
			when: (r) => r.operationName === 'ShopifyInventoryTriggerSubscribe' && r.body.includes('REFUNDS_CREATE'),
			status: 200,
			body: JSON.stringify({
				data: {
					webhookSubscriptionCreate: {
						webhookSubscription: null,
						userErrors: [{ field: ['webhookSubscription', 'uri'], message: 'Address is invalid' }],
					},
				},
			}),
		});
		const runner = await start(triggerOnlyWorkflow({ topics: ['orders/paid', 'refunds/create'] }), { throwOnActivationError: false });
		expect(runner.activationError).toBeDefined();
		expect(runner.activationError!.constructor.name).toBe('NodeApiError');
		expect(runner.activationError!.message).toMatch(/refused the webhook subscription for refunds\/create: .*Address is invalid/);
		expect(errors).toHaveBeenCalled();
		expect(String(errors.mock.calls.at(-1)?.[0])).toMatch(/refunds\/create/);
		// Rolled back: the orders/paid subscription made in the same activation is gone again.
		expect(shop.subscriptions()).toEqual([]);
	});

	it('an HTTP failure on create is loud too (403: missing scope)', async () => {
		const errors = vi.spyOn(n8nLogger(), 'error');
		shop.injectFault({ when: (r) => r.operationName === 'ShopifyInventoryTriggerSubscribe', status: 403, body: '{"errors":"Forbidden"}', times: 5 });
		const runner = await start(triggerOnlyWorkflow(), { throwOnActivationError: false });
		expect(runner.activationError?.message).toMatch(/Could not register the Shopify webhook for orders\/paid/);
		expect((runner.activationError as { description?: string }).description).toMatch(/403|denied/i);
		expect(errors).toHaveBeenCalled();
		expect(shop.subscriptions()).toEqual([]);
	});

	it('"Subscription created in Shopify admin" registers nothing, and needs the Webhook Signing Secret', async () => {
		const runner = await start(triggerOnlyWorkflow({ registration: 'manual' }));
		expect(shop.subscriptions()).toEqual([]);
		expect(shop.requestLog.filter((r) => r.kind === 'mutation')).toEqual([]);
		const { order } = await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 1 }] });
		const sent = await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order });
		expect(sent.attempts.map((a) => a.status)).toEqual([200]);

		const errors = vi.spyOn(n8nLogger(), 'error');
		creds.update('shopifyInventoryApi', { webhookSigningSecret: '', clientSecret: 'would-not-be-used' });
		const failing = await start(triggerOnlyWorkflow({ registration: 'manual' }), { throwOnActivationError: false });
		expect(failing.activationError?.message).toMatch(/Webhook Signing Secret .* is empty/);
		expect(errors).toHaveBeenCalled();
	});
});

describe('deliveries', () => {
	it('valid signature → exactly one execution with the expected items', async () => {
		const runner = await start(triggerOnlyWorkflow());
		const { order } = await shop.createOrder({
			lineItems: [
				{ sku: 'MUG-RED', quantity: 2 },
				{ sku: 'MUG-BLUE', quantity: 1 },
				{ sku: null, quantity: 1 },
			],
		});
		const sent = await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order, eventId: 'evt-42' });
		expect(sent.attempts.map((a) => a.status)).toEqual([200]);
		await runner.idle();
		expect(runner.executions).toHaveLength(1);
		const expected = orderStockChanges(normalizeRestOrder(order)).map((c) => ({ ...c, topic: 'orders/paid', eventId: 'evt-42' }));
		expect(runner.executions[0].triggerItems.map((i) => i.json)).toEqual(expected);
		expect(expected.map((e) => [e.sku, e.quantity, e.skipped])).toEqual([
			['MUG-RED', -2, false],
			['MUG-BLUE', -1, false],
			[null, -1, true],
		]);
		expect(expected[2].reason).toBe(SKIP_REASONS.untracked);
		expect(expected[0].locationId).toBe(shop.location().id.split('/').pop());
	});

	it('tampered body, wrong secret, missing header → 401; empty body → 400 when signed, 401 when not; zero executions', async () => {
		const runner = await start(triggerOnlyWorkflow());
		const { order } = await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 1 }] });
		const statuses = async (d: Parameters<ShopifyEmulator['sendWebhook']>[0]) =>
			(await shop.sendWebhook(d)).attempts.map((a) => a.status);
		expect(await statuses({ url: runner.url, topic: 'orders/paid', payload: order, tamper: true })).toEqual([401]);
		expect(await statuses({ url: runner.url, topic: 'orders/paid', payload: order, secret: 'not-the-secret' })).toEqual([401]);
		expect(await statuses({ url: runner.url, topic: 'orders/paid', payload: order, omitHmac: true })).toEqual([401]);
		expect(await statuses({ url: runner.url, topic: 'orders/paid', payload: null, rawBody: '', omitHmac: true })).toEqual([401]);
		expect(await statuses({ url: runner.url, topic: 'orders/paid', payload: null, rawBody: '' })).toEqual([400]);
		expect(await statuses({ url: runner.url, topic: 'orders/paid', payload: null, rawBody: 'not json' })).toEqual([400]);
		await runner.idle();
		expect(runner.executions).toHaveLength(0);
		// Nothing of the secret or the body in the answers.
		for (const r of runner.responses) {
			expect(r.body).not.toContain(SECRET);
			expect(r.body).not.toContain('MUG-RED');
		}
		expect(runner.responses.filter((r) => r.status === 401).every((r) => JSON.parse(r.body).message === 'Unauthorized')).toBe(true);
	});

	it('ids sent as JSON strings give the same items and keys', async () => {
		const runner = await start(triggerOnlyWorkflow());
		const { order } = await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 2 }] });
		shop.setOptions({ numbersAsStrings: true });
		try {
			const { payload } = await shop.cancelOrder(Number(order.id));
			expect(typeof payload.id).toBe('string');
			await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload });
		} finally {
			shop.setOptions({ numbersAsStrings: false });
		}
		const { payload: numeric } = await shop.cancelOrder(Number(order.id));
		await runner.idle();
		expect(runner.executions).toHaveLength(1);
		expect(runner.executions[0].triggerItems.map((i) => i.json.idempotencyKey)).toEqual(
			orderStockChanges(normalizeRestOrder(numeric)).map((c) => c.idempotencyKey),
		);
	});

	it('a topic that is not selected is answered 200 and ignored', async () => {
		const runner = await start(triggerOnlyWorkflow({ topics: ['orders/paid'] }));
		const { order } = await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 1 }] });
		const sent = await shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: order });
		expect(sent.attempts.map((a) => a.status)).toEqual([200]);
		expect(JSON.parse(sent.attempts[0].body)).toMatchObject({ ignored: true });
		await runner.idle();
		expect(runner.executions).toHaveLength(0);
	});

	it('Raw Order output: one item with the payload', async () => {
		const runner = await start(triggerOnlyWorkflow({ output: 'raw' }));
		const { order } = await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 1 }, { sku: 'MUG-BLUE', quantity: 1 }] });
		await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order });
		await runner.idle();
		expect(runner.executions).toHaveLength(1);
		// Integers beyond 2^53 (the example customer ids) are kept exact, as strings.
		expect(runner.executions[0].triggerItems.map((i) => i.json)).toEqual([parseJsonKeepingBigIds(JSON.stringify(order))]);
	});

	it('refunds: return restocks, no_restock is answered 200 without an execution', async () => {
		const runner = await start(triggerOnlyWorkflow({ topics: ['refunds/create'] }));
		const { order } = await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 3 }] });
		const lineItemId = Number((order.line_items as IDataObject[])[0].id);
		const { payload: none } = await shop.refundOrder(Number(order.id), { lines: [{ lineItemId, quantity: 1, restockType: 'no_restock' }] });
		const { payload: ret } = await shop.refundOrder(Number(order.id), { lines: [{ lineItemId, quantity: 1, restockType: 'return' }] });
		expect((await shop.sendWebhook({ url: runner.url, topic: 'refunds/create', payload: none })).attempts[0].status).toBe(200);
		await runner.idle();
		expect(runner.executions).toHaveLength(0);
		await shop.sendWebhook({ url: runner.url, topic: 'refunds/create', payload: ret });
		await runner.idle();
		expect(runner.executions).toHaveLength(1);
		expect(runner.executions[0].triggerItems.map((i) => i.json)).toEqual(
			refundStockChanges(normalizeRestRefund(ret)).map((c) => ({ ...c, topic: 'refunds/create', eventId: expect.any(String) })),
		);
		expect(runner.executions[0].triggerItems[0].json).toMatchObject({ kind: 'refund', sku: 'MUG-RED', quantity: 1 });
	});
});

describe('exactly once into FileMaker (trigger → FileMaker Inventory Adjust)', () => {
	it('the same event delivered 3 times (one after the other, then 3 at once) changes FileMaker once per line', async () => {
		const runner = await start(triggerToFileMakerWorkflow());
		const { order } = await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 2 }, { sku: 'MUG-BLUE', quantity: 1 }] });
		const deliver = () => shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order, eventId: 'evt-same' });
		for (let i = 0; i < 3; i++) expect((await deliver()).attempts.map((a) => a.status)).toEqual([200]);
		await Promise.all([deliver(), deliver(), deliver()]);
		await runner.idle();
		expect(runner.executions).toHaveLength(6);
		expect(runner.executions.every((e) => e.status === 'success')).toBe(true);
		expect(stockOf('MUG-RED')).toBe(8);
		expect(stockOf('MUG-BLUE')).toBe(9);
		expect(fm.records('StockMovements')).toHaveLength(2);
	});

	it('orders/create and orders/paid for the same order apply the sale once', async () => {
		const runner = await start(triggerToFileMakerWorkflow({ topics: ['orders/create', 'orders/paid'] }));
		const { order } = await shop.createOrder({ lineItems: [{ sku: 'CAP-GREEN', quantity: 4 }] });
		await shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: order });
		await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order });
		await runner.idle();
		expect(runner.executions).toHaveLength(2);
		expect(stockOf('CAP-GREEN')).toBe(6);
	});

	it('3 orders for the same SKU delivered concurrently: each applied once', async () => {
		const runner = await start(triggerToFileMakerWorkflow());
		const orders = [];
		for (const quantity of [1, 2, 3]) orders.push((await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity }] })).order);
		const results = await Promise.all(orders.map((payload) => shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload })));
		expect(results.map((r) => r.attempts.map((a) => a.status))).toEqual([[200], [200], [200]]);
		await runner.idle();
		expect(stockOf('MUG-RED')).toBe(10 - 6);
		// And again, all three at once: nothing changes.
		await Promise.all(orders.map((payload) => shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload })));
		await runner.idle();
		expect(stockOf('MUG-RED')).toBe(4);
	});

	it('cancel after a partial refund, all topics delivered in any order: FileMaker ends where it started', async () => {
		const runner = await start(triggerToFileMakerWorkflow({ topics: ['orders/paid', 'orders/cancelled', 'refunds/create'] }));
		const { order } = await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 3 }, { sku: 'MUG-BLUE', quantity: 2 }] });
		const red = Number((order.line_items as IDataObject[])[0].id);
		const { payload: refund } = await shop.refundOrder(Number(order.id), { lines: [{ lineItemId: red, quantity: 1, restockType: 'return' }] });
		const { payload: cancelled } = await shop.cancelOrder(Number(order.id));
		const cancelRefund = (cancelled.refunds as IDataObject[]).find((r) => r.id !== refund.id)!;
		// Cancelled first, then the refunds, then the (late) sale; plus duplicates.
		await shop.sendWebhook({ url: runner.url, topic: 'orders/cancelled', payload: cancelled });
		await shop.sendWebhook({ url: runner.url, topic: 'refunds/create', payload: cancelRefund });
		await shop.sendWebhook({ url: runner.url, topic: 'refunds/create', payload: refund });
		await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order });
		await shop.sendWebhook({ url: runner.url, topic: 'orders/cancelled', payload: cancelled });
		await runner.idle();
		expect(runner.executions.every((e) => e.status === 'success')).toBe(true);
		expect(stockOf('MUG-RED')).toBe(10);
		expect(stockOf('MUG-BLUE')).toBe(10);
	});

	it('FileMaker failing during a delivery → Shopify gets a non-2xx; the retry applies the change once', async () => {
		const runner = await start(triggerToFileMakerWorkflow());
		const { order } = await shop.createOrder({ lineItems: [{ sku: 'MUG-BLUE', quantity: 2 }, { sku: 'CAP-GREEN', quantity: 1 }] });
		// The stock edit of the second line fails on both attempts (after the first line was applied):
		// its event is stored, but applying it fails, so the execution fails.
		let edits = 0;
		fm.injectFault({
			when: (req) => req.method === 'PATCH' && /\/layouts\/Stock\/records\//.test(req.path) && ++edits >= 2,
			times: 2,
			httpStatus: 500,
			code: '509',
			message: 'Field requires a valid value',
		});
		const sent = await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order, retries: 3 });
		await runner.idle();
		expect(sent.attempts.map((a) => a.status)).toEqual([500, 200]);
		expect(runner.executions.map((e) => e.status)).toEqual(['error', 'success']);
		expect(stockOf('MUG-BLUE')).toBe(8);
		expect(stockOf('CAP-GREEN')).toBe(9);
	});
	it('one failed stock edit is read again and settled inside the delivery: answered 200, applied once', async () => {
		const runner = await start(triggerToFileMakerWorkflow());
		const { order } = await shop.createOrder({ lineItems: [{ sku: 'MUG-BLUE', quantity: 2 }, { sku: 'CAP-GREEN', quantity: 1 }] });
		let edits = 0;
		fm.injectFault({
			when: (req) => req.method === 'PATCH' && /\/layouts\/Stock\/records\//.test(req.path) && ++edits === 2,
			times: 1,
			httpStatus: 500,
			code: '509',
			message: 'Field requires a valid value',
		});
		const sent = await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order, retries: 3 });
		await runner.idle();
		expect(sent.attempts.map((a) => a.status)).toEqual([200]);
		const stockEdits = fm.requestLog.filter((r) => r.method === 'PATCH' && /\/layouts\/Stock\/records\//.test(r.path));
		expect(stockEdits.map((r) => r.code)).toEqual(['0', '509', '0']);
		expect(stockOf('MUG-BLUE')).toBe(8);
		expect(stockOf('CAP-GREEN')).toBe(9);
	});
});

describe('slow FileMaker (longer than Shopify waits)', () => {
	afterEach(() => {
		shop.setOptions({ webhookTimeoutMs: undefined });
		fm.setOptions({ latencyMs: 0 });
	});

	it('Shopify gives up and retries; the first execution still completes; the duplicates change nothing', async () => {
		// Stand-ins for Shopify's 5 s: Shopify waits 300 ms, every FileMaker call takes 200 ms.
		shop.setOptions({ webhookTimeoutMs: 300 });
		fm.setOptions({ latencyMs: 200 });
		const runner = await start(triggerToFileMakerWorkflow());
		const { order } = await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 3 }] });
		const sent = await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order, retries: 2 });
		expect(sent.attempts[0].status).not.toBe(200);
		await runner.idle();
		expect(runner.executions).toHaveLength(sent.attempts.length);
		expect(runner.executions.every((e) => e.status === 'success')).toBe(true);
		expect(stockOf('MUG-RED')).toBe(7);
		expect(fm.records('StockMovements')).toHaveLength(1);
	});
});

describe('catch-up (Shopify Inventory → Order → Get Many)', () => {
	function catchUpWorkflow(since: string): WorkflowJson {
		return {
			nodes: [
				{ id: 's', name: 'Start', type: 'manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'c',
					name: 'Catch Up',
					type: 'shopifyInventory',
					typeVersion: 1,
					position: [200, 0],
					parameters: { resource: 'order', operation: 'getMany', updatedSince: since, output: 'stockChanges' },
					credentials: { shopifyInventoryApi: { id: 'x', name: 'Shopify' } },
				},
				{ ...adjustNode, position: [400, 0] },
			],
			connections: {
				Start: { main: [[{ node: 'Catch Up', type: 'main', index: 0 }]] },
				'Catch Up': { main: [[{ node: adjustNode.name, type: 'main', index: 0 }]] },
			},
		};
	}

	it('webhook vs GraphQL for the same orders → identical items and keys', async () => {
		const since = new Date(shop.clock.now() - 2000).toISOString();
		const { order: a } = await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 2 }, { sku: null, quantity: 1 }] });
		const { order: b } = await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 3 }, { sku: 'MUG-BLUE', quantity: 2 }] });
		const bRed = Number((b.line_items as IDataObject[])[0].id);
		await shop.refundOrder(Number(b.id), { lines: [{ lineItemId: bRed, quantity: 1, restockType: 'return' }] });
		await shop.refundOrder(Number(b.id), { lines: [{ lineItemId: bRed, quantity: 1, restockType: 'no_restock' }] });
		const { payload: bCancelled } = await shop.cancelOrder(Number(b.id));

		const webhookItems = [
			...orderStockChanges(normalizeRestOrder(a)),
			...orderStockChanges(normalizeRestOrder(bCancelled)),
		].map((c) => ({ ...c, topic: null, eventId: null }));
		const r = await runNode({
			type: 'shopifyInventory',
			parameters: { resource: 'order', operation: 'getMany', updatedSince: since, output: 'stockChanges' },
			credentials: creds,
		});
		expect(r.error).toBeUndefined();
		expect(r.items.map((i) => i.json)).toEqual(webhookItems);
		expect(r.items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
		// Requested cost of every call stays under Shopify's single-query limit.
		const mine = shop.requestLog.filter((l) => l.operationName?.startsWith('ShopifyInventory'));
		expect(mine.length).toBeGreaterThan(0);
		for (const l of mine) expect(l.requestedCost ?? 0).toBeLessThan(1000);
	});

	it('orders never delivered by webhook are applied once; delivered ones are not applied again', async () => {
		const since = new Date(shop.clock.now() - 2000).toISOString();
		const runner = await start(triggerToFileMakerWorkflow());
		const { order: delivered } = await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 2 }] });
		await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: delivered });
		await runner.idle();
		expect(stockOf('MUG-RED')).toBe(8);

		// Never delivered (webhook lost): a sale, and a sale that was cancelled after a partial return.
		await shop.createOrder({ lineItems: [{ sku: 'MUG-BLUE', quantity: 3 }] });
		const { order: c } = await shop.createOrder({ lineItems: [{ sku: 'CAP-GREEN', quantity: 4 }] });
		await shop.refundOrder(Number(c.id), { lines: [{ lineItemId: Number((c.line_items as IDataObject[])[0].id), quantity: 1, restockType: 'return' }] });
		await shop.cancelOrder(Number(c.id));

		const first = await runWorkflow({ workflow: catchUpWorkflow(since), credentials: creds });
		expect(first.error).toBeUndefined();
		expect(stockOf('MUG-RED')).toBe(8); // not applied again
		expect(stockOf('MUG-BLUE')).toBe(7); // applied once
		expect(stockOf('CAP-GREEN')).toBe(10); // sold 4, returned 1, cancel restocked 3
		const results = first.outputOf(adjustNode.name).map((i) => i.json);
		expect(results.filter((j) => j.duplicate === true)).toHaveLength(1);

		// Running the catch-up again changes nothing.
		const second = await runWorkflow({ workflow: catchUpWorkflow(since), credentials: creds });
		expect(second.error).toBeUndefined();
		expect([stockOf('MUG-RED'), stockOf('MUG-BLUE'), stockOf('CAP-GREEN')]).toEqual([8, 7, 10]);
	});

	it('orders with more lines and refunds than one page are completed with follow-up queries', async () => {
		const since = new Date(shop.clock.now() - 2000).toISOString();
		const skus = Array.from({ length: 23 }, (_, i) => `BIG-${String(i).padStart(2, '0')}`);
		shop.seed({ items: skus.map((sku) => ({ sku, available: 100 })) });
		const { order } = await shop.createOrder({ lineItems: skus.map((sku) => ({ sku, quantity: 1 })) });
		const lines = (order.line_items as IDataObject[]).map((l) => Number(l.id));
		for (let i = 0; i < 3; i++) {
			await shop.refundOrder(Number(order.id), { lines: lines.slice(i * 7, i * 7 + 7).map((lineItemId) => ({ lineItemId, quantity: 1, restockType: 'return' as const })) });
		}
		const { payload } = await shop.cancelOrder(Number(order.id));
		const r = await runNode({
			type: 'shopifyInventory',
			parameters: { resource: 'order', operation: 'getMany', updatedSince: since },
			credentials: creds,
		});
		expect(r.error).toBeUndefined();
		expect(r.items.map((i) => i.json)).toEqual(orderStockChanges(normalizeRestOrder(payload)).map((c) => ({ ...c, topic: null, eventId: null })));
		const ops = shop.requestLog.map((l) => l.operationName);
		expect(ops).toContain('ShopifyInventoryOrderLineItems');
		expect(ops).toContain('ShopifyInventoryOrderRefundIds');
	});

	it('input items asking for the same window share one read of the orders', async () => {
		const since = new Date(shop.clock.now() - 2000).toISOString();
		await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 1 }] });
		const before = shop.requestLog.length;
		const r = await runNode({
			type: 'shopifyInventory',
			parameters: { resource: 'order', operation: 'getMany', updatedSince: since, output: 'raw' },
			input: [{ json: {} }, { json: {} }],
			credentials: creds,
		});
		expect(r.error).toBeUndefined();
		const reads = shop.requestLog.slice(before).filter((l) => l.operationName === 'ShopifyInventoryOrdersUpdatedSince');
		expect(reads).toHaveLength(1);
		expect(r.items.map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 1]);
		expect(r.items[1].json).toEqual(r.items[0].json);
		expect(r.items[1].json).not.toBe(r.items[0].json);
	});

	it('location filter keeps changes at that location and those without a location', async () => {
		const since = new Date(shop.clock.now() - 2000).toISOString();
		await shop.createOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 1 }] });
		const here = shop.location().id;
		const all = await runNode({ type: 'shopifyInventory', parameters: { resource: 'order', operation: 'getMany', updatedSince: since }, credentials: creds });
		const filtered = await runNode({
			type: 'shopifyInventory',
			parameters: { resource: 'order', operation: 'getMany', updatedSince: since, options: { location: { __rl: true, mode: 'id', value: here } } },
			credentials: creds,
		});
		const elsewhere = await runNode({
			type: 'shopifyInventory',
			parameters: { resource: 'order', operation: 'getMany', updatedSince: since, options: { location: { __rl: true, mode: 'id', value: '999999' } } },
			credentials: creds,
		});
		expect(all.items).toHaveLength(1);
		expect(filtered.items.map((i) => i.json)).toEqual(all.items.map((i) => i.json));
		expect(elsewhere.items).toEqual([]);
	});
});
