/**
 * levelsFromBulkJsonl reads a bulk result in one pass (no stitched copy of the catalogue): it must give
 * exactly what stitching every line (parseJsonl + stitchJsonl) and reading each root gives.
 */
import { describe, expect, it } from 'vitest';

import { BulkLevelsReader, levelsFromBulkJsonl, parseJsonl, plainItemLine, stitchJsonl } from '../../nodes/ShopifyInventory/logic/jsonl';
import { levelFromItemNode, type ShopifyLevel } from '../../nodes/ShopifyInventory/logic/levels';

/** The stitched reading, as the node read bulk results before the one-pass reader. */
function levelsByStitching(text: string): ShopifyLevel[] {
	const levels: ShopifyLevel[] = [];
	for (const root of stitchJsonl(parseJsonl(text))) {
		const variants = root.__children.filter((c) => typeof c.id === 'string' && c.id.startsWith('gid://shopify/ProductVariant/'));
		const level = levelFromItemNode(root);
		if (!level) continue;
		if (!level.variantId && variants[0]) level.variantId = variants[0].id as string;
		if (variants.some((c) => c.requiresComponents === true)) level.requiresComponents = true;
		else if (level.requiresComponents === undefined && variants.some((c) => c.requiresComponents === false)) level.requiresComponents = false;
		levels.push(level);
	}
	return levels;
}

const item = (n: number, available: number | null = n) =>
	JSON.stringify({
		id: `gid://shopify/InventoryItem/${n}`,
		sku: ` SKU-${n} `,
		tracked: n % 3 !== 0,
		inventoryLevel: available === null ? null : { quantities: [{ name: 'available', quantity: available }, { name: 'on_hand', quantity: available + 1 }] },
	});
const variant = (n: number, parent: number, requiresComponents?: boolean) =>
	JSON.stringify({ id: `gid://shopify/ProductVariant/${n}`, __parentId: `gid://shopify/InventoryItem/${parent}`, ...(requiresComponents === undefined ? {} : { requiresComponents }) });

describe('bulk JSONL → levels in one pass', () => {
	it('matches the stitched reading: children before or after their item, several variants, bundles, unstocked items, orphans, CRLF, blank lines', () => {
		const lines = [
			variant(20, 2, false),
			item(1),
			variant(10, 1),
			item(2, 0),
			variant(21, 2, true),
			item(3, null),
			variant(30, 3, true),
			JSON.stringify({ id: 'gid://shopify/InventoryItem/9', __parentId: 'gid://shopify/Product/404', sku: 'ORPHAN', inventoryLevel: { quantities: [{ name: 'available', quantity: 4 }] } }),
			'',
			item(4),
			JSON.stringify({ id: 'gid://shopify/Metafield/1', __parentId: 'gid://shopify/ProductVariant/10' }),
			item(5),
			variant(50, 5, false),
			item(1, 99),
		];
		const text = lines.join('\r\n') + '\n';
		const expected = levelsByStitching(text);
		expect(expected.map((l) => l.sku)).toEqual(['SKU-1', 'SKU-2', 'ORPHAN', 'SKU-4', 'SKU-5', 'SKU-1']);
		expect(levelsFromBulkJsonl(text)).toEqual(expected);
	});

	it('gives the bundle flag and the variant to the item, whatever the order of the lines', () => {
		const levels = levelsFromBulkJsonl([variant(21, 2, true), item(2), variant(20, 2, false)].join('\n'));
		expect(levels).toEqual([expect.objectContaining({ sku: 'SKU-2', variantId: 'gid://shopify/ProductVariant/21', requiresComponents: true, available: 2, onHand: 3 })]);
	});

	it('names the line that is not JSON', () => {
		expect(() => levelsFromBulkJsonl(`${item(1)}\n\n{oops`)).toThrow(/Line 3/);
	});

	it('reads an empty result as no levels', () => {
		expect(levelsFromBulkJsonl('')).toEqual([]);
		expect(levelsFromBulkJsonl('\n')).toEqual([]);
	});

	it('reads a result that arrives in pieces (a download stream) as the whole text, wherever the pieces break', () => {
		const lines = [variant(20, 2, false), item(1), item(2, 0), variant(21, 2, true), '', item(3, null), item(4), item(1, 99)];
		const text = lines.join('\r\n') + '\n';
		const whole = levelsFromBulkJsonl(text);
		expect(whole.map((l) => l.sku)).toEqual(['SKU-1', 'SKU-2', 'SKU-4', 'SKU-1']);
		for (const size of [1, 2, 7, 64, text.length]) {
			const reader = new BulkLevelsReader();
			for (let at = 0; at < text.length; at += size) reader.write(text.slice(at, at + size));
			expect(reader.end(), `pieces of ${size} characters`).toEqual(whole);
		}
	});

	it('names the line that is not JSON when the result arrives in pieces', () => {
		const reader = new BulkLevelsReader();
		expect(() => {
			reader.write(`${item(1)}\n\n{oo`);
			reader.write('ps}\n');
		}).toThrow(/Line 3/);
	});

	describe('item lines read without JSON.parse', () => {
		/** An item line as Shopify writes the Sync's bulk query (the query's field order, no whitespace). */
		const syncLine = (n: number, fields: { sku?: string | null; tracked?: boolean; level?: unknown; variant?: unknown } = {}) =>
			JSON.stringify({
				id: `gid://shopify/InventoryItem/${n}`,
				sku: fields.sku === undefined ? `SKU-${n}` : fields.sku,
				tracked: fields.tracked ?? true,
				inventoryLevel: fields.level === undefined ? { quantities: [{ name: 'available', quantity: n }, { name: 'on_hand', quantity: n + 2 }] } : fields.level,
				...(fields.variant === undefined ? {} : { variant: fields.variant }),
			});

		it('reads the usual item line without parsing it as JSON', () => {
			expect(plainItemLine(syncLine(7, { variant: { requiresComponents: false } }))).toEqual({
				id: 'gid://shopify/InventoryItem/7',
				level: { sku: 'SKU-7', inventoryItemId: 'gid://shopify/InventoryItem/7', available: 7, onHand: 9, tracked: true, requiresComponents: false },
			});
			expect(plainItemLine(syncLine(8, { level: null }))).toEqual({ id: 'gid://shopify/InventoryItem/8', level: undefined });
		});

		it('leaves every other line to JSON.parse', () => {
			expect(plainItemLine(variant(20, 2, false))).toBeUndefined();
			expect(plainItemLine(JSON.stringify({ sku: 'A', id: 'gid://shopify/InventoryItem/1', tracked: true, inventoryLevel: null }))).toBeUndefined();
			expect(plainItemLine(syncLine(1, { sku: 'A "quoted" \\ sku' }))).toBeUndefined();
			expect(plainItemLine(syncLine(1).replace('"sku"', ' "sku"'))).toBeUndefined();
			expect(plainItemLine(syncLine(1).replace('"quantity":1', '"quantity":01'))).toBeUndefined();
			expect(plainItemLine(syncLine(1).replace('}}', '}},'))).toBeUndefined();
		});

		it('gives exactly the levels of the JSON reading, for every shape of line', () => {
			const lines = [
				syncLine(1),
				syncLine(2, { variant: { requiresComponents: true } }),
				syncLine(3, { variant: null, tracked: false }),
				syncLine(4, { level: null }),
				syncLine(5, { sku: null }),
				syncLine(6, { sku: '  padded  ' }),
				syncLine(7, { sku: 'Ünïcødé-✓' }),
				syncLine(8, { sku: 'tab\there "and" back\\slash' }),
				syncLine(9, { level: { quantities: [] } }),
				syncLine(10, { level: { quantities: [{ name: 'on_hand', quantity: 3 }, { name: 'available', quantity: -2 }] } }),
				syncLine(11, { level: { quantities: [{ name: 'available', quantity: null }] } }),
				syncLine(12, { level: { quantities: [{ name: 'available', quantity: 1 }, { name: 'available', quantity: 4 }] } }),
				syncLine(13, { variant: { requiresComponents: false } }) + '\r',
				variant(130, 13, true),
				syncLine(1, { sku: 'SECOND-LINE-OF-1' }),
				syncLine(14, { level: { quantities: [{ name: 'available', quantity: 1e21 }] } }),
			];
			const text = lines.join('\n');
			expect(lines.filter((l) => plainItemLine(l) !== undefined).length).toBeGreaterThanOrEqual(10);
			const expected = levelsByStitching(text);
			expect(expected).toHaveLength(14);
			expect(levelsFromBulkJsonl(text)).toEqual(expected);
		});
	});
});
