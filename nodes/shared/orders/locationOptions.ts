import type { INodeProperties } from 'n8n-workflow';

import { locationMappingCollection, shopifyLocationLocator } from '../shopify/locationLocator';
import { toLegacyId } from './ids';
import { parseOrderLocationMapping, type ChangeLocationSettings } from './locations';

/**
 * The location parameters of the two order readers (the Shopify Inventory Trigger and Order → Get
 * Many): the same mapping as Inventory → Sync's Locations, and the location used where Shopify names
 * none. With a mapping, every order is read with its fulfillment orders, and each line's units are
 * taken from the location Shopify assigned to fulfil it (RULES.md, "Several locations").
 */
export function orderLocationProperties(): INodeProperties[] {
	return [
		locationMappingCollection({
			description:
				'For several locations: which FileMaker location value is which Shopify location (the same list as in Inventory → Sync). Empty: the Locations of the Shopify credential (usually set there once for every node); empty there too: one location, items as before. With a mapping, each order is then read with its fulfillment orders (scope read_merchant_managed_fulfillment_orders), and every item carries the location its units are taken from or return to (locationId, and location = the FileMaker value).',
			fileMakerValue: 'The value of the location field in FileMaker',
			shopifyLocation: 'The Shopify location with this FileMaker value',
			emptyLocationAllowed: true,
		}),
		shopifyLocationLocator(
			'Default Location',
			'defaultLocation',
			'With Locations (here or in the credential): the location of a change whose location Shopify does not name (e.g. an order not yet routed to a location). Empty: the Default Location of the Shopify credential; empty there too: such items carry no location (location null).',
			{ allowed: true },
		),
	];
}

/** The settings of the location parameters, or null when no mapping is set (single location). */
export function orderLocationSettings(locationsRaw: unknown, defaultLocationRaw: unknown): ChangeLocationSettings | null {
	const mapping = parseOrderLocationMapping(locationsRaw);
	if (mapping.length === 0) return null;
	return { mapping, defaultLocationId: defaultLocationIdOf(defaultLocationRaw) };
}

/** The node's Default Location parameter as a decimal id, or null when empty. */
export function defaultLocationIdOf(defaultLocationRaw: unknown): string | null {
	const locator = defaultLocationRaw && typeof defaultLocationRaw === 'object' ? (defaultLocationRaw as { value?: unknown }).value : defaultLocationRaw;
	const text = typeof locator === 'string' ? locator.trim() : typeof locator === 'number' ? String(locator) : '';
	const defaultLocationId = text === '' ? null : toLegacyId(text);
	if (text !== '' && defaultLocationId === null) throw new RangeError(`Default Location "${text}" is not a Shopify location id`);
	return defaultLocationId;
}

/**
 * The credential's mapping (ids) as the order readers' settings; the node's own Default Location, when
 * set, wins over the credential's.
 */
export function credentialOrderLocationSettings(
	credential: { mapping: ReadonlyArray<{ fileMakerValue: string; locationId: string }>; defaultLocationId: string | null },
	nodeDefaultLocationRaw: unknown,
): ChangeLocationSettings {
	return { mapping: [...credential.mapping], defaultLocationId: defaultLocationIdOf(nodeDefaultLocationRaw) ?? credential.defaultLocationId };
}
