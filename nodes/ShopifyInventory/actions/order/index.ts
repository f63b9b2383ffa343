/**
 * Resource "Order" of the Shopify Inventory node. The node registers `description` and routes
 * operation 'getMany' to `execute`.
 */
import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['order'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description:
					'Get the stock changes of orders updated since a time (catch-up for the Shopify Inventory Trigger)',
				action: 'Get many orders',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];

/** Runs the selected Order operation over the input items ('getMany' is the only one). */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	operation = 'getMany',
): Promise<INodeExecutionData[]> {
	switch (operation) {
		case 'getMany':
			return await getMany.execute.call(this, items);
		default:
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for orders`);
	}
}
