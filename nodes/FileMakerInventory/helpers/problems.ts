/**
 * The messages and errors about an item's data that the node's operations share (the messages of
 * FileMaker's own error codes are in nodes/shared/filemaker/errors.ts).
 */
import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FileMakerRecord } from '../../shared/filemaker/transport';
import type { StockConfig } from './parameters';

/**
 * An error caused by the data of one item (unknown SKU, duplicate SKU records, a quantity that is
 * not a whole number…), as opposed to FileMaker or the network failing. Retrying such an item can
 * never succeed until someone fixes the data, so with "continue on fail" it is output with
 * `retryable: false`; every other failure is `retryable: true`. The order-webhook template uses
 * this to acknowledge a delivery with a data problem (and report it) while letting Shopify retry a
 * delivery that failed because FileMaker was unreachable.
 */
export function itemProblem(node: INode, message: string, itemIndex: number): NodeOperationError {
	const error = new NodeOperationError(node, message, { itemIndex });
	error.context.itemProblem = true;
	return error;
}

export function isItemProblem(error: unknown): boolean {
	return error instanceof NodeOperationError && error.context?.itemProblem === true;
}

export function unknownSkuMessage(stock: StockConfig, sku: string): string {
	return `No record with SKU '${sku}' in layout '${stock.layout}' (field '${stock.skuField}'). Create the record in FileMaker or correct the SKU.`;
}

export function duplicateSkuMessage(stock: StockConfig, sku: string, records: FileMakerRecord[]): string {
	const ids = records.map((r) => r.recordId).join(', ');
	return `${records.length} records in layout '${stock.layout}' have SKU '${sku}' (record IDs ${ids}). Each SKU must be on exactly one record: merge or correct them in FileMaker.`;
}

/** The error for a field the node needs that is not in a record's fieldData (not on the layout). */
export function missingFieldError(node: INode, field: string, layout: string, setting: string, itemIndex: number): NodeOperationError {
	return new NodeOperationError(
		node,
		`The field '${field}' is not on layout '${layout}'. Add it to the layout in FileMaker or change '${setting}' in the node.`,
		{ itemIndex },
	);
}

/** What Apply Pending and the direct mode say when rows repeated the key of an event already applied. */
export function repeatedKeyWarning(rows: number, layout: string, keyField: string): string {
	return `${rows === 1 ? '1 event row repeated' : `${rows} event rows repeated`} the change key of an event already applied and ${rows === 1 ? 'was' : 'were'} not applied (marked "duplicate of …" in AppliedBatch). FileMaker accepted ${rows === 1 ? 'it' : 'them'} because the field '${keyField}' in layout '${layout}' is not validated "Unique value" with "Validate data in this field: Always": set that validation (see the FileMaker setup guide) so that FileMaker refuses repeated deliveries itself.`;
}
