/**
 * workflows/shopify-orders-to-filemaker-trigger-stores.json, activated in-process: the trigger
 * (version 2, Respond "After Storing the Changes in FileMaker") stores each change and answers Shopify
 * itself; the workflow then applies. The Shopify emulator delivers signed webhooks, FileMaker is the
 * emulator. Assertions: what Shopify hears, the FileMaker requests before the answer, and FileMaker's
 * stock and event rows afterwards.
 */
import { describe, expect, it } from 'vitest';

import { loadTemplate, runWorkflow, startWebhookRunner, type WebhookRunner } from '../helpers/n8n-harness';
import { ORDERS, ORDERS_TRIGGER_STORES, TRIGGER_STORES_STEPS as STEP, sku, type TemplateEnv, useTemplateEnv } from './_support';

let env: TemplateEnv;
const runners: WebhookRunner[] = [];
useTemplateEnv((e) => (env = e), runners);

async function activate(): Promise<WebhookRunner> {
	const runner = await startWebhookRunner({ workflow: await loadTemplate(ORDERS_TRIGGER_STORES), credentials: env.creds, triggerNode: STEP.trigger });
	runners.push(runner);
	return runner;
}

async function order(lines: { sku: string | null; quantity: number }[], financialStatus: 'paid' | 'pending' = 'paid') {
	return await env.shop.placeOrder({ lineItems: lines, financialStatus, deliver: false });
}

const statuses = (runner: WebhookRunner, n = 0) => runner.executions[n].result.outputOf(STEP.trigger).map((i) => `${String(i.json.sku)}:${String(i.json.status)}`);

describe('shopify-orders-to-filemaker-trigger-stores.json', () => {
	it('the trigger is version 2, stores with both credentials and the template\'s layouts, and subscribes to the same topics as the other orders template', async () => {
		const workflow = await loadTemplate(ORDERS_TRIGGER_STORES);
		const trigger = workflow.nodes.find((n) => n.name === STEP.trigger)!;
		expect(trigger.typeVersion).toBe(2);
		expect(trigger.parameters).toMatchObject({ responseMode: 'afterStored', eventLayout: 'StockMovements', stockLayout: 'Stock' });
		expect(Object.keys(trigger.credentials ?? {}).sort()).toEqual(['fileMakerDataApi', 'shopifyInventoryApi']);
		const other = (await loadTemplate(ORDERS)).nodes.find((n) => n.type === trigger.type)!;
		expect(trigger.parameters.topics).toEqual(other.parameters.topics);
		expect(trigger.webhookId).not.toBe(other.webhookId);
		const runner = await activate();
		expect(new Set(env.shop.subscriptions().map((s) => s.uri))).toEqual(new Set([runner.url]));
		await runner.deactivate();
		expect(env.shop.subscriptions()).toEqual([]);
	});

	it('stores the order and answers 200 before any workflow step runs, then applies it', async () => {
		const runner = await activate();
		const before = env.fileMakerStock();
		const placed = await order([{ sku: sku(5), quantity: 2 }, { sku: sku(6), quantity: 1 }, { sku: null, quantity: 1 }]);
		let answersBeforeApply: number[] | undefined;
		env.fm.onRequest({
			when: (req) => req.method === 'PATCH' && req.path.includes('/layouts/Stock/records/'),
			times: 1,
			action: () => {
				answersBeforeApply = runner.responses.map((r) => r.status);
			},
		});
		const delivery = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, eventId: 'evt-store' });
		await runner.idle();
		expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
		expect(answersBeforeApply).toEqual([200]);
		expect(runner.executions).toHaveLength(1);
		const result = runner.executions[0].result;
		expect(result.error).toBeUndefined();
		expect(result.executionOrder).toEqual([STEP.trigger, STEP.apply]);
		expect(statuses(runner)).toEqual([`${sku(5)}:stored`, `${sku(6)}:stored`, 'null:skipped']);
		const after = env.fileMakerStock();
		expect(after.get(sku(5))).toBe(before.get(sku(5))! - 2);
		expect(after.get(sku(6))).toBe(before.get(sku(6))! - 1);
		for (const [s, q] of before) if (s !== sku(5) && s !== sku(6)) expect(after.get(s), s).toBe(q);
		expect(env.events().map((e) => [e.SKU, e.Change])).toEqual([
			[sku(5), -2],
			[sku(6), -1],
		]);
		expect(env.pendingEvents()).toEqual([]);
	});

	it('the same delivery 3 times at once: one event row per line, applied once', async () => {
		const runner = await activate();
		const before = env.fileMakerStock();
		const placed = await order([{ sku: sku(7), quantity: 3 }, { sku: sku(8), quantity: 1 }]);
		const deliveries = await Promise.all(
			[1, 2, 3].map(() => env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, eventId: 'evt-3x' })),
		);
		await runner.idle();
		for (const d of deliveries) expect(d.attempts.map((a) => a.status)).toEqual([200]);
		const all = runner.executions.flatMap((_, n) => statuses(runner, n));
		expect(all.filter((s) => s.endsWith(':stored')).sort()).toEqual([`${sku(7)}:stored`, `${sku(8)}:stored`]);
		expect(all.filter((s) => s.endsWith(':duplicate'))).toHaveLength(4);
		expect(env.fileMakerStock().get(sku(7))).toBe(before.get(sku(7))! - 3);
		expect(env.fileMakerStock().get(sku(8))).toBe(before.get(sku(8))! - 1);
		expect(env.events()).toHaveLength(2);
		expect(env.pendingEvents()).toEqual([]);
	});

	it('FileMaker failing while storing: Shopify gets 503, nothing is applied, and its retry stores each line once', async () => {
		const runner = await activate();
		const before = env.fileMakerStock();
		const placed = await order([{ sku: sku(9), quantity: 2 }, { sku: sku(10), quantity: 1 }]);
		env.fm.injectFault({
			when: (req) => req.method === 'POST' && req.path.endsWith('/layouts/StockMovements/records'),
			skip: 1,
			times: 1,
			httpStatus: 502,
			code: '-1',
			message: 'Bad gateway',
		});
		const first = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, eventId: 'evt-fail', retries: 0 });
		await runner.idle();
		expect(first.attempts.map((a) => a.status)).toEqual([503]);
		expect(env.fileMakerStock().get(sku(10))).toBe(before.get(sku(10)));

		const retry = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, eventId: 'evt-fail', retries: 0 });
		await runner.idle();
		expect(retry.attempts.map((a) => a.status)).toEqual([200]);
		const sweep = await runWorkflow({ workflow: await loadTemplate(ORDERS_TRIGGER_STORES), credentials: env.creds, startNode: STEP.sweepTrigger });
		expect(sweep.error).toBeUndefined();
		expect(env.fileMakerStock().get(sku(9))).toBe(before.get(sku(9))! - 2);
		expect(env.fileMakerStock().get(sku(10))).toBe(before.get(sku(10))! - 1);
		expect(env.events()).toHaveLength(2);
		expect(env.pendingEvents()).toEqual([]);
	});

	it('a line whose SKU FileMaker does not keep: 200, the line is reported as notStored with the reason, the other line is applied', async () => {
		const runner = await activate();
		const before = env.fileMakerStock();
		const placed = await order([{ sku: sku(99), quantity: 1 }, { sku: sku(12), quantity: 1 }]);
		const delivery = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, retries: 0 });
		await runner.idle();
		expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
		const items = runner.executions[0].result.outputOf(STEP.trigger).map((i) => i.json);
		expect(items.find((i) => i.sku === sku(99))).toMatchObject({ status: 'notStored', retryable: false, problem: expect.any(String) });
		expect(env.fileMakerStock().get(sku(12))).toBe(before.get(sku(12))! - 1);
		expect(env.events().map((e) => e.SKU)).toEqual([sku(12)]);
	});

	it('an unpaid order and its cancellation, each delivered twice: sold at creation, the units come back once', async () => {
		const runner = await activate();
		const before = env.fileMakerStock().get(sku(13))!;
		const placed = await order([{ sku: sku(13), quantity: 3 }], 'pending');
		await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, retries: 0 });
		await runner.idle();
		expect(env.fileMakerStock().get(sku(13))).toBe(before - 3);
		const cancelled = await env.shop.cancelOrderEvent(placed.orderId, { deliver: false });
		for (const e of cancelled.events.filter((x) => x.topic === 'orders/cancelled' || x.topic === 'refunds/create')) {
			for (let i = 0; i < 2; i++) {
				const d = await env.shop.sendWebhook({ url: runner.url, topic: e.topic, payload: e.payload, retries: 0 });
				expect(d.attempts.map((a) => a.status)).toEqual([200]);
			}
		}
		await runner.idle();
		expect(env.fileMakerStock().get(sku(13))).toBe(before);
		expect(env.shopifyAvailable().get(sku(13))).toBe(env.fileMakerStock().get(sku(13)));
	});

	it('stored but not applied (FileMaker failed after the answer): Shopify heard 200, the sweep applies it', async () => {
		const runner = await activate();
		const before = env.fileMakerStock().get(sku(14))!;
		const placed = await order([{ sku: sku(14), quantity: 2 }]);
		let fileMakerFailing = true;
		env.fm.injectFault({
			when: (req) => fileMakerFailing && req.method === 'PATCH' && req.path.includes('/layouts/Stock/records/'),
			times: Number.POSITIVE_INFINITY,
			httpStatus: 502,
			code: '-1',
			message: 'Bad gateway',
		});
		const delivery = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, retries: 0 });
		await runner.idle();
		expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
		expect(env.fileMakerStock().get(sku(14))).toBe(before);
		expect(env.pendingEvents().map((e) => e.SKU)).toEqual([sku(14)]);

		fileMakerFailing = false;
		const sweep = await runWorkflow({ workflow: await loadTemplate(ORDERS_TRIGGER_STORES), credentials: env.creds, startNode: STEP.sweepTrigger });
		expect(sweep.error).toBeUndefined();
		expect(sweep.executionOrder).toEqual([STEP.sweepTrigger, STEP.sweep]);
		expect(env.fileMakerStock().get(sku(14))).toBe(before - 2);
		expect(env.pendingEvents()).toEqual([]);
	});

	it('forged and unsigned deliveries get 401, store nothing and start nothing', async () => {
		const runner = await activate();
		const placed = await order([{ sku: sku(15), quantity: 1 }]);
		env.fm.requestLog.length = 0;
		const forged = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, secret: 'not-the-secret', retries: 0 });
		const unsigned = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, omitHmac: true, retries: 0 });
		for (const d of [forged, unsigned]) expect(d.attempts.map((a) => a.status)).toEqual([401]);
		await runner.idle();
		expect(runner.executions).toHaveLength(0);
		expect(env.fm.requestLog).toHaveLength(0);
		expect(env.events()).toHaveLength(0);
	});
});
