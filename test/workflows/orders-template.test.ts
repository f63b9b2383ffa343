/**
 * workflows/shopify-orders-to-filemaker.json, activated in-process: its trigger is served on a
 * loopback port (responseMode "responseNode" answered as n8n 2.41 answers it), the Shopify emulator
 * delivers signed webhooks, FileMaker is the emulator. Assertions: what Shopify hears, and FileMaker's
 * stock and event rows afterwards.
 */
import { describe, expect, it } from 'vitest';

import { loadTemplate, runWorkflow, startWebhookRunner, type WebhookRunner } from '../helpers/n8n-harness';
import { ORDERS, ORDER_STEPS as STEP, sku, type TemplateEnv, useTemplateEnv } from './_support';

let env: TemplateEnv;
const runners: WebhookRunner[] = [];
useTemplateEnv((e) => (env = e), runners);

async function activate(): Promise<WebhookRunner> {
	const runner = await startWebhookRunner({ workflow: await loadTemplate(ORDERS), credentials: env.creds, triggerNode: STEP.trigger });
	runners.push(runner);
	return runner;
}

/** An order Shopify took (its units committed there), not delivered yet. */
async function order(lines: { sku: string | null; quantity: number }[], financialStatus: 'paid' | 'pending' = 'paid') {
	const placed = await env.shop.placeOrder({ lineItems: lines, financialStatus, deliver: false });
	return placed;
}

/** Stored, answered, applied (the error output's branch does not run: no item went there). */
const ANSWERED_AND_APPLIED = [STEP.trigger, STEP.store, STEP.answer, STEP.apply];

describe('shopify-orders-to-filemaker.json', () => {
	it('publishing registers one subscription per topic at Shopify, unpublishing removes them', async () => {
		const workflow = await loadTemplate(ORDERS);
		const trigger = workflow.nodes.find((n) => n.name === STEP.trigger)!;
		const runner = await activate();
		const expected = (trigger.parameters.topics as string[]).map((t) => t.toUpperCase().replace('/', '_')).sort();
		expect(expected).toEqual(expect.arrayContaining(['ORDERS_CREATE', 'ORDERS_CANCELLED', 'REFUNDS_CREATE', 'ORDERS_EDITED']));
		expect(expected).not.toContain('ORDERS_PAID');
		expect(env.shop.subscriptions().map((s) => s.topic).sort()).toEqual(expected);
		expect(new Set(env.shop.subscriptions().map((s) => s.uri))).toEqual(new Set([runner.url]));
		await runner.deactivate();
		expect(env.shop.subscriptions()).toEqual([]);
	});

	it('stores the order, answers 200, then applies it to FileMaker stock', async () => {
		const runner = await activate();
		const before = env.fileMakerStock();
		const placed = await order([{ sku: sku(5), quantity: 2 }, { sku: sku(6), quantity: 1 }, { sku: null, quantity: 1 }]);
		// What Shopify has heard when the apply step first writes the stock record: the answer, already.
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
		expect(runner.executions).toHaveLength(1);
		const execution = runner.executions[0];
		expect(execution.result.error).toBeUndefined();
		expect(execution.result.executionOrder).toEqual(ANSWERED_AND_APPLIED);
		// the line without a SKU is passed over: no event, nothing reported
		expect(execution.result.outputOf(STEP.store).map((i) => i.json.status)).toEqual(['stored', 'stored', 'skipped']);
		expect(execution.result.outputOf(STEP.apply).map((i) => i.json.sku)).toEqual([sku(5), sku(6)]);
		expect(answersBeforeApply).toEqual([200]);
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

	it('the same delivery 3 times at once: applied once, one event row per line', async () => {
		const runner = await activate();
		const before = env.fileMakerStock();
		const placed = await order([{ sku: sku(7), quantity: 3 }, { sku: sku(8), quantity: 1 }]);
		const deliveries = await Promise.all(
			[1, 2, 3].map(() => env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, eventId: 'evt-3x' })),
		);
		await runner.idle();
		for (const d of deliveries) expect(d.attempts.map((a) => a.status)).toEqual([200]);
		expect(runner.executions).toHaveLength(3);
		const statuses = runner.executions.flatMap((e) => e.result.outputOf(STEP.store).map((i) => `${String(i.json.sku)}:${String(i.json.status)}`));
		expect(statuses.filter((s) => s.endsWith(':stored')).sort()).toEqual([`${sku(7)}:stored`, `${sku(8)}:stored`]);
		expect(statuses.filter((s) => s.endsWith(':duplicate'))).toHaveLength(4);
		expect(env.fileMakerStock().get(sku(7))).toBe(before.get(sku(7))! - 3);
		expect(env.fileMakerStock().get(sku(8))).toBe(before.get(sku(8))! - 1);
		expect(env.events()).toHaveLength(2);
		expect(env.pendingEvents()).toEqual([]);
	});

	it('FileMaker failing while storing: the execution fails before the answer, Shopify gets 500 and its retry stores it once', async () => {
		const runner = await activate();
		const before = env.fileMakerStock();
		const placed = await order([{ sku: sku(9), quantity: 2 }, { sku: sku(10), quantity: 1 }]);
		// the second line's create fails (FileMaker Server's web server answers 502)
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
		expect(first.attempts.map((a) => a.status)).toEqual([500]);
		expect(first.attempts[0].body).toContain('Error in workflow');
		const failed = runner.executions[0].result;
		// Failed by the store step itself or by the template's check of its error output: either way
		// before the answer, with a message that names the cause.
		expect([STEP.store, STEP.fail]).toContain(failed.error?.node?.name);
		expect(failed.error?.message).toMatch(/could not (store|be stored)/);
		expect(failed.ran(STEP.answer)).toBe(false);
		expect(failed.ran(STEP.apply)).toBe(false);
		expect(env.fileMakerStock()).toEqual(before);

		const retry = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, eventId: 'evt-fail', retries: 0 });
		await runner.idle();
		expect(retry.attempts.map((a) => a.status)).toEqual([200]);
		expect(env.fileMakerStock().get(sku(9))).toBe(before.get(sku(9))! - 2);
		expect(env.fileMakerStock().get(sku(10))).toBe(before.get(sku(10))! - 1);
		expect(env.events()).toHaveLength(2);
	});

	it('a line whose SKU FileMaker does not keep is answered 200 (no endless retries) and reported; the other line is applied', async () => {
		const runner = await activate();
		const before = env.fileMakerStock();
		const placed = await order([{ sku: sku(99), quantity: 1 }, { sku: sku(12), quantity: 1 }]);
		const delivery = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, retries: 0 });
		await runner.idle();
		expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
		const result = runner.executions[0].result;
		expect(result.error).toBeUndefined();
		expect(result.ran(STEP.fail)).toBe(false);
		const reported = result.outputOf(STEP.reported).map((i) => i.json);
		expect(reported).toHaveLength(1);
		expect(reported[0]).toMatchObject({ sku: sku(99), details: { retryable: false } });
		expect(env.fileMakerStock().get(sku(12))).toBe(before.get(sku(12))! - 1);
		expect(env.events().map((e) => e.SKU)).toEqual([sku(12)]);
	});

	it('an unpaid order and its cancellation: sold at creation, the units come back once', async () => {
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

	it('stored but not applied (FileMaker failed after the answer): Shopify heard 200, the 5-minute sweep applies it', async () => {
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
		const sweep = await runWorkflow({ workflow: await loadTemplate(ORDERS), credentials: env.creds, startNode: STEP.sweepTrigger });
		expect(sweep.error).toBeUndefined();
		expect(sweep.executionOrder).toEqual([STEP.sweepTrigger, STEP.sweep]);
		expect(env.fileMakerStock().get(sku(14))).toBe(before - 2);
		expect(env.pendingEvents()).toEqual([]);
	});

	it('forged, tampered and unsigned deliveries get 401 and start nothing', async () => {
		const runner = await activate();
		const placed = await order([{ sku: sku(15), quantity: 1 }]);
		const forged = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, secret: 'not-the-secret', retries: 0 });
		const tampered = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, tamper: true, retries: 0 });
		const unsigned = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, omitHmac: true, retries: 0 });
		for (const d of [forged, tampered, unsigned]) expect(d.attempts.map((a) => a.status)).toEqual([401]);
		await runner.idle();
		expect(runner.executions).toHaveLength(0);
		expect(env.events()).toHaveLength(0);
	});
});
