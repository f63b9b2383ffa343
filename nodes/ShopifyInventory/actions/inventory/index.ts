import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import * as adjust from './adjust.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as set from './set.operation';
import * as sync from './sync.operation';

export { adjust, get, getMany, set, sync };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['inventory'] } },
		options: [
			{
				name: 'Adjust',
				value: 'adjust',
				description: 'Add or remove stock (delta) for the SKUs of the input items',
				action: 'Adjust inventory',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the stock of one SKU at a location',
				action: 'Get inventory of a SKU',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'Get the stock of every SKU at a location',
				action: 'Get many inventory levels',
			},
			{
				name: 'Set',
				value: 'set',
				description: 'Set absolute quantities for the SKUs of the input items',
				action: 'Set inventory',
			},
			{
				name: 'Sync',
				value: 'sync',
				description:
					'Compare the input items (e.g. FileMaker’s stock) with Shopify and write only what differs, in batches',
				action: 'Sync inventory',
			},
		],
		default: 'sync',
	},
	...sync.description,
	...getMany.description,
	...get.description,
	...set.description,
	...adjust.description,
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	operation: string,
): Promise<INodeExecutionData[]> {
	switch (operation) {
		case 'sync':
			return await sync.execute.call(this, items);
		case 'getMany':
			return await getMany.execute.call(this, items);
		case 'get':
			return await get.execute.call(this, items);
		case 'set':
			return await set.execute.call(this, items);
		case 'adjust':
			return await adjust.execute.call(this, items);
		default:
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for inventory`);
	}
}
