/**
 * FileMaker rows vs Shopify levels → what a sync must change (pure).
 * FileMaker is the source of truth for the quantity *available to sell* at one location.
 */
import type { InputRow } from './validate';
import type { ShopifyLevel } from './levels';

export interface SyncChange {
	sku: string;
	inventoryItemId: string;
	/** Shopify's `available` as read (sent as changeFromQuantity). */
	from: number;
	/** FileMaker's quantity (the value to set). */
	to: number;
	itemIndex: number;
}

export interface DiffResult {
	changes: SyncChange[];
	unchanged: Array<{ sku: string; inventoryItemId: string; quantity: number; itemIndex: number }>;
	missingInShopify: Array<{ sku: string; to: number; itemIndex: number }>;
	missingInFileMaker: Array<{ sku: string; inventoryItemId: string; available: number }>;
	/** SKUs carried by more than one inventory item at the location: ambiguous, never written. */
	duplicateInShopify: Array<{ sku: string; inventoryItemIds: string[]; itemIndex?: number; to?: number }>;
}

export interface LevelIndex {
	bySku: Map<string, ShopifyLevel>;
	duplicates: Map<string, ShopifyLevel[]>;
}

/** SKU → its level, and the SKUs carried by more than one inventory item (a list only for those). */
export function indexLevels(levels: readonly ShopifyLevel[]): LevelIndex {
	const { positionOf, duplicates } = indexLevelPositions(levels);
	const bySku = new Map<string, ShopifyLevel>();
	for (const [sku, position] of positionOf) bySku.set(sku, levels[position]);
	return { bySku, duplicates };
}

/** indexLevels with each SKU's position in `levels` (the diff marks the levels it compared by position). */
function indexLevelPositions(levels: readonly ShopifyLevel[]): { positionOf: Map<string, number>; duplicates: Map<string, ShopifyLevel[]> } {
	const positionOf = new Map<string, number>();
	const duplicates = new Map<string, ShopifyLevel[]>();
	levels.forEach((l, position) => {
		if (!l.sku) return;
		const group = duplicates.get(l.sku);
		if (group) {
			if (!group.some((x) => x.inventoryItemId === l.inventoryItemId)) group.push(l);
			return;
		}
		const first = positionOf.get(l.sku);
		if (first === undefined) positionOf.set(l.sku, position);
		else if (levels[first].inventoryItemId !== l.inventoryItemId) {
			positionOf.delete(l.sku);
			duplicates.set(l.sku, [levels[first], l]);
		}
	});
	return { positionOf, duplicates };
}

export function diffInventory(
	rows: readonly InputRow[],
	levels: readonly ShopifyLevel[],
	{
		onlySku,
		reportMissingInFileMaker = true,
		otherInputSkus = [],
	}: {
		onlySku?: string;
		reportMissingInFileMaker?: boolean;
		/** SKUs the input carries on items that are not synced (invalid, duplicate): not "missing in FileMaker". */
		otherInputSkus?: Iterable<string | undefined>;
	} = {},
): DiffResult {
	const { positionOf, duplicates } = indexLevelPositions(levels);
	const result: DiffResult = {
		changes: [],
		unchanged: [],
		missingInShopify: [],
		missingInFileMaker: [],
		duplicateInShopify: [],
	};
	const selected = onlySku === undefined ? rows : rows.filter((r) => r.sku === onlySku);
	const otherSkus = new Set<string>();
	for (const sku of otherInputSkus) if (sku !== undefined) otherSkus.add(sku);
	// Which levels a row was compared with, by position (no set of every SKU), and how many.
	const compared = new Uint8Array(levels.length);
	let comparedCount = 0;
	const duplicatesSeen = new Set<string>();
	for (const row of selected) {
		const dup = duplicates.size === 0 ? undefined : duplicates.get(row.sku);
		if (dup) {
			duplicatesSeen.add(row.sku);
			result.duplicateInShopify.push({
				sku: row.sku,
				inventoryItemIds: dup.map((d) => d.inventoryItemId),
				itemIndex: row.itemIndex,
				to: row.quantity,
			});
			continue;
		}
		const position = positionOf.get(row.sku);
		if (position === undefined) {
			result.missingInShopify.push({ sku: row.sku, to: row.quantity, itemIndex: row.itemIndex });
			continue;
		}
		if (compared[position] === 0) {
			compared[position] = 1;
			comparedCount++;
		}
		const level = levels[position];
		if (level.available === row.quantity) {
			result.unchanged.push({
				sku: row.sku,
				inventoryItemId: level.inventoryItemId,
				quantity: row.quantity,
				itemIndex: row.itemIndex,
			});
		} else {
			result.changes.push({
				sku: row.sku,
				inventoryItemId: level.inventoryItemId,
				from: level.available,
				to: row.quantity,
				itemIndex: row.itemIndex,
			});
		}
	}
	if (reportMissingInFileMaker) {
		// Every level compared (the usual full sync): none is missing in FileMaker, nothing to look up.
		if (comparedCount < positionOf.size) {
			for (const [sku, position] of positionOf) {
				if (compared[position] === 1 || otherSkus.has(sku)) continue;
				if (onlySku !== undefined && sku !== onlySku) continue;
				const level = levels[position];
				result.missingInFileMaker.push({ sku, inventoryItemId: level.inventoryItemId, available: level.available });
			}
		}
		for (const [sku, dup] of duplicates) {
			if (duplicatesSeen.has(sku) || otherSkus.has(sku)) continue;
			if (onlySku !== undefined && sku !== onlySku) continue;
			result.duplicateInShopify.push({ sku, inventoryItemIds: dup.map((d) => d.inventoryItemId) });
		}
	}
	return result;
}
