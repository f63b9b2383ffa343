/**
 * Both orders templates as shipped, on a FileMaker file whose `EventKey` is not validated unique: every
 * replayed delivery is stored again as a copy, and the applies still move the stock exactly once per
 * change (the copies are marked as duplicates). The documented setup validates the key; this is what a
 * file set up without it gets.
 */
import { describe, it } from 'vitest';

import { DEFAULT_LAYOUTS } from '../emulators/filemaker';
import type { WebhookRunner } from '../helpers/n8n-harness';
import { aDayOfOrderEvents, type OrdersLayout } from './_orderScenarios';
import { ORDERS, ORDERS_TRIGGER_STORES, ORDER_STEPS, TRIGGER_STORES_STEPS, publishTemplate, type TemplateEnv, useTemplateEnv } from './_support';

const LAYOUTS_WITHOUT_UNIQUE_KEY = {
	...DEFAULT_LAYOUTS,
	StockMovements: {
		...DEFAULT_LAYOUTS.StockMovements,
		fields: DEFAULT_LAYOUTS.StockMovements.fields.map((f) => (f.name === 'EventKey' ? { ...f, unique: false } : f)),
	},
};

let env: TemplateEnv;
const runners: WebhookRunner[] = [];
useTemplateEnv((e) => (env = e), runners, { layouts: LAYOUTS_WITHOUT_UNIQUE_KEY });

const TEMPLATES: Array<OrdersLayout & { trigger: string }> = [
	{ template: ORDERS, trigger: ORDER_STEPS.trigger, sweepTrigger: ORDER_STEPS.sweepTrigger, sweep: ORDER_STEPS.sweep },
	{ template: ORDERS_TRIGGER_STORES, trigger: TRIGGER_STORES_STEPS.trigger, sweepTrigger: TRIGGER_STORES_STEPS.sweepTrigger, sweep: TRIGGER_STORES_STEPS.sweep },
];

describe.each(TEMPLATES)('$template, EventKey not validated unique', (layout) => {
	it('a day of order events, live and then replayed newest first twice: every copy stored, FileMaker moves as Shopify did, once', async () => {
		await aDayOfOrderEvents(env, await publishTemplate(env, runners, layout.template, layout.trigger), layout, { fileMakerRefusesCopies: false });
	});
});
