import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { shopifyLocationLocator } from '../../shared/shopify/locationLocator';

/** The SKU parameter of an inventory operation. */
export function skuParameter(description: string, displayOptions: IDisplayOptions): INodeProperties {
	return { displayName: 'SKU', name: 'sku', type: 'string', default: '', required: true, placeholder: 'ABC-123', description, displayOptions };
}

/** The "Options" collection of an operation. */
export function optionsCollection(displayOptions: IDisplayOptions, options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions,
		options,
	};
}

/** The usual "Return All" switch and the "Limit" shown when it is off. */
export function returnAllAndLimit(displayOptions: IDisplayOptions & { show: object }): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: true,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions,
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...displayOptions.show, returnAll: [false] } },
		},
	];
}

/**
 * The Location picker: a list from Shopify, or an id (gid://shopify/Location/123 or 123). `whenEmpty`
 * says what an empty value means, in the By ID validation message.
 */
export function locationPicker(description: string, whenEmpty: string): INodeProperties {
	// Empty is allowed. n8n checks the By ID rule against every parameter named "location", so the
	// inventory operations' picker and the order option's share it.
	return shopifyLocationLocator('Location', 'location', description, { allowed: true, hint: `, or leave it empty${whenEmpty}` });
}

/** The Location parameter of the inventory operations. Empty: the shop's primary location (looked up once per execution). */
export function locationLocator(operations: string[], resource = 'inventory'): INodeProperties {
	return {
		...locationPicker(
			'The Shopify location whose stock is read or written. Empty: the shop’s primary location.',
			' for the primary location',
		),
		displayOptions: { show: { resource: [resource], operation: operations } },
	};
}

export const REASON_OPTIONS = [
	{ name: 'Correction', value: 'correction' },
	{ name: 'Cycle Count Available', value: 'cycle_count_available' },
	{ name: 'Damaged', value: 'damaged' },
	{ name: 'Movement Created', value: 'movement_created' },
	{ name: 'Movement Received', value: 'movement_received' },
	{ name: 'Movement Updated', value: 'movement_updated' },
	{ name: 'Other', value: 'other' },
	{ name: 'Promotion', value: 'promotion' },
	{ name: 'Quality Control', value: 'quality_control' },
	{ name: 'Received', value: 'received' },
	{ name: 'Reservation Created', value: 'reservation_created' },
	{ name: 'Reservation Deleted', value: 'reservation_deleted' },
	{ name: 'Reservation Updated', value: 'reservation_updated' },
	{ name: 'Restock', value: 'restock' },
	{ name: 'Safety Stock', value: 'safety_stock' },
	{ name: 'Shrinkage', value: 'shrinkage' },
];

export const reasonOption: INodeProperties = {
	displayName: 'Reason',
	name: 'reason',
	type: 'options',
	options: REASON_OPTIONS,
	default: 'correction',
	description: 'The reason Shopify records in the inventory history',
};

export const referenceDocumentUriOption: INodeProperties = {
	displayName: 'Reference Document URI',
	name: 'referenceDocumentUri',
	type: 'string',
	default: '',
	placeholder: 'gid://n8n-nodes-filemaker-shopify/InventorySync/123',
	description:
		'Shown in Shopify’s inventory history. Empty: gid://n8n-nodes-filemaker-shopify/&lt;Operation&gt;/&lt;execution ID&gt;.',
};

export const readModeOption: INodeProperties = {
	displayName: 'Read Mode',
	name: 'readMode',
	type: 'options',
	options: [
		{
			name: 'Automatic',
			value: 'automatic',
			description: 'Counts first (a cheap query), then pages, or uses a bulk operation above the threshold',
		},
		{
			name: 'Paged',
			value: 'paged',
			description: 'Cursor pages sized to stay below Shopify’s single-query cost limit',
		},
		{
			name: 'Bulk Operation',
			value: 'bulk',
			description: 'Shopify prepares a file with all levels (best for large catalogues)',
		},
	],
	default: 'automatic',
	description: 'How Shopify’s inventory levels are read',
};

export const bulkThresholdOption: INodeProperties = {
	displayName: 'Bulk Threshold',
	name: 'bulkThreshold',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 5000,
	description:
		'With Read Mode Automatic: from this many variants in the shop on, a bulk operation is used instead of pages (also below it when reading page by page would have to wait for Shopify’s rate limit)',
};
