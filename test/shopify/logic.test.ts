import { describe, expect, it } from 'vitest';

import { chunk } from '../../nodes/ShopifyInventory/logic/batching';
import { diffInventory, indexLevels } from '../../nodes/ShopifyInventory/logic/diff';
import { idempotencyKey } from '../../nodes/ShopifyInventory/logic/idempotency';
import { levelsFromBulkJsonl, parseJsonl, stitchJsonl } from '../../nodes/ShopifyInventory/logic/jsonl';
import { levelFromLevelNode, skuSearchQuery, toLocationGid, type ShopifyLevel } from '../../nodes/ShopifyInventory/logic/levels';
import { classifyUserErrors, parseUserErrors, rowIndexOf } from '../../nodes/ShopifyInventory/logic/userErrors';
import { checkQuantity, validateInputItems } from '../../nodes/ShopifyInventory/logic/validate';

const level = (sku: string, available: number, id = sku): ShopifyLevel => ({
	sku,
	inventoryItemId: `gid://shopify/InventoryItem/${id}`,
	available,
});

describe('input validation', () => {
	it.each([
		[0, 0],
		[12, 12],
		['12', 12],
		[' 7 ', 7],
		['3.0', 3],
		[1_000_000_000, 1_000_000_000],
	])('accepts %j', (raw, value) => {
		expect(checkQuantity(raw)).toEqual({ ok: true, value });
	});

	it.each([[-1], [1.5], ['1.5'], [''], [null], [undefined], ['abc'], [NaN], [1_000_000_001], [{}], [true]])(
		'rejects %j',
		(raw) => {
			expect(checkQuantity(raw).ok).toBe(false);
		},
	);

	it('turns items into rows and names every problem', () => {
		const { rows, problems } = validateInputItems([
			{ json: { sku: 'A', quantity: 1 } },
			{ json: { sku: ' B ', quantity: '2' } },
			{ json: { sku: '', quantity: 3 } },
			{ json: { sku: 'C', quantity: -1 } },
			{ json: { sku: 'D', quantity: 4 } },
			{ json: { sku: 'D', quantity: 5 } },
			{ json: { error: 'FileMaker said no', sku: 'E' } },
			{ json: { sku: 'F', quantity: 2.5 } },
		]);
		expect(rows).toEqual([
			{ sku: 'A', quantity: 1, itemIndex: 0 },
			{ sku: 'B', quantity: 2, itemIndex: 1 },
		]);
		expect(problems.map((p) => [p.itemIndex, p.status])).toEqual([
			[2, 'emptySku'],
			[3, 'invalidQuantity'],
			[4, 'duplicateSku'],
			[5, 'duplicateSku'],
			[6, 'inputError'],
			[7, 'invalidQuantity'],
		]);
		expect(problems[1].message).toContain('SKU "C"');
		expect(problems[2].message).toMatch(/occurs 2 times .*items 5, 6/);
	});

	it('reads configurable and nested fields', () => {
		const { rows } = validateInputItems([{ json: { fieldData: { SKU: 'X', Qty: 9 } } }], {
			skuField: 'fieldData.SKU',
			quantityField: 'fieldData.Qty',
		});
		expect(rows).toEqual([{ sku: 'X', quantity: 9, itemIndex: 0 }]);
	});
});

describe('diff', () => {
	it('classifies changes, unchanged, missing on both sides and Shopify duplicates', () => {
		const rows = [
			{ sku: 'A', quantity: 5, itemIndex: 0 },
			{ sku: 'B', quantity: 3, itemIndex: 1 },
			{ sku: 'C', quantity: 1, itemIndex: 2 },
			{ sku: 'D', quantity: 2, itemIndex: 3 },
		];
		const levels = [level('A', 5), level('B', 4), level('D', 1, 'd1'), level('D', 7, 'd2'), level('Z', 9), level('', 3, 'nosku')];
		const d = diffInventory(rows, levels);
		expect(d.changes).toEqual([{ sku: 'B', inventoryItemId: 'gid://shopify/InventoryItem/B', from: 4, to: 3, itemIndex: 1 }]);
		expect(d.unchanged.map((u) => u.sku)).toEqual(['A']);
		expect(d.missingInShopify).toEqual([{ sku: 'C', to: 1, itemIndex: 2 }]);
		expect(d.missingInFileMaker).toEqual([{ sku: 'Z', inventoryItemId: 'gid://shopify/InventoryItem/Z', available: 9 }]);
		expect(d.duplicateInShopify.map((x) => x.sku)).toEqual(['D']);
	});

	it('does not call SKUs of invalid input items missing in FileMaker', () => {
		const d = diffInventory([], [level('A', 1), level('B', 1)], { otherInputSkus: ['A', undefined] });
		expect(d.missingInFileMaker.map((m) => m.sku)).toEqual(['B']);
	});

	it('limits everything to one SKU', () => {
		const d = diffInventory([{ sku: 'A', quantity: 1, itemIndex: 0 }, { sku: 'B', quantity: 1, itemIndex: 1 }], [level('A', 2), level('B', 2), level('C', 2)], { onlySku: 'B' });
		expect(d.changes.map((c) => c.sku)).toEqual(['B']);
		expect(d.missingInFileMaker).toEqual([]);
	});

	it('reports, after comparing every row, only the levels no row was compared with (rows repeated, duplicates with and without a row)', () => {
		const rows = [
			{ sku: 'A', quantity: 1, itemIndex: 0 },
			{ sku: 'A', quantity: 2, itemIndex: 1 },
			{ sku: 'D', quantity: 2, itemIndex: 2 },
		];
		const levels = [level('A', 1), level('B', 1), level('D', 1, 'd1'), level('D', 2, 'd2'), level('E', 1, 'e1'), level('E', 1, 'e2'), level('O', 4)];
		const d = diffInventory(rows, levels, { otherInputSkus: ['O'] });
		expect(d.unchanged.map((u) => u.itemIndex)).toEqual([0]);
		expect(d.changes.map((c) => c.itemIndex)).toEqual([1]);
		expect(d.missingInFileMaker.map((m) => m.sku)).toEqual(['B']);
		expect(d.duplicateInShopify.map((x) => [x.sku, x.itemIndex])).toEqual([['D', 2], ['E', undefined]]);
		const all = diffInventory([{ sku: 'A', quantity: 1, itemIndex: 0 }, { sku: 'B', quantity: 1, itemIndex: 1 }], [level('A', 1), level('B', 1)]);
		expect(all.missingInFileMaker).toEqual([]);
		expect(diffInventory([], [level('A', 1)], { reportMissingInFileMaker: false }).missingInFileMaker).toEqual([]);
	});

	it('indexes the same item only once', () => {
		const idx = indexLevels([level('A', 1), level('A', 1)]);
		expect(idx.duplicates.size).toBe(0);
		expect(idx.bySku.get('A')?.available).toBe(1);
	});
});

describe('batching', () => {
	it('splits into ≤ 250', () => {
		const rows = Array.from({ length: 501 }, (_, i) => i);
		expect(chunk(rows).map((c) => c.length)).toEqual([250, 250, 1]);
		expect(chunk([])).toEqual([]);
		expect(() => chunk(rows, 0)).toThrow();
	});
});

describe('idempotency key', () => {
	const base = { apiVersion: '2026-10', operation: 'set:available', rows: [['gid://shopify/InventoryItem/1', 5, 4]] };

	it('is a UUID derived from the content', () => {
		const k = idempotencyKey(base);
		expect(k).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(idempotencyKey({ ...base })).toBe(k);
	});

	it('changes with the version, the operation, the rows, the context and the salt', () => {
		const k = idempotencyKey(base);
		expect(idempotencyKey({ ...base, apiVersion: '2026-07' })).not.toBe(k);
		expect(idempotencyKey({ ...base, operation: 'adjust:available' })).not.toBe(k);
		expect(idempotencyKey({ ...base, rows: [['gid://shopify/InventoryItem/1', 5, 3]] })).not.toBe(k);
		expect(idempotencyKey({ ...base, context: ['loc'] })).not.toBe(k);
		expect(idempotencyKey({ ...base, salt: 1 })).not.toBe(k);
	});
});

describe('JSONL stitching', () => {
	const jsonl = [
		'{"id":"gid://shopify/InventoryItem/1","sku":"A","inventoryLevel":{"quantities":[{"name":"available","quantity":5},{"name":"on_hand","quantity":7}]}}',
		'{"id":"gid://shopify/ProductVariant/11","__parentId":"gid://shopify/InventoryItem/1"}',
		'{"id":"gid://shopify/ProductVariant/22","__parentId":"gid://shopify/InventoryItem/2"}',
		'',
		'{"id":"gid://shopify/InventoryItem/2","sku":"B","inventoryLevel":{"quantities":[{"name":"available","quantity":"0"},{"name":"on_hand","quantity":1}]}}',
		'{"id":"gid://shopify/InventoryItem/3","sku":"C","inventoryLevel":null}',
	].join('\n');

	it('attaches children to parents even when the child comes first', () => {
		const roots = stitchJsonl(parseJsonl(jsonl));
		expect(roots.map((r) => r.id)).toEqual([
			'gid://shopify/InventoryItem/1',
			'gid://shopify/InventoryItem/2',
			'gid://shopify/InventoryItem/3',
		]);
		expect(roots[1].__children.map((c) => c.id)).toEqual(['gid://shopify/ProductVariant/22']);
	});

	it('gives levels at the location, skipping items not stocked there', () => {
		expect(levelsFromBulkJsonl(jsonl)).toEqual([
			{ sku: 'A', inventoryItemId: 'gid://shopify/InventoryItem/1', variantId: 'gid://shopify/ProductVariant/11', available: 5, onHand: 7 },
			{ sku: 'B', inventoryItemId: 'gid://shopify/InventoryItem/2', variantId: 'gid://shopify/ProductVariant/22', available: 0, onHand: 1 },
		]);
	});

	it('rejects a broken line with its number', () => {
		expect(() => parseJsonl('{"a":1}\n{oops')).toThrow(/Line 2/);
	});
});

describe('levels and ids', () => {
	it('parses a page node', () => {
		expect(
			levelFromLevelNode({
				quantities: [{ name: 'available', quantity: 3 }, { name: 'on_hand', quantity: 4 }],
				item: { id: 'gid://shopify/InventoryItem/9', sku: ' S ', variants: { nodes: [{ id: 'gid://shopify/ProductVariant/1' }] } },
			}),
		).toEqual({ sku: 'S', inventoryItemId: 'gid://shopify/InventoryItem/9', variantId: 'gid://shopify/ProductVariant/1', available: 3, onHand: 4 });
	});

	it('normalizes location ids', () => {
		expect(toLocationGid('123')).toBe('gid://shopify/Location/123');
		expect(toLocationGid(123)).toBe('gid://shopify/Location/123');
		expect(toLocationGid('gid://shopify/Location/77')).toBe('gid://shopify/Location/77');
		expect(toLocationGid('https://admin.shopify.com/store/x/settings/locations/55')).toBe('gid://shopify/Location/55');
		expect(toLocationGid('Main warehouse')).toBeUndefined();
	});

	it('quotes SKUs for the search syntax', () => {
		expect(skuSearchQuery('A-1')).toBe('sku:"A-1"');
		expect(skuSearchQuery('say "hi"\\')).toBe('sku:"say \\"hi\\"\\\\"');
	});
});

describe('userErrors → rows', () => {
	it('maps field paths to row indexes', () => {
		const errors = parseUserErrors([
			{ field: ['input', 'quantities', '2', 'changeFromQuantity'], message: 'stale', code: 'CHANGE_FROM_QUANTITY_STALE' },
			{ field: ['input', 'quantities', '0', 'inventoryItemId'], message: 'bad item', code: 'INVALID_INVENTORY_ITEM' },
			{ field: ['input', 'reason'], message: 'bad reason', code: 'INVALID_REASON' },
		]);
		expect(rowIndexOf(errors[0], 'quantities', 3)).toBe(2);
		expect(rowIndexOf(errors[0], 'quantities', 2)).toBeUndefined();
		const c = classifyUserErrors(errors, 'quantities', 3);
		expect([...c.staleRows]).toEqual([2]);
		expect([...c.failedRows.keys()]).toEqual([0]);
		expect(c.general.map((g) => g.code)).toEqual(['INVALID_REASON']);
	});
});
