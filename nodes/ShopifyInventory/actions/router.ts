import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { asNodeError } from '../../shared/shopify/transport';
import * as inventory from './inventory';
import * as location from './location';
import * as order from './order';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	let result: INodeExecutionData[];
	try {
		switch (resource) {
			case 'inventory':
				result = await inventory.execute.call(this, items, operation);
				break;
			case 'location':
				result = await location.execute.call(this, items, operation);
				break;
			case 'order':
				result = await order.execute.call(this, items, operation);
				break;
			default:
				throw new NodeOperationError(this.getNode(), `The resource "${resource}" is not supported`);
		}
	} catch (error) {
		// Operations that work on all items at once (Sync, Set, Adjust) fail as a whole: with
		// "Continue On Fail" the error becomes one item paired with every input item.
		// (Per-item operations put their errors into items themselves and do not throw then.)
		if (this.continueOnFail()) {
			return [[{ json: { error: (error as Error).message }, pairedItem: items.map((_, item) => ({ item })) }]];
		}
		throw asNodeError(this.getNode(), error);
	}
	return [result];
}
