/**
 * workflows/filemaker-to-shopify-sync.json, executed in-process (n8n-core's WorkflowExecute) against
 * the FileMaker and Shopify emulators. Assertions are on the end state of both systems and on the
 * order in which the template's steps ran.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

import { credentialData } from '../filemaker/_support';
import { loadTemplate, runWorkflow, type WorkflowRunResult } from '../helpers/n8n-harness';
import { SYNC, SYNC_STEPS as STEP, moveClockForward, setAssignment, sku, type TemplateEnv, useTemplateEnv } from './_support';

let env: TemplateEnv;
useTemplateEnv((e) => (env = e), []);

afterEach(() => {
	vi.useRealTimers();
});

/** Longer than the template's hold-back margin (2 minutes): orders placed before are "old". */
const LATER = 10 * 60 * 1000;

/** The template as a user has it after the first (dry) run: dryRun set to false in Sync settings. */
async function writingTemplate() {
	const workflow = await loadTemplate(SYNC);
	setAssignment(workflow, STEP.settings, 'dryRun', false);
	return workflow;
}

const runSync = async (workflow?: Awaited<ReturnType<typeof loadTemplate>>) =>
	await runWorkflow({ workflow: workflow ?? (await writingTemplate()), credentials: env.creds });

const summaryOf = (result: WorkflowRunResult) => result.outputOf(STEP.summary)[0].json;

/** Every SKU on both sides is equal (SKU-000041 is only in FileMaker, SKU-000099 only in Shopify). */
function expectEqualOnBothSides() {
	const fmStock = env.fileMakerStock();
	const available = env.shopifyAvailable();
	for (let k = 1; k <= 40; k++) expect(available.get(sku(k)), sku(k)).toBe(fmStock.get(sku(k)));
}

const inventoryWrites = () => env.shop.requestLog.filter((r) => r.kind === 'mutation' && /InventorySetQuantities/i.test(r.operationName ?? ''));

/** The steps of a run without problems, in order. */
const CLEAN_RUN = ['Run sync now', STEP.settings, STEP.catchUp, STEP.store, STEP.apply, STEP.read, STEP.sync, STEP.summary, STEP.decide, STEP.finished];

describe('filemaker-to-shopify-sync.json', () => {
	it('as shipped, a run started with Execute workflow is a dry run; the schedule writes', async () => {
		const before = env.shopifyAvailable();
		const manual = await runWorkflow({ workflow: await loadTemplate(SYNC), credentials: env.creds });
		expect(manual.error).toBeUndefined();
		expect(summaryOf(manual)).toMatchObject({ dryRun: true, updated: 8 });
		expect(String(summaryOf(manual).summary)).toMatch(/^DRY RUN/);
		expect(inventoryWrites()).toHaveLength(0);
		expect(env.shopifyAvailable()).toEqual(before);

		const scheduled = await runWorkflow({
			workflow: await loadTemplate(SYNC),
			credentials: env.creds,
			startNode: 'Every hour',
			triggerItems: [{ json: { timestamp: new Date().toISOString() } }],
		});
		expect(scheduled.error).toBeUndefined();
		expect(summaryOf(scheduled)).toMatchObject({ dryRun: false, updated: 8 });
		expectEqualOnBothSides();
	});

	it('manual run: the steps run in their order, Shopify equals FileMaker, only the 8 differing rows are written', async () => {
		const before = env.shopifyAvailable();
		const result = await runSync();
		expect(result.error).toBeUndefined();
		expect(result.executionOrder).toEqual(CLEAN_RUN);
		expectEqualOnBothSides();
		expect(env.shopifyAvailable().get(sku(99))).toBe(before.get(sku(99))); // not in FileMaker: left alone, reported
		const summary = summaryOf(result);
		expect(summary).toMatchObject({
			compared: 40,
			updated: 8,
			unchanged: 32,
			failed: 0,
			missingInShopify: 1,
			missingInFileMaker: 1,
			ordersNotStored: 0,
			orderLinesReported: 0,
			applyFailures: 0,
			failExecution: false,
		});
		expect(String(summary.summary)).toContain('8 updated in Shopify');
		expect(inventoryWrites()).toHaveLength(1);
		expect(inventoryWrites()[0].rows).toBe(8);
	});

	it('the Schedule Trigger runs the same chain', async () => {
		const result = await runWorkflow({
			workflow: await loadTemplate(SYNC),
			credentials: env.creds,
			startNode: 'Every hour',
			triggerItems: [{ json: { timestamp: new Date().toISOString() } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.executionOrder).toEqual(['Every hour', ...CLEAN_RUN.slice(1)]);
		expectEqualOnBothSides();
	});

	it('dry run (Sync settings) writes nothing to Shopify and reports the diff the real run then applies', async () => {
		const workflow = await writingTemplate();
		setAssignment(workflow, STEP.settings, 'dryRun', true);
		const before = env.shopifyAvailable();
		const dry = await runSync(workflow);
		expect(dry.error).toBeUndefined();
		expect(env.shopifyAvailable()).toEqual(before);
		expect(inventoryWrites()).toHaveLength(0);
		const drySummary = summaryOf(dry);
		expect(drySummary).toMatchObject({ dryRun: true, updated: 8 });
		expect(String(drySummary.summary)).toMatch(/^DRY RUN/);

		const real = await runSync();
		expect(summaryOf(real)).toMatchObject({ dryRun: false, updated: 8 });
		expectEqualOnBothSides();
	});

	it('catch-up: orders whose webhooks never arrived are stored and applied once, before FileMaker is read', async () => {
		// Two orders Shopify took while the webhook workflow was down (never delivered). Shopify
		// committed their units at once: available is already lower there.
		await env.shop.placeOrder({ lineItems: [{ sku: sku(2), quantity: 2 }, { sku: null, quantity: 1 }], deliver: false });
		await env.shop.placeOrder({ lineItems: [{ sku: sku(3), quantity: 1 }], financialStatus: 'pending', deliver: false });
		expect(env.shop.webhookLog).toHaveLength(0);
		const fmBefore = env.fileMakerStock();
		moveClockForward(LATER);

		const first = await runSync();
		expect(first.error).toBeUndefined();
		expect(first.executionOrder).toEqual(CLEAN_RUN);
		const fmAfter = env.fileMakerStock();
		expect(fmAfter.get(sku(2))).toBe(fmBefore.get(sku(2))! - 2);
		// unpaid: a sale all the same (Shopify committed the unit when the order was created)
		expect(fmAfter.get(sku(3))).toBe(fmBefore.get(sku(3))! - 1);
		for (const [s, q] of fmBefore) if (s !== sku(2) && s !== sku(3)) expect(fmAfter.get(s), s).toBe(q);
		// the line without a SKU is passed over (no event), the two others stored
		expect(first.outputOf(STEP.store).map((i) => i.json.status).sort()).toEqual(['skipped', 'stored', 'stored']);
		expect(env.events().map((e) => [e.SKU, e.Change])).toEqual([
			[sku(2), -2],
			[sku(3), -1],
		]);
		expect(env.pendingEvents()).toEqual([]);
		expectEqualOnBothSides();

		// The next run sees the same orders again: stored once, applied once, nothing written.
		const second = await runSync();
		expect(second.error).toBeUndefined();
		expect(second.outputOf(STEP.store).map((i) => i.json.status).sort()).toEqual(['duplicate', 'duplicate', 'skipped']);
		expect(env.fileMakerStock()).toEqual(fmAfter);
		expect(env.events()).toHaveLength(2);
		expect(summaryOf(second)).toMatchObject({ updated: 0, unchanged: 40 });
	});

	it('a sale after the FileMaker read and before the Shopify read: no phantom units, equal once FileMaker has the order', async () => {
		const target = sku(4); // 13 on both sides
		let placed = false;
		env.shop.onRequest(
			(r) => r.kind === 'query' && /level/i.test(r.operationName ?? ''),
			async () => {
				await env.shop.placeOrder({ lineItems: [{ sku: target, quantity: 3 }], deliver: false });
				placed = true;
			},
		);
		const result = await runSync();
		expect(placed).toBe(true);
		expect(result.error).toBeUndefined();
		// FileMaker still says 13 (it has not heard of the order), Shopify sold 3: available stays 10,
		// not 13 (three units that no longer exist).
		expect(env.fileMakerStock().get(target)).toBe(13);
		expect(env.shopifyAvailable().get(target)).toBe(10);
		expect(summaryOf(result).heldBackUnits).toBe(3);

		// An hour later the next run's catch-up stores and applies the order: both sides equal, nothing
		// held back any more.
		moveClockForward(60 * 60 * 1000);
		const next = await runSync();
		expect(next.error).toBeUndefined();
		expect(env.fileMakerStock().get(target)).toBe(10);
		expectEqualOnBothSides();
	});

	it('a sale between the Shopify read and the write: the write does not bring the units back', async () => {
		const target = sku(1); // FileMaker 10, Shopify 13: in the write
		let placed = false;
		env.shop.onRequest(
			(r) => r.fields.includes('inventorySetQuantities'),
			async () => {
				await env.shop.placeOrder({ lineItems: [{ sku: target, quantity: 2 }], deliver: false });
				placed = true;
			},
		);
		const result = await runSync();
		expect(placed).toBe(true);
		expect(result.error).toBeUndefined();
		// Sold 2 of FileMaker's 10: 8 may be offered, not 10.
		expect(env.shopifyAvailable().get(target)).toBe(8);
		expect(env.shop.levels().get(target)?.committed).toBe(2);
		for (let k = 2; k <= 40; k++) expect(env.shopifyAvailable().get(sku(k)), sku(k)).toBe(env.fileMakerStock().get(sku(k)));

		moveClockForward(60 * 60 * 1000);
		const next = await runSync();
		expect(next.error).toBeUndefined();
		expect(env.fileMakerStock().get(target)).toBe(8);
		expectEqualOnBothSides();
	});

	it('a missed order with a Shopify-only SKU and a FileMaker SKU: every other SKU written, the line applied, the unknown line reported, the next run clean', async () => {
		await env.shop.placeOrder({ lineItems: [{ sku: sku(99), quantity: 1 }, { sku: sku(2), quantity: 2 }], deliver: false });
		const fmBefore = env.fileMakerStock();
		moveClockForward(LATER);

		const first = await runSync();
		expect(first.error).toBeUndefined();
		// the side branch of the store step's error output runs after the chain (as drawn)
		expect(first.executionOrder).toEqual([...CLEAN_RUN, STEP.reported]);
		expect(env.fileMakerStock().get(sku(2))).toBe(fmBefore.get(sku(2))! - 2);
		const reported = first.outputOf(STEP.reported).map((i) => i.json);
		expect(reported).toHaveLength(1);
		expect(reported[0]).toMatchObject({ sku: sku(99), details: { retryable: false } });
		expect(String(reported[0].error)).toContain(sku(99));
		expect(summaryOf(first)).toMatchObject({ updated: 8, orderLinesReported: 1, ordersNotStored: 0, failExecution: false });
		expectEqualOnBothSides();

		// Still inside the catch-up window: reported again, nothing applied twice, nothing written.
		const second = await runSync();
		expect(second.error).toBeUndefined();
		expect(second.ran(STEP.finished)).toBe(true);
		expect(env.fileMakerStock().get(sku(2))).toBe(fmBefore.get(sku(2))! - 2);
		expect(summaryOf(second)).toMatchObject({ updated: 0, orderLinesReported: 1 });
		expect(inventoryWrites()).toHaveLength(1);
	});

	it('FileMaker failing while storing a missed order: that SKU is not written, the rest is, the run fails and the next one repairs it', async () => {
		await env.shop.placeOrder({ lineItems: [{ sku: sku(7), quantity: 4 }], deliver: false }); // FileMaker and Shopify 16 → Shopify 12
		moveClockForward(LATER);
		// SKU-000011 is out of step (FileMaker 20, Shopify 23): must still be written.
		env.fm.injectFault({
			when: (req) => req.method === 'POST' && req.path.endsWith('/layouts/StockMovements/records'),
			times: 1,
			httpStatus: 502,
			code: '-1',
			message: 'Bad gateway',
		});
		const first = await runSync();
		expect(first.error?.message).toMatch(/^Stock sync needs attention\. .*1 missed order lines could not be stored in FileMaker/);
		expect(first.error?.node?.name).toBe(STEP.fail);
		expect(summaryOf(first)).toMatchObject({ ordersNotStored: 1, failExecution: true });
		// FileMaker does not know the sale yet: writing 16 would offer 4 sold units again.
		expect(env.fileMakerStock().get(sku(7))).toBe(16);
		expect(env.shopifyAvailable().get(sku(7))).toBe(12);
		expect(env.shopifyAvailable().get(sku(11))).toBe(20);

		const second = await runSync();
		expect(second.error).toBeUndefined();
		expect(env.fileMakerStock().get(sku(7))).toBe(12);
		expectEqualOnBothSides();
	});

	it('FileMaker failing while applying: the stored sales stay pending and are subtracted, the run fails and the next one applies them', async () => {
		await env.shop.placeOrder({ lineItems: [{ sku: sku(8), quantity: 5 }], deliver: false }); // 17 on both sides → Shopify 12
		moveClockForward(LATER); // older than the hold-back window: only the pending event can keep the 5 units back
		let applyFailing = true;
		env.fm.injectFault({
			when: (req) => applyFailing && req.method === 'PATCH' && req.path.includes('/layouts/Stock/records/'),
			times: Number.POSITIVE_INFINITY,
			httpStatus: 502,
			code: '-1',
			message: 'Bad gateway',
		});
		const first = await runSync();
		expect(summaryOf(first)).toMatchObject({ applyFailures: 1, failExecution: true });
		expect(first.error?.message).toMatch(/1 SKUs have stock events FileMaker could not apply yet/);
		expect(env.fileMakerStock().get(sku(8))).toBe(17);
		expect(env.pendingEvents().map((e) => [e.SKU, e.Change])).toEqual([[sku(8), -5]]);
		// 17 recorded, 5 sold and not applied: 12 may be offered, as Shopify already shows.
		expect(env.shopifyAvailable().get(sku(8))).toBe(12);
		expect(first.outputOf(STEP.read).find((i) => i.json.sku === sku(8))?.json.quantity).toBe(12);

		applyFailing = false;
		const second = await runSync();
		expect(second.error).toBeUndefined();
		expect(env.fileMakerStock().get(sku(8))).toBe(12);
		expect(env.pendingEvents()).toEqual([]);
		expectEqualOnBothSides();
	});

	it('an invalid FileMaker quantity is reported and the run succeeds; with failOnDataProblems it fails', async () => {
		env.fm.seed('Stock', [{ SKU: sku(50), Quantity: 'n/a' }]);
		const reported = await runSync();
		expect(reported.error).toBeUndefined();
		expect(summaryOf(reported)).toMatchObject({ invalidQuantities: 1, failExecution: false });
		expect(String(summaryOf(reported).summary)).toContain('1 invalid quantities');
		expectEqualOnBothSides();

		const workflow = await writingTemplate();
		setAssignment(workflow, STEP.settings, 'failOnDataProblems', true);
		const strict = await runSync(workflow);
		expect(strict.error?.message).toMatch(/1 FileMaker records have a quantity that is not a whole number \(you chose to fail on these/);
	});

	it('FileMaker unreachable: the execution fails with what to check, and Shopify is not written', async () => {
		env.creds.set('fileMakerDataApi', credentialData(env.fm, { host: 'http://127.0.0.1:9' }));
		const before = env.shopifyAvailable();
		const result = await runSync();
		expect(result.error!.message).toBe(
			'Could not reach the FileMaker host http://127.0.0.1:9 (connection refused). Check the Host: it should be the address of FileMaker Server, e.g. https://fms.example.com.',
		);
		expect(result.error!.node?.name).toBe(STEP.apply);
		expect(result.ran(STEP.sync)).toBe(false);
		expect(env.shop.requestLog.filter((l) => l.kind === 'mutation')).toHaveLength(0);
		expect(env.shopifyAvailable()).toEqual(before);
	});
});
