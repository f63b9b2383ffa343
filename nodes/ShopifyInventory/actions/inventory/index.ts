import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import type { ShopifyExecution } from '../execution';
import * as adjust from './adjust.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as set from './set.operation';
import * as startRead from './startRead.operation';
import * as sync from './sync.operation';

export { adjust, get, getMany, set, startRead, sync };

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
				description: 'Add or remove stock (a change such as -1 or 5) for the SKUs of the input items',
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
				name: 'Start Read for Sync',
				value: 'startRead',
				description: 'Start Shopify’s bulk read of a location’s stock now, for a Sync later in the workflow to collect',
				action: 'Start a read for sync',
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
	...startRead.description,
];

/** Sync, Set and Adjust write in batches of 250 over all items; Get and Get Many run per item. */
export const operations: Record<string, Operation<ShopifyExecution>> = {
	sync: { mode: 'batch', execute: sync.execute },
	getMany: { mode: 'perItem', execute: getMany.execute },
	get: { mode: 'perItem', execute: get.execute },
	set: { mode: 'batch', execute: set.execute },
	adjust: { mode: 'batch', execute: adjust.execute },
	startRead: { mode: 'batch', execute: startRead.execute },
};
