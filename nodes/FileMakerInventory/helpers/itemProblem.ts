import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

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
