/**
 * workflows/shopify-orders-to-filemaker.json, activated in-process: its trigger is served on a
 * loopback port (responseMode "responseNode" answered as n8n 2.41 answers it), the Shopify emulator
 * delivers signed webhooks, FileMaker is the emulator. Assertions: what Shopify hears, and FileMaker's
 * stock and event rows afterwards.
 */
import { describe, expect, it } from 'vitest';

import { loadTemplate, type WebhookRunner } from '../helpers/n8n-harness';
import { sameDeliveryThreeTimesAtOnce, storedAnsweredThenApplied, storeFailsOnceThenRetry, unknownSkuBesideAGoodLine } from './_orderScenarios';
import { ORDERS, ORDER_STEPS as STEP, publishTemplate, sku, type TemplateEnv, useTemplateEnv } from './_support';

let env: TemplateEnv;
const runners: WebhookRunner[] = [];
useTemplateEnv((e) => (env = e), runners);

const activate = () => publishTemplate(env, runners, ORDERS, STEP.trigger);

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
		const execution = await storedAnsweredThenApplied(env, await activate());
		expect(execution.result.executionOrder).toEqual(ANSWERED_AND_APPLIED);
		// the line without a SKU is passed over: no event, nothing reported
		expect(execution.result.outputOf(STEP.store).map((i) => i.json.status)).toEqual(['stored', 'stored', 'skipped']);
		expect(execution.result.outputOf(STEP.apply).map((i) => i.json.sku)).toEqual([sku(5), sku(6)]);
	});

	it('the same delivery 3 times at once: applied once, one event row per line', async () => {
		await sameDeliveryThreeTimesAtOnce(env, await activate(), (runner) =>
			runner.executions.flatMap((e) => e.result.outputOf(STEP.store).map((i) => `${String(i.json.sku)}:${String(i.json.status)}`)),
		);
	});

	it('FileMaker failing while storing: the execution fails before the answer, Shopify gets 500 and its retry stores it once', async () => {
		const runner = await activate();
		await storeFailsOnceThenRetry(env, runner, {
			firstStatus: 500,
			afterFailure: (first, before) => {
				expect(first.body).toContain('Error in workflow');
				const failed = runner.executions[0].result;
				// Failed by the store step itself or by the template's check of its error output: either way
				// before the answer, with a message that names the cause.
				expect([STEP.store, STEP.fail]).toContain(failed.error?.node?.name);
				expect(failed.error?.message).toMatch(/could not (store|be stored)/);
				expect(failed.ran(STEP.answer)).toBe(false);
				expect(failed.ran(STEP.apply)).toBe(false);
				expect(env.fileMakerStock()).toEqual(before);
			},
		});
	});

	it('a line whose SKU FileMaker does not keep is answered 200 (no endless retries) and reported; the other line is applied', async () => {
		const { result } = await unknownSkuBesideAGoodLine(env, await activate());
		expect(result.error).toBeUndefined();
		expect(result.ran(STEP.fail)).toBe(false);
		const reported = result.outputOf(STEP.reported).map((i) => i.json);
		expect(reported).toHaveLength(1);
		expect(reported[0]).toMatchObject({ sku: sku(99), details: { retryable: false } });
	});
});
