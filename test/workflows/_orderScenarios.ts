/**
 * Order scenarios both orders templates must pass the same way (the Respond to Webhook layout and the
 * storing trigger's): each drives a published template through the Shopify emulator and checks
 * FileMaker afterwards.
 */
import { expect } from 'vitest';

import { isDuplicateMark } from '../../nodes/FileMakerInventory/logic/events';
import { DEFAULT_ORDER_TOPICS } from '../../nodes/shared/orders';
import { loadTemplate, runWorkflow, type WebhookRunner } from '../helpers/n8n-harness';
import { sku, type TemplateEnv } from './_support';

/** A template file and the names of its sweep nodes. */
export interface OrdersLayout {
	template: string;
	sweepTrigger: string;
	sweep: string;
}

/** An unpaid order, then its cancellation (each delivery twice): sold at creation, the units come back once. */
export async function unpaidOrderThenCancellation(env: TemplateEnv, runner: WebhookRunner): Promise<void> {
	const before = env.fileMakerStock().get(sku(13))!;
	const placed = await env.shop.placeOrder({ lineItems: [{ sku: sku(13), quantity: 3 }], financialStatus: 'pending', deliver: false });
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
}

/**
 * FileMaker fails every stock write after the answer: Shopify heard 200 and the event stays stored, not
 * applied; once FileMaker is back, the template's sweep applies it.
 */
export async function storedNotAppliedThenSweep(env: TemplateEnv, runner: WebhookRunner, layout: OrdersLayout): Promise<void> {
	const before = env.fileMakerStock().get(sku(14))!;
	const placed = await env.shop.placeOrder({ lineItems: [{ sku: sku(14), quantity: 2 }], deliver: false });
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
	const sweep = await runWorkflow({ workflow: await loadTemplate(layout.template), credentials: env.creds, startNode: layout.sweepTrigger });
	expect(sweep.error).toBeUndefined();
	expect(sweep.executionOrder).toEqual([layout.sweepTrigger, layout.sweep]);
	expect(env.fileMakerStock().get(sku(14))).toBe(before - 2);
	expect(env.pendingEvents()).toEqual([]);
}

/** Each line of every execution as `sku:status`, as the template's storing step reported it. */
export type StatusesOf = (runner: WebhookRunner) => string[];

/** The same delivery 3 times at once: each 200, one event row per line (the others duplicates), applied once. */
export async function sameDeliveryThreeTimesAtOnce(env: TemplateEnv, runner: WebhookRunner, statusesOf: StatusesOf): Promise<void> {
	const before = env.fileMakerStock();
	const placed = await env.shop.placeOrder({ lineItems: [{ sku: sku(7), quantity: 3 }, { sku: sku(8), quantity: 1 }], deliver: false });
	const deliveries = await Promise.all(
		[1, 2, 3].map(() => env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, eventId: 'evt-3x' })),
	);
	await runner.idle();
	for (const d of deliveries) expect(d.attempts.map((a) => a.status)).toEqual([200]);
	expect(runner.executions).toHaveLength(3);
	const statuses = statusesOf(runner);
	expect(statuses.filter((s) => s.endsWith(':stored')).sort()).toEqual([`${sku(7)}:stored`, `${sku(8)}:stored`]);
	expect(statuses.filter((s) => s.endsWith(':duplicate'))).toHaveLength(4);
	expect(env.fileMakerStock().get(sku(7))).toBe(before.get(sku(7))! - 3);
	expect(env.fileMakerStock().get(sku(8))).toBe(before.get(sku(8))! - 1);
	expect(env.events()).toHaveLength(2);
	expect(env.pendingEvents()).toEqual([]);
}

/**
 * The second line's event create fails once (FileMaker Server's web server answers 502): Shopify gets
 * `firstStatus` and FileMaker's stock is unchanged (`afterFailure` checks the rest); its retry is
 * answered 200 and, after the sweep when one is given, each line is applied once.
 */
export async function storeFailsOnceThenRetry(
	env: TemplateEnv,
	runner: WebhookRunner,
	o: { firstStatus: number; afterFailure?: (first: { body: string }, stockBefore: Map<string, number>) => void; sweep?: OrdersLayout },
): Promise<void> {
	const before = env.fileMakerStock();
	const placed = await env.shop.placeOrder({ lineItems: [{ sku: sku(9), quantity: 2 }, { sku: sku(10), quantity: 1 }], deliver: false });
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
	expect(first.attempts.map((a) => a.status)).toEqual([o.firstStatus]);
	o.afterFailure?.({ body: String(first.attempts[0].body ?? '') }, before);
	expect(env.fileMakerStock().get(sku(10))).toBe(before.get(sku(10)));

	const retry = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, eventId: 'evt-fail', retries: 0 });
	await runner.idle();
	expect(retry.attempts.map((a) => a.status)).toEqual([200]);
	if (o.sweep) {
		const sweep = await runWorkflow({ workflow: await loadTemplate(o.sweep.template), credentials: env.creds, startNode: o.sweep.sweepTrigger });
		expect(sweep.error).toBeUndefined();
	}
	expect(env.fileMakerStock().get(sku(9))).toBe(before.get(sku(9))! - 2);
	expect(env.fileMakerStock().get(sku(10))).toBe(before.get(sku(10))! - 1);
	expect(env.events()).toHaveLength(2);
	expect(env.pendingEvents()).toEqual([]);
}

/**
 * One order (two lines with a SKU, one without): answered 200 before the apply step first writes the
 * stock record, then applied; FileMaker ends exact with one event row per line with a SKU. Returns the
 * execution for the caller's checks of its steps.
 */
export async function storedAnsweredThenApplied(env: TemplateEnv, runner: WebhookRunner): Promise<WebhookRunner['executions'][number]> {
	const before = env.fileMakerStock();
	const placed = await env.shop.placeOrder({ lineItems: [{ sku: sku(5), quantity: 2 }, { sku: sku(6), quantity: 1 }, { sku: null, quantity: 1 }], deliver: false });
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
	expect(answersBeforeApply).toEqual([200]);
	expect(runner.executions).toHaveLength(1);
	const execution = runner.executions[0];
	expect(execution.result.error).toBeUndefined();
	const after = env.fileMakerStock();
	expect(after.get(sku(5))).toBe(before.get(sku(5))! - 2);
	expect(after.get(sku(6))).toBe(before.get(sku(6))! - 1);
	for (const [s, q] of before) if (s !== sku(5) && s !== sku(6)) expect(after.get(s), s).toBe(q);
	expect(env.events().map((e) => [e.SKU, e.Change])).toEqual([
		[sku(5), -2],
		[sku(6), -1],
	]);
	expect(env.pendingEvents()).toEqual([]);
	return execution;
}

/** Forged, tampered and unsigned deliveries: each 401, no execution, no FileMaker request, no event row. */
export async function unverifiedDeliveriesRejected(env: TemplateEnv, runner: WebhookRunner): Promise<void> {
	const placed = await env.shop.placeOrder({ lineItems: [{ sku: sku(15), quantity: 1 }], deliver: false });
	env.fm.requestLog.length = 0;
	const forged = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, secret: 'not-the-secret', retries: 0 });
	const tampered = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, tamper: true, retries: 0 });
	const unsigned = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, omitHmac: true, retries: 0 });
	for (const d of [forged, tampered, unsigned]) expect(d.attempts.map((a) => a.status)).toEqual([401]);
	await runner.idle();
	expect(runner.executions).toHaveLength(0);
	expect(env.fm.requestLog).toHaveLength(0);
	expect(env.events()).toHaveLength(0);
}

/**
 * A day of one shop's order events, delivered live as Shopify sends them, then every delivery again,
 * newest first, twice: an order edited (a line lowered, a line added), fulfilled, one unit returned and
 * restocked through the returns flow; an order partly fulfilled and then cancelled (only the unfulfilled
 * units come back); an unpaid order. Every delivery is answered 200, and after the sweep FileMaker has
 * moved every SKU exactly as Shopify's available moved, with one event row per change.
 */
export async function aDayOfOrderEvents(
	env: TemplateEnv,
	runner: WebhookRunner,
	layout: OrdersLayout,
	o: { fileMakerRefusesCopies: boolean } = { fileMakerRefusesCopies: true },
): Promise<void> {
	env.shop.setOptions({ stockRules: { protectedCustomerDataApproved: true } });
	const skus = [sku(21), sku(22), sku(23), sku(24), sku(25)];
	const fileMakerBefore = env.fileMakerStock();
	const shopifyBefore = env.shopifyAvailable();
	const sent: { topic: string; payload: Record<string, unknown> }[] = [];
	const act = async <T extends { events: { topic: string; payload: Record<string, unknown> }[] }>(action: Promise<T>): Promise<T> => {
		const result = await action;
		sent.push(...result.events);
		await runner.idle();
		return result;
	};

	const edited = await act(env.shop.placeOrder({ lineItems: [{ sku: sku(21), quantity: 3 }, { sku: sku(22), quantity: 2 }] }));
	const [red, blue] = edited.lineItemIds;
	await act(env.shop.editOrder(edited.orderId, { changes: [{ lineItemId: red, quantity: 1, restock: true }], additions: [{ sku: sku(23), quantity: 2 }] }));
	await act(env.shop.fulfilOrder(edited.orderId));
	const returned = await act(env.shop.createReturn(edited.orderId, { lines: [{ lineItemId: blue, quantity: 1 }] }));
	await act(env.shop.disposeReturn(returned.returnId, { items: [{ lineItemId: blue, quantity: 1, disposition: 'RESTOCKED' }] }));
	const cancelled = await act(env.shop.placeOrder({ lineItems: [{ sku: sku(24), quantity: 4 }] }));
	await act(env.shop.fulfilOrder(cancelled.orderId, { lines: [{ lineItemId: cancelled.lineItemIds[0], quantity: 1 }] }));
	await act(env.shop.cancelOrderEvent(cancelled.orderId));
	await act(env.shop.placeOrder({ lineItems: [{ sku: sku(25), quantity: 1 }], financialStatus: 'pending' }));

	const replays = sent.filter((e) => (DEFAULT_ORDER_TOPICS as string[]).includes(e.topic));
	expect(replays.map((e) => e.topic)).toEqual(expect.arrayContaining(['orders/create', 'orders/edited', 'reverse_fulfillment_orders/dispose', 'orders/cancelled']));
	for (let round = 0; round < 2; round++) {
		for (const e of [...replays].reverse()) {
			const d = await env.shop.sendWebhook({ url: runner.url, topic: e.topic, payload: e.payload, retries: 0 });
			expect(d.attempts.map((a) => a.status), e.topic).toEqual([200]);
		}
	}
	await runner.idle();
	expect(runner.responses.every((r) => r.status === 200)).toBe(true);
	const sweep = await runWorkflow({ workflow: await loadTemplate(layout.template), credentials: env.creds, startNode: layout.sweepTrigger });
	expect(sweep.error).toBeUndefined();

	const fileMakerAfter = env.fileMakerStock();
	const shopifyAfter = env.shopifyAvailable();
	const moved = (after: Map<string, number>, before: Map<string, number>) => skus.map((s) => `${s}:${after.get(s)! - before.get(s)!}`);
	expect(moved(fileMakerAfter, fileMakerBefore)).toEqual(moved(shopifyAfter, shopifyBefore));
	expect(moved(shopifyAfter, shopifyBefore)).toEqual([`${sku(21)}:-1`, `${sku(22)}:-1`, `${sku(23)}:-2`, `${sku(24)}:-1`, `${sku(25)}:-1`]);
	// One event row per change; where FileMaker let the replays in (EventKey not validated unique), the
	// copies are marked as duplicates by the apply and none of them moved the stock.
	const rows = env.events();
	const copies = rows.filter((e) => isDuplicateMark(String(e.AppliedBatch)));
	const keys = rows.filter((e) => !isDuplicateMark(String(e.AppliedBatch))).map((e) => String(e.EventKey));
	expect(new Set(keys).size).toBe(keys.length);
	if (o.fileMakerRefusesCopies) expect(copies).toEqual([]);
	else expect(copies.length).toBeGreaterThanOrEqual(2 * keys.length);
	expect(env.pendingEvents()).toEqual([]);
}

/**
 * An order with a line whose SKU FileMaker does not keep (SKU-000099, Shopify only) and a good line:
 * answered 200 (Shopify must not retry for ever), the good line applied, one event row. Returns the
 * execution for the caller's check of how the line is reported.
 */
export async function unknownSkuBesideAGoodLine(env: TemplateEnv, runner: WebhookRunner): Promise<WebhookRunner['executions'][number]> {
	const before = env.fileMakerStock();
	const placed = await env.shop.placeOrder({ lineItems: [{ sku: sku(99), quantity: 1 }, { sku: sku(12), quantity: 1 }], deliver: false });
	const delivery = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, retries: 0 });
	await runner.idle();
	expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
	expect(env.fileMakerStock().get(sku(12))).toBe(before.get(sku(12))! - 1);
	expect(env.events().map((e) => e.SKU)).toEqual([sku(12)]);
	return runner.executions[0];
}
