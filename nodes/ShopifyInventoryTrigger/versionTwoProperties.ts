import type { INodeProperties } from 'n8n-workflow';

/**
 * Version 2 of the trigger asks for its FileMaker layouts and its Default Location with dropdowns
 * (plain values) instead of resource locators. n8n 2.41 resolves the trigger's webhook settings without
 * its expression engine only when every parameter is a plain value, and counts a resource locator as
 * dynamic; with `N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true` a delivery then costs n8n no V8 isolate.
 * Version 1 keeps the resource locators, so saved workflows stay as they are.
 */
const VERSION_1 = { '@version': [1] };
const VERSION_2_ON = { '@version': [{ _cnd: { gte: 2 } }] };

function shownFor(property: INodeProperties, version: typeof VERSION_1 | typeof VERSION_2_ON): INodeProperties {
	const show = { ...(property.displayOptions?.show ?? {}), ...version };
	return { ...property, displayOptions: { ...(property.displayOptions ?? {}), show } };
}

/** Version-2 dropdowns, by parameter name (each replaces the resource locator of the same name). */
const DROPDOWNS: Record<'eventLayout' | 'stockLayout' | 'defaultLocation', INodeProperties> = {
	eventLayout: {
		displayName: 'Event Layout Name or ID',
		name: 'eventLayout',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getLayouts' },
		default: 'StockMovements',
		required: true,
		description:
			'FileMaker layout of the stock events (one row per event, EventKey unique; see the FileMaker setup guide). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	stockLayout: {
		displayName: 'Stock Layout Name or ID',
		name: 'stockLayout',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getLayouts' },
		default: 'Stock',
		required: true,
		description:
			'FileMaker layout with one record per SKU (keep it narrow: the Data API returns every field on the layout). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	defaultLocation: {
		displayName: 'Default Location Name or ID',
		name: 'defaultLocation',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getLocations' },
		default: '',
		description:
			'With Locations (here or in the credential): the location of a change whose location Shopify does not name. First entry: the Default Location of the Shopify credential. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
};

/**
 * One of the trigger's resource-locator parameters (Event Layout, Stock Layout, Default Location):
 * the locator for version 1, the dropdown of the same name for version 2 on, both with the locator's
 * display conditions.
 */
export function forVersions(locator: INodeProperties): INodeProperties[] {
	const dropdown = DROPDOWNS[locator.name as keyof typeof DROPDOWNS];
	if (!dropdown) throw new Error(`No version-2 dropdown for the parameter "${locator.name}"`);
	return [shownFor(locator, VERSION_1), shownFor({ ...dropdown, displayOptions: locator.displayOptions }, VERSION_2_ON)];
}
