/**
 * workflows/shopify-orders-to-filemaker-trigger-stores.json, activated in-process: the trigger
 * (version 2, Respond "After Storing the Changes in FileMaker") stores each change and answers Shopify
 * itself; the workflow then applies. The Shopify emulator delivers signed webhooks, FileMaker is the
 * emulator. Assertions: what Shopify hears, the FileMaker requests before the answer, and FileMaker's
 * stock and event rows afterwards.
 */
import { describe, expect, it } from 'vitest';

import { loadTemplate, type WebhookRunner } from '../helpers/n8n-harness';
import { sameDeliveryThreeTimesAtOnce, storedAnsweredThenApplied, storeFailsOnceThenRetry, unknownSkuBesideAGoodLine } from './_orderScenarios';
import { ORDERS, ORDERS_TRIGGER_STORES, TRIGGER_STORES_STEPS as STEP, publishTemplate, sku, type TemplateEnv, useTemplateEnv } from './_support';

let env: TemplateEnv;
const runners: WebhookRunner[] = [];
useTemplateEnv((e) => (env = e), runners);

const activate = () => publishTemplate(env, runners, ORDERS_TRIGGER_STORES, STEP.trigger);

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
		const execution = await storedAnsweredThenApplied(env, runner);
		expect(execution.result.executionOrder).toEqual([STEP.trigger, STEP.apply]);
		expect(statuses(runner)).toEqual([`${sku(5)}:stored`, `${sku(6)}:stored`, 'null:skipped']);
	});

	it('the same delivery 3 times at once: one event row per line, applied once', async () => {
		await sameDeliveryThreeTimesAtOnce(env, await activate(), (runner) => runner.executions.flatMap((_, n) => statuses(runner, n)));
	});

	it('FileMaker failing while storing: Shopify gets 503, and its retry stores each line once', async () => {
		await storeFailsOnceThenRetry(env, await activate(), {
			firstStatus: 503,
			sweep: { template: ORDERS_TRIGGER_STORES, sweepTrigger: STEP.sweepTrigger, sweep: STEP.sweep },
		});
	});

	it('a line whose SKU FileMaker does not keep: 200, the line is reported as notStored with the reason, the other line is applied', async () => {
		const execution = await unknownSkuBesideAGoodLine(env, await activate());
		const items = execution.result.outputOf(STEP.trigger).map((i) => i.json);
		expect(items.find((i) => i.sku === sku(99))).toMatchObject({ status: 'notStored', retryable: false, problem: expect.any(String) });
	});
});
