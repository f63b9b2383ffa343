import type { INodeProperties } from 'n8n-workflow';

import { locationFieldProperty } from '../../shared/filemaker/locationField';

// Literal defaults in the descriptions below (the linter needs literals); they equal DEFAULTS,
// DEFAULT_PAGE_SIZE (nodes/shared/filemaker/paging) and STOCK_CHANGE_MAX_ATTEMPTS (nodes/shared/backoff).
// A unit test checks they agree.

/** Default layout and field names (a solution built from the README's instructions uses these). */
export const DEFAULTS = {
	stockLayout: 'Stock',
	movementLayout: 'StockMovements',
	eventLayout: 'StockMovements',
	stock: { skuField: 'SKU', quantityField: 'Quantity', lastBatchField: 'LastBatch' },
	movement: {
		skuField: 'SKU',
		changeField: 'Change',
		quantityAfterField: 'QuantityAfter',
		reasonField: 'Reason',
		referenceField: 'Reference',
		sourceField: 'Source',
		eventKeyField: 'EventKey',
		serialField: 'Serial',
		setToField: 'SetTo',
		appliedBatchField: 'AppliedBatch',
	},
	modifiedSinceField: 'ModifiedAt',
	createdAtField: 'CreatedAt',
	source: 'n8n',
} as const;

function layoutLocator(name: string, displayName: string, defaultValue: string, description: string): INodeProperties {
	const locatorDefault = { mode: 'list', value: defaultValue };
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: locatorDefault,
		required: true,
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchLayouts', searchable: true },
			},
			{
				displayName: 'By Name',
				name: 'name',
				type: 'string',
				placeholder: defaultValue,
			},
		],
	};
}

export const stockLayoutLocator = layoutLocator(
	'stockLayout',
	'Stock Layout',
	DEFAULTS.stockLayout,
	'FileMaker layout with one record per SKU. Keep it narrow (only the fields needed): the Data API returns every field on the layout and counts them against the yearly transfer quota.',
);

export const movementLayoutLocator = layoutLocator(
	'movementLayout',
	'Movement Layout',
	DEFAULTS.movementLayout,
	'FileMaker layout of the stock events (one row per event: stored first, then applied; it is also the movement log)',
);

export const eventLayoutLocator = layoutLocator(
	'eventLayout',
	'Event Layout',
	DEFAULTS.eventLayout,
	'FileMaker layout of the stock events (one row per event, EventKey unique). See the FileMaker setup guide.',
);

export const stockFieldsCollection: INodeProperties = {
	displayName: 'Stock Field Names',
	name: 'stockFields',
	type: 'collection',
	placeholder: 'Change Field Name',
	default: {},
	description: "Field names on the stock layout, if they differ from 'SKU', 'Quantity' and 'LastBatch'",
	options: [
		{
			displayName: 'Last Batch Field Name or ID',
			name: 'lastBatchField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getStockFields', loadOptionsDependsOn: ['stockLayout.value'] },
			default: 'LastBatch',
			description:
				'Text field on the stock record where each batch of applied events is committed (with the quantity, in one guarded edit). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Quantity Field Name or ID',
			name: 'quantityField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getStockFields', loadOptionsDependsOn: ['stockLayout.value'] },
			default: 'Quantity',
			description:
				'Number field with the quantity in stock. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'SKU Field Name or ID',
			name: 'skuField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getStockFields', loadOptionsDependsOn: ['stockLayout.value'] },
			default: 'SKU',
			description:
				'Field with the SKU (must be unique). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
	],
};

export const movementFieldsCollection: INodeProperties = {
	displayName: 'Movement Field Names',
	name: 'movementFields',
	type: 'collection',
	placeholder: 'Change Field Name',
	default: {},
	description:
		"Field names on the movement layout, if they differ from 'SKU', 'Change', 'QuantityAfter', 'Reason', 'Reference', 'Source', 'EventKey', 'Serial', 'SetTo' and 'AppliedBatch'",
	options: [
		{
			displayName: 'Applied Batch Field Name or ID',
			name: 'appliedBatchField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getMovementFields', loadOptionsDependsOn: ['movementLayout.value'] },
			default: 'AppliedBatch',
			description:
				'Text field: empty while the event is pending, the batch ID once applied. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Change Field Name or ID',
			name: 'changeField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getMovementFields', loadOptionsDependsOn: ['movementLayout.value'] },
			default: 'Change',
			description:
				'Number field for the signed change. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Event Key Field Name or ID',
			name: 'eventKeyField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getMovementFields', loadOptionsDependsOn: ['movementLayout.value'] },
			default: 'EventKey',
			description:
				'Text field with the idempotency key, validated "Unique value" (validate always) in FileMaker. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Quantity After Field Name or ID',
			name: 'quantityAfterField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getMovementFieldsOrNone', loadOptionsDependsOn: ['movementLayout.value'] },
			default: 'QuantityAfter',
			description:
				'Number field for the quantity after the change. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Reason Field Name or ID',
			name: 'reasonField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getMovementFieldsOrNone', loadOptionsDependsOn: ['movementLayout.value'] },
			default: 'Reason',
			description:
				'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		},
		{
			displayName: 'Reference Field Name or ID',
			name: 'referenceField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getMovementFieldsOrNone', loadOptionsDependsOn: ['movementLayout.value'] },
			default: 'Reference',
			description:
				'Text field for your reference (e.g. a purchase order). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Serial Field Name or ID',
			name: 'serialField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getMovementFields', loadOptionsDependsOn: ['movementLayout.value'] },
			default: 'Serial',
			description:
				'Number field with an auto-enter serial number: events are applied in this order. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Set To Field Name or ID',
			name: 'setToField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getMovementFields', loadOptionsDependsOn: ['movementLayout.value'] },
			default: 'SetTo',
			description:
				'Number field with the absolute quantity of a Set event (empty for changes). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'SKU Field Name or ID',
			name: 'skuField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getMovementFields', loadOptionsDependsOn: ['movementLayout.value'] },
			default: 'SKU',
			description:
				'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		},
		{
			displayName: 'Source Field Name or ID',
			name: 'sourceField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getMovementFieldsOrNone', loadOptionsDependsOn: ['movementLayout.value'] },
			default: 'Source',
			description:
				'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		},
	],
};

export const skuProperty: INodeProperties = {
	displayName: 'SKU',
	name: 'sku',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. ABC-123',
	description: 'SKU to look up (exact match)',
};

/** The SKU of an event operation, the item's "sku" field by default. */
export function itemSkuProperty(description: string, required: boolean): INodeProperties {
	return { displayName: 'SKU', name: 'sku', type: 'string', default: '={{ $json.sku }}', ...(required ? { required } : {}), description };
}

export const reasonProperty: INodeProperties = {
	displayName: 'Reason',
	name: 'reason',
	type: 'string',
	default: '',
	placeholder: 'e.g. order paid',
	description: 'Written to the movement row',
};

export const referenceProperty: INodeProperties = {
	displayName: 'Reference',
	name: 'reference',
	type: 'string',
	default: '',
	placeholder: 'e.g. PO-1042',
	description: 'Written to the movement row (your reference, e.g. a purchase order)',
};

export const sourceProperty: INodeProperties = {
	displayName: 'Source',
	name: 'source',
	type: 'string',
	default: 'n8n',
	placeholder: 'e.g. shopify',
	description: 'Written to the movement row (where the change came from)',
};

export const idempotencyKeyProperty: INodeProperties = {
	displayName: 'Change Key (Optional)',
	name: 'idempotencyKey',
	type: 'string',
	default: '',
	placeholder: 'e.g. shopify:order:1001:line:1',
	description:
		'A name for this change, such as the order line it comes from, so that the same change is never counted twice: a change whose key FileMaker already has is skipped and reported with duplicate: true (for as long as the event row is kept, at least 30 days). At most 100 characters. Empty: every run counts as a new change.',
	hint: 'Leave empty unless the same change can reach the node twice (webhooks, retries)',
};

/** The "Options" collection of an operation. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return { displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options };
}

/** The "Filters" collection of a Get Many operation. */
export function filtersCollection(options: INodeProperties[]): INodeProperties {
	return { displayName: 'Filters', name: 'filters', type: 'collection', placeholder: 'Add Filter', default: {}, options };
}

export const pageSizeOption: INodeProperties = {
	displayName: 'Page Size',
	name: 'pageSize',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 1000,
	description:
		"Records per Data API request. 1,000 by default: FileMaker documents no maximum, every request costs a round trip to the server, and on a narrow layout 1,000 rows are still a small answer (about 100 KB). Lower it if the layout has many or large fields; the number of requests is the record count divided by this, rounded up.",
};

/** "Extra Field Names or IDs" option: more fields of the layout to output under their FileMaker names. */
export function extraFieldsOption(
	loadOptionsMethod: string,
	layoutParameter: 'stockLayout' | 'movementLayout',
	what: string,
): INodeProperties {
	return {
		displayName: 'Extra Field Names or IDs',
		name: 'extraFields',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod, loadOptionsDependsOn: [`${layoutParameter}.value`] },
		default: [],
		description: `More fields of ${what} to output, under their FileMaker names. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
	};
}

/** Option of the stock and event operations (several locations): the location field of the layouts. */
export const locationFieldOption: INodeProperties = locationFieldProperty(
	'For several locations: the field that holds the location on the stock layout and the event layout (same name on both). Stock records are then one per SKU and location, and events are stored and applied per SKU and location. Empty: the Location Field of the FileMaker credential; empty there too: one location (records per SKU).',
);

/** Option (with Location Field): the item's location value. */
export const locationValueOption: INodeProperties = {
	displayName: 'Location',
	name: 'location',
	type: 'string',
	default: '={{ $json.location }}',
	description:
		'With Location Field: the location of the item, as in FileMaker (the Shopify nodes output it as "location" when their Locations list is set). Without this option the item’s "location" field is used.',
};

export function changeOptions(): INodeProperties[] {
	return [
		{
			displayName: 'Max Attempts',
			name: 'maxAttempts',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10,
			description:
				'How often to read and write the stock record when it was changed by someone else in between (FileMaker 306) or is open in FileMaker (301), waiting a little longer (with random jitter) each time',
		},
		locationFieldOption,
		locationValueOption,
	];
}

/** What Adjust and Set write with a change: the movement row's texts, then the (optional) change key. */
export const changeInputProperties: INodeProperties[] = [
	reasonProperty,
	referenceProperty,
	sourceProperty,
	idempotencyKeyProperty,
];

/** Where Adjust and Set write (movement layout, field names) and how (options). */
export const changeTargetProperties: INodeProperties[] = [
	movementLayoutLocator,
	stockFieldsCollection,
	movementFieldsCollection,
	optionsCollection(changeOptions()),
];

