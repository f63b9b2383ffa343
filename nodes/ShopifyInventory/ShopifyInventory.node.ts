import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as inventory from './actions/inventory';
import * as location from './actions/location';
import * as order from './actions/order';
import { router } from './actions/router';
import { searchLocations } from './methods/listSearch';

export class ShopifyInventory implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Shopify Inventory',
		name: 'shopifyInventory',
		icon: { light: 'file:shopifyInventory.svg', dark: 'file:shopifyInventory.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Read and write Shopify stock: diff-sync FileMaker quantities in rate-limited batches of 250, set, adjust, list locations and orders',
		defaults: {
			name: 'Shopify Inventory',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'shopifyInventoryApi',
				required: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Inventory', value: 'inventory' },
					{ name: 'Location', value: 'location' },
					{ name: 'Order', value: 'order' },
				],
				default: 'inventory',
			},
			...inventory.description,
			...location.description,
			...order.description,
		],
	};

	methods = {
		listSearch: { searchLocations },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
