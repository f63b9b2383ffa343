/**
 * Stock → Adjust and Stock → Set, the "direct" mode: the change is stored as a stock event (its
 * key unique in FileMaker; without a key a random one), then the SKU's pending events are applied,
 * before the node answers. Same guarantees as Store + Apply Pending (see ../CONSISTENCY.md); it
 * costs more FileMaker requests per change and waits for the stock record, so it fits single
 * changes (a delivery, a stock count, a manual correction), not a burst of orders on one SKU.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { FileMakerRecord } from '../../shared/filemaker/transport';
import { idempotencyKeyProblem, isDuplicateMark, randomEventKey, wholeOrUndefined } from '../logic/events';
import { exactMatch } from '../logic/findQuery';
import type { ApplyClock, EventClient, EventStoreConfig, StockEvent } from './eventStore';
import { MarkingError, applyPendingForSku, executionClock, quantityOf, requireExactStock, storeEvents, storeFailureAdvice } from './eventStore';
import type { NodeContext } from './inventoryRecords';
import { fieldText, requireFields } from './inventoryRecords';
import type { ChangeOptions } from './parameters';
import { itemProblem, repeatedKeyWarning } from './problems';
import { stockKey } from '../logic/stockKey';

export interface ChangeRequest {
	sku: string;
	/** With a location field: the location of the stock record (one record per SKU and location). */
	location?: string;
	/** delta: add `amount`; absolute: set the quantity to `amount`. */
	mode: 'delta' | 'absolute';
	amount: number;
	/** '' = none given (a random key is used). */
	idempotencyKey: string;
	reason: string;
	reference: string;
	source: string;
}

export async function applyStockChange(
	this: NodeContext,
	client: EventClient,
	config: EventStoreConfig,
	request: ChangeRequest,
	options: ChangeOptions,
	itemIndex: number,
	clock: ApplyClock = executionClock(this),
): Promise<IDataObject> {
	const { sku } = request;
	const keyed = request.idempotencyKey !== '';
	if (keyed) {
		const problem = idempotencyKeyProblem(request.idempotencyKey);
		if (problem) throw itemProblem(this.getNode(), `${problem} (SKU '${sku}')`, itemIndex);
	}
	const key = keyed ? request.idempotencyKey : randomEventKey(clock.random);
	// The stock record: the SKU's, or with a location field the SKU's at that location.
	const recordKey = stockKey(sku, request.location);
	// Check the stock record before storing: an event that can never be applied is not stored.
	const record = await requireExactStock.call(this, client, config.stock, recordKey, itemIndex);
	requireFields.call(
		this,
		record,
		config.stock.layout,
		[
			{ name: config.stock.quantityField, setting: 'Quantity Field' },
			{ name: config.stock.lastBatchField, setting: 'Last Batch Field' },
		],
		itemIndex,
	);
	quantityOf.call(this, record, config.stock, recordKey, itemIndex);

	const event: StockEvent = {
		sku,
		...(request.location !== undefined ? { location: request.location } : {}),
		key,
		change: request.mode === 'delta' ? request.amount : 0,
		setTo: request.mode === 'absolute' ? request.amount : undefined,
		reason: request.reason,
		reference: request.reference,
		source: request.source,
	};
	const [stored] = await storeEvents(client, config.events, [event]);
	if (stored.status === 'failed') {
		stored.error.context.itemIndex = itemIndex;
		const advice = keyed
			? storeFailureAdvice(stored.info)
			: `This change had no change key: before running it again, check the event layout for a row of SKU '${sku}' from this run, or it may be applied twice.`;
		stored.error.description = `${stored.error.description ?? ''} ${advice}`.trim();
		throw stored.error;
	}
	const eventRecordId = stored.status === 'stored' ? stored.recordId : undefined;

	let applied;
	try {
		applied = await applyPendingForSku.call(
			this,
			client,
			config,
			recordKey,
			{ maxAttempts: options.maxAttempts, untilRecordId: eventRecordId },
			itemIndex,
			clock,
		);
	} catch (error) {
		throw afterStoreFailure.call(this, error, { sku, key, keyed, stored: stored.status === 'stored' }, itemIndex);
	}

	// FileMaker let a repeated key in (EventKey not validated unique): Apply marked the row, not applied.
	const repeated = eventRecordId !== undefined && applied.duplicateRows.has(eventRecordId);
	let row = eventRecordId !== undefined && !repeated ? applied.rows.get(eventRecordId) : undefined;
	let eventRow: FileMakerRecord | undefined;
	if (!row) {
		// Applied by another run (or a duplicate): the row itself says what it did.
		eventRow = await findEventByKey(client, config, sku, key, itemIndex);
		const owner = eventRow ? fieldText(eventRow, config.events.skuField) : sku;
		if (owner !== sku) {
			throw itemProblem(
				this.getNode(),
				`The change key '${key}' is already stored for SKU '${owner}', not '${sku}'. A key names one event: use a key per SKU, e.g. with the SKU or the order line in it.`,
				itemIndex,
			);
		}
		const after = eventRow ? wholeOrUndefined(eventRow.fieldData[config.events.quantityAfterField]) : undefined;
		const change = eventRow ? wholeOrUndefined(eventRow.fieldData[config.events.changeField]) : undefined;
		if (after !== undefined && change !== undefined) row = { before: after - change, after };
	}
	const change = row ? row.after - row.before : request.mode === 'delta' ? request.amount : null;
	const output: IDataObject = {
		sku,
		recordId: applied.recordId,
		applied: stored.status === 'stored' && !repeated,
		duplicate: stored.status === 'duplicate' || repeated,
		change,
		quantityBefore: row ? row.before : null,
		quantityAfter: row ? row.after : null,
		quantity: applied.quantityAfter,
		eventRecordId: (repeated ? eventRow?.recordId : eventRecordId) ?? eventRow?.recordId ?? null,
		appliedEvents: applied.applied,
		attempts: applied.attempts,
	};
	if (keyed) output.idempotencyKey = key;
	if (stored.status === 'stored' && !repeated && change === 0) output.unchanged = true;
	if (repeated) output.warning = repeatedKeyWarning(1, config.events.layout, config.events.eventKeyField);
	return output;
}

async function findEventByKey(
	client: EventClient,
	config: EventStoreConfig,
	sku: string,
	key: string,
	itemIndex: number,
): Promise<FileMakerRecord | undefined> {
	const { events } = config;
	const found = await client.find(
		events.layout,
		{ query: [{ [events.eventKeyField]: exactMatch(key) }], limit: 10 },
		{ context: { layout: events.layout, fields: [events.eventKeyField], sku, action: `reading the stock event '${key}'` }, itemIndex },
	);
	// The applied row, not a copy marked as its duplicate.
	return found.records.find((r) => fieldText(r, events.eventKeyField) === key && !isDuplicateMark(fieldText(r, events.appliedBatchField)));
}

/** The event is stored; applying it failed. Say what happens to it and whether a re-run is safe. */
function afterStoreFailure(
	this: NodeContext,
	error: unknown,
	info: { sku: string; key: string; keyed: boolean; stored: boolean },
	itemIndex: number,
): unknown {
	if (!(error instanceof NodeApiError || error instanceof NodeOperationError)) return error;
	if (error instanceof NodeOperationError && error.context.itemProblem === true) return error;
	if (error instanceof MarkingError) {
		// The stock changed already; only the marks of the rows are missing.
		error.description = `${error.description ?? ''} ${
			info.keyed
				? `Running this change again with the same change key ('${info.key}') is safe.`
				: 'Do not run this item again: the change is applied, and without a change key it would be applied a second time.'
		}`.trim();
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	const rerun = info.keyed
		? `Running it again with the same change key ('${info.key}') is safe: it is stored once and applied once.`
		: 'Do not run this item again: it had no change key, so it would be stored a second time.';
	error.description = `${error.description ?? ''} The change itself is stored as a stock event; the next Apply Pending (or the scheduled sweep) applies it. ${rerun}`.trim();
	if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
	return error;
}

