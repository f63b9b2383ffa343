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
		displayOptions: { show: { resource: ['location'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the shop’s locations',
				action: 'Get many locations',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];

export const operations: Record<string, Operation<ShopifyExecution>> = {
	getMany: { mode: 'perItem', execute: getMany.execute },
};
