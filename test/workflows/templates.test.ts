/**
 * The shipped templates (workflows/*.json), loaded exactly as users import them, executed in-process
 * with n8n-core's WorkflowExecute (n8n-nodes-base's nodes and this package's), credentials pointing
 * at the FileMaker and Shopify emulators. Assertions are on the end state of both emulators.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startFileMakerEmulator, type FileMakerEmulator } from '../emulators/filemaker';
import { credentialData } from '../filemaker/_support';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import {
	CredentialStore,
	loadTemplate,
	runWorkflow,
	startWebhookRunner,
	type WebhookRunner,
	type WorkflowJson,
} from '../helpers/n8n-harness';

const SECRET = 'whsec_template_tests';
const SYNC = 'filemaker-to-shopify-sync.json';
const ORDERS = 'shopify-orders-to-filemaker.json';
const SINGLE = 'sync-single-sku.json';

let fm: FileMakerEmulator;
let shop: ShopifyEmulator;
let creds: CredentialStore;
const runners: WebhookRunner[] = [];

const sku = (i: number) => `SKU-${String(i).padStart(6, '0')}`;

/** FileMaker stock by SKU (the emulator's raw records). */
function fileMakerStock(): Map<string, number> {
	return new Map(fm.records('Stock').map((r) => [String(r.fieldData.SKU), Number(r.fieldData.Quantity)]));
}

function shopifyAvailable(): Map<string, number> {
	return new Map([...shop.levels().entries()].map(([s, level]) => [s, level.available]));
}

function movements() {
	return fm.records('StockMovements').map((r) => r.fieldData);
}

/**
 * 40 SKUs on both sides. Shopify is out of step on every 5th SKU (8 rows differ), SKU-000041 exists
 * only in FileMaker, SKU-000099 only in Shopify.
 */
function seedBothSides() {
	const rows = Array.from({ length: 40 }, (_, k) => ({ SKU: sku(k + 1), Quantity: 10 + k, AppliedKeys: '' }));
	fm.seed('Stock', [...rows, { SKU: sku(41), Quantity: 5, AppliedKeys: '' }]);
	shop.seed({
		locations: [{ name: 'Main warehouse' }],
		items: [
			...rows.map((r, k) => ({ sku: r.SKU, available: k % 5 === 0 ? r.Quantity + 3 : r.Quantity })),
			{ sku: sku(99), available: 7 },
		],
	});
}

beforeAll(async () => {
	fm = await startFileMakerEmulator();
	shop = await startShopifyEmulator({ webhookSecret: SECRET });
});

afterAll(async () => {
	await fm?.close();
	await shop?.close();
});

beforeEach(() => {
	fm.reset();
	shop.reset();
	creds = new CredentialStore();
	creds.set('fileMakerDataApi', credentialData(fm));
	creds.set('shopifyInventoryApi', {
		shop: shop.url,
		authentication: 'accessToken',
		accessToken: 'shpat_test_token',
		apiVersion: '2026-10',
		webhookSigningSecret: SECRET,
	});
	seedBothSides();
});

afterEach(async () => {
	while (runners.length > 0) await runners.pop()!.close();
});

function setNodeValue(workflow: WorkflowJson, nodeName: string, field: string, value: unknown) {
	const node = workflow.nodes.find((n) => n.name === nodeName);
	if (!node) throw new Error(`No node ${nodeName}`);
	const assignments = (node.parameters.assignments as { assignments: Array<{ name: string; value: unknown }> }).assignments;
	const assignment = assignments.find((a) => a.name === field);
	if (!assignment) throw new Error(`No field ${field} in ${nodeName}`);
	assignment.value = value;
}

describe('templates are shipped in the installed-package form', () => {
	it.each([SYNC, ORDERS, SINGLE])('%s: node types, credentials by type and name only, no secrets', async (file) => {
		const workflow = await loadTemplate(file);
		const text = JSON.stringify(workflow);
		for (const node of workflow.nodes) {
			expect(node.type).toMatch(/^(n8n-nodes-base|n8n-nodes-filemaker-shopify)\./);
			for (const ref of Object.values(node.credentials ?? {})) {
				expect(Object.keys(ref)).toEqual(['name']);
			}
		}
		expect(text).not.toMatch(/shpat_|whsec_|password|secret/i);
		expect(workflow.nodes.some((n) => n.type === 'n8n-nodes-base.stickyNote')).toBe(true);
	});

	it('the sync template lists its Manual Trigger first (n8n execute starts from the first trigger)', async () => {
		const workflow = await loadTemplate(SYNC);
		expect(workflow.nodes[0].type).toBe('n8n-nodes-base.manualTrigger');
		expect(workflow.nodes.some((n) => n.type === 'n8n-nodes-base.scheduleTrigger')).toBe(true);
	});

	it('the orders template has a fixed webhookId on its trigger', async () => {
		const workflow = await loadTemplate(ORDERS);
		const trigger = workflow.nodes.find((n) => n.type.endsWith('.shopifyInventoryTrigger'));
		expect(trigger?.webhookId).toMatch(/^[0-9a-f-]{36}$/);
	});
});

describe('filemaker-to-shopify-sync.json', () => {
	it('manual run: Shopify equals FileMaker afterwards, only the 8 differing rows are written', async () => {
		const before = shopifyAvailable();
		const result = await runWorkflow({ workflow: await loadTemplate(SYNC), credentials: creds });
		expect(result.error).toBeUndefined();
		const fmStock = fileMakerStock();
		const after = shopifyAvailable();
		for (let k = 1; k <= 40; k++) expect(after.get(sku(k))).toBe(fmStock.get(sku(k)));
		expect(after.get(sku(99))).toBe(before.get(sku(99))); // not in FileMaker: left alone, reported
		const summary = result.outputOf('Summary')[0].json;
		expect(summary).toMatchObject({ compared: 40, updated: 8, unchanged: 32, failed: 0, missingInShopify: 1, missingInFileMaker: 1 });
		expect(String(summary.summary)).toContain('8 updated in Shopify');
		expect(result.ran('Sync finished')).toBe(true);
		const writes = shop.requestLog.filter((r) => r.kind === 'mutation' && r.operationName !== undefined);
		expect(writes.filter((w) => /InventorySetQuantities/i.test(w.operationName!))).toHaveLength(1);
	});

	it('the Schedule Trigger runs the same sync', async () => {
		const result = await runWorkflow({
			workflow: await loadTemplate(SYNC),
			credentials: creds,
			startNode: 'Every hour',
			triggerItems: [{ json: { timestamp: new Date().toISOString() } }],
		});
		expect(result.error).toBeUndefined();
		const fmStock = fileMakerStock();
		const after = shopifyAvailable();
		for (let k = 1; k <= 40; k++) expect(after.get(sku(k))).toBe(fmStock.get(sku(k)));
	});

	it('dry run (Sync settings) changes nothing and reports the diff the real run then applies', async () => {
		const workflow = await loadTemplate(SYNC);
		setNodeValue(workflow, 'Sync settings', 'dryRun', true);
		const before = shopifyAvailable();
		const dry = await runWorkflow({ workflow, credentials: creds });
		expect(dry.error).toBeUndefined();
		expect(shopifyAvailable()).toEqual(before);
		const drySummary = dry.outputOf('Summary')[0].json;
		expect(drySummary).toMatchObject({ dryRun: true, updated: 8 });
		expect(String(drySummary.summary)).toMatch(/^DRY RUN/);

		const real = await runWorkflow({ workflow: await loadTemplate(SYNC), credentials: creds });
		expect(real.outputOf('Summary')[0].json).toMatchObject({ dryRun: false, updated: drySummary.updated });
	});

	it('catch-up: orders whose webhooks never arrived reach FileMaker once, before the sync', async () => {
		// Two orders Shopify took while the webhook workflow was down: never delivered.
		const o1 = await shop.createOrder({ lineItems: [{ sku: sku(2), quantity: 2 }, { sku: null, quantity: 1 }], deliver: false });
		const o2 = await shop.createOrder({ lineItems: [{ sku: sku(3), quantity: 1 }], deliver: false });
		expect(o1.order).toBeDefined();
		expect(o2.order).toBeDefined();
		// The orders exist at Shopify with their lines, and no webhook told FileMaker about them.
		expect(o1.order.line_items).toEqual([
			expect.objectContaining({ sku: sku(2), quantity: 2 }),
			expect.objectContaining({ sku: null, quantity: 1 }),
		]);
		expect(o2.order.line_items).toEqual([expect.objectContaining({ sku: sku(3), quantity: 1 })]);
		expect(o2.order.id).not.toBe(o1.order.id);
		expect(shop.webhookLog).toHaveLength(0);
		const fmBefore = fileMakerStock();

		const first = await runWorkflow({ workflow: await loadTemplate(SYNC), credentials: creds });
		expect(first.error).toBeUndefined();
		const fmAfter = fileMakerStock();
		expect(fmAfter.get(sku(2))).toBe(fmBefore.get(sku(2))! - 2);
		expect(fmAfter.get(sku(3))).toBe(fmBefore.get(sku(3))! - 1);
		expect(first.outputOf('Lines without a SKU (nothing to apply)')).toHaveLength(1);
		// and the sync then found Shopify already right for those SKUs (it had the sale)
		const after = shopifyAvailable();
		for (let k = 1; k <= 40; k++) expect(after.get(sku(k))).toBe(fmAfter.get(sku(k)));

		// The next run sees the same orders again: nothing is applied twice.
		const second = await runWorkflow({ workflow: await loadTemplate(SYNC), credentials: creds });
		expect(second.error).toBeUndefined();
		expect(fileMakerStock()).toEqual(fmAfter);
		expect(movements().filter((m) => String(m.Reference).includes(':sale'))).toHaveLength(2);
		expect(second.outputOf('Summary')[0].json).toMatchObject({ updated: 0 });
	});

	it('problems fail the execution with a message that says what to fix', async () => {
		fm.seed('Stock', [{ SKU: sku(50), Quantity: 'n/a', AppliedKeys: '' }]);
		const result = await runWorkflow({ workflow: await loadTemplate(SYNC), credentials: creds });
		expect(result.error?.message).toMatch(/Stock sync needs attention: .*1 FileMaker records have a quantity that is not a whole number/);
		// everything else was still synced
		const fmStock = fileMakerStock();
		const after = shopifyAvailable();
		for (let k = 1; k <= 40; k++) expect(after.get(sku(k))).toBe(fmStock.get(sku(k)));
	});

	it('FileMaker unreachable: the execution fails and Shopify is not touched', async () => {
		const workflow = await loadTemplate(SYNC);
		creds.set('fileMakerDataApi', credentialData(fm, { host: 'http://127.0.0.1:9' }));
		const before = shopifyAvailable();
		const result = await runWorkflow({ workflow, credentials: creds });
		expect(result.error).toBeDefined();
		expect(result.error!.message).not.toMatch(/secret/);
		// Not just any error: the one that tells the user which host failed and what to check.
		expect(result.error!.message).toBe(
			'Could not reach the FileMaker host http://127.0.0.1:9 (connection refused). Check the Host: it should be the address of FileMaker Server, e.g. https://fms.example.com.',
		);
		expect(result.error!.node?.name).toBe('2. Read FileMaker stock');
		expect(shop.requestLog.filter((l) => l.kind === 'mutation')).toHaveLength(0);
		expect(shopifyAvailable()).toEqual(before);
	});
});

describe('sync-single-sku.json', () => {
	it('as shipped (dry run) reports the one SKU and changes nothing', async () => {
		const before = shopifyAvailable();
		const result = await runWorkflow({ workflow: await loadTemplate(SINGLE), credentials: creds });
		expect(result.error).toBeUndefined();
		expect(shopifyAvailable()).toEqual(before);
		const out = result.outputOf('Sync the SKU to Shopify').map((i) => i.json);
		expect(out[0]).toMatchObject({ dryRun: true, compared: 1, updated: 1 });
		expect(out.slice(1)).toEqual([expect.objectContaining({ sku: sku(1), from: 13, to: 10, status: 'wouldUpdate' })]);
	});

	it('with Dry Run off, touches that SKU only', async () => {
		const workflow = await loadTemplate(SINGLE);
		setNodeValue(workflow, 'SKU and Dry Run', 'dryRun', false);
		const before = shopifyAvailable();
		const result = await runWorkflow({ workflow, credentials: creds });
		expect(result.error).toBeUndefined();
		const after = shopifyAvailable();
		expect(after.get(sku(1))).toBe(10);
		for (const [s, q] of before) if (s !== sku(1)) expect(after.get(s)).toBe(q);
		const writes = shop.requestLog.filter((r) => r.kind === 'mutation');
		expect(writes).toHaveLength(1);
		expect(writes[0].rows).toBe(1);
	});
});

describe('shopify-orders-to-filemaker.json', () => {
	async function activate(): Promise<WebhookRunner> {
		const runner = await startWebhookRunner({ workflow: await loadTemplate(ORDERS), credentials: creds });
		runners.push(runner);
		return runner;
	}

	it('activation registers the three topics at Shopify, deactivation removes them', async () => {
		const runner = await activate();
		expect(shop.subscriptions().map((s) => s.topic).sort()).toEqual(['ORDERS_CANCELLED', 'ORDERS_PAID', 'REFUNDS_CREATE']);
		expect(new Set(shop.subscriptions().map((s) => s.uri))).toEqual(new Set([runner.url]));
		await runner.deactivate();
		expect(shop.subscriptions()).toEqual([]);
	});

	it('a signed order lowers FileMaker once, even when delivered three times', async () => {
		const runner = await activate();
		const before = fileMakerStock();
		const { order } = await shop.createOrder({ lineItems: [{ sku: sku(5), quantity: 2 }, { sku: sku(6), quantity: 1 }], deliver: false });
		for (let i = 0; i < 3; i++) {
			const delivery = await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order, eventId: 'evt-1' });
			expect(delivery.attempts.at(-1)!.status).toBe(200);
		}
		await runner.idle();
		const after = fileMakerStock();
		expect(after.get(sku(5))).toBe(before.get(sku(5))! - 2);
		expect(after.get(sku(6))).toBe(before.get(sku(6))! - 1);
		expect(movements()).toHaveLength(2);
		expect(runner.executions).toHaveLength(3);
	});

	it('cancellation restocks; a refund without restock changes nothing', async () => {
		const runner = await activate();
		const before = fileMakerStock();
		const { order } = await shop.createOrder({ lineItems: [{ sku: sku(7), quantity: 3 }], deliver: false });
		await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order });
		const lineItemId = Number((order.line_items as Array<{ id: number }>)[0].id);
		const refund = await shop.refundOrder(Number(order.id), { lines: [{ lineItemId, quantity: 1, restockType: 'no_restock' }] });
		await shop.sendWebhook({ url: runner.url, topic: 'refunds/create', payload: refund.payload });
		const cancel = await shop.cancelOrder(Number(order.id));
		await shop.sendWebhook({ url: runner.url, topic: 'orders/cancelled', payload: cancel.payload });
		await runner.idle();
		// sold 3, one refunded without restock (kept by the customer), the other 2 come back on cancel
		expect(fileMakerStock().get(sku(7))).toBe(before.get(sku(7))! - 1);
	});

	it('forged, unsigned and empty deliveries get 401 and start nothing', async () => {
		const runner = await activate();
		const { order } = await shop.createOrder({ lineItems: [{ sku: sku(8), quantity: 1 }], deliver: false });
		const forged = await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order, secret: 'not-the-secret' });
		const tampered = await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order, tamper: true });
		const unsigned = await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order, omitHmac: true });
		for (const d of [forged, tampered, unsigned]) expect(d.attempts.at(-1)!.status).toBe(401);
		await runner.idle();
		expect(runner.executions).toHaveLength(0);
		expect(movements()).toHaveLength(0);
	});

	it('FileMaker failing during a delivery: Shopify gets a non-2xx, its retry applies the change once', async () => {
		const runner = await activate();
		const before = fileMakerStock();
		const { order } = await shop.createOrder({ lineItems: [{ sku: sku(9), quantity: 2 }], deliver: false });
		fm.injectFault({ when: (req) => req.method === 'PATCH', times: 1, httpStatus: 502, code: '-1', message: 'Bad gateway' });
		const delivery = await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order, retries: 2 });
		await runner.idle();
		expect(delivery.attempts[0].status).toBeGreaterThanOrEqual(500);
		expect(delivery.attempts.at(-1)!.status).toBe(200);
		expect(fileMakerStock().get(sku(9))).toBe(before.get(sku(9))! - 2);
		expect(movements()).toHaveLength(1);
	});

	it('a line whose SKU FileMaker does not know is answered OK (no endless retries) and reported', async () => {
		const runner = await activate();
		const { order } = await shop.createOrder({ lineItems: [{ sku: sku(99), quantity: 1 }, { sku: sku(10), quantity: 1 }], deliver: false });
		const before = fileMakerStock();
		const delivery = await shop.sendWebhook({ url: runner.url, topic: 'orders/paid', payload: order });
		await runner.idle();
		expect(delivery.attempts.at(-1)!.status).toBe(200);
		expect(fileMakerStock().get(sku(10))).toBe(before.get(sku(10))! - 1);
		const stored = runner.executions[0].result.outputOf('Stored in FileMaker').map((i) => i.json);
		expect(stored.find((j) => j.sku === sku(99))).toMatchObject({ retryable: false });
	});
});
