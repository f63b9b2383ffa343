/**
 * Inventory → Sync over several locations (option "Locations" filled in): FileMaker rows carry a
 * location value (field "Location Field"); each mapped value is one Shopify location. One pass:
 *
 * 1. Input items split by location value; items of an unmapped value are reported, never written.
 * 2. Per location: Shopify's levels read, untracked items and bundle parents kept apart.
 * 3. Hold-back: the orders created since the hold-back time are read once, after every level, and
 *    counted per location (an order whose location Shopify names counts there only; one without
 *    counts at every location: less, never more).
 * 4. Diff per location; rows of every location are written together, 250 rows a call
 *    (inventorySetQuantities takes a location per row), each with changeFromQuantity = the value read.
 * 5. Stale rows are re-read at their own location, the orders read again, the value computed anew.
 *
 * Without a mapping, sync.operation.ts runs its single-location path unchanged.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { locationMappingCollection } from '../../../shared/shopify/locationLocator';
import { resolvedCredentialLocations } from '../../../shared/shopify/credentialLocationMapping';
import { diffInventory, type DiffResult, type SyncChange } from '../../logic/diff';
import { holdBackFromOrders, nodesOf, quantityAfterHoldBack, type HoldBack } from '../../logic/holdBack';
import { toLocationGid, type ShopifyLevel } from '../../logic/levels';
import {
	LocationMappingError,
	parseLocationMapping,
	splitItemsByLocation,
	type LocationMapping,
} from '../../logic/locationMapping';
import { needsAttention, PROBLEM_STATUSES, WRITE_FAILURE_HINT, writeFailureStatus } from '../../logic/syncReport';
import { validateInputItems, type InputProblem, type InputRow } from '../../logic/validate';
import { fetchOrdersCreatedSince } from '../../transport/holdBack';
import { fetchLineLocations } from '../../transport/orders';
import { toLegacyId } from '../../../shared/orders';
import {
	findBySku,
	readLevels,
	readLevelsForRows,
	writeRows,
	type FailedRow,
	type ReadResult,
	type WriteOutcome,
	type WriteRow,
	type WriteSettings,
} from '../../transport/inventory';
import type { ShopifyExecution } from '../execution';
import { rereadOptions, type ReadOptions } from './options';
import { notWritableDetail, notWrittenFigures, readInputSkus, requestFigures, syncOutputItems, type SyncDetail, type WriteFailureCounts } from './syncSteps';

const displayOptions = { show: { resource: ['inventory'], operation: ['sync'] } };

/** The parameters of Sync for several locations (shown under the Location parameter). */
export const multiLocationDescription: INodeProperties[] = [
	{
		...locationMappingCollection({
			description:
				'For several locations: which value of the FileMaker location field is which Shopify location. Rows of every location are synced in one pass (the Location parameter above is then not used). Empty: the Locations of the Shopify credential; empty there too: one location, the Location parameter.',
			fileMakerValue: 'The value of the location field in FileMaker (exact, trimmed)',
			shopifyLocation: 'The Shopify location whose Available quantity these rows set',
			emptyLocationAllowed: false,
		}),
		displayOptions,
	},
	{
		displayName: 'Location Field',
		name: 'locationField',
		type: 'string',
		default: 'location',
		description:
			'With Locations filled in: the field of the input items that holds the FileMaker location value (dots for nested fields)',
		displayOptions,
	},
];

/** The mapping of the node (item 0), or [] when none is set. Invalid mappings stop before any call. */
export function locationMappingOf(this: IExecuteFunctions): LocationMapping[] {
	try {
		return parseLocationMapping(this.getNodeParameter('locations', 0, {}));
	} catch (error) {
		const message = error instanceof LocationMappingError ? error.message : `Locations: ${(error as Error).message}`;
		throw new NodeOperationError(this.getNode(), message, {
			description: 'Fix the Locations list: one line per FileMaker location value, each with its own Shopify location.',
		});
	}
}

/**
 * The mapping Sync uses: the node's Locations list, else the Locations of the Shopify credential (names
 * resolved with one call), else [] (one location).
 */
export async function syncLocationMappingOf(this: IExecuteFunctions, run: ShopifyExecution): Promise<LocationMapping[]> {
	const own = locationMappingOf.call(this);
	if (own.length > 0) return own;
	run.credentialLocations ??= resolvedCredentialLocations.call(this, run.budget);
	const fromCredential = await run.credentialLocations;
	if (fromCredential === null) return [];
	return fromCredential.mapping.map((m) => ({ fileMakerValue: m.fileMakerValue, locationId: `gid://shopify/Location/${m.locationId}`, locationName: null }));
}

export interface MultiLocationSettings {
	skuField: string;
	quantityField: string;
	onlySku: string | undefined;
	onlyInputSkus: boolean;
	reportMissingInFileMaker: boolean;
	dryRun: boolean;
	outputMode: string;
	readOpts: ReadOptions;
	maxStaleRetries: number;
	holdBackSince: Date | undefined;
	skipSkus: Set<string>;
	apiVersion: string;
	/** Write settings shared by every row (the location is per row). */
	write: Omit<WriteSettings, 'locationId'>;
}

interface Detail extends SyncDetail {
	/** FileMaker's location value of the row. */
	location: string | null;
	locationId: string | null;
}

interface LocationRun {
	mapping: LocationMapping;
	rows: InputRow[];
	problems: InputProblem[];
	fileMakerQuantity: Map<string, number>;
	notWritable: Map<string, { level: ShopifyLevel; status: 'untracked' | 'bundleParent' }>;
	levels: ShopifyLevel[];
	skuOfItem: Map<string, string>;
	heldBySku: Map<string, number>;
	readMode: ReadResult['mode'];
	diff?: DiffResult;
	changes: SyncChange[];
	heldBackChanges: SyncChange[];
	updated: number;
	unchanged: number;
}

interface RowRef {
	change: SyncChange;
	run: LocationRun;
}

/** Whether the Sync runs over several locations (a mapping is set). */
export async function executeMultiLocationSync(
	this: IExecuteFunctions,
	run: ShopifyExecution,
	items: INodeExecutionData[],
	mapping: LocationMapping[],
	s: MultiLocationSettings,
): Promise<INodeExecutionData[]> {
	const startedAt = Date.now();
	const { budget } = run;
	const allPaired = items.map((_, item) => ({ item }));
	const locationField = (this.getNodeParameter('locationField', 0, 'location') as string).trim() || 'location';
	const details: Detail[] = [];

	// 1. Input split by location.
	const split = splitItemsByLocation(items, mapping, locationField);
	for (const u of split.unmapped) {
		details.push({
			sku: null,
			location: u.value === '' ? null : u.value,
			locationId: null,
			from: null,
			to: null,
			status: 'unmappedLocation',
			message:
				u.value === ''
					? `Item ${u.itemIndex + 1} has no location in the field "${locationField}"; it was not written`
					: `Item ${u.itemIndex + 1}: the location "${u.value}" is not in the Locations list; it was not written`,
			itemIndex: u.itemIndex,
		});
	}
	const runs: LocationRun[] = [];
	for (const group of split.groups) {
		const validated = validateInputItems(
			group.items.map((g) => g.item),
			{ skuField: s.skuField, quantityField: s.quantityField },
		);
		const original = (i: number) => group.items[i].itemIndex;
		const rowsAll = validated.rows.map((r) => ({ ...r, itemIndex: original(r.itemIndex) }));
		const problemsAll = validated.problems.map((p) => ({
			...p,
			itemIndex: p.itemIndex === undefined ? undefined : original(p.itemIndex),
			itemIndexes: p.itemIndexes?.map(original),
		}));
		const rows = s.onlySku === undefined ? rowsAll : rowsAll.filter((r) => r.sku === s.onlySku);
		const problems = s.onlySku === undefined ? problemsAll : problemsAll.filter((p) => p.sku === s.onlySku);
		runs.push({
			mapping: group.mapping,
			rows,
			problems: problems as InputProblem[],
			fileMakerQuantity: new Map(rows.map((r) => [r.sku, r.quantity])),
			notWritable: new Map(),
			levels: [],
			skuOfItem: new Map(),
			heldBySku: new Map(),
			readMode: 'paged',
			changes: [],
			heldBackChanges: [],
			updated: 0,
			unchanged: 0,
		});
	}

	// 2. Levels per location.
	for (const r of runs) {
		const locationId = r.mapping.locationId;
		let read: ReadResult;
		if (s.onlySku !== undefined) read = { levels: (await findBySku.call(this, budget, locationId, s.onlySku)).levels, mode: 'bySku' };
		else if (s.onlyInputSkus) read = await readInputSkus.call(this, run, locationId, r.rows.map((x) => x.sku), s.readOpts);
		else read = await readLevels.call(this, budget, locationId, s.readOpts);
		r.readMode = read.mode;
		const inputBySku = new Map(r.rows.map((x) => [x.sku, x]));
		for (const level of read.levels) {
			r.skuOfItem.set(level.inventoryItemId, level.sku);
			const status = level.tracked === false ? 'untracked' : level.requiresComponents === true ? 'bundleParent' : undefined;
			if (status === undefined) r.levels.push(level);
			else if (inputBySku.has(level.sku)) r.notWritable.set(level.sku, { level, status });
		}
		for (const [sku, { level, status }] of r.notWritable) {
			const row = inputBySku.get(sku)!;
			details.push(notWritableDetail(sku, { location: r.mapping.fileMakerValue, locationId }, level, status, row));
		}
	}

	// 3. Hold-back per location, read once after every level. An order without a retail location
	// holds each line at the location assigned to fulfil it (fulfillment orders), else everywhere.
	let holdBackOrders = 0;
	const lineLocationsByOrder = new Map<string, Map<string, string>>();
	const readHoldBack = async () => {
		if (s.holdBackSince === undefined) return;
		const orders = await fetchOrdersCreatedSince.call(this, budget, s.holdBackSince, s.onlySku !== undefined ? [s.onlySku] : []);
		holdBackOrders = orders.length;
		for (const order of orders) {
			const id = String(order.id ?? '');
			if (lineLocationsByOrder.has(id) || (order.retailLocation as { id?: unknown } | null | undefined)?.id || order.cancelledAt) continue;
			try {
				lineLocationsByOrder.set(id, await fetchLineLocations.call(this, id, budget));
			} catch (error) {
				// Without the fulfillment orders (scope, or a failed read) the order counts at every location.
				this.logger.warn(`Shopify Inventory Sync: could not read where order ${id} is fulfilled from (${(error as Error).message}); its units are held back at every location`);
				lineLocationsByOrder.set(id, new Map());
			}
		}
		for (const r of runs) {
			const here = orders.map((order) => ordersLinesAt(order, lineLocationsByOrder.get(String(order.id ?? '')), r.mapping.locationId));
			const holdBack: HoldBack = holdBackFromOrders(here, r.mapping.locationId);
			r.heldBySku.clear();
			for (const [itemId, units] of holdBack.unitsByItem) {
				const sku = r.skuOfItem.get(itemId);
				if (sku !== undefined) r.heldBySku.set(sku, (r.heldBySku.get(sku) ?? 0) + units);
			}
		}
	};
	await readHoldBack();
	const targetOf = (r: LocationRun, sku: string, quantity: number) => quantityAfterHoldBack(quantity, r.heldBySku.get(sku) ?? 0);
	const holdBackFields = (r: LocationRun, sku: string): Partial<Detail> => {
		const units = r.heldBySku.get(sku) ?? 0;
		return units > 0 ? { fileMakerQuantity: r.fileMakerQuantity.get(sku), heldBackUnits: units } : {};
	};
	const base = (r: LocationRun) => ({ location: r.mapping.fileMakerValue, locationId: r.mapping.locationId });

	// 4. Diff per location.
	const writeList: Array<WriteRow<RowRef>> = [];
	for (const r of runs) {
		const rows = r.rows.filter((x) => !r.notWritable.has(x.sku)).map((x) => ({ ...x, quantity: targetOf(r, x.sku, x.quantity) }));
		const diff = diffInventory(rows, r.levels, {
			onlySku: s.onlySku,
			reportMissingInFileMaker: s.reportMissingInFileMaker,
			otherInputSkus: [...r.problems.map((p) => p.sku), ...r.notWritable.keys()],
		});
		r.diff = diff;
		r.changes = diff.changes.filter((c) => !s.skipSkus.has(c.sku));
		r.heldBackChanges = diff.changes.filter((c) => s.skipSkus.has(c.sku));
		r.unchanged = diff.unchanged.length;
		for (const c of r.heldBackChanges) {
			details.push({ sku: c.sku, ...base(r), from: c.from, to: c.to, status: 'heldBack', message: `SKU "${c.sku}" is in "SKUs Not to Write": compared, not written`, inventoryItemId: c.inventoryItemId, itemIndex: c.itemIndex, ...holdBackFields(r, c.sku) });
		}
		for (const u of diff.unchanged) {
			if ((r.heldBySku.get(u.sku) ?? 0) === 0) continue;
			details.push({ sku: u.sku, ...base(r), from: u.quantity, to: u.quantity, status: 'unchanged', inventoryItemId: u.inventoryItemId, itemIndex: u.itemIndex, ...holdBackFields(r, u.sku) });
		}
		for (const c of r.changes) {
			writeList.push({ sku: c.sku, inventoryItemId: c.inventoryItemId, value: c.to, changeFromQuantity: c.from, ref: { change: c, run: r }, locationId: r.mapping.locationId });
		}
	}

	// 5. Write every location's rows together; stale rows re-read at their own location.
	let mutations = 0;
	let staleRetries = 0;
	const failureCounts: WriteFailureCounts = { retryable: 0, bundleParent: 0, notStocked: 0, deletedItem: 0, failed: 0 };
	let writeFailures = 0;
	let nowUnchanged = 0;
	const settings: WriteSettings = { ...s.write, locationId: mapping[0].locationId };
	const applied: Array<WriteRow<RowRef>> = [];
	const failed: Array<FailedRow<RowRef>> = [];
	if (s.dryRun) {
		for (const w of writeList) {
			w.ref.run.updated++;
			details.push({ sku: w.sku, ...base(w.ref.run), from: w.changeFromQuantity, to: w.value, status: 'wouldUpdate', inventoryItemId: w.inventoryItemId, itemIndex: w.ref.change.itemIndex, ...holdBackFields(w.ref.run, w.sku) });
		}
	} else {
		let pending = writeList;
		for (let round = 0; pending.length > 0; round++) {
			const outcome = (await writeRows.call(this, budget, settings, pending)) as WriteOutcome<RowRef>;
			mutations += outcome.mutations;
			applied.push(...outcome.applied);
			failed.push(...outcome.failed);
			if (outcome.stale.length === 0) break;
			if (round >= s.maxStaleRetries) {
				for (const row of outcome.stale) {
					failed.push({ row, code: 'CHANGE_FROM_QUANTITY_STALE', message: `The quantity of SKU "${row.sku}" kept changing in Shopify while it was written (${s.maxStaleRetries + 1} attempts); run the sync again`, retryable: true });
				}
				break;
			}
			staleRetries += outcome.stale.length;
			const fresh = new Map<string, ShopifyLevel>();
			for (const r of runs) {
				const stale = outcome.stale.filter((x) => x.ref.run === r);
				if (stale.length === 0) continue;
				const read = await readLevelsForRows.call(this, budget, r.mapping.locationId, stale.map((x) => x.sku), rereadOptions(s.readOpts, r.readMode));
				for (const l of read.levels) fresh.set(`${r.mapping.locationId}|${l.inventoryItemId}`, l);
			}
			await readHoldBack();
			const next: Array<WriteRow<RowRef>> = [];
			for (const row of outcome.stale) {
				const r = row.ref.run;
				const level = fresh.get(`${r.mapping.locationId}|${row.inventoryItemId}`);
				if (!level) {
					failed.push({ row, code: 'ITEM_NOT_STOCKED_AT_LOCATION', message: `SKU "${row.sku}" is no longer stocked at this location in Shopify` });
					continue;
				}
				const target = targetOf(r, row.sku, r.fileMakerQuantity.get(row.sku) ?? row.ref.change.to);
				if (level.available === target) {
					nowUnchanged++;
					r.unchanged++;
					details.push({ sku: row.sku, ...base(r), from: target, to: target, status: 'unchanged', message: 'Shopify already had this quantity when re-read', inventoryItemId: row.inventoryItemId, itemIndex: row.ref.change.itemIndex, ...holdBackFields(r, row.sku) });
				} else next.push({ ...row, value: target, changeFromQuantity: level.available });
			}
			pending = next;
		}
		for (const row of applied) {
			const r = row.ref.run;
			r.updated++;
			details.push({
				sku: row.sku,
				...base(r),
				from: row.changeFromQuantity,
				to: row.value,
				status: 'updated',
				inventoryItemId: row.inventoryItemId,
				itemIndex: row.ref.change.itemIndex,
				...holdBackFields(r, row.sku),
				...(row.changeFromQuantity !== row.ref.change.from
					? { message: `Shopify changed from ${row.ref.change.from} to ${row.changeFromQuantity} during the sync; the quantity was computed again` }
					: {}),
			});
		}
		writeFailures = failed.length;
		for (const f of failed) {
			const status = writeFailureStatus(f.code, f.retryable);
			failureCounts[status]++;
			details.push({
				sku: f.row.sku,
				...base(f.row.ref.run),
				from: f.row.changeFromQuantity,
				to: f.row.value,
				status,
				message: `SKU "${f.row.sku}" at ${f.row.ref.run.mapping.fileMakerValue}: ${WRITE_FAILURE_HINT[status]}. Shopify said: ${f.message}${f.code ? ` (${f.code})` : ''}`,
				...(f.code ? { code: f.code } : {}),
				inventoryItemId: f.row.inventoryItemId,
				itemIndex: f.row.ref.change.itemIndex,
			});
		}
	}

	// Per-location reports.
	for (const r of runs) {
		const diff = r.diff!;
		for (const m of diff.missingInShopify) {
			details.push({ sku: m.sku, ...base(r), from: null, to: m.to, status: 'missingInShopify', message: `SKU "${m.sku}" is not stocked at ${r.mapping.fileMakerValue} in Shopify`, itemIndex: m.itemIndex });
		}
		for (const m of diff.missingInFileMaker) {
			details.push({ sku: m.sku, ...base(r), from: m.available, to: null, status: 'missingInFileMaker', message: `SKU "${m.sku}" is stocked at ${r.mapping.fileMakerValue} in Shopify but not in the input`, inventoryItemId: m.inventoryItemId });
		}
		for (const d of diff.duplicateInShopify) {
			details.push({ sku: d.sku, ...base(r), from: null, to: d.to ?? null, status: 'duplicateInShopify', message: `SKU "${d.sku}" belongs to ${d.inventoryItemIds.length} inventory items at ${r.mapping.fileMakerValue} in Shopify; none was written`, itemIndex: d.itemIndex });
		}
		for (const p of r.problems) {
			details.push({ sku: p.sku ?? null, ...base(r), from: null, to: null, status: p.status, message: p.message, itemIndex: p.itemIndex, itemIndexes: p.itemIndexes });
		}
	}

	const sum = (f: (r: LocationRun) => number) => runs.reduce((t, r) => t + f(r), 0);
	const duplicateSkus = sum((r) => new Set([...r.problems.filter((p) => p.status === 'duplicateSku').map((p) => p.sku), ...r.diff!.duplicateInShopify.map((d) => d.sku)]).size);
	const invalidQuantities = sum((r) => r.problems.filter((p) => p.status !== 'duplicateSku').length);
	const notWritableCount = (status: 'untracked' | 'bundleParent') => sum((r) => [...r.notWritable.values()].filter((n) => n.status === status).length);
	const heldBackUnitsOf = (r: LocationRun) => r.rows.filter((x) => !r.notWritable.has(x.sku)).reduce((t, x) => t + (r.heldBySku.get(x.sku) ?? 0), 0);
	const summary: IDataObject = {
		operation: 'sync',
		dryRun: s.dryRun,
		locationId: null,
		locationName: null,
		locations: runs.map((r) => ({
			location: r.mapping.fileMakerValue,
			locationId: r.mapping.locationId,
			locationName: r.mapping.locationName,
			readMode: r.readMode,
			compared: r.diff!.changes.length + r.diff!.unchanged.length,
			unchanged: r.unchanged,
			updated: r.updated,
			heldBackUnits: heldBackUnitsOf(r),
		})),
		apiVersion: s.apiVersion,
		readMode: [...new Set(runs.map((r) => r.readMode))].join(','),
		onlyInputSkus: s.onlyInputSkus,
		onlySku: s.onlySku ?? null,
		compared: sum((r) => r.diff!.changes.length + r.diff!.unchanged.length),
		unchanged: sum((r) => r.diff!.unchanged.length) + nowUnchanged,
		updated: sum((r) => r.updated),
		failed: writeFailures,
		heldBack: sum((r) => r.heldBackChanges.length),
		holdBackOrdersSince: s.holdBackSince ? s.holdBackSince.toISOString() : null,
		holdBackOrders,
		heldBackUnits: sum(heldBackUnitsOf),
		heldBackSkus: sum((r) => r.rows.filter((x) => !r.notWritable.has(x.sku) && (r.heldBySku.get(x.sku) ?? 0) > 0).length),
		missingInShopify: sum((r) => r.diff!.missingInShopify.length),
		missingInFileMaker: sum((r) => r.diff!.missingInFileMaker.length),
		unmappedLocations: split.unmapped.length,
		duplicateSkus,
		invalidQuantities,
		inputErrors: sum((r) => r.problems.filter((p) => p.status === 'inputError').length),
		emptySkus: sum((r) => r.problems.filter((p) => p.status === 'emptySku').length),
		...notWrittenFigures(failureCounts, notWritableCount),
		needsAttention:
			needsAttention({ invalidQuantities, duplicateSkus, otherFailures: failureCounts.failed }) + split.unmapped.length,
		...requestFigures({ staleRetries, writeCalls: mutations }, budget, startedAt),
	};

	const isProblem = (d: SyncDetail) => PROBLEM_STATUSES.has(d.status) || d.status === 'unmappedLocation';
	const counts = { allPaired, outputMode: s.outputMode, retryable: failureCounts.retryable, written: applied.length };
	return syncOutputItems.call(this, summary, details, counts, isProblem);
}

/**
 * An order as seen by the hold-back of one location: without line locations the order itself;
 * otherwise only the lines assigned to this location or to no known location.
 */
export function ordersLinesAt(
	order: Record<string, unknown>,
	lineLocations: Map<string, string> | undefined,
	locationId: string,
): Record<string, unknown> {
	if (!lineLocations || lineLocations.size === 0) return order;
	const lines = nodesOf(order.lineItems).filter((line) => {
		const lineId = toLegacyId(line.id);
		const assigned = lineId === null ? undefined : lineLocations.get(lineId);
		return assigned === undefined || toLocationGid(assigned) === locationId;
	});
	return { ...order, lineItems: { nodes: lines } };
}
