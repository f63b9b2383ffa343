/**
 * The stock-event store in FileMaker (design: ../CONSISTENCY.md, docs/stock-model.md).
 *
 *  - store: one StockMovements row per event, its key in `EventKey` (unique, validate always), so
 *    FileMaker itself refuses a second delivery (504) for as long as the row exists. A create never
 *    conflicts with other writers.
 *  - apply: per SKU, read the stock record (modId, Quantity, LastBatch) → read the pending rows
 *    (AppliedBatch empty) by Serial → mark rows that LastBatch names but that are not marked yet →
 *    one modId-guarded edit: Quantity and LastBatch (the commit point) → mark the batch's rows
 *    (AppliedBatch, QuantityAfter). A 306 means another applier committed first: read again.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { FailureInfo } from '../../shared/filemaker/errors';
import type { FileMakerRecord } from '../../shared/filemaker/transport';
import { LOCKED_BACKOFF, backoffDelayMs, conflictBackoff } from '../../shared/backoff';
import { waitUnlessCancelled } from '../../shared/wait';
import type { KeyRow, LastBatch, PendingEvent, RepeatedKey } from '../logic/events';
import {
	DEFAULT_BATCH_SIZE,
	SKU_CHECK_CHUNK,
	STORE_CONCURRENCY,
	applyInOrder,
	bySerial,
	duplicateMark,
	formatLastBatch,
	mapWithConcurrency,
	matchSku,
	nearMatchMessage,
	newBatchId,
	parseLastBatch,
	repeatedKeys,
	wholeOrUndefined,
} from '../logic/events';
import { exactMatch } from '../logic/findQuery';
import { stockKeyLabel, stockKeyParts } from '../logic/stockKey';
import { invalidQuantityMessage, parseWholeNumber } from '../logic/quantity';
import type { NodeContext } from './inventoryRecords';
import { fieldText } from './inventoryRecords';
import type { MovementConfig, StockConfig } from './parameters';
import { duplicateSkuMessage, itemProblem, unknownSkuMessage } from './problems';
import type { FileMakerClient } from '../../shared/filemaker/client';

export type EventClient = Pick<
	FileMakerClient,
	'find' | 'readAllPages' | 'tryCreateRecord' | 'tryUpdateRecord' | 'findMissingFields' | 'error'
>;

/** Time as the applier sees it: the real clock in the node, a fake one in unit tests. */
export interface ApplyClock {
	now(): number;
	sleep(ms: number): Promise<void>;
	random(): number;
}

/** The real clock of an execution: its waits end as soon as the execution is stopped. */
export function executionClock(context: unknown): ApplyClock {
	return { now: () => Date.now(), sleep: async (ms) => await waitUnlessCancelled(context, ms), random: Math.random };
}

export interface EventStoreConfig {
	stock: StockConfig;
	events: MovementConfig;
}

// ---------------------------------------------------------------------------------------------
// SKU check (exact)

export type SkuCheck =
	| { status: 'found'; record: FileMakerRecord }
	| { status: 'notFound' }
	| { status: 'near'; near: string[] }
	| { status: 'duplicate'; records: FileMakerRecord[] };

/**
 * Looks up many SKUs with one find per chunk (one OR-ed `==SKU` request per SKU). FileMaker matches
 * text case-insensitively; the exact spelling is filtered here, other spellings are near matches.
 */
export async function checkSkus(client: EventClient, stock: StockConfig, skus: string[], itemIndex = 0): Promise<Map<string, SkuCheck>> {
	const unique = [...new Set(skus)];
	const result = new Map<string, SkuCheck>();
	for (let start = 0; start < unique.length; start += SKU_CHECK_CHUNK) {
		const chunk = unique.slice(start, start + SKU_CHECK_CHUNK);
		const records: FileMakerRecord[] = [];
		await client.readAllPages({
			layout: stock.layout,
			query: chunk.map((key) => keyQuery(stock, key)),
			pageSize: 1000,
			fields: stock.locationField ? [stock.skuField, stock.locationField] : [stock.skuField],
			action: `looking up ${chunk.length === 1 ? `SKU '${stockKeyLabel(chunk[0])}'` : `${chunk.length} SKUs`} in layout '${stock.layout}'`,
			itemIndex,
			onPage: (page) => {
				records.push(...page);
			},
		});
		for (const sku of chunk) result.set(sku, classify(records, sku, stock));
	}
	return result;
}

/**
 * The find request of one stock key: the SKU, and with a location field the location too (both exact).
 * Without a location field, the request of today (SKU only).
 */
export function keyQuery(config: { skuField: string; locationField?: string }, key: string): Record<string, string> {
	const { sku, location } = stockKeyParts(key);
	const query: Record<string, string> = { [config.skuField]: exactMatch(sku) };
	if (config.locationField && location !== undefined) query[config.locationField] = location === '' ? '=' : exactMatch(location);
	return query;
}

/** Whether a record is at the key's location (always true without a location field). */
function atLocation(record: FileMakerRecord, config: { locationField?: string }, key: string): boolean {
	const { location } = stockKeyParts(key);
	return !config.locationField || location === undefined || fieldText(record, config.locationField) === location;
}

function classify(records: FileMakerRecord[], key: string, stock: StockConfig): SkuCheck {
	const { sku } = stockKeyParts(key);
	const here = records.filter((r) => atLocation(r, stock, key));
	const { exact, near } = matchSku(here, sku, (r) => fieldText(r, stock.skuField));
	if (exact.length === 1) return { status: 'found', record: exact[0] };
	if (exact.length > 1) return { status: 'duplicate', records: exact };
	if (near.length > 0) return { status: 'near', near };
	return { status: 'notFound' };
}

/** The error for a SKU that is not exactly on one record (unknown, near match, duplicate). */
export function skuProblem(this: NodeContext, stock: StockConfig, sku: string, check: SkuCheck, itemIndex: number): NodeOperationError {
	const label = stockKeyLabel(sku);
	if (check.status === 'near') return itemProblem(this.getNode(), nearMatchMessage(label, check.near, stock.layout), itemIndex);
	if (check.status === 'duplicate') return itemProblem(this.getNode(), duplicateSkuMessage(stock, label, check.records), itemIndex);
	return itemProblem(this.getNode(), unknownSkuMessage(stock, label), itemIndex);
}

/** The stock record of exactly `sku`, or the item problem. */
export async function requireExactStock(
	this: NodeContext,
	client: EventClient,
	stock: StockConfig,
	sku: string,
	itemIndex: number,
): Promise<FileMakerRecord> {
	const check = (await checkSkus(client, stock, [sku], itemIndex)).get(sku) as SkuCheck;
	if (check.status === 'found') return check.record;
	throw skuProblem.call(this, stock, sku, check, itemIndex);
}

// ---------------------------------------------------------------------------------------------
// Store

export interface StockEvent {
	sku: string;
	/** The location value (with a location field), written to the event row's location field. */
	location?: string;
	key: string;
	/** Delta (change events); 0 for set events. */
	change: number;
	/** Absolute quantity (set events). */
	setTo?: number;
	reason: string;
	reference: string;
	source: string;
}

export type StoreOutcome =
	| { status: 'stored'; recordId: string }
	| { status: 'duplicate' }
	| { status: 'failed'; error: NodeApiError; info: FailureInfo };

export function eventFieldData(events: MovementConfig, event: StockEvent): IDataObject {
	const fieldData: IDataObject = { [events.skuField]: event.sku, [events.eventKeyField]: event.key };
	if (events.locationField && event.location !== undefined) fieldData[events.locationField] = event.location;
	if (event.setTo !== undefined) fieldData[events.setToField] = event.setTo;
	else fieldData[events.changeField] = event.change;
	if (events.reasonField !== '') fieldData[events.reasonField] = event.reason;
	if (events.referenceField !== '') fieldData[events.referenceField] = event.reference;
	if (events.sourceField !== '') fieldData[events.sourceField] = event.source;
	return fieldData;
}

/** Creates one row per event (at most STORE_CONCURRENCY at once). 504 on the key = duplicate. */
export async function storeEvents(client: EventClient, events: MovementConfig, list: StockEvent[]): Promise<StoreOutcome[]> {
	return await mapWithConcurrency(list, STORE_CONCURRENCY, async (event, index): Promise<StoreOutcome> => {
		const fieldData = eventFieldData(events, event);
		const result = await client.tryCreateRecord(events.layout, fieldData);
		if (result.ok) return { status: 'stored', recordId: result.recordId };
		if (result.info.code === '504') return { status: 'duplicate' };
		const fields = Object.keys(fieldData);
		const missingFields = result.info.code === '102' ? await client.findMissingFields(events.layout, fields) : [];
		const error = client.error(
			result.info,
			{
				layout: events.layout,
				fields,
				missingFields,
				sku: event.sku,
				action: `storing the stock event '${event.key}' for SKU '${event.sku}'${event.location !== undefined ? ` at location '${event.location}'` : ''}`,
			},
			index,
		);
		return { status: 'failed', error, info: result.info };
	});
}

/** What a failed store of a keyed event means (repeating it with its key is always safe: the key is unique). */
export function storeFailureAdvice(info: FailureInfo): string {
	if (info.code === undefined || info.httpStatus === undefined || info.httpStatus >= 500) {
		return 'The event may or may not be stored. Delivering it again with the same change key is safe: FileMaker keeps one row per key.';
	}
	return 'The event was not stored. Fix the cause and deliver it again (same change key).';
}

// ---------------------------------------------------------------------------------------------
// Apply

export interface ApplyOptions {
	maxAttempts: number;
	batchSize?: number;
	/** Stop after the batch that holds this event row (direct mode), instead of applying every pending event. */
	untilRecordId?: string;
	/**
	 * When another run changed the stock record in between (306) or it is open (301), stop instead of
	 * retrying: the events stay pending for that other run or the scheduled sweep. On a sale day this
	 * keeps hundreds of executions from queueing on one hot SKU.
	 */
	leaveWhenBusy?: boolean;
}

export interface ApplyResult {
	sku: string;
	recordId: string;
	/** Events this run applied (committed), repairs of other runs' batches not counted. */
	applied: number;
	change: number;
	quantityBefore: number;
	quantityAfter: number;
	/** Rows of earlier batches this run marked (their stock change was committed before). */
	repaired: number;
	/** Quantity before / after each event row this run applied or repaired. */
	rows: Map<string, { before: number; after: number }>;
	attempts: number;
	/** Events left pending because another run was applying the same SKU (leaveWhenBusy). */
	leftPending?: boolean;
	/**
	 * Rows this run marked as duplicates: they repeated the key of an event already applied, which
	 * FileMaker let in because `EventKey` is not validated unique (Always). Never applied.
	 */
	duplicateRows: Set<string>;
}

/** Thrown when a batch was committed to the stock record but some of its rows could not be marked. */
export class MarkingError extends NodeApiError {}

interface SkuState {
	result: ApplyResult;
	ours: Map<string, { events: PendingEvent[]; before: number; final: number; counted: boolean }>;
}

function readPending(events: MovementConfig, record: FileMakerRecord): PendingEvent | undefined {
	const setTo = wholeOrUndefined(record.fieldData[events.setToField]);
	const change = wholeOrUndefined(record.fieldData[events.changeField]);
	if (setTo === undefined && change === undefined) return undefined;
	const serial = wholeOrUndefined(record.fieldData[events.serialField]) ?? Number(record.recordId);
	return { recordId: record.recordId, serial, change: change ?? 0, setTo, key: fieldText(record, events.eventKeyField) };
}

/**
 * Every row of the SKU holding one of the batch's keys, applied or not (one OR-ed find per chunk of
 * keys). With `EventKey` validated unique these are the batch's own rows; any other is a copy FileMaker
 * let in, which `repeatedKeys` sorts out.
 */
async function findKeyRows(client: EventClient, events: MovementConfig, sku: string, batch: PendingEvent[], itemIndex: number): Promise<KeyRow[]> {
	const keys = [...new Set(batch.map((e) => e.key ?? '').filter((k) => k.trim() !== ''))];
	const rows: KeyRow[] = [];
	for (let start = 0; start < keys.length; start += SKU_CHECK_CHUNK) {
		const chunk = keys.slice(start, start + SKU_CHECK_CHUNK);
		await client.readAllPages({
			layout: events.layout,
			query: chunk.map((key) => ({ ...keyQuery(events, sku), [events.eventKeyField]: exactMatch(key) })),
			pageSize: 1000,
			fields: [events.skuField, events.eventKeyField, events.appliedBatchField, events.serialField],
			action: `checking the keys of the pending stock events of SKU '${stockKeyLabel(sku)}'`,
			itemIndex,
			onPage: (page) => {
				for (const record of page) {
					if (fieldText(record, events.skuField) !== stockKeyParts(sku).sku || !atLocation(record, events, sku)) continue;
					rows.push({
						recordId: record.recordId,
						modId: record.modId,
						key: fieldText(record, events.eventKeyField),
						serial: wholeOrUndefined(record.fieldData[events.serialField]) ?? Number(record.recordId),
						appliedBatch: fieldText(record, events.appliedBatchField),
					});
				}
			},
		});
	}
	return rows;
}

/**
 * Marks rows that repeat an applied event's key (`AppliedBatch` = "duplicate of <row>"), each guarded by
 * its modId: a row changed meanwhile is left for the next read. Returns the rows marked.
 */
async function markDuplicates(
	this: NodeContext,
	client: EventClient,
	events: MovementConfig,
	sku: string,
	duplicates: RepeatedKey[],
	itemIndex: number,
): Promise<string[]> {
	const marked: string[] = [];
	const failures: FailureInfo[] = [];
	await mapWithConcurrency(duplicates, STORE_CONCURRENCY, async (d) => {
		const result = await client.tryUpdateRecord(events.layout, d.recordId, { [events.appliedBatchField]: duplicateMark(d.of) }, d.modId);
		if (result.ok) marked.push(d.recordId);
		else if (result.info.code !== '306' && result.info.code !== '101') failures.push(result.info);
	});
	if (failures.length > 0) {
		const label = stockKeyLabel(sku);
		throw client.error(
			failures[0],
			{ layout: events.layout, sku: label, action: `marking the stock events of SKU '${label}' that repeat an applied key` },
			itemIndex,
		);
	}
	return marked;
}

async function findPending(
	this: NodeContext,
	client: EventClient,
	events: MovementConfig,
	sku: string,
	limit: number,
	itemIndex: number,
): Promise<PendingEvent[]> {
	const found = await client.find(
		events.layout,
		{
			query: [{ ...keyQuery(events, sku), [events.appliedBatchField]: '=' }],
			sort: [{ fieldName: events.serialField, sortOrder: 'ascend' }],
			limit,
		},
		{
			context: {
				layout: events.layout,
				fields: [events.skuField, events.appliedBatchField, events.serialField],
				sku: stockKeyLabel(sku),
				action: `reading the pending stock events of SKU '${stockKeyLabel(sku)}'`,
			},
			itemIndex,
		},
	);
	const pending: PendingEvent[] = [];
	for (const record of found.records) {
		if (fieldText(record, events.skuField) !== stockKeyParts(sku).sku || !atLocation(record, events, sku)) continue;
		const event = readPending(events, record);
		if (!event) {
			throw itemProblem(
				this.getNode(),
				`The stock event row ${record.recordId} of SKU '${stockKeyLabel(sku)}' in layout '${events.layout}' has neither a whole-number '${events.changeField}' nor '${events.setToField}'. Correct or delete the row in FileMaker; the SKU's events are applied after it.`,
				itemIndex,
			);
		}
		pending.push(event);
	}
	return pending.sort(bySerial);
}

/** Marks rows applied: AppliedBatch, QuantityAfter (and Change for set events: the difference). */
async function markRows(
	client: EventClient,
	events: MovementConfig,
	batchId: string,
	rows: PendingEvent[],
	quantityBefore: number,
	allRows: PendingEvent[],
	state: SkuState,
): Promise<FailureInfo[]> {
	const { after } = applyInOrder(quantityBefore, allRows);
	const want = new Set(rows.map((r) => r.recordId));
	const work: Array<{ event: PendingEvent; before: number; after: number }> = [];
	allRows.forEach((event, i) => {
		const before = i === 0 ? quantityBefore : after[i - 1];
		state.result.rows.set(event.recordId, { before, after: after[i] });
		if (want.has(event.recordId)) work.push({ event, before, after: after[i] });
	});
	const failures: FailureInfo[] = [];
	await mapWithConcurrency(work, STORE_CONCURRENCY, async ({ event, before, after: quantityAfter }) => {
		const fieldData: IDataObject = { [events.appliedBatchField]: batchId };
		if (events.quantityAfterField !== '') fieldData[events.quantityAfterField] = quantityAfter;
		if (event.setTo !== undefined) fieldData[events.changeField] = quantityAfter - before;
		const result = await client.tryUpdateRecord(events.layout, event.recordId, fieldData);
		if (!result.ok) failures.push(result.info);
	});
	return failures;
}

/** All rows of a committed batch: the pending ones we have, plus those marked already. */
async function rowsOfBatch(
	client: EventClient,
	events: MovementConfig,
	last: LastBatch,
	pendingNamed: PendingEvent[],
	itemIndex: number,
): Promise<PendingEvent[]> {
	if (pendingNamed.length === last.recordIds.length) return pendingNamed;
	const found = await client.find(
		events.layout,
		{ query: [{ [events.appliedBatchField]: exactMatch(last.batchId) }], limit: last.recordIds.length + 10 },
		{ context: { layout: events.layout, fields: [events.appliedBatchField], action: `reading the rows of batch '${last.batchId}'` }, itemIndex },
	);
	const named = new Set(last.recordIds);
	const rows = new Map(pendingNamed.map((e) => [e.recordId, e]));
	for (const record of found.records) {
		if (!named.has(record.recordId) || fieldText(record, events.appliedBatchField) !== last.batchId) continue;
		const event = readPending(events, record);
		if (event && !rows.has(event.recordId)) {
			// A marked set row carries its difference in Change now; its SetTo still decides.
			rows.set(event.recordId, event);
		}
	}
	return [...rows.values()].sort(bySerial);
}

/** Reads and validates the quantity of a stock record (clear per-record message when invalid). */
export function quantityOf(this: NodeContext, record: FileMakerRecord, stock: StockConfig, sku: string, itemIndex: number): number {
	const raw = record.fieldData[stock.quantityField];
	const parsed = parseWholeNumber(raw);
	if (!parsed.ok) {
		throw itemProblem(
			this.getNode(),
			invalidQuantityMessage({ recordId: record.recordId, sku: stockKeyLabel(sku), raw, field: stock.quantityField, reason: parsed.reason }),
			itemIndex,
		);
	}
	return parsed.value;
}

/**
 * Applies the pending events of one SKU, exactly once, in Serial order. Safe to run any number of
 * times, concurrently too: a batch is committed by one modId-guarded edit that names its rows, and
 * rows named by the last committed batch are only marked, never applied again.
 */
export async function applyPendingForSku(
	this: NodeContext,
	client: EventClient,
	config: EventStoreConfig,
	sku: string,
	options: ApplyOptions,
	itemIndex: number,
	clock: ApplyClock = executionClock(this),
): Promise<ApplyResult> {
	const { stock, events } = config;
	const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
	const state: SkuState = {
		result: {
			sku,
			recordId: '',
			applied: 0,
			change: 0,
			quantityBefore: 0,
			quantityAfter: 0,
			repaired: 0,
			rows: new Map(),
			attempts: 0,
			duplicateRows: new Set(),
		},
		ours: new Map(),
	};
	const { result } = state;
	let first = true;
	let unknownOutcomes = 0;
	let lastFailure: 'conflict' | 'locked' | undefined;
	let retries = 0;
	let justCommitted = false;
	for (;;) {
		if (justCommitted) {
			// Right after our batch (its rows marked): only events stored meanwhile need another cycle. One
			// find tells; with nothing pending the stock record need not be read again. (FileMaker's find
			// ignores case: a few rows, so that a differently spelt SKU's rows cannot hide an exact one.)
			justCommitted = false;
			if ((await findPending.call(this, client, events, sku, 50, itemIndex)).length === 0) return result;
		}
		result.attempts++;
		const cycleStart = clock.now();
		const record = await requireExactStock.call(this, client, stock, sku, itemIndex);
		result.recordId = record.recordId;
		if (!(stock.lastBatchField in record.fieldData)) {
			throw new NodeOperationError(
				this.getNode(),
				`The field '${stock.lastBatchField}' is not on layout '${stock.layout}'. Add it (a text field, see the FileMaker setup guide) so stock events can be applied exactly once.`,
				{ itemIndex },
			);
		}
		const current = quantityOf.call(this, record, stock, sku, itemIndex);
		if (first) {
			result.quantityBefore = current;
			first = false;
		}
		result.quantityAfter = current;
		const last = parseLastBatch(record.fieldData[stock.lastBatchField]);
		// One more than a batch: tells whether another batch follows.
		const pending = await findPending.call(this, client, events, sku, batchSize + 1 + (last?.recordIds.length ?? 0), itemIndex);

		let rest = pending;
		if (last) {
			const named = new Set(last.recordIds);
			const pendingNamed = pending.filter((e) => named.has(e.recordId));
			rest = pending.filter((e) => !named.has(e.recordId));
			const mine = state.ours.get(last.batchId);
			if (mine && !mine.counted) {
				// Our edit was committed although its answer was lost.
				countBatch(state, mine.events, mine.before, mine.final);
				mine.counted = true;
			}
			if (pendingNamed.length > 0 && !mine && options.leaveWhenBusy) {
				// Another run committed this batch and is marking its rows (or stopped while marking: the
				// sweep repairs it). It reads again once it is done, after our events were stored.
				result.leftPending = true;
				return result;
			}
			if (pendingNamed.length > 0) {
				const all = await rowsOfBatch(client, events, last, pendingNamed, itemIndex);
				const failures = await markRows(client, events, last.batchId, pendingNamed, last.quantityBefore, all, state);
				if (failures.length > 0) throw markingError.call(this, client, stock, events, sku, failures, pendingNamed.length, itemIndex);
				if (!mine) result.repaired += pendingNamed.length;
			}
		}
		if (rest.length === 0) return result;
		if (options.untilRecordId !== undefined && result.rows.has(options.untilRecordId)) return result;

		let batch = rest.slice(0, batchSize);
		// Copies of one event FileMaker let in (EventKey not validated unique): mark those whose key is
		// applied already, keep later copies out of this batch, then read again.
		const repeats = repeatedKeys(batch, await findKeyRows(client, events, sku, batch, itemIndex));
		if (repeats.duplicates.length > 0) {
			const marked = await markDuplicates.call(this, client, events, sku, repeats.duplicates, itemIndex);
			for (const id of marked) result.duplicateRows.add(id);
			if (options.untilRecordId !== undefined && result.duplicateRows.has(options.untilRecordId)) return result;
			if (marked.length === 0) {
				// Each row changed meanwhile (another run marked it): read again, as after a conflict.
				retries++;
				lastFailure = 'conflict';
				if (retries >= options.maxAttempts) break;
			}
			continue;
		}
		batch = batch.filter((e) => !repeats.later.has(e.recordId));
		if (batch.length === 0) {
			// Every row waits for a lower copy that this read did not see yet: read again shortly.
			retries++;
			lastFailure = 'conflict';
			if (retries >= options.maxAttempts) break;
			await clock.sleep(backoffDelayMs(retries, conflictBackoff(clock.now() - cycleStart), clock.random));
			continue;
		}
		const batchId = newBatchId(clock.now(), clock.random);
		const { final } = applyInOrder(current, batch);
		if (!Number.isSafeInteger(final)) {
			throw itemProblem(this.getNode(), `The new quantity for SKU '${stockKeyLabel(sku)}' would be too large (${final}).`, itemIndex);
		}
		const lastBatch = formatLastBatch({ batchId, quantityBefore: current, recordIds: batch.map((e) => e.recordId) });
		const entry = { events: batch, before: current, final, counted: false };
		state.ours.set(batchId, entry);
		const update = await client.tryUpdateRecord(
			stock.layout,
			record.recordId,
			{ [stock.quantityField]: final, [stock.lastBatchField]: lastBatch },
			record.modId,
		);
		if (update.ok) {
			unknownOutcomes = 0;
			retries = 0;
			entry.counted = true;
			countBatch(state, batch, current, final);
			const failures = await markRows(client, events, batchId, batch, current, batch, state);
			if (failures.length > 0) throw markingError.call(this, client, stock, events, sku, failures, batch.length, itemIndex);
			if (options.untilRecordId !== undefined && result.rows.has(options.untilRecordId)) return result;
			// Read once more and apply what arrived meanwhile: a run in leave mode that met our write (306)
			// left its events to us, and they were stored before that run read the record, so before our write.
			justCommitted = true;
			continue;
		}
		const code = update.info.code;
		retries++;
		if (code === '306' || code === '301' || code === '101') {
			lastFailure = code === '301' ? 'locked' : 'conflict';
			if (options.leaveWhenBusy && code !== '101') {
				result.leftPending = true;
				return result;
			}
			if (retries >= options.maxAttempts) break;
			const backoff = code === '301' ? LOCKED_BACKOFF : conflictBackoff(clock.now() - cycleStart);
			await clock.sleep(backoffDelayMs(retries, backoff, clock.random));
			continue;
		}
		// Any other failure: the edit may or may not have been committed. Read again: LastBatch tells.
		unknownOutcomes++;
		if (unknownOutcomes >= 2) {
			const error = client.error(
				update.info,
				{ layout: stock.layout, recordId: record.recordId, sku: stockKeyLabel(sku), action: `applying the pending stock events of SKU '${stockKeyLabel(sku)}'` },
				itemIndex,
			);
			error.description = `${error.description ?? ''} Nothing is lost or applied twice: the events stay stored and the next Apply Pending (or the scheduled sweep) applies them once. Running Apply Pending again is safe.`.trim();
			throw error;
		}
		await clock.sleep(backoffDelayMs(1, conflictBackoff(clock.now() - cycleStart), clock.random));
	}
	const why =
		lastFailure === 'locked'
			? `record ${result.recordId} stayed in use by another user (FileMaker 301)`
			: `record ${result.recordId} kept being changed by others between reading and writing (FileMaker 306)`;
	throw new NodeOperationError(
		this.getNode(),
		`Could not apply the pending stock events of SKU '${stockKeyLabel(sku)}' after ${options.maxAttempts} attempts: the ${why}. The events stay stored; the next Apply Pending applies them once. Try again later or raise 'Max Attempts'.`,
		{ itemIndex },
	);
}

function countBatch(state: SkuState, batch: PendingEvent[], before: number, final: number) {
	state.result.applied += batch.length;
	state.result.change += final - before;
	state.result.quantityAfter = final;
}

function markingError(
	this: NodeContext,
	client: EventClient,
	stock: StockConfig,
	events: MovementConfig,
	sku: string,
	failures: FailureInfo[],
	total: number,
	itemIndex: number,
): NodeApiError {
	const label = stockKeyLabel(sku);
	const base = client.error(failures[0], { layout: events.layout, sku: label, action: `marking the applied stock events of SKU '${label}'` }, itemIndex);
	return new MarkingError(
		this.getNode(),
		{ message: base.message },
		{
			message: `The stock of SKU '${label}' was changed (committed in '${stock.lastBatchField}'), but ${failures.length} of ${total} event rows could not be marked as applied: ${base.message}`,
			description:
				'Nothing is applied twice: the next Apply Pending (or the scheduled sweep) marks those rows without changing the stock again. Running Apply Pending again is safe.',
			itemIndex,
		},
	);
}

export type { SkuState };
