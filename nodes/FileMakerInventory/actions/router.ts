import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isItemProblem } from '../helpers/itemProblem';
import type { Connection } from '../transport';
import { getConnection } from '../transport';
import * as movement from './movement/Movement.resource';
import * as stock from './stock/Stock.resource';

type OperationExecute = (this: IExecuteFunctions, connection: Connection, itemIndex: number) => Promise<IDataObject[]>;

const operations: Record<string, Record<string, { execute: OperationExecute }>> = {
	stock: { getMany: stock.getMany, get: stock.get, set: stock.set, adjust: stock.adjust },
	movement: { record: movement.record, getMany: movement.getMany },
};

/**
 * Runs the chosen operation once per input item, in order. All requests of the execution share
 * one FileMaker session (n8n keeps the token on the credential). Errors are per item: with
 * "continue on fail" the item gets { error } and the others go on.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported.`);
	}
	const connection = await getConnection.call(this);
	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const results = await handler.execute.call(this, connection, itemIndex);
			for (const json of results) returnData.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (this.continueOnFail()) {
				const json: IDataObject = { error: error instanceof Error ? error.message : String(error) };
				const description = (error as { description?: unknown }).description;
				if (typeof description === 'string' && description !== '') json.errorDescription = description;
				const sku = safeSku.call(this, itemIndex);
				if (sku !== undefined) json.sku = sku;
				// false: the item's data is the problem (retrying cannot help); true: FileMaker/network/configuration
				json.retryable = !isItemProblem(error);
				returnData.push({ json, pairedItem: { item: itemIndex } });
				continue;
			}
			if (error instanceof NodeApiError) {
				if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
				// (returns the same error: NodeApiError does not wrap itself)
				throw new NodeApiError(this.getNode(), error as unknown as JsonObject);
			}
			if (error instanceof NodeOperationError && error.context.itemIndex === undefined) {
				error.context.itemIndex = itemIndex;
			}
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		}
	}
	return [returnData];
}

function safeSku(this: IExecuteFunctions, itemIndex: number): string | undefined {
	try {
		const sku = this.getNodeParameter('sku', itemIndex, '') as unknown;
		return typeof sku === 'string' && sku.trim() !== '' ? sku.trim() : undefined;
	} catch {
		return undefined;
	}
}
