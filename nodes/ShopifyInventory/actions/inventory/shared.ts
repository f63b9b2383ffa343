import { randomUUID } from 'node:crypto';

import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import type { CostBudget } from '../../../shared/shopify/cost';
import { toLocationGid, type ShopifyLevel } from '../../logic/levels';
import type { FailedRow, WriteOutcome, WriteRow, WriteSettings } from '../../transport/inventory';
import { writeRows } from '../../transport/inventory';

export const REFERENCE_URI_PREFIX = 'gid://n8n-nodes-filemaker-shopify';
export const DEFAULT_MAX_STALE_RETRIES = 3;

/** The location parameter (resource locator, gid or numeric id) → `gid://shopify/Location/N`. */
export function getLocationId(ctx: IExecuteFunctions, itemIndex: number): string {
	const raw = ctx.getNodeParameter('location', itemIndex, '', { extractValue: true }) as unknown;
	const gid = toLocationGid(raw);
	if (!gid) {
		throw new NodeOperationError(
			ctx.getNode(),
			raw === '' || raw === undefined || raw === null
				? 'Choose a Shopify location'
				: `"${String(raw)}" is not a Shopify location id`,
			{
				description: 'Pick the location from the list, or enter an id such as gid://shopify/Location/123456789 or 123456789.',
				itemIndex,
			},
		);
	}
	return gid;
}

function executionIdOf(ctx: IExecuteFunctions): string | undefined {
	try {
		const id = ctx.getExecutionId();
		return typeof id === 'string' && id.trim() !== '' ? id : undefined;
	} catch {
		return undefined;
	}
}

/** Scope of this execution's idempotency keys: n8n's execution id (a random id if n8n gives none). */
export function executionScope(ctx: IExecuteFunctions): string {
	return executionIdOf(ctx) ?? randomUUID();
}

/** The reference document URI written with every change (option, or one naming this execution). */
export function referenceUri(ctx: IExecuteFunctions, operation: string, configured: unknown): string {
	const value = typeof configured === 'string' ? configured.trim() : '';
	if (value) return value;
	return `${REFERENCE_URI_PREFIX}/${operation}/${executionIdOf(ctx) ?? 'manual'}`;
}

export function levelJson(level: ShopifyLevel, locationId: string): IDataObject {
	return {
		sku: level.sku,
		inventoryItemId: level.inventoryItemId,
		variantId: level.variantId ?? null,
		locationId,
		available: level.available,
		onHand: level.onHand ?? null,
	};
}

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
 * Writes rows; rows that come back CHANGE_FROM_QUANTITY_STALE are re-read and written again with the
 * fresh changeFromQuantity (bounded by maxStaleRetries). `recompute` decides the new row from the fresh
 * level ('unchanged' when nothing needs writing any more, undefined when the item is gone).
 */
export async function applyWithStaleRetry<T>(
	ctx: IExecuteFunctions,
	budget: CostBudget,
	settings: WriteSettings,
	rows: Array<WriteRow<T>>,
	{
		maxStaleRetries = DEFAULT_MAX_STALE_RETRIES,
		reread,
		recompute,
	}: {
		maxStaleRetries?: number;
		reread: (skus: string[]) => Promise<ShopifyLevel[]>;
		recompute: (row: WriteRow<T>, level: ShopifyLevel) => WriteRow<T> | 'unchanged';
	},
): Promise<ApplyResult<T>> {
	const result: ApplyResult<T> = { applied: [], nowUnchanged: [], failed: [], mutations: 0, staleRetries: 0 };
	let pending = rows;
	for (let round = 0; pending.length > 0; round++) {
		const outcome = (await writeRows.call(ctx, budget, settings, pending)) as WriteOutcome<T>;
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
				});
			}
			break;
		}
		result.staleRetries += outcome.stale.length;
		const fresh = await reread(outcome.stale.map((r) => r.sku));
		const byItem = new Map(fresh.map((l) => [l.inventoryItemId, l]));
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

export { asNodeError } from '../../../shared/shopify/transport';
