/**
 * The shipped templates (workflows/*.json) as files: installed-package form, fixed ids, the sync as
 * one chain, and the step order surviving a tidied canvas (executed in-process against the
 * emulators). The single-SKU template runs here too; the sync and orders templates have their own
 * files.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

import { loadTemplate, runWorkflow, startWebhookRunner, type WebhookRunner, type WorkflowJson } from '../helpers/n8n-harness';
import {
	ORDERS,
	ORDERS_TRIGGER_STORES,
	ORDER_STEPS,
	SINGLE,
	SYNC,
	SYNC_STEPS,
	moveClockForward,
	setAssignment,
	shufflePositions,
	sku,
	type TemplateEnv,
	useTemplateEnv,
} from './_support';

let env: TemplateEnv;
const runners: WebhookRunner[] = [];
useTemplateEnv((e) => (env = e), runners);

afterEach(() => {
	vi.useRealTimers();
});

/** Target node names of a node's outputs: [[output 0 targets], [output 1 targets], …]. */
function targetsOf(workflow: WorkflowJson, name: string): string[][] {
	return (workflow.connections[name]?.main ?? []).map((out) => (out ?? []).map((c) => c.node));
}

describe('templates are shipped in the installed-package form', () => {
	it.each([SYNC, ORDERS, ORDERS_TRIGGER_STORES, SINGLE])('%s: node types, credentials by type and name only, no secrets, unique fixed ids', async (file) => {
		const workflow = await loadTemplate(file);
		const text = JSON.stringify(workflow);
		for (const node of workflow.nodes) {
			expect(node.type).toMatch(/^(n8n-nodes-base|n8n-nodes-filemaker-shopify)\./);
			for (const ref of Object.values(node.credentials ?? {})) expect(Object.keys(ref)).toEqual(['name']);
			expect(node.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
		}
		expect(new Set(workflow.nodes.map((n) => n.id)).size).toBe(workflow.nodes.length);
		expect(new Set(workflow.nodes.map((n) => n.name)).size).toBe(workflow.nodes.length);
		expect(text).not.toMatch(/shpat_|whsec_|password|secret/i);
		expect(workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote').length).toBeGreaterThan(0);
		// n8n 2.x publishes workflows; the notes say so.
		expect(text).not.toMatch(/\bActivate\b/);
		// every connection points at a node of the workflow
		const names = new Set(workflow.nodes.map((n) => n.name));
		for (const [from, byType] of Object.entries(workflow.connections)) {
			expect(names.has(from), from).toBe(true);
			for (const out of byType.main ?? []) for (const c of out ?? []) expect(names.has(c.node), c.node).toBe(true);
		}
	});

	it('the sync template lists its Manual Trigger first (n8n execute starts from the first trigger)', async () => {
		const workflow = await loadTemplate(SYNC);
		expect(workflow.nodes[0].type).toBe('n8n-nodes-base.manualTrigger');
		expect(workflow.nodes.filter((n) => /trigger/i.test(n.type)).map((n) => n.type)).toEqual([
			'n8n-nodes-base.manualTrigger',
			'n8n-nodes-base.scheduleTrigger',
		]);
	});

	it('the sync template is one chain: each step is the only input of the next', async () => {
		const workflow = await loadTemplate(SYNC);
		const chain = [SYNC_STEPS.settings, SYNC_STEPS.catchUp, SYNC_STEPS.store, SYNC_STEPS.apply, SYNC_STEPS.read, SYNC_STEPS.sync, SYNC_STEPS.summary, SYNC_STEPS.decide];
		for (let i = 0; i < chain.length - 1; i++) expect(targetsOf(workflow, chain[i])[0], chain[i]).toEqual([chain[i + 1]]);
		expect(targetsOf(workflow, SYNC_STEPS.store)).toEqual([[SYNC_STEPS.apply], [SYNC_STEPS.reported]]);
		expect(targetsOf(workflow, SYNC_STEPS.decide)).toEqual([[SYNC_STEPS.fail], [SYNC_STEPS.finished]]);
		for (const step of chain.slice(1)) {
			const inputs = Object.entries(workflow.connections).filter(([, c]) => (c.main ?? []).some((out) => (out ?? []).some((t) => t.node === step)));
			expect(inputs.map(([from]) => from), step).toHaveLength(1);
		}
		const node = (name: string) => workflow.nodes.find((n) => n.name === name)!;
		expect(node(SYNC_STEPS.store)).toMatchObject({ onError: 'continueErrorOutput', alwaysOutputData: true, parameters: { options: { onRetryableFailure: 'report' } } });
		expect(node(SYNC_STEPS.catchUp).alwaysOutputData).toBe(true);
		expect(node(SYNC_STEPS.apply)).toMatchObject({ executeOnce: true, alwaysOutputData: true, parameters: { options: { scope: 'all' } } });
		expect(node(SYNC_STEPS.read)).toMatchObject({ executeOnce: true, parameters: { options: { subtractPendingSales: true } } });
	});

	it('the orders template keeps its trigger webhookId and answers from a Respond to Webhook node n8n accepts for it', async () => {
		const workflow = await loadTemplate(ORDERS);
		const trigger = workflow.nodes.find((n) => n.type.endsWith('.shopifyInventoryTrigger'))!;
		expect(trigger.webhookId).toBe('5f3c2b1a-9d8e-4f70-a6b5-c4d3e2f1a0b9');
		expect(trigger.parameters.responseMode).toBe('responseNode');
		const respond = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.respondToWebhook')!;
		// From 1.1 on, Respond to Webhook refuses to run unless n8n's own Webhook node starts the workflow.
		expect(respond.typeVersion).toBe(1);
		expect(targetsOf(workflow, ORDER_STEPS.store)).toEqual([[ORDER_STEPS.answer], [ORDER_STEPS.neverTake]]);
		expect(targetsOf(workflow, ORDER_STEPS.answer)).toEqual([[ORDER_STEPS.apply]]);
		expect(workflow.nodes.find((n) => n.name === ORDER_STEPS.store)!.parameters.options).toEqual({ onRetryableFailure: 'fail' });
	});
});

describe('the step order does not depend on the canvas', () => {
	it.each([1, 2, 3])('sync template, positions shuffled (seed %i): the same steps in the same order, the same end state', async (seed) => {
		await env.shop.placeOrder({ lineItems: [{ sku: sku(99), quantity: 1 }, { sku: sku(2), quantity: 2 }], deliver: false });
		moveClockForward(10 * 60 * 1000); // an old order: outside the sync's hold-back window
		const shuffled = shufflePositions(await loadTemplate(SYNC), seed);
		setAssignment(shuffled, SYNC_STEPS.settings, 'dryRun', false); // after the first (dry) run
		expect(shuffled.nodes.map((n) => n.position)).not.toEqual((await loadTemplate(SYNC)).nodes.map((n) => n.position));
		const fmBefore = env.fileMakerStock();
		const result = await runWorkflow({ workflow: shuffled, credentials: env.creds });
		expect(result.error).toBeUndefined();
		// "Reported problems" is a side branch (the store step's error output): where n8n runs it depends
		// on the canvas, and it changes nothing. The chain's order does not.
		expect(result.executionOrder.filter((n) => n !== SYNC_STEPS.reported)).toEqual([
			'Run sync now',
			SYNC_STEPS.settings,
			SYNC_STEPS.catchUp,
			SYNC_STEPS.store,
			SYNC_STEPS.apply,
			SYNC_STEPS.read,
			SYNC_STEPS.sync,
			SYNC_STEPS.summary,
			SYNC_STEPS.decide,
			SYNC_STEPS.finished,
		]);
		expect(result.outputOf(SYNC_STEPS.reported).map((i) => i.json.sku)).toEqual([sku(99)]);
		expect(env.fileMakerStock().get(sku(2))).toBe(fmBefore.get(sku(2))! - 2);
		const fmStock = env.fileMakerStock();
		for (let k = 1; k <= 40; k++) expect(env.shopifyAvailable().get(sku(k)), sku(k)).toBe(fmStock.get(sku(k)));
	});

	it.each([1, 2, 3])('orders template, positions shuffled (seed %i): stored, answered, then applied', async (seed) => {
		const runner = await startWebhookRunner({ workflow: shufflePositions(await loadTemplate(ORDERS), seed), credentials: env.creds, triggerNode: ORDER_STEPS.trigger });
		runners.push(runner);
		const before = env.fileMakerStock();
		const placed = await env.shop.placeOrder({ lineItems: [{ sku: sku(99), quantity: 1 }, { sku: sku(5), quantity: 2 }], deliver: false });
		const delivery = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, retries: 0 });
		await runner.idle();
		expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
		const order = runner.executions[0].result.executionOrder;
		const at = (name: string) => order.indexOf(name);
		expect(order.slice(0, 2)).toEqual([ORDER_STEPS.trigger, ORDER_STEPS.store]);
		expect(at(ORDER_STEPS.answer)).toBeGreaterThan(at(ORDER_STEPS.store));
		expect(at(ORDER_STEPS.apply)).toBe(at(ORDER_STEPS.answer) + 1);
		expect(at(ORDER_STEPS.reported)).toBe(at(ORDER_STEPS.neverTake) + 1);
		expect(order).toHaveLength(6);
		expect(env.fileMakerStock().get(sku(5))).toBe(before.get(sku(5))! - 2);
	});
});

describe('sync-single-sku.json', () => {
	it('as shipped (dry run) reports the one SKU and changes nothing', async () => {
		const before = env.shopifyAvailable();
		const result = await runWorkflow({ workflow: await loadTemplate(SINGLE), credentials: env.creds });
		expect(result.error).toBeUndefined();
		expect(env.shopifyAvailable()).toEqual(before);
		const out = result.outputOf('Sync the SKU to Shopify').map((i) => i.json);
		expect(out[0]).toMatchObject({ dryRun: true, compared: 1, updated: 1 });
		expect(out.slice(1)).toEqual([expect.objectContaining({ sku: sku(1), from: 13, to: 10, status: 'wouldUpdate' })]);
	});

	it('with Dry Run off, touches that SKU only', async () => {
		const workflow = await loadTemplate(SINGLE);
		setAssignment(workflow, 'SKU and Dry Run', 'dryRun', false);
		const before = env.shopifyAvailable();
		const result = await runWorkflow({ workflow, credentials: env.creds });
		expect(result.error).toBeUndefined();
		const after = env.shopifyAvailable();
		expect(after.get(sku(1))).toBe(10);
		for (const [s, q] of before) if (s !== sku(1)) expect(after.get(s), s).toBe(q);
		const writes = env.shop.requestLog.filter((r) => r.kind === 'mutation');
		expect(writes).toHaveLength(1);
		expect(writes[0].rows).toBe(1);
	});
	it('a sale stored in FileMaker but not applied yet (n8n stopped before applying) is held back: Shopify gets FileMaker minus it', async () => {
		// The sale's event row is stored, not applied; the stock record still shows the old quantity.
		env.fm.seed('StockMovements', [{ EventKey: 'shopify:order:9:line:1:sale', SKU: sku(1), Change: -2, AppliedBatch: '', Source: 'shopify' }]);
		const workflow = await loadTemplate(SINGLE);
		setAssignment(workflow, 'SKU and Dry Run', 'dryRun', false);
		const result = await runWorkflow({ workflow, credentials: env.creds });
		expect(result.error).toBeUndefined();
		expect(result.outputOf('Read the SKU in FileMaker').map((i) => i.json)).toEqual([
			expect.objectContaining({ sku: sku(1), quantity: 8, recordedQuantity: 10, pendingSales: -2 }),
		]);
		expect(env.shopifyAvailable().get(sku(1))).toBe(8);
	});
});
