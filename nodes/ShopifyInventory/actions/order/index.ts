/**
 * Resource "Order" of the Shopify Inventory node: its description and its operations for the router.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import type { ShopifyExecution } from '../execution';
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

export const operations: Record<string, Operation<ShopifyExecution>> = {
	getMany: { mode: 'perItem', execute: getMany.execute },
};
