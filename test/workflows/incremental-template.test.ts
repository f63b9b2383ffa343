/**
 * workflows/filemaker-to-shopify-incremental.json, executed in-process (n8n-core's WorkflowExecute)
 * against both emulators: the incremental chain (every 5 minutes) reads only the FileMaker records
 * modified since the last run and only those SKUs from Shopify; the nightly chain is the full sync.
 * Time is the emulators' clocks and n8n's $now, moved together.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { loadTemplate, runWorkflow, type WorkflowJson } from '../helpers/n8n-harness';
import { moveClockForward, setAssignment, sku, startTemplateEnv, type TemplateEnv } from './_support';

const FILE = 'filemaker-to-shopify-incremental.json';
const INCREMENTAL = [
	'Run incremental sync now',
	'Incremental settings',
	'1. Orders the webhooks may have missed',
	'2. Store missed orders in FileMaker',
	'3. Apply pending stock events',
	'4. Read FileMaker stock modified since the last run',
	'5. Sync the changed SKUs to Shopify',
	'Summary',
	'Problems to fix?',
	'Sync finished',
];
const NIGHTLY = [
	'Every night at 2:00',
	'Nightly: settings',
	'Nightly: 1. Orders the webhooks may have missed',
	'Nightly: 2. Store missed orders in FileMaker',
	'Nightly: 3. Apply pending stock events',
	'Nightly: 4. Start reading Shopify',
	'Nightly: 5. Read all FileMaker stock',
	'Nightly: 6. Sync everything to Shopify',
	'Nightly: summary',
	'Nightly: problems to fix?',
	'Nightly: sync finished',
];

let env: TemplateEnv;
beforeAll(async () => {
	env = await startTemplateEnv();
});
afterAll(async () => env?.close());
beforeEach(() => {
	env.fm.reset();
	env.shop.reset();
	env.resetCredentials();
	env.shop.setOptions({ stockRules: { protectedCustomerDataApproved: true, unapprovedOrderReads: 'empty' } });
});
afterEach(() => vi.useRealTimers());

async function template(options: { writeOnManualRun?: boolean } = {}): Promise<WorkflowJson> {
	const workflow = await loadTemplate(FILE);
	for (const node of workflow.nodes) {
		if (node.type.endsWith('.shopifyInventory') && ['sync', 'startRead'].includes(String(node.parameters.operation))) {
			node.parameters.location = { __rl: true, mode: 'id', value: env.shop.location().id };
		}
	}
	// The emulator's FileMaker clock runs in this process's time zone: the workflow's must be the same.
	workflow.settings = { ...workflow.settings, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone };
	// As a user has it after the first (dry) manual run: the manual run writes too.
	if (options.writeOnManualRun !== false) setAssignment(workflow, 'Incremental settings', 'dryRun', false);
	return workflow;
}

const incremental = async () => await runWorkflow({ workflow: await template(), credentials: env.creds });
const nightly = async () =>
	await runWorkflow({
		workflow: await template(),
		credentials: env.creds,
		startNode: 'Every night at 2:00',
		triggerItems: [{ json: { timestamp: new Date().toISOString() } }],
	});
/** The chain's nodes that ran, in order (the error branch of step 2 aside). */
const ran = (result: Awaited<ReturnType<typeof incremental>>) => result.executionOrder.filter((n) => !/reported problems/i.test(n));
const summaryOf = (result: Awaited<ReturnType<typeof incremental>>, node = 'Summary') => result.outputOf(node)[0]?.json ?? {};
const skuSearches = () => env.shop.requestLog.filter((l) => l.operationName === 'InventoryItemsBySkusPage');
const fullReads = () =>
	env.shop.requestLog.filter((l) => l.operationName === 'LocationLevelsPage' || l.operationName === 'BulkRunQuery');

/** 300 SKUs, equal on both sides, last modified 1 hour ago (FileMaker's clock). */
function seedEqual(n = 300) {
	env.fm.setNow(Date.now() - 60 * 60_000);
	const rows = Array.from({ length: n }, (_, k) => ({ SKU: sku(k + 1), Quantity: 10 + (k % 7) }));
	env.fm.seed('Stock', rows);
	env.shop.seed({ locations: [{ name: 'Main warehouse' }], items: rows.map((r) => ({ sku: r.SKU, available: r.Quantity })) });
	// FileMaker's clock follows real time again (its records stay 1 hour old).
	env.fm.setOptions({ now: () => Date.now() });
	env.fm.advance(0);
}

/** A change made in FileMaker just now (a delivery, a stock count): a PATCH through the Data API. */
async function changeInFileMaker(changes: Record<string, number>) {
	const token = (await (await fetch(`${env.fm.url}/fmi/data/vLatest/databases/Inventory/sessions`, {
		method: 'POST',
		headers: { Authorization: `Basic ${Buffer.from('admin:secret').toString('base64')}`, 'Content-Type': 'application/json' },
		body: '{}',
	}).then((r) => r.json())) as { response: { token: string } }).response.token;
	for (const [s, quantity] of Object.entries(changes)) {
		const record = env.fm.records('Stock').find((r) => r.fieldData.SKU === s)!;
		const answer = await fetch(`${env.fm.url}/fmi/data/vLatest/databases/Inventory/layouts/Stock/records/${record.recordId}`, {
			method: 'PATCH',
			headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ fieldData: { Quantity: quantity } }),
		});
		expect(answer.status).toBe(200);
	}
}

describe(FILE, () => {
	it('is two single chains: incremental (manual trigger first, every 5 minutes) and nightly, each step the only input of the next', async () => {
		const workflow = await loadTemplate(FILE);
		expect(workflow.nodes[0].type).toBe('n8n-nodes-base.manualTrigger');
		for (const steps of [INCREMENTAL, NIGHTLY]) {
			for (let i = 1; i < steps.length - 2; i++) {
				const incoming = Object.entries(workflow.connections).filter(([, c]) =>
					(c.main ?? []).some((out) => (out ?? []).some((t) => t.node === steps[i + 1])),
				);
				expect(incoming.map(([from]) => from), steps[i + 1]).toEqual([steps[i]]);
			}
		}
		const every5 = workflow.nodes.find((n) => n.name === 'Every 5 minutes')!;
		expect(every5.parameters).toEqual({ rule: { interval: [{ field: 'minutes', minutesInterval: 5 }] } });
		const text = JSON.stringify(workflow);
		expect(text).not.toMatch(/shpat_|whsec_|password|secret/i);
		expect(text).not.toContain("$('Sync settings')");
	});

	it('as shipped, the incremental run started with Execute workflow is a dry run; its schedule writes', async () => {
		seedEqual();
		await changeInFileMaker({ [sku(3)]: 50 });
		const writes = () => env.shop.requestLog.filter((l) => l.operationName === 'InventorySetQuantities').length;
		const manual = await runWorkflow({ workflow: await template({ writeOnManualRun: false }), credentials: env.creds });
		expect(manual.error).toBeUndefined();
		expect(summaryOf(manual)).toMatchObject({ dryRun: true, compared: 1, updated: 1 });
		expect(writes()).toBe(0);
		expect(env.shopifyAvailable().get(sku(3))).not.toBe(50);

		const scheduled = await runWorkflow({
			workflow: await template({ writeOnManualRun: false }),
			credentials: env.creds,
			startNode: 'Every 5 minutes',
			triggerItems: [{ json: { timestamp: new Date().toISOString() } }],
		});
		expect(scheduled.error).toBeUndefined();
		expect(summaryOf(scheduled)).toMatchObject({ dryRun: false, updated: 1 });
		expect(env.shopifyAvailable().get(sku(3))).toBe(50);
	});

	it('incremental: only the SKUs changed in FileMaker are read from Shopify and written; they end equal', async () => {
		seedEqual();
		const changed = { [sku(3)]: 50, [sku(150)]: 0, [sku(299)]: 7 };
		await changeInFileMaker(changed);
		// Shopify out of step on a SKU FileMaker did not change: the incremental run does not see it.
		env.shop.seed({ items: [{ sku: sku(10), available: 99 }] });
		const result = await incremental();
		expect(result.error).toBeUndefined();
		expect(ran(result)).toEqual(INCREMENTAL);
		const summary = summaryOf(result);
		expect(summary).toMatchObject({ compared: 3, updated: 3, readMode: 'inputSkus', onlyInputSkus: true, failExecution: false });
		const shop = env.shopifyAvailable();
		for (const [s, q] of Object.entries(changed)) expect(shop.get(s)).toBe(q);
		expect(shop.get(sku(10))).toBe(99);
		// Requests proportional to the changed SKUs: catch-up orders, ⌈3/50⌉ search, hold-back orders, ⌈3/250⌉ write.
		expect(env.shop.requestLog.map((l) => l.operationName)).toEqual([
			'ShopifyInventoryOrdersUpdatedSince',
			'InventoryItemsBySkusPage',
			'ShopifyInventoryHoldBackOrders',
			'InventorySetQuantities',
		]);
		expect(skuSearches()).toHaveLength(1);
		expect(fullReads()).toEqual([]);

		// 5 minutes later: the overlap reads the 3 SKUs once more (already equal: nothing written) …
		const writes = () => env.shop.requestLog.filter((l) => l.operationName === 'InventorySetQuantities').length;
		const writesBefore = writes();
		moveClockForward(5 * 60_000);
		const again = await incremental();
		expect(again.error).toBeUndefined();
		expect(summaryOf(again)).toMatchObject({ compared: 3, updated: 0, unchanged: 3 });
		// … and 5 minutes after that, nothing changed in the window: the run stops after step 4.
		moveClockForward(5 * 60_000);
		const quiet = await incremental();
		expect(quiet.error).toBeUndefined();
		expect(ran(quiet)).toEqual(INCREMENTAL.slice(0, 6));
		expect(writes()).toBe(writesBefore);

		// The nightly full run repairs what no incremental run could see; Shopify's read is started before
		// FileMaker is read and collected by the sync (one bulk operation).
		const bulkRunsBefore = fullReads().length;
		const full = await nightly();
		expect(fullReads().length - bulkRunsBefore).toBe(1);
		expect(full.error).toBeUndefined();
		expect(ran(full)).toEqual(NIGHTLY);
		expect(summaryOf(full, 'Nightly: summary')).toMatchObject({ compared: 300, updated: 1 });
		const fm = env.fileMakerStock();
		for (const [s, q] of env.shopifyAvailable()) expect(q).toBe(fm.get(s));
	});

	it('incremental: an order no webhook brought is stored, applied and never offered again; equal on the next run', async () => {
		seedEqual(20);
		await changeInFileMaker({ [sku(4)]: 30 }); // a delivery: 10+3 → 30
		// A sale of 2 of SKU 4 in Shopify whose webhook never arrived: available 13 → 11.
		await env.shop.placeOrder({ lineItems: [{ sku: sku(4), quantity: 2 }], financialStatus: 'paid', deliver: false });
		const result = await incremental();
		expect(result.error).toBeUndefined();
		// The catch-up stored and applied the sale (FileMaker 30 → 28), and the hold-back subtracts the
		// order once more this run: less, never more.
		expect(env.fileMakerStock().get(sku(4))).toBe(28);
		expect(env.shopifyAvailable().get(sku(4))).toBe(26);
		expect(summaryOf(result)).toMatchObject({ heldBackUnits: 2, failExecution: false });
		// The next run: the record (modified by the apply) is still in the window because the overlap is
		// at least the hold-back margin, and the order is now older than the hold-back: equal.
		moveClockForward(5 * 60_000);
		const next = await incremental();
		expect(next.error).toBeUndefined();
		expect(summaryOf(next)).toMatchObject({ heldBackUnits: 0, updated: 1 });
		expect(env.shopifyAvailable().get(sku(4))).toBe(28);
	});
});
