/**
 * The stale-retry write loop of Set, Adjust and Sync: rows Shopify rejects because the quantity changed
 * since it was read are re-read and written again, a bounded number of times.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { CostBudget } from '../../../shared/shopify/cost';
import type { ShopifyLevel } from '../../logic/levels';
import type { FailedRow, WriteOutcome, WriteRow, WriteSettings } from '../../transport/inventory';
import { readLevelsForRows, writeRows } from '../../transport/inventory';
import { DEFAULT_MAX_STALE_RETRIES, type ReadOptions } from './options';

export interface ApplyResult<T> {
	applied: Array<WriteRow<T>>;
	/** Rows that turned out not to need a write after a re-read (Shopify already had the target). */
	nowUnchanged: Array<WriteRow<T>>;
	failed: Array<FailedRow<T>>;
	mutations: number;
	/** Rows that came back stale and were re-read (counted per re-read). */
	staleRetries: number;
}

/**
 * Writes rows; rows that come back CHANGE_FROM_QUANTITY_STALE are re-read at `settings.locationId` (with
 * `read`) and written again with the fresh changeFromQuantity (bounded by maxStaleRetries). `recompute`
 * decides the new row from the fresh level ('unchanged' when nothing needs writing any more).
 */
export async function applyWithStaleRetry<T>(
	this: IExecuteFunctions,
	budget: CostBudget,
	settings: WriteSettings,
	rows: Array<WriteRow<T>>,
	{
		maxStaleRetries = DEFAULT_MAX_STALE_RETRIES,
		read,
		recompute,
		refresh,
	}: {
		maxStaleRetries?: number;
		read: ReadOptions;
		recompute: (row: WriteRow<T>, level: ShopifyLevel) => WriteRow<T> | 'unchanged';
		/** Runs after each re-read, before `recompute` (Sync reads the recent orders again). */
		refresh?: (stale: Array<WriteRow<T>>) => Promise<void>;
	},
): Promise<ApplyResult<T>> {
	const result: ApplyResult<T> = { applied: [], nowUnchanged: [], failed: [], mutations: 0, staleRetries: 0 };
	let pending = rows;
	for (let round = 0; pending.length > 0; round++) {
		const outcome = (await writeRows.call(this, budget, settings, pending)) as WriteOutcome<T>;
		result.applied.push(...outcome.applied);
		result.failed.push(...outcome.failed);
		result.mutations += outcome.mutations;
		if (outcome.stale.length === 0) break;
		if (round >= maxStaleRetries) {
			for (const row of outcome.stale) {
				result.failed.push({
					row,
					code: 'CHANGE_FROM_QUANTITY_STALE',
					message: `The quantity of SKU "${row.sku}" kept changing in Shopify while it was written (${maxStaleRetries + 1} attempts); run the sync again`,
					retryable: true,
				});
			}
			break;
		}
		result.staleRetries += outcome.stale.length;
		const fresh = await readLevelsForRows.call(this, budget, settings.locationId, outcome.stale.map((r) => r.sku), read);
		if (refresh) await refresh(outcome.stale);
		const byItem = new Map(fresh.levels.map((l) => [l.inventoryItemId, l]));
		const next: Array<WriteRow<T>> = [];
		for (const row of outcome.stale) {
			const level = byItem.get(row.inventoryItemId);
			if (!level) {
				result.failed.push({
					row,
					code: 'ITEM_NOT_STOCKED_AT_LOCATION',
					message: `SKU "${row.sku}" is no longer stocked at this location in Shopify`,
				});
				continue;
			}
			const decided = recompute(row, level);
			if (decided === 'unchanged') result.nowUnchanged.push(row);
			else next.push(decided);
		}
		pending = next;
	}
	return result;
}
