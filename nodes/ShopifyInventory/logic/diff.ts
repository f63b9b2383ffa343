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
	const bySku = new Map<string, ShopifyLevel>();
	const duplicates = new Map<string, ShopifyLevel[]>();
	for (const l of levels) {
		if (!l.sku) continue;
		const group = duplicates.get(l.sku);
		if (group) {
			if (!group.some((x) => x.inventoryItemId === l.inventoryItemId)) group.push(l);
			continue;
		}
		const first = bySku.get(l.sku);
		if (first === undefined) bySku.set(l.sku, l);
		else if (first.inventoryItemId !== l.inventoryItemId) {
			bySku.delete(l.sku);
			duplicates.set(l.sku, [first, l]);
		}
	}
	return { bySku, duplicates };
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
	const { bySku, duplicates } = indexLevels(levels);
	const result: DiffResult = {
		changes: [],
		unchanged: [],
		missingInShopify: [],
		missingInFileMaker: [],
		duplicateInShopify: [],
	};
	const selected = onlySku === undefined ? rows : rows.filter((r) => r.sku === onlySku);
	const seen = new Set<string>();
	for (const sku of otherInputSkus) if (sku !== undefined) seen.add(sku);
	for (const row of selected) {
		seen.add(row.sku);
		const dup = duplicates.get(row.sku);
		if (dup) {
			result.duplicateInShopify.push({
				sku: row.sku,
				inventoryItemIds: dup.map((d) => d.inventoryItemId),
				itemIndex: row.itemIndex,
				to: row.quantity,
			});
			continue;
		}
		const level = bySku.get(row.sku);
		if (!level) {
			result.missingInShopify.push({ sku: row.sku, to: row.quantity, itemIndex: row.itemIndex });
			continue;
		}
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
		for (const [sku, level] of bySku) {
			if (seen.has(sku)) continue;
			if (onlySku !== undefined && sku !== onlySku) continue;
			result.missingInFileMaker.push({ sku, inventoryItemId: level.inventoryItemId, available: level.available });
		}
		for (const [sku, dup] of duplicates) {
			if (seen.has(sku)) continue;
			if (onlySku !== undefined && sku !== onlySku) continue;
			result.duplicateInShopify.push({ sku, inventoryItemIds: dup.map((d) => d.inventoryItemId) });
		}
	}
	return result;
}
