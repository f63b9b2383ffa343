/**
 * End to end against a REAL n8n 2.x (Node 24 + n8n from scripts/install-n8n.sh's cache):
 * the package is built, packed and installed as a community package, the shipped templates are
 * imported (only credential ids bound), the sync runs from the CLI, order webhooks are posted
 * to the production URL, and the credential Test runs through n8n's own endpoint.
 * How it works and measured timings: test/e2e/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';

import { startFileMakerEmulator, type FileMakerEmulator } from '../emulators/filemaker';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import {
	N8n,
	N8nApi,
	PhaseTimer,
	REPO_ROOT,
	bindTemplates,
	buildAndPack,
	freePort,
	installCommunityPackage,
	installN8n,
	sleep,
	type ExecutionLike,
	type WorkflowJson,
} from '../../scripts/lib/n8n.mjs';
import {
	CREDENTIAL_IDS,
	FILEMAKER_CREDENTIAL_ID,
	SHOPIFY_CREDENTIAL_ID,
	SHOPIFY_WEBHOOK_SECRET,
	buildScenario,
	countByStatus,
	duplicateRecordIds,
	fileMakerEdit,
	fileMakerOptions,
	scenarioCredentials,
	seedScenario,
	shopifyOptions,
	stockSnapshot,
	type Scenario,
} from '../../scripts/lib/scenario';

const TEMPLATES = {
	sync: 'filemaker-to-shopify-sync.json',
	orders: 'shopify-orders-to-filemaker.json',
	single: 'sync-single-sku.json',
} as const;
type TemplateKey = keyof typeof TEMPLATES;

const PACKAGE_PREFIX = 'n8n-nodes-filemaker-shopify.';
const CATALOGUE_SIZE = 120;

const timer = new PhaseTimer('e2e');
let tmp = '';
let n8n: N8n | undefined;
let api: N8nApi | undefined;
let fm: FileMakerEmulator | undefined;
let shop: ShopifyEmulator | undefined;
let scenario: Scenario;
const ids = {} as Record<TemplateKey, string>;
const workflows = {} as Record<TemplateKey, WorkflowJson>;
let failed = false;

function printLogTailOnFailure(): void {
	onTestFailed(() => {
		failed = true;
		if (n8n) console.log(`--- n8n log, last 80 lines (${n8n.logFile}) ---\n${n8n.logTail(80)}`);
	});
}

function triggerNode(w: WorkflowJson) {
	return w.nodes.find((n) => n.type === `${PACKAGE_PREFIX}shopifyInventoryTrigger`);
}

/** The subscription Shopify delivers new orders to (a sale, paid or not). */
function orderCreatedSubscription() {
	const sub = shop!.subscriptions().find((x) => x.topic === 'ORDERS_CREATE');
	if (!sub) throw new Error(`no ORDERS_CREATE subscription: ${JSON.stringify(shop!.subscriptions().map((x) => x.topic))}`);
	return sub;
}

/** The sync template's Summary item of a finished run. */
function summaryOf(run: ExecutionLike | undefined): Record<string, unknown> | undefined {
	return run?.data?.resultData?.runData?.Summary?.[0]?.data?.main?.[0]?.[0]?.json;
}

function fileMakerQuantities(): Map<string, number[]> {
	const out = new Map<string, number[]>();
	for (const r of fm!.records('Stock')) {
		const sku = String(r.fieldData.SKU);
		out.set(sku, [...(out.get(sku) ?? []), Number(r.fieldData.Quantity)]);
	}
	return out;
}

/**
 * The workflow's executions, newest first. `mode` keeps one kind only: the orders workflow also runs its
 * sweep every minute (mode "trigger"), which must not be counted as a webhook delivery's execution.
 */
async function executionsOf(workflowId: string, mode?: string): Promise<ExecutionLike[]> {
	const done = await api!.listExecutions({ workflowId });
	const running = await api!.listExecutions({ workflowId, status: 'running' });
	return [...done, ...running].filter((e) => mode === undefined || e.mode === mode);
}

async function waitForExecutions(workflowId: string, count: number, mode?: string, timeoutMs = 20_000): Promise<ExecutionLike[]> {
	const deadline = Date.now() + timeoutMs;
	let list = await executionsOf(workflowId, mode);
	while (list.length < count && Date.now() < deadline) {
		await sleep(250);
		list = await executionsOf(workflowId, mode);
	}
	return list;
}

beforeAll(async () => {
	try {
		timer.phase('install n8n (scripts/install-n8n.sh, cached)');
		const install = await installN8n({ onLog: (l) => console.log(l) });

		tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-'));
		const userFolder = path.join(tmp, 'n8n');

		timer.phase('npm run build + npm pack + install as community package');
		for (const f of Object.values(TEMPLATES)) {
			if (!fs.existsSync(path.join(REPO_ROOT, 'workflows', f))) throw new Error(`workflows/${f} is missing`);
		}
		const tarball = await buildAndPack({ outDir: path.join(tmp, 'pack') });
		const installed = await installCommunityPackage({ tarball, userFolder });
		const pkg = JSON.parse(fs.readFileSync(path.join(installed.dir, 'package.json'), 'utf8')) as {
			n8n: { nodes: string[]; credentials: string[] };
		};
		for (const f of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			if (!fs.existsSync(path.join(installed.dir, f))) throw new Error(`the packed package lacks ${f}`);
		}

		timer.phase('start + seed emulators');
		scenario = buildScenario(CATALOGUE_SIZE);
		fm = await startFileMakerEmulator(fileMakerOptions());
		shop = await startShopifyEmulator(shopifyOptions());
		seedScenario(fm, shop, scenario);

		timer.phase('import:credentials, import:workflow, publish:workflow');
		n8n = new N8n({ install, userFolder, port: await freePort(), owner: { email: 'e2e@example.com', password: 'E2e-Password-1' } });
		await n8n.importCredentials(scenarioCredentials(fm, shop));
		const bound = bindTemplates({ files: Object.values(TEMPLATES), outDir: path.join(tmp, 'workflows'), credentialIds: CREDENTIAL_IDS });
		await n8n.importWorkflowDir(path.join(tmp, 'workflows'));
		const listed = bound.some((b) => !b.workflow.id) ? await n8n.listWorkflows() : [];
		for (const key of Object.keys(TEMPLATES) as TemplateKey[]) {
			const b = bound.find((x) => path.basename(x.file) === TEMPLATES[key])!;
			workflows[key] = b.workflow;
			const id = b.workflow.id ?? listed.find((w) => w.name === b.workflow.name)?.id;
			if (!id) throw new Error(`imported workflow "${b.workflow.name}" not found in n8n list:workflow`);
			ids[key] = id;
		}
		await n8n.publishWorkflow(ids.orders);

		timer.phase('n8n start (until "Editor is now accessible")');
		await n8n.start();

		timer.phase('login + API key');
		api = new N8nApi(n8n.url);
		await api.login(n8n.owner.email, n8n.owner.password);
		await api.createApiKey('e2e');
		timer.end();
	} catch (e) {
		failed = true;
		if (n8n) console.log(`--- n8n log, last 80 lines ---\n${n8n.logTail(80)}`);
		throw e;
	}
});

afterAll(async () => {
	timer.phase('stop n8n + emulators');
	await Promise.allSettled([n8n?.stop(), fm?.close(), shop?.close()]);
	timer.end();
	console.log(timer.summary());
	if (tmp && !failed) fs.rmSync(tmp, { recursive: true, force: true });
	else if (tmp) console.log(`kept ${tmp} for inspection (n8n log: ${n8n?.logFile})`);
});

describe('real n8n 2.x with the packed community package', () => {
	it('loads the three nodes and both credentials from the installed package', async () => {
		printLogTailOnFailure();
		const nodes = await api!.get('/types/nodes.json');
		expect(nodes.status).toBe(200);
		const names = new Set((nodes.json as { name: string }[]).map((t) => t.name));
		for (const n of ['fileMakerInventory', 'shopifyInventory', 'shopifyInventoryTrigger']) {
			expect(names.has(`${PACKAGE_PREFIX}${n}`), `${PACKAGE_PREFIX}${n} registered`).toBe(true);
		}
		const credentialTypes = await api!.get('/types/credentials.json');
		expect(credentialTypes.status).toBe(200);
		const creds = new Set((credentialTypes.json as { name: string }[]).map((c) => c.name));
		expect(creds.has('fileMakerDataApi')).toBe(true);
		expect(creds.has('shopifyInventoryApi')).toBe(true);
	});

	it("passes both credentials' Test through n8n's own endpoint (POST /rest/credentials/test)", async () => {
		printLogTailOnFailure();
		const loginsBefore = fm!.stats.logins;
		const fmResult = await api!.testCredential(FILEMAKER_CREDENTIAL_ID);
		expect(fmResult, JSON.stringify(fmResult)).toMatchObject({ status: 'OK' });
		expect(fm!.stats.logins).toBeGreaterThan(loginsBefore);
		const shopResult = await api!.testCredential(SHOPIFY_CREDENTIAL_ID);
		expect(shopResult, JSON.stringify(shopResult)).toMatchObject({ status: 'OK' });
	});

	it('runs the sync template from the CLI (n8n execute): Shopify ends equal to FileMaker, a duplicate SKU is reported', async () => {
		printLogTailOnFailure();
		const sync = workflows.sync;
		const firstTrigger = sync.nodes.find((n) => /trigger/i.test(n.type));
		// n8n execute starts from the first trigger node in `nodes` (measured): the Manual Trigger must come first.
		expect(firstTrigger?.type, 'first trigger node of the sync template').toBe('n8n-nodes-base.manualTrigger');

		// Run 1: the catalogue has a SKU twice in FileMaker. Everything else is synced; the duplicate is
		// left alone and reported in the summary. A retry cannot fix it, so the execution does not fail
		// (the template's Sync settings → failOnDataProblems would make it fail).
		const before = stockSnapshot(fm!, shop!);
		expect(countByStatus(before).differs).toBe(scenario.outOfStep.length);
		const run1 = await n8n!.executeWorkflow(ids.sync);
		console.log(`[e2e] sync run 1 (n8n execute, duplicate SKU in FileMaker): ${(run1.ms / 1000).toFixed(1)} s, exit ${run1.code}`);
		const error1 = run1.hint ?? run1.run?.data?.resultData?.error?.message ?? '';
		console.log(`[e2e] sync run 1 result: ${error1 || 'success'}`);
		expect(run1.ok, run1.output.split('\n').slice(-40).join('\n')).toBe(true);
		const summary1 = summaryOf(run1.run);
		expect(summary1?.duplicateSkus, 'the duplicate SKU is counted in the summary').toBe(scenario.duplicateInFileMaker.length);
		expect(String(summary1?.summary)).toContain(`${scenario.duplicateInFileMaker.length} duplicate SKUs`);
		expect(summary1?.failExecution).toBe(false);
		const mid = stockSnapshot(fm!, shop!);
		for (const row of mid.values()) {
			if (row.status === 'duplicate in FileMaker' || row.status === 'only in FileMaker' || row.status === 'only in Shopify') continue;
			expect(row.shopify, `Shopify stock of ${row.sku} after run 1`).toBe(row.fileMaker[0]);
		}
		for (const sku of scenario.duplicateInFileMaker) expect(mid.get(sku)?.shopify, `${sku} left alone`).toBe(before.get(sku)?.shopify);
		for (const sku of scenario.missingInFileMaker) expect(mid.get(sku)?.shopify).toBe(before.get(sku)?.shopify);
		for (const sku of scenario.missingInShopify) expect(mid.get(sku)?.shopify).toBeUndefined();
		// FileMaker (the source of truth) is not changed by the sync.
		for (const [sku, row] of before) expect(mid.get(sku)?.fileMaker, sku).toEqual(row.fileMaker);

		// Someone fixes FileMaker: deletes the old duplicate record and counts three SKUs again.
		const recount = scenario.inStep.slice(0, 3);
		const records = fm!.records('Stock');
		await fileMakerEdit(fm!, [
			...scenario.duplicateInFileMaker.flatMap((sku) => duplicateRecordIds(fm!, sku).map((recordId) => ({ recordId, delete: true as const }))),
			...recount.map((sku, i) => ({
				recordId: records.find((r) => r.fieldData.SKU === sku)!.recordId,
				fieldData: { Quantity: Number(records.find((r) => r.fieldData.SKU === sku)!.fieldData.Quantity) + 7 + i },
			})),
		]);

		// Run 2: clean, succeeds, and every SKU on both sides is equal.
		const run2 = await n8n!.executeWorkflow(ids.sync);
		console.log(`[e2e] sync run 2 (n8n execute): ${(run2.ms / 1000).toFixed(1)} s, exit ${run2.code}`);
		expect(run2.ok, run2.output.split('\n').slice(-40).join('\n')).toBe(true);
		const after = stockSnapshot(fm!, shop!);
		console.log(`[e2e] stock before: ${JSON.stringify(countByStatus(before))} after: ${JSON.stringify(countByStatus(after))}`);
		for (const row of after.values()) {
			if (row.status === 'only in FileMaker' || row.status === 'only in Shopify') continue;
			expect(row.fileMaker.length, `${row.sku} once in FileMaker`).toBe(1);
			expect(row.shopify, `Shopify stock of ${row.sku}`).toBe(row.fileMaker[0]);
		}
		expect(countByStatus(after)).toEqual({
			'in step': CATALOGUE_SIZE - 2,
			'only in FileMaker': scenario.missingInShopify.length,
			'only in Shopify': scenario.missingInFileMaker.length,
		});

		const execs = await waitForExecutions(ids.sync, 2, 'cli');
		expect(execs.map((e) => [e.mode, e.status])).toEqual([
			['cli', 'success'],
			['cli', 'success'],
		]);
		const summary2 = summaryOf(run2.run);
		expect(summary2).toMatchObject({ duplicateSkus: 0, failed: 0, ordersNotStored: 0, orderLinesReported: 0, applyFailures: 0, failExecution: false });
		console.log(`[e2e] sync summary: ${String(summary2?.summary)}`);
	});

	it('activated the orders workflow: the trigger subscribed at Shopify with its production URL, one per topic', async () => {
		printLogTailOnFailure();
		const trigger = triggerNode(workflows.orders);
		expect(trigger, 'orders template has the Shopify Inventory Trigger').toBeDefined();
		expect(trigger!.webhookId, 'the trigger ships a fixed webhookId').toMatch(/\S/);
		const topics = trigger!.parameters.topics as string[];
		// Activation can finish just after n8n printed "Editor is now accessible": wait (bounded).
		const deadline = Date.now() + 20_000;
		while (shop!.subscriptions().length < topics.length && Date.now() < deadline) await sleep(250);
		const subs = shop!.subscriptions();
		expect(subs.map((s) => s.topic).sort()).toEqual(topics.map((t) => t.toUpperCase().replace('/', '_')).sort());
		for (const s of subs) expect(s.uri.startsWith(`${n8n!.url}/webhook/${trigger!.webhookId}/`), s.uri).toBe(true);
	});

	it('applies a signed order webhook to FileMaker exactly once per line, even when Shopify delivers it 3 times', async () => {
		printLogTailOnFailure();
		const sub = orderCreatedSubscription();
		const [a, b] = scenario.inStep.filter((sku) => (fileMakerQuantities().get(sku)?.[0] ?? 0) >= 5);
		const before = fileMakerQuantities();
		const execsBefore = (await executionsOf(ids.orders, 'webhook')).length;
		const { order } = await shop!.createOrder({ lineItems: [{ sku: a, quantity: 2 }, { sku: b, quantity: 1 }], deliver: false });
		const eventId = `e2e-event-${Date.now()}`;
		for (let i = 0; i < 3; i++) {
			const r = await shop!.sendWebhook({ url: sub.uri, topic: sub.topic, payload: order, eventId, retries: 0 });
			expect(r.attempts.map((x) => x.status), `delivery ${i + 1}: ${r.attempts.map((x) => x.body).join(' | ')}`).toEqual([200]);
		}
		const execs = await waitForExecutions(ids.orders, execsBefore + 3, 'webhook');
		// Shopify is answered once the change is stored; the stock is applied right after the answer.
		const deadline = Date.now() + 10_000;
		const applied = () => fileMakerQuantities().get(a)?.[0] === before.get(a)![0] - 2 && fileMakerQuantities().get(b)?.[0] === before.get(b)![0] - 1;
		while (!applied() && Date.now() < deadline) await sleep(100);
		const after = fileMakerQuantities();
		expect(after.get(a)).toEqual([before.get(a)![0] - 2]);
		expect(after.get(b)).toEqual([before.get(b)![0] - 1]);
		// Nothing else moved.
		for (const [sku, q] of before) if (sku !== a && sku !== b) expect(after.get(sku), sku).toEqual(q);
		expect(execs.length).toBeGreaterThanOrEqual(execsBefore + 1);
		expect(execs.filter((e) => e.status === 'error')).toEqual([]);
	});

	it('FileMaker failing while storing an order: n8n answers 500 before the Respond node (Shopify retries), the retry stores it once', async () => {
		printLogTailOnFailure();
		const sub = orderCreatedSubscription();
		const [sku] = scenario.inStep.filter((s) => (fileMakerQuantities().get(s)?.[0] ?? 0) >= 5).slice(-1);
		const before = fileMakerQuantities();
		const execsBefore = (await executionsOf(ids.orders, 'webhook')).length;
		const { order } = await shop!.createOrder({ lineItems: [{ sku, quantity: 1 }], deliver: false });
		let failing = true;
		fm!.injectFault({
			when: (req) => failing && req.method === 'POST' && req.path.endsWith('/layouts/StockMovements/records'),
			times: Number.POSITIVE_INFINITY,
			httpStatus: 502,
			code: '-1',
			message: 'Bad gateway',
		});
		const eventId = `e2e-fail-${Date.now()}`;
		const first = await shop!.sendWebhook({ url: sub.uri, topic: sub.topic, payload: order, eventId, retries: 0 });
		failing = false;
		expect(first.attempts.map((x) => x.status), first.attempts.map((x) => x.body).join(' | ')).toEqual([500]);
		expect(first.attempts[0].body).toContain('Error in workflow');
		const failedExecs = await waitForExecutions(ids.orders, execsBefore + 1, 'webhook');
		expect(failedExecs.filter((e) => e.status === 'error')).toHaveLength(1);
		expect(fileMakerQuantities()).toEqual(before);

		const retry = await shop!.sendWebhook({ url: sub.uri, topic: sub.topic, payload: order, eventId, retries: 0 });
		expect(retry.attempts.map((x) => x.status)).toEqual([200]);
		await waitForExecutions(ids.orders, execsBefore + 2, 'webhook');
		const deadline = Date.now() + 10_000;
		while (fileMakerQuantities().get(sku)?.[0] === before.get(sku)![0] && Date.now() < deadline) await sleep(100);
		expect(fileMakerQuantities().get(sku)).toEqual([before.get(sku)![0] - 1]);
	});

	it('rejects forged and unsigned webhooks with 401 and records no execution', async () => {
		printLogTailOnFailure();
		const sub = orderCreatedSubscription();
		const [sku] = scenario.inStep.filter((s) => (fileMakerQuantities().get(s)?.[0] ?? 0) >= 5);
		const before = fileMakerQuantities();
		const { order } = await shop!.createOrder({ lineItems: [{ sku, quantity: 1 }], deliver: false });
		await sleep(500);
		const execsBefore = await executionsOf(ids.orders, 'webhook');

		const forged = await shop!.sendWebhook({ url: sub.uri, topic: sub.topic, payload: order, tamper: true, retries: 0 });
		const unsigned = await shop!.sendWebhook({ url: sub.uri, topic: sub.topic, payload: order, omitHmac: true, retries: 0 });
		const wrongSecret = await shop!.sendWebhook({
			url: sub.uri,
			topic: sub.topic,
			payload: order,
			secret: `${SHOPIFY_WEBHOOK_SECRET}-not`,
			retries: 0,
		});
		expect(forged.attempts.map((x) => x.status)).toEqual([401]);
		expect(unsigned.attempts.map((x) => x.status)).toEqual([401]);
		expect(wrongSecret.attempts.map((x) => x.status)).toEqual([401]);

		await sleep(1_500);
		const execsAfter = await executionsOf(ids.orders, 'webhook');
		expect(execsAfter.map((e) => e.id)).toEqual(execsBefore.map((e) => e.id));
		expect(fileMakerQuantities()).toEqual(before);
	});
});
