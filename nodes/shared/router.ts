import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { wasCancelled } from './wait';

/**
 * The one router contract of the action nodes (FileMaker Inventory, Shopify Inventory).
 *
 * A node describes its operations as a table resource → operation → operation. The router owns
 * what every operation would otherwise repeat: the item loop, item pairing, continue-on-fail and
 * the error output. Operations hold orchestration only: they read their parameters, call the
 * transport, and return plain results.
 *
 * - `perItem`: runs once per input item; its results are paired with that item. A thrown error
 *   fails that item only (continue-on-fail) or the execution.
 * - `batch`: runs once for all input items (Sync, Set, Adjust write in batches of 250); it returns
 *   complete output items, paired by itself, and may report problems of single items as error items
 *   (see `errorItem`). A thrown error fails the whole batch: with continue-on-fail it becomes one
 *   error item paired with every input item.
 *
 * `context` is made once per execution and given to every call (FileMaker: the session; Shopify: the
 * rate-limit budget), so all items of one execution share it. Nothing is kept between executions.
 */
export type PerItemOperation<C> = {
	mode: 'perItem';
	execute: (this: IExecuteFunctions, context: C, itemIndex: number) => Promise<IDataObject[]>;
};

export type BatchOperation<C> = {
	mode: 'batch';
	execute: (this: IExecuteFunctions, context: C, items: INodeExecutionData[]) => Promise<INodeExecutionData[]>;
};

export type Operation<C> = PerItemOperation<C> | BatchOperation<C>;

export type OperationTable<C> = Record<string, Record<string, Operation<C>>>;

export type RouterOptions<C> = {
	operations: OperationTable<C>;
	/** Made once per execution, before the first item (for example a session or a rate-limit budget). */
	context: (this: IExecuteFunctions) => Promise<C> | C;
	/** Extra fields for an item's error output (for example `sku`, `retryable`). */
	describeFailure?: (this: IExecuteFunctions, error: unknown, itemIndex: number) => IDataObject;
	/** Turns any error into the node error that fails the execution. */
	toNodeError?: (this: IExecuteFunctions, error: unknown, itemIndex?: number) => Error;
};

export async function route<C>(this: IExecuteFunctions, options: RouterOptions<C>): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = options.operations[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" of "${resource}" is not supported`,
			{ description: 'Choose another operation in the node, or update the package.' },
		);
	}
	const toNodeError = options.toNodeError ?? defaultNodeError;

	if (operation.mode === 'batch') {
		try {
			const context = await options.context.call(this);
			return [await operation.execute.call(this, context, items)];
		} catch (error) {
			// Stopped by the user: the execution ends as cancelled, not as failed items.
			if (this.continueOnFail() && !wasCancelled(this)) {
				return [[errorItem.call(this, error, items.map((_, item) => item))]];
			}
			throw toNodeError.call(this, error);
		}
	}

	const context = await options.context.call(this);
	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const results = await operation.execute.call(this, context, itemIndex);
			for (const json of results) returnData.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (this.continueOnFail() && !wasCancelled(this)) {
				const extra = options.describeFailure?.call(this, error, itemIndex) ?? {};
				returnData.push(errorItem.call(this, error, [itemIndex], extra));
				continue;
			}
			throw toNodeError.call(this, error, itemIndex);
		}
	}
	return [returnData];
}

/**
 * An output item for a failed item (or batch).
 *
 * n8n routes an item to the error output ("On Error: Continue (using error output)") when its json
 * holds nothing but `error` / `message` / `details`, and then merges the failed input item's fields
 * into it; an item with `.error` set would instead lose every field but the message. So:
 * - error output: `{ error, details: { errorDescription, …extra } }` (plus the input item's fields);
 * - "Continue" (regular output): `{ error, errorDescription, …extra }`, flat, as the templates read it.
 */
export function errorItem(
	this: IExecuteFunctions,
	error: unknown,
	pairedWith: number[],
	extra: IDataObject = {},
): INodeExecutionData {
	const message = error instanceof Error ? error.message : String(error);
	const fields: IDataObject = {};
	const description = (error as { description?: unknown } | undefined)?.description;
	if (typeof description === 'string' && description !== '') fields.errorDescription = description;
	Object.assign(fields, extra);
	const toErrorOutput = this.getNode().onError === 'continueErrorOutput';
	const json: IDataObject = toErrorOutput ? { error: message, details: fields } : { error: message, ...fields };
	return {
		json,
		pairedItem: pairedWith.length === 1 ? { item: pairedWith[0] } : pairedWith.map((item) => ({ item })),
	};
}

function defaultNodeError(this: IExecuteFunctions, error: unknown, itemIndex?: number): Error {
	if (error instanceof NodeApiError) {
		if (itemIndex !== undefined && error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return new NodeApiError(this.getNode(), error as unknown as JsonObject);
	}
	if (error instanceof NodeOperationError) {
		if (itemIndex !== undefined && error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(this.getNode(), error as Error, itemIndex !== undefined ? { itemIndex } : {});
}
