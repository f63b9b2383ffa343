import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as event from './actions/event/Event.resource';
import * as movement from './actions/movement/Movement.resource';
import { router } from './actions/router';
import * as stock from './actions/stock/Stock.resource';
import { listSearch, loadOptions } from './methods';

/**
 * FileMaker Inventory: stock kept in FileMaker, through the FileMaker Data API.
 * Consistency design (stock events stored with unique keys, applied per SKU in modId-guarded
 * batches): see CONSISTENCY.md next to this file.
 *
 * Usable as an AI-agent tool, like the Shopify Inventory node and n8n's own FileMaker node.
 */
export class FileMakerInventory implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FileMaker Inventory',
		name: 'fileMakerInventory',
		icon: { light: 'file:fileMakerInventory.svg', dark: 'file:fileMakerInventory.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Read and change stock kept in FileMaker (the source of truth) through the Data API: paged reads, stock events stored once and applied exactly once, and a movement log',
		defaults: { name: 'FileMaker Inventory' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'fileMakerDataApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Stock', value: 'stock', description: 'One record per SKU with its quantity' },
					{ name: 'Movement', value: 'movement', description: 'The log of stock changes' },
					{
						name: 'Stock Event',
						value: 'event',
						description: 'Stock changes stored first (unique key) and applied to the stock exactly once',
					},
				],
				default: 'stock',
			},
			...stock.description,
			...movement.description,
			...event.description,
		],
	};

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
