/**
 * Stock truth on the Shopify side (docs/stock-model.md): Inventory → Sync never offers sold units again
 * (hold-back of recent orders, re-read on a stale write), and one row never stops the others.
 * In-process n8n (WorkflowExecute) against the Shopify emulator; sales are placed while a given request
 * is being answered (`onRequest`).
 */
import type { IDataObject } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startShopifyEmulator, type EmulatorRequestInfo, type ShopifyEmulator } from '../emulators/shopify';
import { runNode } from '../helpers/n8n-harness';
import { availableBySku, locationParam, mutationsOf, runSync, skus, tokenCredentials } from './helpers';

let emu: ShopifyEmulator;
beforeAll(async () => {
	emu = await startShopifyEmulator();
});
afterAll(async () => emu?.close());
beforeEach(() => {
	emu.reset();
	emu.setOptions({ bulkReadsAt: 'start', stockRules: { allOrNothing: true, protectedCustomerDataApproved: true, unapprovedOrderReads: 'empty' } });
});

const isLevelsRead = (r: EmulatorRequestInfo) =>
	r.operationName === 'LocationLevelsPage' || r.operationName === 'InventoryItemsBySku';
const isHoldBackRead = (r: EmulatorRequestInfo) => r.operationName === 'ShopifyInventoryHoldBackOrders';
const isSetWrite = (r: EmulatorRequestInfo) => r.fields.includes('inventorySetQuantities');

/** A hold-back time just before now on the emulator's clock (what the template passes: catch-up start − margin). */
function sinceNow(marginMs = 60_000): string {
	return new Date(emu.clock.now() - marginMs).toISOString();
}

/** No phantom units: for every SKU, Shopify available ≤ FileMaker's quantity − units FileMaker has not applied. */
function expectNoPhantomUnits(fileMaker: Record<string, number>, unapplied: Record<string, number>, exact = true) {
	const state = availableBySku(emu);
	const offending: string[] = [];
	for (const [sku, quantity] of Object.entries(fileMaker)) {
		const bound = Math.max(0, quantity - (unapplied[sku] ?? 0));
		if (state[sku] > bound || (exact && state[sku] !== bound)) offending.push(`${sku}: available ${state[sku]}, bound ${bound}`);
	}
	expect(offending).toEqual([]);
}

describe('no phantom units (paged read)', () => {
	it('a sale after the FileMaker read and before the Shopify read is held back; equality once FileMaker has it', async () => {
		const all = skus(20);
		emu.seed({ items: all.map((sku) => ({ sku, available: 10 })) });
		const fileMaker = Object.fromEntries(all.map((sku) => [sku, 10]));
		const since = sinceNow();
		// FileMaker was read (10), then the sale, then the sync reads Shopify.
		await emu.placeOrder({ lineItems: [{ sku: all[3], quantity: 3 }], deliver: false });
		const r = await runSync(emu, tokenCredentials(emu), all.map((sku) => ({ sku, quantity: fileMaker[sku] })), {
			output: 'summaryAndDetails',
			options: { holdBackOrdersSince: since },
		});
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ updated: 0, unchanged: 20, holdBackOrders: 1, heldBackUnits: 3, heldBackSkus: 1 });
		expect(r.details).toEqual([
			expect.objectContaining({ sku: all[3], status: 'unchanged', from: 7, to: 7, fileMakerQuantity: 10, heldBackUnits: 3 }),
		]);
		expectNoPhantomUnits(fileMaker, { [all[3]]: 3 });
		// Without the hold-back the same sync would have offered the 3 sold units again.
		expect(emu.levels().get(all[3])).toMatchObject({ available: 7, committed: 3 });

		// FileMaker applied the order (10 → 7); the next run's hold-back window starts after it.
		fileMaker[all[3]] = 7;
		const next = await runSync(emu, tokenCredentials(emu), all.map((sku) => ({ sku, quantity: fileMaker[sku] })), {
			options: { holdBackOrdersSince: new Date(emu.clock.now() + 1000).toISOString() },
		});
		expect(next.error).toBeUndefined();
		expect(next.summary).toMatchObject({ updated: 0, holdBackOrders: 0, heldBackUnits: 0 });
		expectNoPhantomUnits(fileMaker, {});
	});

	it.each([
		['between the Shopify read and the hold-back read', 'levels'],
		['while the hold-back orders are answered (not in them)', 'holdBack'],
		['while the write is received', 'write'],
	])('a sale %s: the stale write re-reads the level and the orders', async (_label, when) => {
		const all = skus(10);
		emu.seed({ items: all.map((sku) => ({ sku, available: 10 })) });
		// A delivery of 2 reached FileMaker: the sync has to write 12 − sold units.
		const fileMaker = Object.fromEntries(all.map((sku) => [sku, 12]));
		const target = all[5];
		const since = sinceNow();
		let placed = 0;
		const sell = async () => {
			placed++;
			await emu.placeOrder({ lineItems: [{ sku: target, quantity: 3 }], financialStatus: 'pending', deliver: false });
		};
		if (when === 'levels') emu.onRequest(isLevelsRead, sell, { phase: 'answered' });
		if (when === 'holdBack') emu.onRequest(isHoldBackRead, sell, { phase: 'answered' });
		if (when === 'write') emu.onRequest(isSetWrite, sell, { phase: 'received' });
		const r = await runSync(emu, tokenCredentials(emu), all.map((sku) => ({ sku, quantity: fileMaker[sku] })), {
			options: { holdBackOrdersSince: since },
		});
		expect(placed).toBe(1);
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ failed: 0, retryable: 0 });
		expectNoPhantomUnits(fileMaker, { [target]: 3 });
		expect(emu.levels().get(target)).toMatchObject({ available: 9, committed: 3 });
		if (when !== 'levels') expect(r.summary.staleRetries).toBe(1);

		// Once FileMaker has the order (12 → 9) and the window has moved on: still equal.
		fileMaker[target] = 9;
		const next = await runSync(emu, tokenCredentials(emu), all.map((sku) => ({ sku, quantity: fileMaker[sku] })), {
			options: { holdBackOrdersSince: new Date(emu.clock.now() + 1000).toISOString() },
		});
		expect(next.summary).toMatchObject({ updated: 0, failed: 0 });
		expectNoPhantomUnits(fileMaker, {});
	});

	it('an unpaid order holds its units back; its cancellation gives them back once', async () => {
		emu.seed({ items: [{ sku: 'UNPAID', available: 10 }, { sku: 'OTHER', available: 4 }] });
		const since = sinceNow();
		const { orderId } = await emu.placeOrder({ lineItems: [{ sku: 'UNPAID', quantity: 2 }], financialStatus: 'pending', deliver: false });
		const input = [{ sku: 'UNPAID', quantity: 10 }, { sku: 'OTHER', quantity: 4 }];
		const first = await runSync(emu, tokenCredentials(emu), input, { options: { holdBackOrdersSince: since } });
		expect(first.summary).toMatchObject({ updated: 0, heldBackUnits: 2 });
		expect(emu.levels().get('UNPAID')!.available).toBe(8);

		await emu.cancelOrderEvent(orderId, { deliver: false });
		expect(emu.levels().get('UNPAID')).toMatchObject({ available: 10, committed: 0 });
		// FileMaker (sale −2, cancel +2) still says 10; the cancelled order holds nothing back.
		const second = await runSync(emu, tokenCredentials(emu), input, { options: { holdBackOrdersSince: since } });
		expect(second.error).toBeUndefined();
		expect(second.summary).toMatchObject({ updated: 0, holdBackOrders: 1, heldBackUnits: 0 });
		expect(emu.levels().get('UNPAID')).toMatchObject({ available: 10, on_hand: 10 });
	});

	it('only tracked lines at this location count; never below 0; gift cards and custom lines hold nothing', async () => {
		emu.seed({
			locations: [{ name: 'Shop location', primary: true }, { name: 'Warehouse' }],
			items: [
				{ sku: 'A', available: 5 },
				{ sku: 'B', available: 5 },
				{ sku: 'CARD', available: 5 },
			],
		});
		emu.configureItem('CARD', { giftCard: true });
		const since = sinceNow();
		await emu.placeOrder({
			lineItems: [
				{ sku: 'A', quantity: 4 },
				{ sku: 'CARD', quantity: 1 },
				{ sku: null, quantity: 2, title: 'Gift wrap' },
			],
			deliver: false,
		});
		await emu.placeOrder({ lineItems: [{ sku: 'A', quantity: 3 }], deliver: false });
		// An order at another location holds nothing here.
		await emu.placeOrder({ lineItems: [{ sku: 'B', quantity: 2 }], locationId: emu.location('Warehouse').id, deliver: false });
		const r = await runSync(
			emu,
			tokenCredentials(emu),
			[
				{ sku: 'A', quantity: 6 },
				{ sku: 'B', quantity: 5 },
				{ sku: 'CARD', quantity: 5 },
			],
			{ options: { holdBackOrdersSince: since } },
		);
		expect(r.error).toBeUndefined();
		// A: FileMaker 6 − 7 held back → 0 (never below 0).
		expect(r.summary).toMatchObject({ heldBackUnits: 7, holdBackOrders: 3, heldBackSkus: 1 });
		expect(emu.levels().get('A')!.available).toBe(0);
		expect(emu.levels().get('B')!.available).toBe(5);
		expect(emu.levels().get('CARD')!.available).toBe(5);
	});

	it('Shopify refusing order data (no protected customer data approval) fails clearly, nothing written', async () => {
		emu.seed({ items: [{ sku: 'A', available: 1 }] });
		emu.setOptions({ stockRules: { protectedCustomerDataApproved: false, unapprovedOrderReads: 'access-denied' } });
		const r = await runSync(emu, tokenCredentials(emu), [{ sku: 'A', quantity: 5 }], { options: { holdBackOrdersSince: sinceNow() } });
		expect(r.error?.message).toMatch(/not approved for protected customer data/);
		expect(String(r.error?.description)).toMatch(/Dev Dashboard.*Protected customer data access/);
		expect(mutationsOf(emu)).toEqual([]);
		expect(emu.levels().get('A')!.available).toBe(1);
	});
});

describe.each([['start'], ['completion']] as const)('no phantom units at 10,000 SKUs through the bulk read (bulkReadsAt %s)', (bulkReadsAt) => {
	it('a sale while the bulk operation runs and one between the read and the write', async () => {
		emu.setOptions({ bulkReadsAt });
		const all = skus(10_000);
		emu.seed({ items: all.map((sku, i) => ({ sku, available: 10 + (i % 5) })) });
		// FileMaker: 5 % changed by deliveries, the rest as Shopify.
		const fileMaker = Object.fromEntries(all.map((sku, i) => [sku, 10 + (i % 5) + (i % 20 === 0 ? 2 : 0)]));
		const duringBulk = all[40]; // changed in FileMaker: will be written
		const duringBulkUnchanged = all[41]; // not changed in FileMaker
		const beforeWrite = all[60]; // changed in FileMaker
		const since = sinceNow();
		const sales: Record<string, number> = { [duringBulk]: 3, [duringBulkUnchanged]: 2, [beforeWrite]: 4 };
		emu.onRequest(
			(r) => r.fields.includes('node') || r.fields.includes('currentBulkOperation'),
			async () => {
				await emu.placeOrder({ lineItems: [{ sku: duringBulk, quantity: 3 }, { sku: duringBulkUnchanged, quantity: 2 }], deliver: false });
			},
		);
		emu.onRequest(isSetWrite, async () => {
			await emu.placeOrder({ lineItems: [{ sku: beforeWrite, quantity: 4 }], financialStatus: 'pending', deliver: false });
		});
		const r = await runSync(emu, tokenCredentials(emu), all.map((sku) => ({ sku, quantity: fileMaker[sku] })), {
			options: { readMode: 'bulk', holdBackOrdersSince: since },
		});
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ readMode: 'bulk', compared: 10_000, failed: 0, retryable: 0, holdBackOrders: 2, heldBackUnits: 9 });
		expectNoPhantomUnits(fileMaker, sales);
		console.log(
			`10k sync with hold-back (bulkReadsAt ${bulkReadsAt}): apiCalls=${String(r.summary.apiCalls)} writeCalls=${String(r.summary.writeCalls)} staleRetries=${String(r.summary.staleRetries)} costUsed=${String(r.summary.costUsed)}`,
		);

		// FileMaker learns the orders; the window moves on: equality.
		for (const [sku, units] of Object.entries(sales)) fileMaker[sku] -= units;
		const next = await runSync(emu, tokenCredentials(emu), all.map((sku) => ({ sku, quantity: fileMaker[sku] })), {
			options: { readMode: 'bulk', holdBackOrdersSince: new Date(emu.clock.now() + 1000).toISOString() },
		});
		expect(next.summary).toMatchObject({ updated: 0, failed: 0 });
		expectNoPhantomUnits(fileMaker, {});
	});
});

describe('one row never stops the others', () => {
	it('300 rows with a bundle parent, an untracked, an unstocked, a deleted and a late bundle item: all others written', async () => {
		const all = skus(300);
		emu.seed({ items: all.map((sku) => ({ sku, available: 1 })) });
		const bundle = all[10];
		const untracked = all[20];
		const deleted = all[260]; // second batch
		const lateBundle = all[30]; // becomes a bundle parent after the read: NON_MUTABLE at write time
		emu.configureItem(bundle, { requiresComponents: true });
		emu.configureItem(untracked, { tracked: false });
		emu.onRequest(isSetWrite, () => {
			emu.configureItem(deleted, { deleted: true });
			emu.configureItem(lateBundle, { requiresComponents: true });
		});
		const input = [...all.map((sku) => ({ sku, quantity: 2 })), { sku: 'NOT-STOCKED-HERE', quantity: 2 }];
		const r = await runSync(emu, tokenCredentials(emu), input, { output: 'summaryAndDetails' });
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({
			updated: 296,
			bundleParents: 2,
			untracked: 1,
			deletedItems: 1,
			missingInShopify: 1,
			failed: 2, // refused at write time: the late bundle and the deleted item
			retryable: 0,
			needsAttention: 0,
		});
		const statusOf = (sku: string) => r.details.find((d) => d.sku === sku)?.status;
		expect([statusOf(bundle), statusOf(lateBundle), statusOf(untracked), statusOf(deleted), statusOf('NOT-STOCKED-HERE')]).toEqual([
			'bundleParent',
			'bundleParent',
			'untracked',
			'deletedItem',
			'missingInShopify',
		]);
		const state = availableBySku(emu);
		const skipped = new Set([bundle, untracked, deleted, lateBundle]);
		for (const sku of all) expect(state[sku], sku).toBe(skipped.has(sku) ? 1 : 2);
		// Every problem item is paired with its input item.
		for (const sku of [bundle, untracked, deleted, lateBundle]) {
			const item = r.items.find((i) => i.json.sku === sku)!;
			expect(item.pairedItem).toEqual({ item: all.indexOf(sku) });
		}
	});

	it('if Shopify applied the good rows of a refused call (the other reading of the docs), the resend applies nothing twice and no sale is overwritten', async () => {
		emu.setOptions({ stockRules: { allOrNothing: false, protectedCustomerDataApproved: true, unapprovedOrderReads: 'empty' } });
		const all = skus(300);
		emu.seed({ items: all.map((sku) => ({ sku, available: 1 })) });
		const lateBundle = all[30];
		const sold = all[40];
		// At the first write the item turns into a bundle parent (refused at write time), and a sale takes
		// one unit of another row of the same call.
		emu.onRequest(
			isSetWrite,
			() => {
				emu.configureItem(lateBundle, { requiresComponents: true });
				void emu.placeOrder({ lineItems: [{ sku: sold, quantity: 1 }], deliver: false });
			},
			{ times: 1 },
		);
		const input = all.map((sku) => ({ sku, quantity: 2 }));
		const r = await runSync(emu, tokenCredentials(emu), input, { output: 'summaryAndDetails', options: { holdBackOrdersSince: sinceNow() } });
		expect(r.error).toBeUndefined();
		const state = availableBySku(emu);
		for (const sku of all) {
			if (sku === lateBundle) expect(state[sku], sku).toBe(1);
			else if (sku === sold) expect(state[sku], `${sku}: sold during the write, held back`).toBe(1);
			else expect(state[sku], sku).toBe(2);
		}
		expect(r.summary).toMatchObject({ bundleParents: 1, retryable: 0, needsAttention: 0 });
	});

	it('an item no longer stocked at the location when written (2026-04: ITEM_NOT_STOCKED_AT_LOCATION) is reported; the rest is written', async () => {
		emu.seed({ items: skus(6).map((sku) => ({ sku, available: 1 })) });
		emu.injectFault({
			when: (req) => req.operationName === 'InventorySetQuantities',
			times: 1,
			status: 200,
			body: JSON.stringify({
				data: {
					inventorySetQuantities: {
						inventoryAdjustmentGroup: null,
						userErrors: [
							{ field: ['input', 'quantities', '2', 'inventoryItemId'], message: 'The item is not stocked at the location.', code: 'ITEM_NOT_STOCKED_AT_LOCATION' },
						],
					},
				},
			}),
		});
		const r = await runSync(emu, tokenCredentials(emu, { apiVersion: '2026-04' }), skus(6).map((sku) => ({ sku, quantity: 3 })), {
			output: 'summaryAndDetails',
		});
		expect(r.error).toBeUndefined();
		expect(r.summary).toMatchObject({ updated: 5, notStocked: 1, failed: 1, needsAttention: 0 });
		expect(r.details.find((d) => d.status === 'notStocked')).toMatchObject({ sku: skus(6)[2], code: 'ITEM_NOT_STOCKED_AT_LOCATION' });
		expect(Object.values(availableBySku(emu))).toEqual([3, 3, 1, 3, 3, 3]);
	});

	it('problem items go to the error output when On Error chose it', async () => {
		emu.seed({ items: [{ sku: 'OK', available: 1 }, { sku: 'BUNDLE', available: 1 }] });
		emu.configureItem('BUNDLE', { requiresComponents: true });
		const { runWorkflow } = await import('../helpers/n8n-harness');
		const creds = tokenCredentials(emu);
		const stored = creds.get('shopifyInventoryApi')!;
		const run = await runWorkflow({
			credentials: creds,
			workflow: {
				nodes: [
					{ id: 't', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					{
						id: 'i',
						name: 'Input',
						type: 'test.inputItems',
						typeVersion: 1,
						position: [200, 0],
						parameters: { items: JSON.stringify([{ json: { sku: 'OK', quantity: 3 } }, { json: { sku: 'BUNDLE', quantity: 3 } }]) },
					},
					{
						id: 'n',
						name: 'Sync',
						type: 'n8n-nodes-filemaker-shopify.shopifyInventory',
						typeVersion: 1,
						position: [400, 0],
						onError: 'continueErrorOutput',
						parameters: { resource: 'inventory', operation: 'sync', location: locationParam(emu), output: 'summaryAndDetails' },
						credentials: { shopifyInventoryApi: { id: stored.id, name: stored.name } },
					},
				],
				connections: {
					Start: { main: [[{ node: 'Input', type: 'main', index: 0 }]] },
					Input: { main: [[{ node: 'Sync', type: 'main', index: 0 }]] },
				},
			},
		});
		const task = run.run.data.resultData.runData.Sync[0];
		const [main, errors] = task.data!.main as Array<Array<{ json: IDataObject }>>;
		expect(main.map((i) => i.json.status ?? i.json.operation)).toEqual(['sync', 'updated']);
		expect(errors.length).toBe(1);
		expect(errors[0].json.error).toMatch(/bundle/);
		expect(errors[0].json.details).toMatchObject({ sku: 'BUNDLE', status: 'bundleParent' });
		expect(emu.levels().get('OK')!.available).toBe(3);
	});

	it('SKUs Not to Write (text or array) are compared and reported as heldBack, never written', async () => {
		emu.seed({ items: skus(5).map((sku) => ({ sku, available: 1 })) });
		const input = skus(5).map((sku) => ({ sku, quantity: 4 }));
		for (const skipSkus of [`${skus(5)[1]},\n ${skus(5)[3]}`, [skus(5)[1], skus(5)[3]]]) {
			emu.reset();
			emu.seed({ items: skus(5).map((sku) => ({ sku, available: 1 })) });
			const r = await runSync(emu, tokenCredentials(emu), input, { output: 'summaryAndDetails', options: { skipSkus } });
			expect(r.error).toBeUndefined();
			expect(r.summary).toMatchObject({ updated: 3, heldBack: 2, compared: 5 });
			expect(r.details.filter((d) => d.status === 'heldBack').map((d) => [d.sku, d.from, d.to])).toEqual([
				[skus(5)[1], 1, 4],
				[skus(5)[3], 1, 4],
			]);
			expect(Object.values(availableBySku(emu))).toEqual([4, 1, 4, 1, 4]);
		}
	});

	it('a sale during every write exhausts Max Stale Retries: counted retryable; the execution fails unless Continue On Fail', async () => {
		emu.seed({ items: [{ sku: 'BUSY', available: 10 }, { sku: 'CALM', available: 1 }] });
		const input = [{ sku: 'BUSY', quantity: 20 }, { sku: 'CALM', quantity: 2 }];
		const sellBusy = () => emu.placeOrder({ lineItems: [{ sku: 'BUSY', quantity: 1 }], deliver: false }).then(() => undefined);
		emu.onRequest(isSetWrite, sellBusy, { times: 10 });
		const failing = await runSync(emu, tokenCredentials(emu), input, { options: { maxStaleRetries: 1 } });
		expect(failing.error?.message).toMatch(/1 row\(s\) were not written because Shopify asked to try again; 1 other row\(s\) were written/);
		expect(emu.levels().get('CALM')!.available).toBe(2);

		emu.reset();
		emu.seed({ items: [{ sku: 'BUSY', available: 10 }, { sku: 'CALM', available: 1 }] });
		emu.onRequest(isSetWrite, sellBusy, { times: 10 });
		const reported = await runSync(emu, tokenCredentials(emu), input, { options: { maxStaleRetries: 1 }, output: 'summaryAndDetails' }, true);
		expect(reported.error).toBeUndefined();
		expect(reported.summary).toMatchObject({ updated: 1, retryable: 1, needsAttention: 0, staleRetries: 1 });
		expect(reported.details.find((d) => d.sku === 'BUSY')).toMatchObject({ status: 'retryable' });
	});

	it.each([['three'], ['1.5'], ['-1']])('Max Stale Retries "%s" is refused clearly (no endless loop, nothing written)', async (value) => {
		emu.seed({ items: [{ sku: 'A', available: 1 }] });
		const r = await runSync(emu, tokenCredentials(emu), [{ sku: 'A', quantity: 2 }], { options: { maxStaleRetries: value } });
		expect(r.error?.message).toBe(`"Max Stale Retries" must be a whole number of 0 or more, not "${value}"`);
		expect(emu.requestLog.filter((l) => l.kind === 'mutation')).toEqual([]);
	});

	it('Max Stale Retries given as text holding a whole number is used', async () => {
		emu.seed({ items: [{ sku: 'A', available: 1 }] });
		const r = await runSync(emu, tokenCredentials(emu), [{ sku: 'A', quantity: 2 }], { options: { maxStaleRetries: '2' } });
		expect(r.error).toBeUndefined();
		expect(emu.levels().get('A')!.available).toBe(2);
	});
});

function runAdjust(input: IDataObject[], options: IDataObject = {}, continueOnFail = false) {
	return runNode({
		type: 'shopifyInventory',
		parameters: {
			resource: 'inventory',
			operation: 'adjust',
			location: locationParam(emu),
			sku: '={{ $json.sku }}',
			delta: '={{ $json.delta }}',
			options,
		},
		input,
		credentials: tokenCredentials(emu),
		continueOnFail,
	});
}

describe('retryable userErrors (inventoryAdjustQuantities)', () => {
	it.each([['ADJUST_QUANTITIES_FAILED'], ['SERVICE_UNAVAILABLE']])('%s on one batch of 300 rows: that batch is retried, every row applied once', async (code) => {
		const all = skus(300);
		emu.seed({ items: all.map((sku) => ({ sku, available: 5 })) });
		emu.injectInventoryUserError({ code, mutation: 'adjust', times: 1, when: (rows) => rows === 50 });
		const r = await runAdjust(all.map((sku) => ({ sku, delta: -1 })));
		expect(r.error).toBeUndefined();
		expect(r.items.every((i) => i.json.status === 'updated')).toBe(true);
		const writes = mutationsOf(emu, 'InventoryAdjustQuantities');
		expect(writes.map((w) => w.rows)).toEqual([250, 50, 50]);
		expect(writes[1].idempotencyKey).toBe(writes[2].idempotencyKey); // the same operation, retried
		for (const sku of all) expect(emu.levels().get(sku)!.available).toBe(4);
	});

	it('still failing after the retries: the execution fails as retryable, the other batch is written', async () => {
		const all = skus(300);
		emu.seed({ items: all.map((sku) => ({ sku, available: 5 })) });
		emu.injectInventoryUserError({ code: 'SERVICE_UNAVAILABLE', mutation: 'adjust', times: 100, when: (rows) => rows === 50 });
		const r = await runAdjust(all.map((sku) => ({ sku, delta: -1 })), {}, true);
		const failed = r.items.filter((i) => i.json.status === 'failed');
		expect(failed.length).toBe(50);
		expect(failed[0].json).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
		expect(String(failed[0].json.error)).toMatch(/try again/);
		for (const [i, sku] of all.entries()) expect(emu.levels().get(sku)!.available).toBe(i < 250 ? 4 : 5);
	});
});

describe('Adjust with quantity name On Hand', () => {
	it('sends a ledger document and Shopify accepts it', async () => {
		emu.seed({ items: [{ sku: 'A', available: 5 }] });
		const r = await runAdjust([{ sku: 'A', delta: 3 }], { quantityName: 'on_hand' });
		expect(r.error).toBeUndefined();
		expect(r.items[0].json).toMatchObject({ status: 'updated', quantityName: 'on_hand', delta: 3 });
		expect(emu.levels().get('A')).toMatchObject({ on_hand: 8, available: 8 });
	});

	it('uses the Ledger Document URI option when given', async () => {
		emu.seed({ items: [{ sku: 'A', available: 5 }] });
		const r = await runAdjust([{ sku: 'A', delta: -2 }], { quantityName: 'on_hand', ledgerDocumentUri: 'gid://my-app/StockCount/42' });
		expect(r.error).toBeUndefined();
		const body = emu.requestLog.find((l) => l.operationName === 'InventoryAdjustQuantities');
		expect(body).toBeDefined();
		expect(emu.levels().get('A')).toMatchObject({ on_hand: 3 });
	});
});

describe('protected customer data: the catch-up (Order → Get Many)', () => {
	it('fails with what to request instead of returning no orders, when Shopify denies order access', async () => {
		emu.seed({ items: [{ sku: 'A', available: 5 }] });
		await emu.placeOrder({ lineItems: [{ sku: 'A', quantity: 1 }], deliver: false });
		emu.setOptions({ stockRules: { protectedCustomerDataApproved: false, unapprovedOrderReads: 'access-denied' } });
		const r = await runNode({
			type: 'shopifyInventory',
			parameters: { resource: 'order', operation: 'getMany', updatedSince: new Date(emu.clock.now() - 3_600_000).toISOString() },
			credentials: tokenCredentials(emu),
		});
		expect(r.error?.message).toMatch(/not approved for protected customer data/);
		expect(String(r.error?.description)).toMatch(/Dev Dashboard.*request access to protected customer data/);
	});
});
