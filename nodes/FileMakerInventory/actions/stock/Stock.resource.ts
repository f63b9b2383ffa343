import type { INodeProperties } from 'n8n-workflow';

import * as adjust from './adjust.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as set from './set.operation';
import { stockLayoutLocator } from '../common.descriptions';

export { adjust, get, getMany, set };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['stock'] } },
		options: [
			{
				name: 'Adjust',
				value: 'adjust',
				description:
					'Add or take out stock of a SKU: stores the change as an event and applies it before answering (direct mode, for single changes; for order bursts use Stock Event → Store)',
				action: 'Adjust stock of a SKU',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the stock record of a SKU',
				action: 'Get stock of a SKU',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'Get every stock record (paged), optionally filtered',
				action: 'Get many stock records',
			},
			{
				name: 'Set',
				value: 'set',
				description: 'Set the quantity of a SKU to a given number (stored as a Set event and applied before answering)',
				action: 'Set stock of a SKU',
			},
		],
		default: 'getMany',
	},
	{ ...stockLayoutLocator, displayOptions: { show: { resource: ['stock'] } } },
	...getMany.description,
	...get.description,
	...set.description,
	...adjust.description,
];
