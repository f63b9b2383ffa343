import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';
import * as record from './record.operation';
import { movementLayoutLocator } from '../common.descriptions';

export { getMany, record };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['movement'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'Get movement rows (paged): all, or of one SKU, or since a date',
				action: 'Get many movement rows',
			},
			{
				name: 'Record',
				value: 'record',
				description: 'Write a movement row (does not change the stock)',
				action: 'Record a movement',
			},
		],
		default: 'record',
	},
	{ ...movementLayoutLocator, displayOptions: { show: { resource: ['movement'] } } },
	...record.description,
	...getMany.description,
];
