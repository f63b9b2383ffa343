/**
 * The steps Inventory → Sync takes the same way at one location (sync.operation.ts) and at several
 * (multiLocation.ts): reading the input's SKUs, the run's request figures, and the items it outputs.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { apiError } from '../../../shared/errors';
import { errorItem } from '../../../shared/router';
import { estimateAvailable } from '../../../shared/shopify/cost';
import type { CostBudget } from '../../../shared/shopify/cost';
import { readLevels, readLevelsBySkuSearch, skuSearchCost, type ReadResult } from '../../transport/inventory';
import type { ShopifyLevel } from '../../logic/levels';
import type { ShopifyExecution } from '../execution';
import type { ReadOptions } from './options';

/** A row of the details output (with several locations, also `location` and `locationId`). */
export interface SyncDetail {
	sku: string | null;
	from: number | null;
	to: number | null;
	status: string;
	message?: string;
	inventoryItemId?: string;
	/** FileMaker's quantity, when units were held back from it. */
	fileMakerQuantity?: number;
	heldBackUnits?: number;
	code?: string;
	itemIndex?: number;
	itemIndexes?: number[];
}

/**
 * "Only SKUs in the Input" at one location: Shopify's levels of exactly these SKUs. Batched SKU
 * searches, unless they would cost more points than the bucket holds now (or Read Mode is Bulk): then
 * one bulk read of the location, of which only the input's SKUs are kept (a few points, whatever the
 * catalogue's size).
 */
export async function readInputSkus(
	this: IExecuteFunctions,
	run: ShopifyExecution,
	locationId: string,
	skus: string[],
	readOpts: ReadOptions,
): Promise<ReadResult> {
	const { budget } = run;
	const wanted = new Set(skus);
	if (wanted.size === 0) return { levels: [], mode: 'bySku' };
	// Before the first answer the bucket is unknown: assume the smallest bucket Shopify documents (1,000).
	const available = estimateAvailable(budget, Date.now()) ?? 1000;
	const useBulk = readOpts.mode === 'bulk' || (readOpts.mode === 'automatic' && skuSearchCost(wanted) > available);
	if (useBulk) {
		const all = await readLevels.call(this, budget, locationId, { ...readOpts, mode: 'bulk' });
		return { levels: all.levels.filter((l) => wanted.has(l.sku)), mode: all.mode };
	}
	return { levels: (await readLevelsBySkuSearch.call(this, budget, locationId, wanted)).levels, mode: 'bySku' };
}

/** The write and request figures of the run, the last fields of the summary. */
export function requestFigures(write: { staleRetries: number; writeCalls: number }, budget: CostBudget, startedAt: number) {
	return {
		...write,
		apiCalls: budget.calls,
		costUsed: budget.costUsed,
		throttledWaits: budget.throttledWaits,
		paceWaits: budget.preemptiveWaits,
		waitedMs: budget.waitedMs,
		retries: budget.retries,
		durationMs: Date.now() - startedAt,
	};
}

/**
 * The items of a finished Sync: the summary, then (output "Summary and Details") a row per detail,
 * problem rows on the error output when the node has one. Rows Shopify asked to try again fail the
 * execution (so an error workflow fires), after every other row was written; with Continue On Fail /
 * the error output, the summary reports them instead.
 */
export function syncOutputItems(
	this: IExecuteFunctions,
	summary: IDataObject,
	details: SyncDetail[],
	run: { allPaired: Array<{ item: number }>; outputMode: string; retryable: number; written: number },
	isProblem: (detail: SyncDetail) => boolean,
): INodeExecutionData[] {
	if (run.retryable > 0 && !this.continueOnFail()) {
		throw apiError.call(
			this,
			`${run.retryable} row(s) were not written because Shopify asked to try again; ${run.written} other row(s) were written`,
			`Run the sync again: it writes only what still differs. First: ${details.find((d) => d.status === 'retryable')?.message ?? ''}`,
		);
	}
	const out: INodeExecutionData[] = [{ json: summary, pairedItem: run.allPaired }];
	if (run.outputMode !== 'summaryAndDetails') return out;
	const toErrorOutput = this.getNode().onError === 'continueErrorOutput';
	for (const d of details) {
		const { itemIndex, itemIndexes, ...json } = d;
		const pairedIndexes =
			itemIndexes && itemIndexes.length > 0 ? itemIndexes : itemIndex !== undefined ? [itemIndex] : run.allPaired.map((p) => p.item);
		if (toErrorOutput && isProblem(d)) {
			const { message, ...fields } = json;
			out.push(errorItem.call(this, new Error(message ?? d.status), pairedIndexes, fields as IDataObject));
			continue;
		}
		out.push({
			json: json as IDataObject,
			pairedItem: pairedIndexes.length === 1 ? { item: pairedIndexes[0] } : pairedIndexes.map((item) => ({ item })),
		});
	}
	return out;
}

/** The detail of an input row Shopify does not let the Sync write (an untracked item, a bundle). */
export function notWritableDetail<Where extends object>(
	sku: string,
	where: Where,
	level: ShopifyLevel,
	status: 'untracked' | 'bundleParent',
	row: { quantity: number; itemIndex: number },
): SyncDetail & Where {
	return {
		sku,
		...where,
		from: level.available,
		to: row.quantity,
		status,
		message:
			status === 'untracked'
				? `SKU "${sku}": Shopify does not track this item’s inventory; it was not written`
				: `SKU "${sku}" is a bundle: Shopify computes its stock from its components and refuses writes to it; it was not written`,
		inventoryItemId: level.inventoryItemId,
		itemIndex: row.itemIndex,
	};
}

/** Rows not written, by reason, as the summary counts them. */
export interface WriteFailureCounts {
	retryable: number;
	bundleParent: number;
	notStocked: number;
	deletedItem: number;
	failed: number;
}

/** The summary's counts of rows not written: the input's untracked items and bundles, then the write's failures. */
export function notWrittenFigures(failureCounts: WriteFailureCounts, notWritableCount: (status: 'untracked' | 'bundleParent') => number) {
	return {
		bundleParents: notWritableCount('bundleParent') + failureCounts.bundleParent,
		untracked: notWritableCount('untracked'),
		notStocked: failureCounts.notStocked,
		deletedItems: failureCounts.deletedItem,
		retryable: failureCounts.retryable,
	};
}
