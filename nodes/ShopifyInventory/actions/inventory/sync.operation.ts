/**
 * Inventory → Sync: FileMaker (source of truth) → Shopify `available` at one location.
 *
 * 1. Input items → rows {sku, quantity} (invalid, error and duplicate items are reported, not synced).
 * 2. Read Shopify's levels at the location (all of them, or only the one SKU). Items Shopify does not
 *    track and bundle parents (a variant that requires components) are reported and never written.
 * 3. Hold-back (option "Hold Back Orders Created Since"): read, after the levels, the orders created
 *    since that time and subtract, per SKU, the units they hold from FileMaker's quantity (never below
 *    0): sales FileMaker may not have applied yet are never offered again (docs/stock-model.md).
 * 4. Diff (pure): only rows whose `available` differs are written; "SKUs Not to Write" are compared and
 *    reported as heldBack.
 * 5. inventorySetQuantities(name "available") in batches of 250, each row with changeFromQuantity =
 *    the value read, each batch with an idempotency key derived from its content. Rows Shopify refuses
 *    are dropped by the userError's field index and the rest is sent again (new key): one item never
 *    stops the others.
 * 6. Rows that come back CHANGE_FROM_QUANTITY_STALE (a sale or another app changed Shopify between our
 *    read and our write) are re-read, the recent orders are read again, and the quantity is computed
 *    anew from FileMaker's quantity minus the held-back units. Nothing is ever written from a stale read.
 *
 * Output: one summary item (paired with all input items) and optionally one item per change/problem
 * (problems go to the error output when the node's On Error setting chose it).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { diffInventory, type SyncChange } from '../../logic/diff';
import {
	holdBackFromOrders,
	parseHoldBackSince,
	parseSkuList,
	quantityAfterHoldBack,
	type HoldBack,
} from '../../logic/holdBack';
import type { ShopifyLevel } from '../../logic/levels';
import { needsAttention, PROBLEM_STATUSES, WRITE_FAILURE_HINT, writeFailureStatus } from '../../logic/syncReport';
import { fetchOrdersCreatedSince } from '../../transport/holdBack';
import { normalizeSku, validateInputItems, type InputProblem } from '../../logic/validate';
import {
	collectBulkLevelsRead,
	currentApiVersion,
	findBySku,
	readLevels,
	type ReadResult,
	type WriteRow,
} from '../../transport/inventory';
import { resolveLocation } from '../../transport/locations';
import { bulkThresholdOption, locationLocator, optionsCollection, readModeOption, reasonOption, referenceDocumentUriOption } from '../common.descriptions';
import type { ShopifyExecution } from '../execution';
import { maxStaleRetriesOption, rereadOptions, writeOptionsOf } from './options';
import { executionScope, referenceUri } from './reference';
import { applyWithStaleRetry } from './staleRetry';
import { notWritableDetail, notWrittenFigures, readInputSkus, requestFigures, syncOutputItems, type SyncDetail, type WriteFailureCounts } from './syncSteps';
import { executeMultiLocationSync, multiLocationDescription, syncLocationMappingOf } from './multiLocation';

const displayOptions = { show: { resource: ['inventory'], operation: ['sync'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'Sets Shopify’s Available quantity at the location to the quantity in the input (FileMaker is the source of truth) minus the units of recent orders FileMaker may not have applied yet (option Hold Back Orders Created Since), and writes only what differs. Units sold in Shopify are never offered twice: those orders are held back until FileMaker has them (the README’s stock model section explains it).',
		name: 'syncNotice',
		type: 'notice',
		default: '',
		displayOptions,
	},
	locationLocator(['sync']),
	...multiLocationDescription,
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
			displayName: 'Hold Back Orders Created Since',
			name: 'holdBackOrdersSince',
			type: 'dateTime',
			default: '',
			description:
				'Orders created in Shopify since this time (paid or not) are read after Shopify’s levels, and the units they hold are subtracted from the input quantity before comparing (never below 0), so sales FileMaker has not applied yet are not offered again. Use the start of the catch-up read minus a margin. Empty: off. Needs the read_orders scope and protected customer data approval.',
		},
		{
			displayName: 'SKUs Not to Write',
			name: 'skipSkus',
			type: 'string',
			default: '',
			placeholder: 'SKU-1, SKU-2',
			description:
				'SKUs that are compared but never written (reported with status heldBack): comma or newline separated, or an array from an expression. Exact SKUs.',
		},
		{
			displayName: 'Only SKUs in the Input',
			name: 'onlyInputSkus',
			type: 'boolean',
			default: false,
			description:
				'Whether to read from Shopify only the SKUs of the input items (batched exact SKU searches, 50 SKUs a request) instead of the whole location: for an incremental sync fed with the FileMaker records modified since the last run. When the searches would cost more points than Shopify’s bucket holds, or Read Mode is Bulk, the location is read with a bulk operation and only the input SKUs are kept. SKUs missing in FileMaker are not reported in this mode.',
		},
		{
			displayName: 'Read Started Earlier',
			name: 'bulkOperationId',
			type: 'string',
			default: '',
			placeholder: "{{ $('Start Shopify read').first().json.bulkOperationId }}",
			description:
				'ID of the bulk read that Inventory → Start Read for Sync started before the FileMaker read: Sync collects it instead of reading the location (Shopify read while FileMaker was read). Empty, or a read of another location: Sync reads the levels itself.',
		},
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
	heldBack: number;
	heldBackUnits: number;
	bundleParents: number;
	untracked: number;
	notStocked: number;
	deletedItems: number;
	retryable: number;
	needsAttention: number;
	apiCalls: number;
	costUsed: number;
	throttledWaits: number;
	durationMs: number;
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
	const node = this.getNode();

	const skuField = (this.getNodeParameter('skuField', 0, 'sku') as string).trim() || 'sku';
	const quantityField = (this.getNodeParameter('quantityField', 0, 'quantity') as string).trim() || 'quantity';
	const onlySku = normalizeSku(this.getNodeParameter('onlySku', 0, '') as string);
	const dryRun = this.getNodeParameter('dryRun', 0, false) as boolean;
	const outputMode = this.getNodeParameter('output', 0, 'summary') as string;
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const { read: readOpts, maxStaleRetries, reason } = writeOptionsOf(options, node);
	const onlyInputSkus = options.onlyInputSkus === true && onlySku === undefined;
	// Only the input's SKUs are read: a SKU Shopify has and the input lacks is not seen, so not reported.
	const reportMissingInFileMaker = options.reportMissingInFileMaker !== false && !onlyInputSkus;
	let holdBackSince: Date | undefined;
	try {
		holdBackSince = parseHoldBackSince(options.holdBackOrdersSince);
	} catch (error) {
		throw new NodeOperationError(node, (error as Error).message, {
			description: 'Set Options → Hold Back Orders Created Since to a date and time, or leave it empty to turn the hold-back off.',
		});
	}
	const skipSkus = parseSkuList(options.skipSkus);
	const apiVersion = await currentApiVersion.call(this);
	// Several locations (option Locations, else the credential's Locations): one pass over every mapped location.
	const locationMapping = await syncLocationMappingOf.call(this, run);
	if (locationMapping.length > 0) {
		return await executeMultiLocationSync.call(this, run, items, locationMapping, {
			skuField, quantityField, onlySku, onlyInputSkus, reportMissingInFileMaker, dryRun, outputMode,
			readOpts, maxStaleRetries, holdBackSince, skipSkus, apiVersion,
			write: {
				operation: 'set',
				name: 'available',
				reason,
				referenceDocumentUri: referenceUri.call(this, 'InventorySync', options.referenceDocumentUri),
				apiVersion,
				executionScope: executionScope.call(this),
			},
		});
	}
	const location = await resolveLocation.call(this, run, 0);
	const locationId = location.id;

	// 1. Input → rows.
	const validated = validateInputItems(items, { skuField, quantityField });
	const inputRows = onlySku === undefined ? validated.rows : validated.rows.filter((r) => r.sku === onlySku);
	const problems =
		onlySku === undefined ? validated.problems : validated.problems.filter((p) => p.sku === onlySku);

	// 2. Shopify's levels. Items Shopify does not track and bundle parents are never written.
	const read: ReadResult & { startedEarlier?: boolean } =
		onlySku !== undefined
			? { levels: (await findBySku.call(this, budget, locationId, onlySku)).levels, mode: 'bySku' }
			: onlyInputSkus
				? await readInputSkus.call(this, run, locationId, inputRows.map((r) => r.sku), readOpts)
				: await readAllLevels.call(this, run, locationId, options.bulkOperationId, readOpts);
	const { levels: readLevelsList, mode: modeUsed } = read;
	const readModeReported = !onlyInputSkus ? modeUsed : modeUsed === 'bySku' ? 'inputSkus' : `inputSkus:${modeUsed}`;
	const details: SyncDetail[] = [];
	// SKU → input row, made only when a lookup is needed (untracked items, bundles, held-back units, a stale write).
	let inputRowsBySku: Map<string, (typeof inputRows)[number]> | undefined;
	const inputBySku = {
		get: (sku: string) => (inputRowsBySku ??= new Map(inputRows.map((r) => [r.sku, r]))).get(sku),
		has: (sku: string) => inputBySku.get(sku) !== undefined,
	};
	const fileMakerQuantityOf = (sku: string) => inputBySku.get(sku)?.quantity;
	const notWritable = new Map<string, { level: ShopifyLevel; status: 'untracked' | 'bundleParent' }>();
	const levels: ShopifyLevel[] = [];
	for (const level of readLevelsList) {
		const status = level.tracked === false ? 'untracked' : level.requiresComponents === true ? 'bundleParent' : undefined;
		if (status === undefined) levels.push(level);
		else if (inputBySku.has(level.sku)) notWritable.set(level.sku, { level, status });
	}
	const rowsToCompare = inputRows.filter((r) => !notWritable.has(r.sku));
	for (const [sku, { level, status }] of notWritable) {
		const row = inputBySku.get(sku)!;
		details.push(notWritableDetail(sku, {}, level, status, row));
	}

	// 3. Hold-back: units of orders created since the hold-back time, read after the levels.
	// Item → SKU, only for the items of held-back orders (not a map of the whole catalogue).
	const skusOfItems = (itemIds: Iterable<string>) => {
		const wanted = new Set(itemIds);
		const found = new Map<string, string>();
		if (wanted.size > 0) for (const l of readLevelsList) if (wanted.has(l.inventoryItemId)) found.set(l.inventoryItemId, l.sku);
		return found;
	};
	let holdBack: HoldBack | undefined;
	const heldBySku = new Map<string, number>();
	const readHoldBack = async () => {
		if (holdBackSince === undefined) return;
		const orders = await fetchOrdersCreatedSince.call(this, budget, holdBackSince, onlySku !== undefined ? [onlySku] : []);
		holdBack = holdBackFromOrders(orders, locationId);
		heldBySku.clear();
		const skuOfItem = skusOfItems(holdBack.unitsByItem.keys());
		for (const [itemId, units] of holdBack.unitsByItem) {
			const sku = skuOfItem.get(itemId);
			if (sku !== undefined) heldBySku.set(sku, (heldBySku.get(sku) ?? 0) + units);
		}
	};
	await readHoldBack();
	const targetOf = (sku: string, quantity: number) => quantityAfterHoldBack(quantity, heldBySku.get(sku) ?? 0);
	// Rows are copied only when units are held back (at 250,000 SKUs every copy of the catalogue counts).
	const rows = heldBySku.size === 0 ? rowsToCompare : rowsToCompare.map((r) => ({ ...r, quantity: targetOf(r.sku, r.quantity) }));
	const holdBackFields = (sku: string): Partial<SyncDetail> => {
		const units = heldBySku.get(sku) ?? 0;
		return units > 0 ? { fileMakerQuantity: fileMakerQuantityOf(sku), heldBackUnits: units } : {};
	};

	// 4. Diff; SKUs not to write are compared and reported.
	const diff = diffInventory(rows, levels, {
		onlySku,
		reportMissingInFileMaker,
		otherInputSkus: [...validated.problems.map((p) => p.sku), ...notWritable.keys()],
	});
	const changes = diff.changes.filter((c) => !skipSkus.has(c.sku));
	const heldBackChanges = diff.changes.filter((c) => skipSkus.has(c.sku));
	for (const c of heldBackChanges) {
		details.push({
			sku: c.sku,
			from: c.from,
			to: c.to,
			status: 'heldBack',
			message: `SKU "${c.sku}" is in "SKUs Not to Write": compared, not written`,
			inventoryItemId: c.inventoryItemId,
			itemIndex: c.itemIndex,
			...holdBackFields(c.sku),
		});
	}
	for (const u of diff.unchanged) {
		if ((heldBySku.get(u.sku) ?? 0) === 0) continue;
		details.push({
			sku: u.sku,
			from: u.quantity,
			to: u.quantity,
			status: 'unchanged',
			inventoryItemId: u.inventoryItemId,
			itemIndex: u.itemIndex,
			...holdBackFields(u.sku),
		});
	}

	// 5./6. Write.
	let updated = 0;
	let nowUnchanged = 0;
	let mutations = 0;
	let staleRetries = 0;
	const failureCounts: WriteFailureCounts = { retryable: 0, bundleParent: 0, notStocked: 0, deletedItem: 0, failed: 0 };
	let writeFailures = 0;
	if (dryRun) {
		updated = changes.length;
		for (const c of changes) {
			details.push({ sku: c.sku, from: c.from, to: c.to, status: 'wouldUpdate', inventoryItemId: c.inventoryItemId, itemIndex: c.itemIndex, ...holdBackFields(c.sku) });
		}
	} else if (changes.length > 0) {
		const writeRowsList: Array<WriteRow<SyncChange>> = changes.map((c) => ({
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
				// A sale between our reads and the write: read the recent orders again too.
				refresh: readHoldBack,
				recompute: (row, level) => {
					const target = targetOf(row.sku, fileMakerQuantityOf(row.sku) ?? row.ref.to);
					return level.available === target ? 'unchanged' : { ...row, value: target, changeFromQuantity: level.available };
				},
			},
		);
		mutations = result.mutations;
		staleRetries = result.staleRetries;
		updated = result.applied.length;
		writeFailures = result.failed.length;
		nowUnchanged = result.nowUnchanged.length;
		for (const row of result.applied) {
			details.push({
				sku: row.sku,
				from: row.changeFromQuantity,
				to: row.value,
				status: 'updated',
				inventoryItemId: row.inventoryItemId,
				itemIndex: row.ref.itemIndex,
				...holdBackFields(row.sku),
				...(row.changeFromQuantity !== row.ref.from
					? { message: `Shopify changed from ${row.ref.from} to ${row.changeFromQuantity} during the sync; the quantity was computed again` }
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
				...holdBackFields(row.sku),
			});
		}
		for (const f of result.failed) {
			const status = writeFailureStatus(f.code, f.retryable);
			failureCounts[status]++;
			details.push({
				sku: f.row.sku,
				from: f.row.changeFromQuantity,
				to: f.row.value,
				status,
				message: `SKU "${f.row.sku}": ${WRITE_FAILURE_HINT[status]}. Shopify said: ${f.message}${f.code ? ` (${f.code})` : ''}`,
				...(f.code ? { code: f.code } : {}),
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
	const invalidQuantities = problems.filter((p) => p.status !== 'duplicateSku').length;
	const notWritableCount = (status: 'untracked' | 'bundleParent') =>
		[...notWritable.values()].filter((n) => n.status === status).length;
	let heldBackUnits = 0;
	for (const r of rowsToCompare) heldBackUnits += heldBySku.get(r.sku) ?? 0;
	const summary: SyncSummary = {
		operation: 'sync',
		dryRun,
		locationId,
		locationName: location.name,
		apiVersion,
		readMode: readModeReported,
		readStartedEarlier: read.startedEarlier === true,
		onlyInputSkus,
		onlySku: onlySku ?? null,
		compared: diff.changes.length + diff.unchanged.length,
		unchanged: diff.unchanged.length + nowUnchanged,
		updated,
		failed: writeFailures,
		heldBack: heldBackChanges.length,
		holdBackOrdersSince: holdBackSince ? holdBackSince.toISOString() : null,
		holdBackOrders: holdBack?.ordersRead ?? 0,
		heldBackUnits,
		heldBackSkus: rowsToCompare.filter((r) => (heldBySku.get(r.sku) ?? 0) > 0).length,
		missingInShopify: diff.missingInShopify.length,
		missingInFileMaker: diff.missingInFileMaker.length,
		duplicateSkus,
		invalidQuantities,
		inputErrors: problems.filter((p) => p.status === 'inputError').length,
		emptySkus: problems.filter((p) => p.status === 'emptySku').length,
		...notWrittenFigures(failureCounts, notWritableCount),
		needsAttention: needsAttention({ invalidQuantities, duplicateSkus, otherFailures: failureCounts.failed }),
		...requestFigures({ staleRetries, writeCalls: mutations }, budget, startedAt),
	};

	const isProblem = (d: SyncDetail) => PROBLEM_STATUSES.has(d.status);
	return syncOutputItems.call(this, summary, details, { allPaired, outputMode, retryable: summary.retryable, written: updated }, isProblem);
}

/**
 * Every level at the location: the bulk read Start Read for Sync began (when its id is given and it is
 * this location's levels read), else a read now.
 */
async function readAllLevels(
	this: IExecuteFunctions,
	run: ShopifyExecution,
	locationId: string,
	bulkOperationId: unknown,
	readOpts: ReturnType<typeof writeOptionsOf>['read'],
): Promise<ReadResult & { startedEarlier?: boolean }> {
	const id = typeof bulkOperationId === 'string' ? bulkOperationId.trim() : '';
	if (id !== '') {
		const levels = await collectBulkLevelsRead.call(this, run.budget, id, locationId, { firstPollMs: 0, startedElsewhere: true });
		if (levels !== undefined) return { levels, mode: 'bulk', startedEarlier: true };
		this.logger.warn(`Shopify Inventory Sync: the read started earlier (${id}) is not this location's stock read; reading the levels now`);
	}
	return await readLevels.call(this, run.budget, locationId, readOpts);
}
