import type { INodeProperties } from 'n8n-workflow';

const LOCATION_ID_EXAMPLE = 'Enter a location id such as gid://shopify/Location/123456789 or 123456789';

/**
 * A Shopify location parameter: a list from Shopify (method `searchLocations`), or an id
 * (gid://shopify/Location/123 or 123). `empty.allowed`: whether an empty value passes the By ID rule;
 * `empty.hint` is added to its message (what an empty value means).
 */
export function shopifyLocationLocator(
	displayName: string,
	name: string,
	description: string,
	empty: { allowed: boolean; hint?: string },
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchLocations', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'gid://shopify/Location/123456789 or 123456789',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: empty.allowed ? '^\\s*(gid://shopify/Location/\\d+|\\d+)?\\s*$' : '^\\s*(gid://shopify/Location/\\d+|\\d+)\\s*$',
							errorMessage: `${LOCATION_ID_EXAMPLE}${empty.hint ?? ''}`,
						},
					},
				],
			},
		],
	};
}

/**
 * The "Locations" list (several locations): which FileMaker location value is which Shopify location.
 * Inventory → Sync and the two order readers show it with their own descriptions.
 */
export function locationMappingCollection(text: {
	description: string;
	fileMakerValue: string;
	shopifyLocation: string;
	/** Whether a mapping row may leave the Shopify location empty. */
	emptyLocationAllowed: boolean;
}): INodeProperties {
	return {
		displayName: 'Locations',
		name: 'locations',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Location',
		default: {},
		description: text.description,
		options: [
			{
				displayName: 'Mapping',
				name: 'mapping',
				values: [
					{
						displayName: 'FileMaker Location',
						name: 'fileMakerValue',
						type: 'string',
						default: '',
						placeholder: 'Warehouse',
						description: text.fileMakerValue,
					},
					shopifyLocationLocator('Shopify Location', 'shopifyLocation', text.shopifyLocation, { allowed: text.emptyLocationAllowed }),
				],
			},
		],
	};
}
