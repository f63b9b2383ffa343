/**
 * Inventory → Sync: FileMaker (source of truth) → Shopify `available` at one location.
 *
 * 1. Input items → rows {sku, quantity} (invalid, error and duplicate items are reported, not synced).
 * 2. Read Shopify's levels at the location (all of them, or only the one SKU).
 * 3. Diff (pure): only rows whose `available` differs are written.
 * 4. inventorySetQuantities(name "available") in batches of 250, each row with changeFromQuantity =
 *    the value read, each batch with an idempotency key derived from its content.
 * 5. Rows that come back CHANGE_FROM_QUANTITY_STALE (a sale or another app changed Shopify between our
 *    read and our write) are re-read and written again: the value set is still FileMaker's quantity, the
 *    fresh read only supplies the new changeFromQuantity. Shopify keeps the sale itself: it moved the
 *    units from available to committed (on_hand unchanged), and setting `available` moves on_hand by
 *    the same delta, so committed still holds the sold units. FileMaker learns about the sale through
 *    the order webhook and the next sync carries it. Nothing is ever written from a stale read.
 *
 * Output: one summary item (paired with all input items) and optionally one item per change/problem.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { diffInventory, type SyncChange } from '../../logic/diff';
import { normalizeSku, validateInputItems, type InputProblem } from '../../logic/validate';
import { currentApiVersion, findBySku, readLevels, type ReadResult, type WriteRow } from '../../transport/inventory';
import { resolveLocation } from '../../transport/locations';
import {
	bulkThresholdOption,
	locationLocator,
	optionsCollection,
	readModeOption,
	reasonOption,
	referenceDocumentUriOption,
} from '../common.descriptions';
import type { ShopifyExecution } from '../execution';
import { maxStaleRetriesOption, rereadOptions, writeOptionsOf } from './options';
import { executionScope, referenceUri } from './reference';
import { applyWithStaleRetry } from './staleRetry';

const displayOptions = { show: { resource: ['inventory'], operation: ['sync'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'Sets Shopify’s Available quantity at the location to the quantity in the input (FileMaker is the source of truth) and writes only what differs. Units sold but not yet shipped stay committed in Shopify: a sale during the sync is never lost, it reaches FileMaker through the order webhook and the next sync.',
		name: 'syncNotice',
		type: 'notice',
		default: '',
		displayOptions,
	},
	locationLocator(['sync']),
	{
		displayName: 'SKU Field',
		name: 'skuField',
		type: 'string',
		default: 'sku',
		required: true,
		description: 'Field of the input items that holds the SKU (dots for nested fields)',
		displayOptions,
	},
	{
		displayName: 'Quantity Field',
		name: 'quantityField',
		type: 'string',
		default: 'quantity',
		required: true,
		description: 'Field of the input items that holds FileMaker’s quantity (whole number, 0 to 1,000,000,000)',
		displayOptions,
	},
	{
		displayName: 'Only SKU',
		name: 'onlySku',
		type: 'string',
		default: '',
		description: 'Sync only this SKU (reads only this SKU from Shopify). Empty: sync everything.',
		displayOptions,
	},
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		description: 'Whether to only report the changes a real run would make, without writing anything',
		displayOptions,
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{ name: 'Summary Only', value: 'summary', description: 'One item with the counts' },
			{
				name: 'Summary and One Item per Change or Problem',
				value: 'summaryAndDetails',
				description: 'The summary, then one item per change or problem (sku, from, to, status)',
			},
		],
		default: 'summary',
		displayOptions,
	},
	optionsCollection(displayOptions, [
		bulkThresholdOption,
		maxStaleRetriesOption,
		readModeOption,
		reasonOption,
		referenceDocumentUriOption,
		{
			displayName: 'Report Missing in FileMaker',
			name: 'reportMissingInFileMaker',
			type: 'boolean',
			default: true,
			description: 'Whether to report SKUs stocked at the location in Shopify that the input does not contain',
		},
	]),
];

export interface SyncSummary extends IDataObject {
	operation: 'sync';
	dryRun: boolean;
	locationId: string;
	locationName: string | null;
	apiVersion: string;
	readMode: string;
	compared: number;
	unchanged: number;
	updated: number;
	failed: number;
	missingInShopify: number;
	missingInFileMaker: number;
	duplicateSkus: number;
	invalidQuantities: number;
	apiCalls: number;
	costUsed: number;
	throttledWaits: number;
	durationMs: number;
}

interface Detail {
	sku: string | null;
	from: number | null;
	to: number | null;
	status: string;
	message?: string;
	inventoryItemId?: string;
	itemIndex?: number;
	itemIndexes?: number[];
}

const PROBLEM_STATUS: Record<InputProblem['status'], string> = {
	inputError: 'inputError',
	emptySku: 'emptySku',
	invalidQuantity: 'invalidQuantity',
	duplicateSku: 'duplicateSku',
};

export async function execute(
	this: IExecuteFunctions,
	run: ShopifyExecution,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const startedAt = Date.now();
	const allPaired = items.map((_, item) => ({ item }));
	const { budget } = run;

	const skuField = (this.getNodeParameter('skuField', 0, 'sku') as string).trim() || 'sku';
	const quantityField = (this.getNodeParameter('quantityField', 0, 'quantity') as string).trim() || 'quantity';
	const onlySku = normalizeSku(this.getNodeParameter('onlySku', 0, '') as string);
	const dryRun = this.getNodeParameter('dryRun', 0, false) as boolean;
	const outputMode = this.getNodeParameter('output', 0, 'summary') as string;
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const { read: readOpts, maxStaleRetries, reason } = writeOptionsOf(options);
	const reportMissingInFileMaker = options.reportMissingInFileMaker !== false;
	const apiVersion = await currentApiVersion.call(this);
	const location = await resolveLocation.call(this, run, 0);
	const locationId = location.id;

	// 1. Input → rows.
	const validated = validateInputItems(items, { skuField, quantityField });
	const rows = onlySku === undefined ? validated.rows : validated.rows.filter((r) => r.sku === onlySku);
	const problems =
		onlySku === undefined ? validated.problems : validated.problems.filter((p) => p.sku === onlySku);

	// 2. Shopify's levels.
	const { levels, mode: modeUsed }: ReadResult =
		onlySku !== undefined
			? { levels: (await findBySku.call(this, budget, locationId, onlySku)).levels, mode: 'bySku' }
			: await readLevels.call(this, budget, locationId, readOpts);

	// 3. Diff.
	const diff = diffInventory(rows, levels, {
		onlySku,
		reportMissingInFileMaker,
		otherInputSkus: validated.problems.map((p) => p.sku),
	});

	// 4./5. Write.
	const details: Detail[] = [];
	let updated = 0;
	let failed = 0;
	let nowUnchanged = 0;
	let mutations = 0;
	let staleRetries = 0;
	if (dryRun) {
		updated = diff.changes.length;
		for (const c of diff.changes) {
			details.push({ sku: c.sku, from: c.from, to: c.to, status: 'wouldUpdate', inventoryItemId: c.inventoryItemId, itemIndex: c.itemIndex });
		}
	} else if (diff.changes.length > 0) {
		const writeRowsList: Array<WriteRow<SyncChange>> = diff.changes.map((c) => ({
			sku: c.sku,
			inventoryItemId: c.inventoryItemId,
			value: c.to,
			changeFromQuantity: c.from,
			ref: c,
		}));
		const result = await (applyWithStaleRetry<SyncChange>).call(
			this,
			budget,
			{
				operation: 'set',
				name: 'available',
				reason,
				referenceDocumentUri: referenceUri.call(this, 'InventorySync', options.referenceDocumentUri),
				locationId,
				apiVersion,
				executionScope: executionScope.call(this),
			},
			writeRowsList,
			{
				maxStaleRetries,
				read: rereadOptions(readOpts, modeUsed),
				recompute: (row, level) =>
					level.available === row.value ? 'unchanged' : { ...row, changeFromQuantity: level.available },
			},
		);
		mutations = result.mutations;
		staleRetries = result.staleRetries;
		updated = result.applied.length;
		failed = result.failed.length;
		nowUnchanged = result.nowUnchanged.length;
		for (const row of result.applied) {
			details.push({
				sku: row.sku,
				from: row.changeFromQuantity,
				to: row.value,
				status: 'updated',
				inventoryItemId: row.inventoryItemId,
				itemIndex: row.ref.itemIndex,
				...(row.changeFromQuantity !== row.ref.from
					? { message: `Shopify changed from ${row.ref.from} to ${row.changeFromQuantity} during the sync; FileMaker's quantity was set` }
					: {}),
			});
		}
		for (const row of result.nowUnchanged) {
			details.push({
				sku: row.sku,
				from: row.value,
				to: row.value,
				status: 'unchanged',
				message: 'Shopify already had this quantity when re-read',
				inventoryItemId: row.inventoryItemId,
				itemIndex: row.ref.itemIndex,
			});
		}
		for (const f of result.failed) {
			details.push({
				sku: f.row.sku,
				from: f.row.changeFromQuantity,
				to: f.row.value,
				status: f.code === 'CHANGE_FROM_QUANTITY_STALE' ? 'stale' : 'failed',
				message: f.code ? `${f.message} (${f.code})` : f.message,
				inventoryItemId: f.row.inventoryItemId,
				itemIndex: f.row.ref.itemIndex,
			});
		}
	}

	for (const m of diff.missingInShopify) {
		details.push({
			sku: m.sku,
			from: null,
			to: m.to,
			status: 'missingInShopify',
			message: `SKU "${m.sku}" is not stocked at this location in Shopify`,
			itemIndex: m.itemIndex,
		});
	}
	for (const m of diff.missingInFileMaker) {
		details.push({
			sku: m.sku,
			from: m.available,
			to: null,
			status: 'missingInFileMaker',
			message: `SKU "${m.sku}" is stocked in Shopify but not in the input`,
			inventoryItemId: m.inventoryItemId,
		});
	}
	for (const d of diff.duplicateInShopify) {
		details.push({
			sku: d.sku,
			from: null,
			to: d.to ?? null,
			status: 'duplicateInShopify',
			message: `SKU "${d.sku}" belongs to ${d.inventoryItemIds.length} inventory items at this location in Shopify; none was written`,
			itemIndex: d.itemIndex,
		});
	}
	for (const p of problems) {
		details.push({
			sku: p.sku ?? null,
			from: null,
			to: null,
			status: PROBLEM_STATUS[p.status],
			message: p.message,
			itemIndex: p.itemIndex,
			itemIndexes: p.itemIndexes,
		});
	}

	const duplicateSkus = new Set([
		...problems.filter((p) => p.status === 'duplicateSku').map((p) => p.sku),
		...diff.duplicateInShopify.map((d) => d.sku),
	]).size;
	const summary: SyncSummary = {
		operation: 'sync',
		dryRun,
		locationId,
		locationName: location.name,
		apiVersion,
		readMode: modeUsed,
		onlySku: onlySku ?? null,
		compared: diff.changes.length + diff.unchanged.length,
		unchanged: diff.unchanged.length + nowUnchanged,
		updated,
		failed,
		missingInShopify: diff.missingInShopify.length,
		missingInFileMaker: diff.missingInFileMaker.length,
		duplicateSkus,
		invalidQuantities: problems.filter((p) => p.status !== 'duplicateSku').length,
		inputErrors: problems.filter((p) => p.status === 'inputError').length,
		emptySkus: problems.filter((p) => p.status === 'emptySku').length,
		staleRetries,
		writeCalls: mutations,
		apiCalls: budget.calls,
		costUsed: budget.costUsed,
		throttledWaits: budget.throttledWaits,
		paceWaits: budget.preemptiveWaits,
		waitedMs: budget.waitedMs,
		retries: budget.retries,
		durationMs: Date.now() - startedAt,
	};

	const out: INodeExecutionData[] = [{ json: summary, pairedItem: allPaired }];
	if (outputMode === 'summaryAndDetails') {
		for (const d of details) {
			const { itemIndex, itemIndexes, ...json } = d;
			const paired =
				itemIndexes && itemIndexes.length > 0
					? itemIndexes.map((item) => ({ item }))
					: itemIndex !== undefined
						? { item: itemIndex }
						: allPaired;
			out.push({ json: json as IDataObject, pairedItem: paired });
		}
	}
	return out;
}
