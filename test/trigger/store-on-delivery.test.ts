/**
 * Shopify Inventory Trigger, Respond "After Storing the Changes in FileMaker": the trigger stores the
 * delivery's changes in the event layout and answers Shopify itself, before any workflow step runs;
 * then n8n starts the workflow with the outcomes. In-process (the harness answers as n8n 2.41 does
 * for a node that writes its own response), the Shopify and FileMaker emulators.
 */
import { describe, expect, it } from 'vitest';
import type { INode } from 'n8n-workflow';

import { startWebhookRunner, type WebhookRunner, type WorkflowJson } from '../helpers/n8n-harness';
import { sku, type TemplateEnv, useTemplateEnv } from '../workflows/_support';

let env: TemplateEnv;
const runners: WebhookRunner[] = [];
useTemplateEnv((e) => (env = e), runners);

const TRIGGER = 'Store and answer';

/** A workflow of the storing trigger alone: every FileMaker request then is on the answer path. */
function storingTrigger(parameters: Record<string, unknown> = {}): WorkflowJson {
	const node: INode = {
		id: 'trigger',
		name: TRIGGER,
		type: 'n8n-nodes-filemaker-shopify.shopifyInventoryTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId: 'store-on-delivery',
		parameters: {
			topics: ['orders/create', 'orders/cancelled', 'refunds/create'],
			registration: 'api',
			responseMode: 'afterStored',
			eventLayout: { __rl: true, mode: 'list', value: 'StockMovements' },
			stockLayout: { __rl: true, mode: 'list', value: 'Stock' },
			...parameters,
		},
		credentials: { shopifyInventoryApi: { id: 's', name: 'Shopify' }, fileMakerDataApi: { id: 'f', name: 'FileMaker' } },
	};
	return { name: 'storing trigger', nodes: [node], connections: {}, settings: { executionOrder: 'v1' } } as unknown as WorkflowJson;
}

async function activate(parameters: Record<string, unknown> = {}): Promise<WebhookRunner> {
	const runner = await startWebhookRunner({ workflow: storingTrigger(parameters), credentials: env.creds, triggerNode: TRIGGER });
	runners.push(runner);
	return runner;
}

const requestsAfterLogin = () => env.fm.requestLog.filter((r) => !(r.method === 'POST' && r.path.endsWith('/sessions')));
const statuses = (runner: WebhookRunner, n = 0) => runner.executions[n].result.outputOf(TRIGGER).map((i) => `${String(i.json.sku)}:${String(i.json.status)}`);

describe('Respond: After Storing the Changes in FileMaker', () => {
	it('stores every line, answers 200 with at most 2 FileMaker requests per change, then starts the workflow with the outcomes', async () => {
		const runner = await activate();
		const placed = await env.shop.placeOrder({
			lineItems: [
				{ sku: sku(1), quantity: 2 },
				{ sku: sku(2), quantity: 1 },
				{ sku: sku(3), quantity: 4 },
				{ sku: null, quantity: 1 },
			],
			deliver: false,
		});
		const before = env.fileMakerStock();
		const delivery = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, retries: 0 });
		await runner.idle();
		expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
		expect(JSON.parse(delivery.attempts[0].body)).toEqual({ stored: 3, duplicate: 0, notStored: 0 });
		// one SKU check for the delivery, one create per change: 4 requests for 3 changes
		const requests = requestsAfterLogin();
		expect(requests.map((r) => `${r.method} ${r.path.replace(/^.*\/layouts\//, '')}`)).toEqual([
			'POST Stock/_find',
			'POST StockMovements/records',
			'POST StockMovements/records',
			'POST StockMovements/records',
		]);
		expect(statuses(runner)).toEqual([`${sku(1)}:stored`, `${sku(2)}:stored`, `${sku(3)}:stored`, 'null:skipped']);
		const stored = runner.executions[0].result.outputOf(TRIGGER)[0].json;
		expect(stored).toMatchObject({ sku: sku(1), quantity: -2, kind: 'sale', status: 'stored' });
		expect(String(stored.recordId)).toMatch(/^\d+$/);
		expect(env.events().map((e) => [e.SKU, e.Change, e.Reason, e.Source, e.AppliedBatch])).toEqual([
			[sku(1), -2, 'Shopify sale', 'shopify', ''],
			[sku(2), -1, 'Shopify sale', 'shopify', ''],
			[sku(3), -4, 'Shopify sale', 'shopify', ''],
		]);
		// storing does not touch the stock: applying is the workflow's
		expect(env.fileMakerStock()).toEqual(before);
	});

	it('the same delivery 3 times at once: one event row per line, the repeats answered 200 as duplicates', async () => {
		const runner = await activate();
		const placed = await env.shop.placeOrder({ lineItems: [{ sku: sku(4), quantity: 1 }, { sku: sku(5), quantity: 2 }], deliver: false });
		const deliveries = await Promise.all(
			[1, 2, 3].map(() => env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, eventId: 'evt-3x', retries: 0 })),
		);
		await runner.idle();
		for (const d of deliveries) expect(d.attempts.map((a) => a.status)).toEqual([200]);
		const all = runner.executions.flatMap((_, n) => statuses(runner, n));
		expect(all.filter((s) => s.endsWith(':stored')).sort()).toEqual([`${sku(4)}:stored`, `${sku(5)}:stored`]);
		expect(all.filter((s) => s.endsWith(':duplicate'))).toHaveLength(4);
		expect(env.events()).toHaveLength(2);
	});

	it('a SKU FileMaker does not keep: reported as notStored with the reason, the rest stored, Shopify hears 200', async () => {
		const runner = await activate();
		const placed = await env.shop.placeOrder({ lineItems: [{ sku: sku(99), quantity: 1 }, { sku: sku(6), quantity: 1 }], deliver: false });
		const delivery = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, retries: 0 });
		await runner.idle();
		expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
		const [unknown, known] = runner.executions[0].result.outputOf(TRIGGER).map((i) => i.json);
		expect(unknown).toMatchObject({ sku: sku(99), status: 'notStored', retryable: false });
		expect(String(unknown.problem)).toContain(`No record with SKU '${sku(99)}' in layout 'Stock'`);
		expect(known).toMatchObject({ sku: sku(6), status: 'stored' });
		expect(env.events().map((e) => e.SKU)).toEqual([sku(6)]);
	});

	it('FileMaker failing on the SKU check: 503 and nothing stored; the redelivery stores every line once', async () => {
		const runner = await activate();
		const placed = await env.shop.placeOrder({ lineItems: [{ sku: sku(7), quantity: 1 }, { sku: sku(8), quantity: 3 }], deliver: false });
		env.fm.injectFault({
			when: (req) => req.method === 'POST' && req.path.endsWith('/layouts/Stock/_find'),
			times: 1,
			httpStatus: 503,
			code: '-1',
			message: 'Service Unavailable',
		});
		const first = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, eventId: 'evt-503', retries: 0 });
		await runner.idle();
		expect(first.attempts.map((a) => a.status)).toEqual([503]);
		expect(env.events()).toEqual([]);
		// the execution shows the failure (status failed, the reason), so it can be seen and acted on
		const failed = runner.executions[0].result.outputOf(TRIGGER).map((i) => i.json);
		expect(failed.map((j) => j.status)).toEqual(['failed', 'failed']);
		expect(String(failed[0].problem)).toMatch(/Service Unavailable/);

		const again = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, eventId: 'evt-503', retries: 0 });
		await runner.idle();
		expect(again.attempts.map((a) => a.status)).toEqual([200]);
		expect(env.events().map((e) => [e.SKU, e.Change])).toEqual([
			[sku(7), -1],
			[sku(8), -3],
		]);
	});

	it('without the FileMaker credential: 500 (Shopify delivers again), no execution, nothing stored', async () => {
		env.creds.delete('fileMakerDataApi');
		const runner = await activate();
		const placed = await env.shop.placeOrder({ lineItems: [{ sku: sku(9), quantity: 1 }], deliver: false });
		const delivery = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, retries: 0 });
		await runner.idle();
		expect(delivery.attempts.map((a) => a.status)).toEqual([500]);
		expect(runner.executions).toHaveLength(0);
		expect(env.events()).toEqual([]);
	});

	it('a forged delivery gets 401 and costs FileMaker nothing', async () => {
		const runner = await activate();
		const placed = await env.shop.placeOrder({ lineItems: [{ sku: sku(10), quantity: 1 }], deliver: false });
		const forged = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, secret: 'not-the-secret', retries: 0 });
		await runner.idle();
		expect(forged.attempts.map((a) => a.status)).toEqual([401]);
		expect(env.fm.requestLog).toEqual([]);
		expect(runner.executions).toHaveLength(0);
	});

	it('a cancellation after the sale: the restock is stored with its own key (Output: Raw Order is not used when storing)', async () => {
		const runner = await activate({ output: 'raw' });
		const placed = await env.shop.placeOrder({ lineItems: [{ sku: sku(11), quantity: 2 }], financialStatus: 'pending', deliver: false });
		await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, retries: 0 });
		const cancelled = await env.shop.cancelOrderEvent(placed.orderId, { deliver: false });
		for (const e of cancelled.events.filter((x) => x.topic === 'orders/cancelled')) {
			const d = await env.shop.sendWebhook({ url: runner.url, topic: e.topic, payload: e.payload, retries: 0 });
			expect(d.attempts.map((a) => a.status)).toEqual([200]);
		}
		await runner.idle();
		expect(env.events().map((e) => [e.SKU, e.Change, e.Reason])).toEqual([
			[sku(11), -2, 'Shopify sale'],
			// the units the cancellation gives back (Shopify records them as the cancellation's refund)
			[sku(11), 2, expect.stringMatching(/^Shopify (cancellation|refund)$/)],
		]);
	});
});
