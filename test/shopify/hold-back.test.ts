/** Pure parts of the Sync hold-back and problem reporting (logic/holdBack.ts, logic/syncReport.ts, options). */
import { describe, expect, it } from 'vitest';

import { parseMaxStaleRetries } from '../../nodes/ShopifyInventory/actions/inventory/options';
import {
	createdSinceQuery,
	holdBackFromOrders,
	linesHoldingStock,
	parseHoldBackSince,
	parseSkuList,
	quantityAfterHoldBack,
} from '../../nodes/ShopifyInventory/logic/holdBack';
import { itemRequiresComponents, levelFromLevelNode } from '../../nodes/ShopifyInventory/logic/levels';
import { needsAttention, writeFailureStatus } from '../../nodes/ShopifyInventory/logic/syncReport';
import { isProtectedCustomerDataRefusal } from '../../nodes/shared/shopify/transport';

const HERE = 'gid://shopify/Location/1';
const line = (item: string | null, qty: number, extra: Record<string, unknown> = {}) => ({
	id: `gid://shopify/LineItem/${Math.random()}`,
	sku: item,
	currentQuantity: qty,
	isGiftCard: false,
	variant: item === null ? null : { id: 'v', inventoryItem: { id: item, tracked: true } },
	...extra,
});
const order = (lines: unknown[], extra: Record<string, unknown> = {}) => ({ id: 'gid://shopify/Order/1', cancelledAt: null, lineItems: { nodes: lines }, ...extra });

describe('hold-back', () => {
	it('counts current quantities of tracked lines, per inventory item, paid or not', () => {
		const hb = holdBackFromOrders(
			[
				order([line('I1', 2), line('I2', 1)], { displayFinancialStatus: 'PENDING' }),
				order([line('I1', 3)], { displayFinancialStatus: 'PAID' }),
			],
			HERE,
		);
		expect([...hb.unitsByItem]).toEqual([
			['I1', 5],
			['I2', 1],
		]);
		expect(hb).toMatchObject({ ordersRead: 2, ordersHoldingUnits: 2 });
	});

	it('cancelled orders, other locations, untracked items, gift cards, custom lines and zero quantities hold nothing', () => {
		expect(linesHoldingStock(order([line('I1', 2)], { cancelledAt: '2026-12-01T00:00:00Z' }), HERE)).toEqual([]);
		expect(linesHoldingStock(order([line('I1', 2)], { retailLocation: { id: 'gid://shopify/Location/2' } }), HERE)).toEqual([]);
		expect(linesHoldingStock(order([line('I1', 2)], { retailLocation: { id: HERE } }), HERE).length).toBe(1);
		expect(
			linesHoldingStock(
				order([
					line('I1', 2, { variant: { id: 'v', inventoryItem: { id: 'I1', tracked: false } } }),
					line('I2', 1, { isGiftCard: true }),
					line(null, 4),
					line('I3', 0),
				]),
				HERE,
			),
		).toEqual([]);
	});

	it('never goes below 0', () => {
		expect(quantityAfterHoldBack(6, 7)).toBe(0);
		expect(quantityAfterHoldBack(10, 3)).toBe(7);
	});

	it('search query: created since (whole seconds), optionally narrowed to exact SKUs', () => {
		expect(createdSinceQuery(new Date('2026-12-04T10:00:00.900Z'))).toBe("created_at:>='2026-12-04T10:00:00Z'");
		expect(createdSinceQuery(new Date('2026-12-04T10:00:00Z'), ['A"1'])).toBe(`created_at:>='2026-12-04T10:00:00Z' AND (sku:"A\\"1")`);
	});

	it('parses the hold-back time; empty is off; text that is no date is refused', () => {
		expect(parseHoldBackSince('')).toBeUndefined();
		expect(parseHoldBackSince(undefined)).toBeUndefined();
		expect(parseHoldBackSince('2026-12-04T10:00:00Z')?.toISOString()).toBe('2026-12-04T10:00:00.000Z');
		expect(parseHoldBackSince({ toISO: () => '2026-12-04T10:00:00Z' })?.toISOString()).toBe('2026-12-04T10:00:00.000Z');
		expect(() => parseHoldBackSince('yesterday-ish')).toThrow(/is not a date/);
	});

	it('SKUs Not to Write: text (comma / newline) or an array, exact and trimmed', () => {
		expect([...parseSkuList('A, B\nC,,')]).toEqual(['A', 'B', 'C']);
		expect([...parseSkuList(['A,1', ' B ', 7])]).toEqual(['A,1', 'B', '7']);
		expect([...parseSkuList(undefined)]).toEqual([]);
	});
});

describe('levels: tracked and bundle parents', () => {
	it('reads tracked and requiresComponents from variant, variants.nodes and variants.edges', () => {
		expect(itemRequiresComponents({ variant: { requiresComponents: true } })).toBe(true);
		expect(itemRequiresComponents({ variants: { nodes: [{ requiresComponents: false }, { requiresComponents: true }] } })).toBe(true);
		expect(itemRequiresComponents({ variants: { edges: [{ node: { requiresComponents: false } }] } })).toBe(false);
		expect(itemRequiresComponents({ id: 'x' })).toBeUndefined();
		const level = levelFromLevelNode({
			quantities: [{ name: 'available', quantity: 3 }],
			item: { id: 'I', sku: 'S', tracked: false, variant: { requiresComponents: false } },
		});
		expect(level).toMatchObject({ sku: 'S', available: 3, tracked: false, requiresComponents: false });
	});
});

describe('problem reporting', () => {
	it('maps write failures to their status', () => {
		expect(writeFailureStatus('NON_MUTABLE_INVENTORY_ITEM', false)).toBe('bundleParent');
		expect(writeFailureStatus('ITEM_NOT_STOCKED_AT_LOCATION', undefined)).toBe('notStocked');
		expect(writeFailureStatus('INVALID_INVENTORY_ITEM', false)).toBe('deletedItem');
		expect(writeFailureStatus('SERVICE_UNAVAILABLE', true)).toBe('retryable');
		expect(writeFailureStatus('INVALID_QUANTITY_TOO_HIGH', false)).toBe('failed');
		expect(needsAttention({ invalidQuantities: 2, duplicateSkus: 1, otherFailures: 3 })).toBe(6);
	});

	it('Max Stale Retries: whole numbers ≥ 0 (numbers or text), anything else refused', () => {
		expect(parseMaxStaleRetries(undefined)).toBe(3);
		expect(parseMaxStaleRetries('')).toBe(3);
		expect(parseMaxStaleRetries(0)).toBe(0);
		expect(parseMaxStaleRetries(' 4 ')).toBe(4);
		for (const bad of ['three', '1.5', -1, 1.5, NaN, '-2', {}]) expect(parseMaxStaleRetries(bad)).toBeUndefined();
	});

	it('recognises Shopify’s protected customer data refusals', () => {
		expect(isProtectedCustomerDataRefusal('This app is not approved to access the Order object. See …')).toBe(true);
		expect(
			isProtectedCustomerDataRefusal('This app is not approved to subscribe to webhook topics containing protected customer data.'),
		).toBe(true);
		expect(isProtectedCustomerDataRefusal('Access denied for locations field. Required access: `read_locations`')).toBe(false);
	});
});
