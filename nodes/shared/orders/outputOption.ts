import type { INodeProperties } from 'n8n-workflow';

/**
 * The Output option of the two order readers (the Shopify Inventory Trigger and Order → Get Many):
 * stock change items (the same items and idempotency keys from both), or the orders as Shopify sent them.
 */
export function orderOutputOption(descriptions: { stockChanges: string; raw: string }): INodeProperties {
	return {
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{ name: 'Stock Changes', value: 'stockChanges', description: descriptions.stockChanges },
			{ name: 'Raw Order', value: 'raw', description: descriptions.raw },
		],
		default: 'stockChanges',
	};
}
