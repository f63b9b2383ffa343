import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { segment } from '../logic/connection';
import { exactMatch, filterExactSku } from '../logic/findQuery';
import type { FindRequest } from '../logic/findQuery';
import { shouldFetchNextPage } from '../logic/paging';
import type { Connection, FileMakerRecord } from '../transport';
import { countOf, fileMakerRequest, recordsOf } from '../transport';
import type { MovementConfig, StockConfig } from './config';
import { itemProblem } from './itemProblem';

export function fieldText(record: FileMakerRecord, field: string): string {
	const value = record.fieldData[field];
	if (value === undefined || value === null) return '';
	return String(value);
}

export type SkuLookup =
	| { status: 'found'; record: FileMakerRecord }
	| { status: 'notFound' }
	| { status: 'duplicate'; records: FileMakerRecord[] };

/** Finds the stock record of one SKU (`==` exact match, see filterExactSku). */
export async function lookupStock(
	this: IExecuteFunctions,
	connection: Connection,
	stock: StockConfig,
	sku: string,
	itemIndex: number,
): Promise<SkuLookup> {
	const response = await fileMakerRequest.call(this, connection, 'POST', `/layouts/${segment(stock.layout)}/_find`, {
		body: { query: [{ [stock.skuField]: exactMatch(sku) }], limit: 50 },
		context: {
			layout: stock.layout,
			fields: [stock.skuField],
			sku,
			action: `looking up SKU '${sku}'`,
		},
		itemIndex,
	});
	const records = filterExactSku(recordsOf(response), sku, (r) => fieldText(r, stock.skuField));
	if (records.length === 0) return { status: 'notFound' };
	if (records.length > 1) return { status: 'duplicate', records };
	return { status: 'found', record: records[0] };
}

export function unknownSkuMessage(stock: StockConfig, sku: string): string {
	return `No record with SKU '${sku}' in layout '${stock.layout}' (field '${stock.skuField}'). Create the record in FileMaker or correct the SKU.`;
}

export function duplicateSkuMessage(stock: StockConfig, sku: string, records: FileMakerRecord[]): string {
	const ids = records.map((r) => r.recordId).join(', ');
	return `${records.length} records in layout '${stock.layout}' have SKU '${sku}' (record IDs ${ids}). Each SKU must be on exactly one record: merge or correct them in FileMaker.`;
}

/** The stock record of a SKU; a clear per-item error when it is missing or not unique. */
export async function requireStock(
	this: IExecuteFunctions,
	connection: Connection,
	stock: StockConfig,
	sku: string,
	itemIndex: number,
): Promise<FileMakerRecord> {
	const lookup = await lookupStock.call(this, connection, stock, sku, itemIndex);
	if (lookup.status === 'notFound') {
		throw itemProblem(this.getNode(), unknownSkuMessage(stock, sku), itemIndex);
	}
	if (lookup.status === 'duplicate') {
		throw itemProblem(this.getNode(), duplicateSkuMessage(stock, sku, lookup.records), itemIndex);
	}
	return lookup.record;
}

/** Throws a clear error when a field the node needs is not in the record's fieldData (not on the layout). */
export function requireFields(
	this: IExecuteFunctions,
	record: FileMakerRecord,
	layout: string,
	fields: Array<{ name: string; setting: string }>,
	itemIndex: number,
) {
	for (const { name, setting } of fields) {
		if (name !== '' && !(name in record.fieldData)) {
			throw new NodeOperationError(
				this.getNode(),
				`The field '${name}' is not on layout '${layout}'. Add it to the layout in FileMaker or change '${setting}' in the node.`,
				{ itemIndex },
			);
		}
	}
}

/** Movement rows of (SKU, key): used to tell whether a keyed change was already applied. */
export async function findMovementsByKey(
	this: IExecuteFunctions,
	connection: Connection,
	movement: MovementConfig,
	sku: string,
	key: string,
	itemIndex: number,
): Promise<FileMakerRecord[]> {
	const response = await fileMakerRequest.call(this, connection, 'POST', `/layouts/${segment(movement.layout)}/_find`, {
		body: {
			query: [{ [movement.skuField]: exactMatch(sku), [movement.referenceField]: exactMatch(key) }],
			limit: 10,
		},
		context: {
			layout: movement.layout,
			fields: [movement.skuField, movement.referenceField],
			sku,
			action: `looking for movement rows with reference '${key}'`,
		},
		itemIndex,
	});
	// FileMaker text matching ignores case; keys are compared exactly here.
	return recordsOf(response).filter((r) => fieldText(r, movement.referenceField) === key);
}

export interface MovementRow {
	sku: string;
	change: number;
	quantityAfter?: number;
	reason?: string;
	reference?: string;
	source?: string;
}

export function movementFieldData(movement: MovementConfig, row: MovementRow): IDataObject {
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
	return fieldData;
}

/** Creates one movement row; returns its record ID. */
export async function createMovement(
	this: IExecuteFunctions,
	connection: Connection,
	movement: MovementConfig,
	row: MovementRow,
	itemIndex: number,
): Promise<{ recordId: string; modId: string }> {
	const fieldData = movementFieldData(movement, row);
	const response = await fileMakerRequest.call(this, connection, 'POST', `/layouts/${segment(movement.layout)}/records`, {
		body: { fieldData },
		context: {
			layout: movement.layout,
			fields: Object.keys(fieldData),
			sku: row.sku,
			action: `writing the movement row for SKU '${row.sku}'`,
		},
		itemIndex,
	});
	return { recordId: String(response.recordId ?? ''), modId: String(response.modId ?? '') };
}

/**
 * Reads every record of a layout (range) or of a find, page by page, in one session.
 * `onPage` gets each page's records; records seen before (same recordId) are dropped, which guards
 * against rows shifting between pages when records are added while reading.
 */
export async function readAllPages(
	this: IExecuteFunctions,
	connection: Connection,
	args: {
		layout: string;
		query?: FindRequest[];
		pageSize: number;
		fields: string[];
		action: string;
		itemIndex: number;
		/** Return false to stop reading (e.g. after a fatal problem in the data). */
		onPage: (records: FileMakerRecord[]) => boolean | void;
	},
): Promise<{ requests: number; foundCount?: number }> {
	const { layout, query, pageSize, itemIndex } = args;
	const seen = new Set<string>();
	let offset = 1;
	let requests = 0;
	let foundCount: number | undefined;
	for (;;) {
		const context = { layout, fields: args.fields, action: args.action };
		const response = query
			? await fileMakerRequest.call(this, connection, 'POST', `/layouts/${segment(layout)}/_find`, {
					body: { query, offset, limit: pageSize },
					context,
					itemIndex,
				})
			: await fileMakerRequest.call(this, connection, 'GET', `/layouts/${segment(layout)}/records`, {
					qs: { _offset: offset, _limit: pageSize },
					context,
					itemIndex,
				});
		requests++;
		const records = recordsOf(response);
		foundCount = countOf(response.dataInfo?.foundCount) ?? foundCount;
		const fresh = records.filter((r) => {
			if (r.recordId === '' || !seen.has(r.recordId)) {
				seen.add(r.recordId);
				return true;
			}
			return false;
		});
		if (args.onPage(fresh) === false) break;
		if (!shouldFetchNextPage({ offset, limit: pageSize, returned: records.length, foundCount })) break;
		offset += records.length;
	}
	return { requests, foundCount };
}
