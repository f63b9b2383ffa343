/**
 * What both orders templates must do the same way, run on each as shipped: the Respond to Webhook
 * layout (workflows/shopify-orders-to-filemaker.json) and the storing trigger's
 * (workflows/shopify-orders-to-filemaker-trigger-stores.json). Each file of its own tests what differs.
 */
import { describe, it } from 'vitest';

import type { WebhookRunner } from '../helpers/n8n-harness';
import { aDayOfOrderEvents, storedNotAppliedThenSweep, unpaidOrderThenCancellation, unverifiedDeliveriesRejected, type OrdersLayout } from './_orderScenarios';
import { ORDERS, ORDERS_TRIGGER_STORES, ORDER_STEPS, TRIGGER_STORES_STEPS, publishTemplate, type TemplateEnv, useTemplateEnv } from './_support';

let env: TemplateEnv;
const runners: WebhookRunner[] = [];
useTemplateEnv((e) => (env = e), runners);

const LAYOUTS: Array<OrdersLayout & { trigger: string }> = [
	{ template: ORDERS, trigger: ORDER_STEPS.trigger, sweepTrigger: ORDER_STEPS.sweepTrigger, sweep: ORDER_STEPS.sweep },
	{ template: ORDERS_TRIGGER_STORES, trigger: TRIGGER_STORES_STEPS.trigger, sweepTrigger: TRIGGER_STORES_STEPS.sweepTrigger, sweep: TRIGGER_STORES_STEPS.sweep },
];

describe.each(LAYOUTS)('$template', (layout) => {
	const activate = () => publishTemplate(env, runners, layout.template, layout.trigger);

	it('an unpaid order and its cancellation, each delivered twice: sold at creation, the units come back once', async () => {
		await unpaidOrderThenCancellation(env, await activate());
	});

	it('stored but not applied (FileMaker failed after the answer): Shopify heard 200, the sweep applies it', async () => {
		await storedNotAppliedThenSweep(env, await activate(), layout);
	});

	it('forged, tampered and unsigned deliveries get 401, reach no FileMaker and start nothing', async () => {
		await unverifiedDeliveriesRejected(env, await activate());
	});

	it('a day of order events (edit, fulfilment, return restocked, partly fulfilled order cancelled, unpaid order), live and then replayed newest first twice: FileMaker moves as Shopify did, once', async () => {
		await aDayOfOrderEvents(env, await activate(), layout);
	});
});
