/**
 * The stock and movement records of the node's layouts: finding the record of a SKU, the movement
 * rows of an idempotency key, writing a movement row. Calls go through the FileMaker client; the
 * messages are in ./problems.ts. Functions that build n8n errors take n8n's context as `this`
 * (only `getNode` is used, so a unit test can pass a plain object).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { FileMakerClient } from '../../shared/filemaker/client';
import type { FileMakerRecord } from '../../shared/filemaker/transport';
import { matchSku, nearMatchMessage, randomEventKey } from '../logic/events';
import { exactMatch } from '../logic/findQuery';
import type { MovementConfig, StockConfig } from './parameters';
import { duplicateSkuMessage, itemProblem, missingFieldError, unknownSkuMessage } from './problems';

/** What the record helpers and the stock-change algorithm need of n8n's context. */
export type NodeContext = Pick<IExecuteFunctions, 'getNode'>;

/** The client calls the record helpers and the stock-change algorithm make. */
export type RecordClient = Pick<FileMakerClient, 'find' | 'createRecord' | 'tryUpdateRecord' | 'findMissingFields' | 'error'>;

export function fieldText(record: FileMakerRecord, field: string): string {
	const value = record.fieldData[field];
	if (value === undefined || value === null) return '';
	return String(value);
}

export type SkuLookup =
	| { status: 'found'; record: FileMakerRecord }
	| { status: 'notFound' }
	| { status: 'near'; near: string[] }
	| { status: 'duplicate'; records: FileMakerRecord[] };

/**
 * Finds the stock record of exactly `sku`. FileMaker's `==` find ignores case (default index
 * language); other spellings are near matches: reported with both spellings, never used.
 */
export async function lookupStock(client: RecordClient, stock: StockConfig, sku: string, itemIndex: number): Promise<SkuLookup> {
	const found = await client.find(
		stock.layout,
		{ query: [{ [stock.skuField]: exactMatch(sku) }], limit: 50 },
		{ context: { layout: stock.layout, fields: [stock.skuField], sku, action: `looking up SKU '${sku}'` }, itemIndex },
	);
	const { exact, near } = matchSku(found.records, sku, (r) => fieldText(r, stock.skuField));
	if (exact.length === 1) return { status: 'found', record: exact[0] };
	if (exact.length > 1) return { status: 'duplicate', records: exact };
	if (near.length > 0) return { status: 'near', near };
	return { status: 'notFound' };
}

/** The stock record of a SKU; a clear per-item error when it is missing or not unique. */
export async function requireStock(
	this: NodeContext,
	client: RecordClient,
	stock: StockConfig,
	sku: string,
	itemIndex: number,
): Promise<FileMakerRecord> {
	const lookup = await lookupStock(client, stock, sku, itemIndex);
	if (lookup.status === 'notFound') {
		throw itemProblem(this.getNode(), unknownSkuMessage(stock, sku), itemIndex);
	}
	if (lookup.status === 'near') {
		throw itemProblem(this.getNode(), nearMatchMessage(sku, lookup.near, stock.layout), itemIndex);
	}
	if (lookup.status === 'duplicate') {
		throw itemProblem(this.getNode(), duplicateSkuMessage(stock, sku, lookup.records), itemIndex);
	}
	return lookup.record;
}

/** Throws a clear error when a field the node needs is not in the record's fieldData (not on the layout). */
export function requireFields(
	this: NodeContext,
	record: FileMakerRecord,
	layout: string,
	fields: Array<{ name: string; setting: string }>,
	itemIndex: number,
) {
	for (const { name, setting } of fields) {
		if (name !== '' && !(name in record.fieldData)) {
			throw missingFieldError(this.getNode(), name, layout, setting, itemIndex);
		}
	}
}

/** Movement rows of (SKU, key): used to tell whether a keyed change was already applied. */
export async function findMovementsByKey(
	client: RecordClient,
	movement: MovementConfig,
	sku: string,
	key: string,
	itemIndex: number,
): Promise<FileMakerRecord[]> {
	const found = await client.find(
		movement.layout,
		{ query: [{ [movement.skuField]: exactMatch(sku), [movement.referenceField]: exactMatch(key) }], limit: 10 },
		{
			context: {
				layout: movement.layout,
				fields: [movement.skuField, movement.referenceField],
				sku,
				action: `looking for movement rows with reference '${key}'`,
			},
			itemIndex,
		},
	);
	// FileMaker text matching ignores case; keys are compared exactly here.
	return found.records.filter((r) => fieldText(r, movement.referenceField) === key);
}

/** `AppliedBatch` of a row written by Movement → Record: a log entry, not a stock event to apply. */
export const RECORDED_ONLY = 'recorded';

export interface MovementRow {
	sku: string;
	change: number;
	quantityAfter?: number;
	reason?: string;
	reference?: string;
	source?: string;
}

function movementFieldData(movement: MovementConfig, row: MovementRow): IDataObject {
	const fieldData: IDataObject = {
		[movement.skuField]: row.sku,
		[movement.changeField]: row.change,
	};
	if (movement.quantityAfterField !== '' && row.quantityAfter !== undefined) {
		fieldData[movement.quantityAfterField] = row.quantityAfter;
	}
	if (movement.reasonField !== '') fieldData[movement.reasonField] = row.reason ?? '';
	if (movement.referenceField !== '') fieldData[movement.referenceField] = row.reference ?? '';
	if (movement.sourceField !== '') fieldData[movement.sourceField] = row.source ?? '';
	// Not a stock event: marked so that Apply Pending never applies it, with a key of its own
	// (EventKey is unique and not empty).
	fieldData[movement.appliedBatchField] = RECORDED_ONLY;
	fieldData[movement.eventKeyField] = `movement:${randomEventKey()}`;
	return fieldData;
}

/** Creates one movement row; returns its record ID. */
export async function createMovement(
	client: RecordClient,
	movement: MovementConfig,
	row: MovementRow,
	itemIndex: number,
): Promise<{ recordId: string; modId: string }> {
	const fieldData = movementFieldData(movement, row);
	return await client.createRecord(movement.layout, fieldData, {
		context: {
			layout: movement.layout,
			fields: Object.keys(fieldData),
			sku: row.sku,
			action: `writing the movement row for SKU '${row.sku}'`,
		},
		itemIndex,
	});
}
