/**
 * Inventory → Adjust applies each caller change (Change Key) at most once: after a partial failure, on a
 * re-run and with n8n's Retry On Fail, also when Shopify applies a repeated `@idempotent` key again
 * (emulator switch reapplyRepeatedAdjustKey, after the public report in the reference facts).
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { runMetafieldsSet, metafieldDigest, type MetafieldRec } from '../emulators/shopify/metafields';
import { runNode, runWorkflow, type WorkflowJson } from '../helpers/n8n-harness';
import {
	changeKeyOf,
	decideRow,
	hashChangeKey,
	LEDGER_MAX_ENTRIES,
	parseLedger,
	pendingGroups,
	updateLedger,
	type LedgerEntry,
} from '../../nodes/ShopifyInventory/logic/changeLedger';
import { adjustSummary } from '../../nodes/ShopifyInventory/actions/inventory/write';
import { requestedQueryCost, SINGLE_QUERY_MAX_COST } from '../../nodes/shared/shopify/queryCost';
import { CHANGE_LEDGER_READ_QUERY } from '../../nodes/ShopifyInventory/transport/changeLedger.documents';
import { LEDGER_READ_BATCH } from '../../nodes/ShopifyInventory/transport/changeLedger';
import { locationParam, mutationsOf, skus, tokenCredentials } from './helpers';

let emu: ShopifyEmulator;
beforeAll(async () => {
	// A Shopify Plus bucket: these tests are about what is applied, not about waiting for points.
	emu = await startShopifyEmulator({ bucket: { maximumAvailable: 20_000, restoreRate: 1000 } });
});
afterAll(async () => emu?.close());
beforeEach(() => {
	emu.reset();
	emu.setOptions({ stockRules: { reapplyRepeatedAdjustKey: false } });
});

const adjustParameters = (options: IDataObject = {}) => ({
	resource: 'inventory',
	operation: 'adjust',
	location: locationParam(emu),
	sku: '={{ $json.sku }}',
	delta: '={{ $json.delta }}',
	options,
});

function runAdjust(input: IDataObject[], continueOnFail = false) {
	return runNode({ type: 'shopifyInventory', parameters: adjustParameters(), input, credentials: tokenCredentials(emu), continueOnFail });
}

/** The same node in a workflow with n8n's Retry On Fail (2 tries, no wait). */
async function runAdjustWithRetryOnFail(input: IDataObject[]) {
	const credentials = tokenCredentials(emu);
	const stored = credentials.get('shopifyInventoryApi')!;
	const workflow: WorkflowJson = {
		nodes: [
			{ id: 't', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: 'i', name: 'Input', type: 'test.inputItems', typeVersion: 1, position: [200, 0], parameters: { items: JSON.stringify(input.map((json) => ({ json }))) } },
			{
				id: 'n',
				name: 'Adjust',
				type: 'n8n-nodes-filemaker-shopify.shopifyInventory',
				typeVersion: 1,
				position: [400, 0],
				parameters: adjustParameters(),
				credentials: { shopifyInventoryApi: { id: stored.id, name: stored.name } },
				retryOnFail: true,
				maxTries: 2,
				waitBetweenTries: 0,
			} as INode,
		],
		connections: {
			Start: { main: [[{ node: 'Input', type: 'main', index: 0 }]] },
			Input: { main: [[{ node: 'Adjust', type: 'main', index: 0 }]] },
		},
	};
	const run = await runWorkflow({ workflow, credentials });
	const task = run.run.data.resultData.runData.Adjust?.[0];
	return { items: (task?.data?.main?.[0] ?? []) as Array<{ json: IDataObject }>, error: task?.error ?? run.error };
}

const rows300 = () => skus(300).map((sku) => ({ sku, delta: -1, idempotencyKey: `order-1-line-${sku}` }));
const seed300 = () => emu.seed({ items: skus(300).map((sku) => ({ sku, available: 5 })) });
/** The second batch (50 rows) gets SERVICE_UNAVAILABLE on every attempt of one run (1 + 4 retries). */
const failSecondBatchOnce = () => emu.injectInventoryUserError({ code: 'SERVICE_UNAVAILABLE', mutation: 'adjust', times: 5, when: (rows) => rows === 50 });
const expectEachAppliedOnce = () => {
	for (const sku of skus(300)) expect(emu.levels().get(sku)!.available, sku).toBe(4);
};
const statusCounts = (items: Array<{ json: IDataObject }>) => {
	const counts: Record<string, number> = {};
	for (const i of items) counts[String(i.json.status)] = (counts[String(i.json.status)] ?? 0) + 1;
	return counts;
};

describe.each([false, true])('300 rows, the second batch fails (Shopify re-applies a repeated key: %s)', (reapply) => {
	beforeEach(() => emu.setOptions({ stockRules: { reapplyRepeatedAdjustKey: reapply } }));

	it('the failed run reports what was applied; a re-run and a Retry On Fail run apply each row once', async () => {
		seed300();
		failSecondBatchOnce();
		const first = await runAdjust(rows300());
		expect(first.error).toBeDefined();
		expect(first.error!.message).toMatch(/50 rows were not applied/);
		expect(first.error!.description).toMatch(/250 row\(s\) applied in this run/);
		expect(`${first.error!.message} ${first.error!.description}`).not.toMatch(/safe to repeat/i);
		for (const [i, sku] of skus(300).entries()) expect(emu.levels().get(sku)!.available).toBe(i < 250 ? 4 : 5);

		const rerun = await runAdjust(rows300(), true);
		expect(rerun.error).toBeUndefined();
		expect(statusCounts(rerun.items)).toEqual({ alreadyApplied: 250, updated: 50 });
		expectEachAppliedOnce();

		const retried = await runAdjustWithRetryOnFail(rows300());
		expect(retried.error).toBeUndefined();
		expect(statusCounts(retried.items)).toEqual({ alreadyApplied: 300 });
		expectEachAppliedOnce();
	}, 60_000);

	it('Retry On Fail after the partial failure (same execution): each row applied once', async () => {
		seed300();
		failSecondBatchOnce();
		const r = await runAdjustWithRetryOnFail(rows300());
		expect(r.error).toBeUndefined();
		expect(statusCounts(r.items)).toEqual({ alreadyApplied: 250, updated: 50 });
		expectEachAppliedOnce();
	}, 60_000);

	it('a crash between the adjust and the "applied" mark: the re-run does not apply again', async () => {
		const all = skus(10);
		emu.seed({ items: all.map((sku) => ({ sku, available: 5 })) });
		const input = all.map((sku) => ({ sku, delta: 3, idempotencyKey: `count-7-${sku}` }));
		// The log write that marks the changes applied fails (the process "dies" there).
		emu.injectFault({ when: (r) => r.operationName === 'ChangeLedgerWrite' && r.body.includes('\\"s\\":\\"applied\\"'), times: 1, status: 400 });
		const first = await runAdjust(input, true);
		expect(first.items.every((i) => i.json.status === 'updated' && i.json.changeLogNotUpdated === true)).toBe(true);
		for (const sku of all) expect(emu.levels().get(sku)!.available).toBe(8);

		const adjustsBefore = mutationsOf(emu, 'InventoryAdjustQuantities').length;
		const rerun = await runAdjust(input, true);
		const resent = mutationsOf(emu, 'InventoryAdjustQuantities').slice(adjustsBefore);
		expect(resent.length).toBe(1);
		// the identical mutation: the same idempotency key as the first run's
		expect(resent[0].idempotencyKey).toBe(mutationsOf(emu, 'InventoryAdjustQuantities')[0].idempotencyKey);
		for (const sku of all) expect(emu.levels().get(sku)!.available).toBe(8);
		if (reapply) {
			// Shopify tried to apply the key again; the quantity check refused it: reported, never re-applied.
			expect(rerun.items.every((i) => i.json.status === 'needsCheck')).toBe(true);
			expect(String(rerun.items[0].json.error)).toMatch(/unknown.*Check the item's inventory history/s);
		} else {
			expect(rerun.items.every((i) => i.json.status === 'updated' && i.json.confirmedFromEarlierRun === true)).toBe(true);
			const third = await runAdjust(input, true);
			expect(third.items.every((i) => i.json.status === 'alreadyApplied')).toBe(true);
		}
		for (const sku of all) expect(emu.levels().get(sku)!.available).toBe(8);
	}, 60_000);

	it('a lost answer on the second batch: the re-run sends the identical mutation, applied once', async () => {
		seed300();
		// The second batch reaches Shopify and is applied, every answer to it is lost (6 attempts).
		emu.injectFault({ when: (r) => r.operationName === 'InventoryAdjustQuantities' && (r.body.match(/"delta"/g) ?? []).length === 50, times: 6, status: 503, phase: 'after' });
		const first = await runAdjust(rows300(), true);
		const counts = statusCounts(first.items);
		expect(counts.updated).toBe(250);
		expect(first.items.slice(250).every((i) => i.json.code === 'CHANGE_UNCONFIRMED' || i.json.status === 'needsCheck')).toBe(true);
		expectEachAppliedOnce();
		const rerun = await runAdjust(rows300(), true);
		expect(rerun.items.slice(0, 250).every((i) => i.json.status === 'alreadyApplied')).toBe(true);
		expect(rerun.items.slice(250).every((i) => i.json.status === (reapply ? 'needsCheck' : 'updated'))).toBe(true);
		expectEachAppliedOnce();
	}, 120_000);
});

describe('Change Key', () => {
	it('a key applied before is skipped; another key for the same SKU is applied', async () => {
		emu.seed({ items: [{ sku: 'A', available: 5 }] });
		await runAdjust([{ sku: 'A', delta: -1, idempotencyKey: 'order-1' }]);
		const again = await runAdjust([{ sku: 'A', delta: -1, idempotencyKey: 'order-1' }]);
		expect(again.items[0].json).toMatchObject({ status: 'alreadyApplied', changeKey: 'order-1' });
		const other = await runAdjust([{ sku: 'A', delta: -1, idempotencyKey: 'order-2' }]);
		expect(other.items[0].json).toMatchObject({ status: 'updated', from: 4, to: 3 });
		expect(emu.levels().get('A')!.available).toBe(3);
	});

	it('an unconfirmed send that Shopify says failed (IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED) starts over with a new key, applied once', async () => {
		emu.seed({ items: [{ sku: 'A', available: 5 }, { sku: 'B', available: 5 }] });
		const input = [{ sku: 'A', delta: 2, idempotencyKey: 'r-1' }, { sku: 'B', delta: 2, idempotencyKey: 'r-2' }];
		// The adjust never reaches Shopify (refused before it is processed): recorded pending, unconfirmed.
		emu.injectFault({ when: (r) => r.operationName === 'InventoryAdjustQuantities', times: 1, status: 400 });
		const first = await runAdjust(input, true);
		expect(first.items.map((i) => i.json.code)).toEqual(['CHANGE_UNCONFIRMED', 'CHANGE_UNCONFIRMED']);
		expect(emu.levels().get('A')!.available).toBe(5);
		emu.setOptions({ idempotencyAnswers: ['IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED'] });
		const rerun = await runAdjust(input, true);
		emu.setOptions({ idempotencyAnswers: [] });
		expect(rerun.items.map((i) => i.json.status)).toEqual(['updated', 'updated']);
		const keys = mutationsOf(emu, 'InventoryAdjustQuantities').map((m) => m.idempotencyKey);
		// [the faulted first send (not processed), the identical resend, the new start]
		expect(keys.length).toBe(3);
		expect(keys[1]).toEqual(expect.any(String));
		expect(keys[2]).not.toBe(keys[1]);
		expect(emu.levels().get('A')!.available).toBe(7);
		expect(emu.levels().get('B')!.available).toBe(7);
	});

	it('a key reused for another delta is refused, nothing written', async () => {
		emu.seed({ items: [{ sku: 'A', available: 5 }] });
		await runAdjust([{ sku: 'A', delta: -1, idempotencyKey: 'order-1' }]);
		const r = await runAdjust([{ sku: 'A', delta: -2, idempotencyKey: 'order-1' }], true);
		expect(r.items[0].json).toMatchObject({ status: 'failed', code: 'CHANGE_KEY_REUSED' });
		expect(emu.levels().get('A')!.available).toBe(4);
	});

	it('without write_products: a clear error naming the scope, nothing adjusted', async () => {
		emu.setOptions({ accessTokens: [{ token: 'shpat_no_write_products', scopes: ['read_inventory', 'write_inventory', 'read_products', 'read_locations'] }] });
		emu.seed({ items: [{ sku: 'A', available: 5 }] });
		const r = await runNode({
			type: 'shopifyInventory',
			parameters: adjustParameters(),
			input: [{ sku: 'A', delta: -1, idempotencyKey: 'k' }],
			credentials: tokenCredentials(emu, { accessToken: 'shpat_no_write_products' }),
		});
		expect(r.error?.message).toMatch(/write_products/);
		expect(emu.levels().get('A')!.available).toBe(5);
	});
});

describe('change log (pure)', () => {
	const entry = (over: Partial<LedgerEntry> = {}): LedgerEntry => ({
		k: hashChangeKey('x'), l: 'L', n: 'available', d: -1, f: 5, i: 'key-1', s: 'pending', t: '2026-12-01T00:00:00.000Z', r: 'correction', p: 0, c: 1, ...over,
	});

	it('decides from the entry: none → new, applied → skip, pending → resend, other delta → conflict', () => {
		expect(decideRow(undefined, -1).kind).toBe('new');
		expect(decideRow(entry({ s: 'applied' }), -1).kind).toBe('alreadyApplied');
		expect(decideRow(entry(), -1).kind).toBe('pending');
		expect(decideRow(entry(), -2).kind).toBe('conflict');
	});

	it('keeps the newest applied entries and every pending one', () => {
		const many = Array.from({ length: LEDGER_MAX_ENTRIES + 20 }, (_, i) =>
			entry({ k: `k${i}`, s: i === 0 ? 'pending' : 'applied', t: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }),
		);
		const ledger = updateLedger({ v: 1, entries: [] }, many);
		expect(ledger.entries.length).toBe(LEDGER_MAX_ENTRIES);
		expect(ledger.entries.some((e) => e.k === 'k0')).toBe(true);
		expect(ledger.entries.some((e) => e.k === 'k1')).toBe(false);
		expect(ledger.entries.some((e) => e.k === `k${LEDGER_MAX_ENTRIES + 19}`)).toBe(true);
	});

	it('one log read of a full batch stays within the single-query cost limit', () => {
		const ids = Array.from({ length: LEDGER_READ_BATCH }, (_, i) => `gid://shopify/InventoryItem/${i + 1}`);
		const cost = requestedQueryCost(CHANGE_LEDGER_READ_QUERY, { ids, locationId: 'gid://shopify/Location/1', namespace: 'n', key: 'k' });
		expect(cost).toBeGreaterThan(LEDGER_READ_BATCH);
		expect(cost).toBeLessThanOrEqual(SINGLE_QUERY_MAX_COST);
	});

	it('a malformed log is reported, never read as empty', () => {
		expect(parseLedger('{oops').problem).toMatch(/not valid JSON/);
		expect(parseLedger(null)).toEqual({ v: 1, entries: [] });
	});

	it('groups pending entries by mutation; an incomplete group cannot be resent identically', () => {
		const a = { entry: entry({ i: 'm1', p: 0, c: 2 }) };
		const b = { entry: entry({ i: 'm1', p: 1, c: 2 }) };
		const c = { entry: entry({ i: 'm2', p: 0, c: 3 }) };
		const { complete, partial } = pendingGroups([b, c, a]);
		expect(complete).toEqual([[a, b]]);
		expect(partial).toEqual([c]);
	});

	it('the change key comes from the caller, else from SKU, delta and the configured reference, never from a quantity', () => {
		const base = { sku: 'A', delta: -1, locationId: 'L', executionScope: 'exec-1' };
		expect(changeKeyOf({ ...base, callerKey: ' order-1 ' })).toEqual({ changeKey: 'order-1', derived: 'caller' });
		expect(changeKeyOf({ ...base, callerKey: '', configuredReference: 'app://count/7' }).derived).toBe('reference');
		expect(changeKeyOf({ ...base, callerKey: undefined }).changeKey).toMatch(/execution:exec-1/);
	});

	it('the summary of a partial failure never says "safe to repeat" and counts each status', () => {
		const text = adjustSummary([{ status: 'updated' }, { status: 'alreadyApplied' }, { status: 'failed' }, { status: 'needsCheck' }]);
		expect(text).toMatch(/1 row\(s\) applied in this run, 1 already applied.*1 not applied.*1 need a check/);
		expect(text).not.toMatch(/safe to repeat/i);
	});
});

describe('emulator metafieldsSet (compareDigest)', () => {
	const owner = 'gid://shopify/ProductVariant/1';
	const set = (store: Map<string, MetafieldRec>, over: IDataObject) =>
		runMetafieldsSet(store, [{ ownerId: owner, namespace: 'ns', key: 'log', type: 'json', value: '{"a":1}', ...over } as never], () => true, '2026-12-04T00:00:00Z');

	it('null: only when absent; a digest: only when it matches; absent: unconditional', () => {
		const store = new Map<string, MetafieldRec>();
		expect(set(store, { compareDigest: null }).userErrors).toEqual([]);
		expect(set(store, { compareDigest: null }).userErrors[0]).toMatchObject({ code: 'STALE_OBJECT', elementIndex: 0 });
		expect(set(store, { value: '{"a":2}', compareDigest: 'nope' }).userErrors[0].code).toBe('STALE_OBJECT');
		expect(set(store, { value: '{"a":2}', compareDigest: metafieldDigest('{"a":1}') }).userErrors).toEqual([]);
		expect(set(store, { value: '{"a":3}' }).userErrors).toEqual([]);
	});
});
