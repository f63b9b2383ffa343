import { randomUUID } from 'node:crypto';
import { afterAll, beforeEach, beforeAll, describe, expect, it } from 'vitest';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { seedCatalogue } from '../emulators/shopify/catalogue';
import { ADJUST_MUTATION, gql, SET_MUTATION, SET_MUTATION_NO_KEY } from './helpers';

let emu: ShopifyEmulator;
let loc: string;
let other: string;
const item = (sku: string) => emu.levels(loc).get(sku)!;

beforeAll(async () => {
	emu = await startShopifyEmulator();
});
afterAll(() => emu.close());
beforeEach(() => {
	emu.reset();
	emu.seed({ locations: [{ name: 'Warehouse' }, { name: 'Empty' }], items: [] });
	seedCatalogue(emu, 300, { locationName: 'Warehouse', available: 10 });
	loc = emu.location('Warehouse').id;
	other = emu.location('Empty').id;
});

const row = (sku: string, quantity: number, changeFromQuantity: number | null = null, location = loc) => ({
	inventoryItemId: item(sku).inventoryItemId,
	locationId: location,
	quantity,
	changeFromQuantity,
});
const input = (quantities: unknown[], extra: Record<string, unknown> = {}) => ({
	name: 'available',
	reason: 'correction',
	referenceDocumentUri: 'gid://filemaker-sync/SyncRun/1',
	quantities,
	...extra,
});

describe('per-version rules', () => {
	it('2026-04+: the @idempotent directive is required (BAD_REQUEST, nothing applied)', async () => {
		for (const version of ['2026-04', '2026-07', '2026-10']) {
			const r = await gql(emu, SET_MUTATION_NO_KEY, { input: input([row('SKU-000001', 5)]) }, { version });
			expect(r.status).toBe(200);
			expect(r.body.errors[0]).toMatchObject({
				message: 'The @idempotent directive is required for this mutation but was not provided.',
				extensions: { code: 'BAD_REQUEST' },
				path: ['inventorySetQuantities'],
			});
			expect(r.body.data).toEqual({ inventorySetQuantities: null });
		}
		expect(item('SKU-000001').available).toBe(10);
	});

	it('2026-04+: changeFromQuantity must be present on every row; explicit null skips the check', async () => {
		const { changeFromQuantity: _drop, ...noCfq } = row('SKU-000002', 5);
		const missing = await gql(emu, SET_MUTATION, { input: input([row('SKU-000001', 5), noCfq]), key: randomUUID() }, { version: '2026-04' });
		expect(missing.body.errors[0]).toMatchObject({
			message: 'InventoryQuantityInput must include the following argument: changeFromQuantity.',
			extensions: { code: 'INVALID_FIELD_ARGUMENTS' },
		});
		expect(missing.body.data).toBeUndefined();
		expect(item('SKU-000001').available).toBe(10);

		const ok = await gql(emu, SET_MUTATION, { input: input([row('SKU-000001', 5, null), row('SKU-000002', 6, 10)]), key: randomUUID() }, { version: '2026-04' });
		expect(ok.body.errors).toBeUndefined();
		expect(ok.body.data.inventorySetQuantities.userErrors).toEqual([]);
		expect(item('SKU-000001').available).toBe(5);
		expect(item('SKU-000002').available).toBe(6);
	});

	it('2026-01: idempotency key and changeFromQuantity optional, compareQuantity accepted', async () => {
		const { changeFromQuantity: _drop, ...r1 } = row('SKU-000001', 3);
		const a = await gql(emu, SET_MUTATION_NO_KEY, { input: input([r1]) }, { version: '2026-01' });
		expect(a.body.data.inventorySetQuantities.userErrors).toEqual([]);
		expect(item('SKU-000001').available).toBe(3);
		const stale = await gql(
			emu,
			SET_MUTATION_NO_KEY,
			{ input: input([{ ...r1, quantity: 4, compareQuantity: 99 }]) },
			{ version: '2026-01' },
		);
		expect(stale.body.data.inventorySetQuantities.userErrors[0]).toMatchObject({
			code: 'COMPARE_QUANTITY_STALE',
			field: ['input', 'quantities', '0', 'compareQuantity'],
		});
		const ok = await gql(emu, SET_MUTATION_NO_KEY, { input: input([{ ...r1, quantity: 4, compareQuantity: 3 }]) }, { version: '2026-01' });
		expect(ok.body.data.inventorySetQuantities.userErrors).toEqual([]);
		expect(item('SKU-000001').available).toBe(4);
	});

	it('not stocked at location: ITEM_NOT_STOCKED_AT_LOCATION where the enum has it (2026-07), activation in 2026-10', async () => {
		const r07 = await gql(emu, SET_MUTATION, { input: input([row('SKU-000001', 5, null, other)]), key: randomUUID() }, { version: '2026-07' });
		expect(r07.body.data.inventorySetQuantities.userErrors).toEqual([
			{ code: 'ITEM_NOT_STOCKED_AT_LOCATION', field: ['input', 'quantities', '0', 'locationId'], message: 'The item is not stocked at the intended location.' },
		]);
		expect(emu.levels(other).size).toBe(0);
		const r10 = await gql(emu, SET_MUTATION, { input: input([row('SKU-000001', 5, 0, other)]), key: randomUUID() }, { version: '2026-10' });
		expect(r10.body.data.inventorySetQuantities.userErrors).toEqual([]);
		expect(emu.levels(other).get('SKU-000001')!.available).toBe(5);
	});
});

describe('inventorySetQuantities', () => {
	it('applies rows and reports changes for available and on_hand', async () => {
		const r = await gql(emu, SET_MUTATION, { input: input([row('SKU-000001', 7, 10)]), key: randomUUID() });
		const g = r.body.data.inventorySetQuantities.inventoryAdjustmentGroup;
		expect(g.reason).toBe('correction');
		expect(g.referenceDocumentUri).toBe('gid://filemaker-sync/SyncRun/1');
		expect(g.changes).toEqual([
			{ name: 'available', delta: -3, quantityAfterChange: 7, item: { id: item('SKU-000001').inventoryItemId }, location: { id: loc } },
			{ name: 'on_hand', delta: -3, quantityAfterChange: 7, item: { id: item('SKU-000001').inventoryItemId }, location: { id: loc } },
		]);
		expect(emu.requestLog.at(-1)).toMatchObject({ kind: 'mutation', operationName: 'Set', rows: 1, requestedCost: 10, actualCost: 10 });
	});

	it('setting on_hand keeps committed and available consistent', async () => {
		emu.sell('SKU-000003', 4, loc);
		expect(item('SKU-000003')).toMatchObject({ available: 6, committed: 4, on_hand: 10 });
		const r = await gql(emu, SET_MUTATION, { input: input([row('SKU-000003', 20, 10)], { name: 'on_hand' }), key: randomUUID() });
		expect(r.body.data.inventorySetQuantities.userErrors).toEqual([]);
		expect(item('SKU-000003')).toMatchObject({ available: 16, committed: 4, on_hand: 20 });
	});

	it('a stale row fails the whole mutation (atomic) and names the row', async () => {
		emu.sell('SKU-000005', 1, loc); // available 10 → 9 while the sync was computing
		const rows = [row('SKU-000004', 1, 10), row('SKU-000005', 2, 10), row('SKU-000006', 3, 10)];
		const r = await gql(emu, SET_MUTATION, { input: input(rows), key: randomUUID() });
		const p = r.body.data.inventorySetQuantities;
		expect(p.inventoryAdjustmentGroup).toBeNull();
		expect(p.userErrors).toEqual([
			{
				code: 'CHANGE_FROM_QUANTITY_STALE',
				field: ['input', 'quantities', '1', 'changeFromQuantity'],
				message: 'The changeFromQuantity value does not match persisted value.',
			},
		]);
		expect(item('SKU-000004').available).toBe(10);
		expect(item('SKU-000006').available).toBe(10);
	});

	it('replays a repeated idempotency key without applying again; different input → IDEMPOTENCY_KEY_PARAMETER_MISMATCH', async () => {
		const key = randomUUID();
		const vars = { input: input([row('SKU-000007', 1, 10)]), key };
		const first = await gql(emu, SET_MUTATION, vars);
		expect(item('SKU-000007').available).toBe(1);
		// somebody sells; a retry of the same request must not overwrite that
		emu.sell('SKU-000007', 1, loc);
		const again = await gql(emu, SET_MUTATION, vars);
		expect(again.body.data).toEqual(first.body.data);
		expect(item('SKU-000007').available).toBe(0);
		expect(emu.requestLog.at(-1)).toMatchObject({ idempotencyKey: key });

		const other = await gql(emu, SET_MUTATION, { input: input([row('SKU-000007', 2, 0)]), key });
		expect(other.body.data.inventorySetQuantities).toEqual({
			inventoryAdjustmentGroup: null,
			userErrors: [
				{ code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH', field: null, message: 'The same idempotency key cannot be used with different operation parameters.' },
			],
		});
		expect(item('SKU-000007').available).toBe(0);
	});

	it('accepts 250 rows and rejects 251 with MAX_INPUT_SIZE_EXCEEDED', async () => {
		const skus = [...emu.levels(loc).keys()];
		const ok = await gql(emu, SET_MUTATION, { input: input(skus.slice(0, 250).map((s) => row(s, 1, null))), key: randomUUID() });
		expect(ok.body.data.inventorySetQuantities.userErrors).toEqual([]);
		expect(ok.body.data.inventorySetQuantities.inventoryAdjustmentGroup.changes).toHaveLength(500);
		const tooMany = await gql(emu, SET_MUTATION, { input: input(skus.slice(0, 251).map((s) => row(s, 2, null))), key: randomUUID() });
		expect(tooMany.body.data).toBeUndefined();
		expect(tooMany.body.errors[0]).toMatchObject({
			message: 'The input array size of 251 is greater than the maximum allowed of 250.',
			path: ['inventorySetQuantities', 'input', 'quantities'],
			extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' },
		});
		expect(item(skus[0]).available).toBe(1);
		expect(emu.requestLog.at(-1)).toMatchObject({ rows: 251 });
	});

	it('validates name, reason, reference document, quantity, item and location', async () => {
		const bad = await gql(emu, SET_MUTATION, {
			input: {
				name: 'committed',
				reason: 'because',
				referenceDocumentUri: 'not a uri',
				quantities: [
					row('SKU-000001', 1_000_000_001, null),
					{ inventoryItemId: 'gid://shopify/InventoryItem/1', locationId: loc, quantity: 1, changeFromQuantity: null },
					{ inventoryItemId: item('SKU-000002').inventoryItemId, locationId: 'gid://shopify/Location/1', quantity: 1, changeFromQuantity: null },
				],
			},
			key: randomUUID(),
		});
		const codes = bad.body.data.inventorySetQuantities.userErrors.map((e: { code: string; field: string[] }) => `${e.code}:${e.field.join('.')}`);
		expect(codes).toEqual([
			'INVALID_NAME:input.name',
			'INVALID_REASON:input.reason',
			'INVALID_REFERENCE_DOCUMENT:input.referenceDocumentUri',
			'INVALID_QUANTITY_TOO_HIGH:input.quantities.0.quantity',
			'INVALID_INVENTORY_ITEM:input.quantities.1.inventoryItemId',
			'INVALID_LOCATION:input.quantities.2.locationId',
		]);
		expect(item('SKU-000001').available).toBe(10);
	});
});

describe('inventoryAdjustQuantities', () => {
	it('adjusts by delta with compare-and-swap and an InventoryAdjustmentGroup', async () => {
		const changes = [{ inventoryItemId: item('SKU-000010').inventoryItemId, locationId: loc, delta: -2, changeFromQuantity: 10 }];
		const r = await gql(emu, ADJUST_MUTATION, { input: { name: 'available', reason: 'correction', changes }, key: randomUUID() });
		const g = r.body.data.inventoryAdjustQuantities.inventoryAdjustmentGroup;
		expect(g.changes[0]).toMatchObject({ name: 'available', delta: -2, quantityAfterChange: 8 });
		expect(item('SKU-000010').available).toBe(8);
		const stale = await gql(emu, ADJUST_MUTATION, { input: { name: 'available', reason: 'correction', changes }, key: randomUUID() });
		expect(stale.body.data.inventoryAdjustQuantities.userErrors[0]).toMatchObject({
			code: 'CHANGE_FROM_QUANTITY_STALE',
			field: ['input', 'changes', '0', 'changeFromQuantity'],
		});
		const { changeFromQuantity: _d, ...noCfq } = changes[0];
		const missing = await gql(emu, ADJUST_MUTATION, { input: { name: 'available', reason: 'correction', changes: [noCfq] }, key: randomUUID() });
		expect(missing.body.errors[0].message).toBe('InventoryChangeInput must include the following argument: changeFromQuantity.');
		expect(item('SKU-000010').available).toBe(8);
	});

	it('on_hand adjustments need a (non-Shopify) ledgerDocumentUri; available ones must not have one', async () => {
		const base = { inventoryItemId: item('SKU-000011').inventoryItemId, locationId: loc, delta: 1, changeFromQuantity: null };
		const run = (name: string, ledgerDocumentUri?: string) =>
			gql(emu, ADJUST_MUTATION, { input: { name, reason: 'received', changes: [{ ...base, ...(ledgerDocumentUri ? { ledgerDocumentUri } : {}) }] }, key: randomUUID() });
		expect((await run('on_hand')).body.data.inventoryAdjustQuantities.userErrors[0].code).toBe('INVALID_QUANTITY_DOCUMENT');
		expect((await run('on_hand', 'gid://shopify/Order/1')).body.data.inventoryAdjustQuantities.userErrors[0].code).toBe('INTERNAL_LEDGER_DOCUMENT');
		expect((await run('available', 'gid://erp/Receipt/1')).body.data.inventoryAdjustQuantities.userErrors[0].code).toBe('INVALID_AVAILABLE_DOCUMENT');
		const ok = await run('on_hand', 'gid://erp/Receipt/1');
		expect(ok.body.data.inventoryAdjustQuantities.userErrors).toEqual([]);
		expect(item('SKU-000011')).toMatchObject({ available: 11, on_hand: 11 });
	});
});
