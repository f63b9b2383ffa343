import type { INodeProperties } from 'n8n-workflow';

import * as applyPending from './applyPending.operation';
import * as getMany from './getMany.operation';
import * as store from './store.operation';
import { eventLayoutLocator, stockLayoutLocator } from '../common.descriptions';

export { applyPending, getMany, store };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['event'] } },
		options: [
			{
				name: 'Apply Pending',
				value: 'applyPending',
				description:
					'Apply stored events to the stock, per SKU in batches, exactly once (after Store, and as a scheduled sweep)',
				action: 'Apply pending stock events',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'Get stock events: pending, applied or all, optionally since a time',
				action: 'Get many stock events',
			},
			{
				name: 'Store',
				value: 'store',
				description:
					'Store each item as a stock event (its change key unique in FileMaker) without touching the stock: fast, never conflicts',
				action: 'Store stock events',
			},
		],
		default: 'store',
	},
	{ ...eventLayoutLocator, displayOptions: { show: { resource: ['event'] } } },
	{ ...stockLayoutLocator, displayOptions: { show: { resource: ['event'], operation: ['store', 'applyPending'] } } },
	...store.description,
	...applyPending.description,
	...getMany.description,
];
