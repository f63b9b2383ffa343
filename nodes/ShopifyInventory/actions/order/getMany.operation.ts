/**
 * Order → Get Many: the catch-up for the Shopify Inventory Trigger.
 *
 * Reads every order updated since a time through the GraphQL Admin API (line items with current
 * quantities and tracking, refunds with restock type, location and return, the fulfilments of
 * cancelled orders, the dispositions of returns) and turns each one into exactly the stock change
 * items and idempotency keys the trigger produces for the same order (nodes/shared/orders). An app
 * without protected customer data approval gets a clear error, not an empty result. Orders the
 * webhooks already delivered produce keys FileMaker has already applied, so they change nothing again.
 */
import { deepCopy, NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { filterByLocation, stockChangesFromGraphqlOrder, toLegacyId, type StockChange } from '../../../shared/orders';
import { orderOutputOption } from '../../../shared/orders/outputOption';
import { locateChanges } from '../../../shared/orders/locations';
import { credentialOrderLocationSettings, orderLocationProperties, orderLocationSettings } from '../../../shared/orders/locationOptions';
import { resolvedCredentialLocations } from '../../../shared/shopify/credentialLocationMapping';
import { resolveUpdatedSince, updatedSinceQuery } from '../../logic/catchUp';
import { fetchOrdersUpdatedSince } from '../../transport/orders';
import { locationPicker, optionsCollection } from '../common.descriptions';
import type { ShopifyExecution } from '../execution';

const displayOptions = { show: { resource: ['order'], operation: ['getMany'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Updated Since',
		name: 'updatedSince',
		type: 'dateTime',
		default: '',
		description:
			'Orders created, paid, edited, cancelled, refunded or returned at or after this time. Pass the time of the previous run (minus a few minutes of overlap: the keys make overlaps harmless). Empty: the last 24 hours.',
		displayOptions,
	},
	{
		...orderOutputOption({
			stockChanges:
				'One item per stock-affecting line, identical to the Shopify Inventory Trigger (same change keys)',
			raw: 'One item per order as the GraphQL Admin API returned it',
		}),
		displayOptions,
	},
	optionsCollection(displayOptions, [
		locationPicker(
			'Only stock changes at this location. Changes whose location Shopify does not report (most online orders) are kept. Stock Changes output only.',
			'',
		),
		...orderLocationProperties(),
	]),
];

/** The value of the Location option (a resource locator `{ __rl, mode, value }`, or a plain string). */
function locationValue(option: unknown): string {
	const value = option && typeof option === 'object' ? (option as { value?: unknown }).value : option;
	return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

export async function execute(this: IExecuteFunctions, run: ShopifyExecution, itemIndex: number): Promise<IDataObject[]> {
	let since: Date;
	try {
		since = resolveUpdatedSince(this.getNodeParameter('updatedSince', itemIndex, ''), run.startedAt, this.getTimezone());
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message, { itemIndex });
	}
	const output = this.getNodeParameter('output', itemIndex, 'stockChanges') as string;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const locationRaw = locationValue(options.location);
	const locationId = locationRaw ? toLegacyId(locationRaw) : null;
	if (locationRaw && locationId === null) {
		throw new NodeOperationError(this.getNode(), `Location "${locationRaw}" is not a Shopify location id`, {
			itemIndex,
			description: 'Use the numeric id (123456789) or the gid (gid://shopify/Location/123456789).',
		});
	}

	let locationSettings;
	try {
		locationSettings = orderLocationSettings(options.locations, options.defaultLocation);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message, {
			itemIndex,
			description: 'Fix Options → Locations / Default Location: one FileMaker value and one Shopify location per line.',
		});
	}
	if (locationSettings === null) {
		// No Locations on the node: the credential's (one location when that is empty too).
		run.credentialLocations ??= resolvedCredentialLocations.call(this, run.budget, itemIndex);
		const fromCredential = await run.credentialLocations;
		if (fromCredential !== null) {
			try {
				locationSettings = credentialOrderLocationSettings(fromCredential, options.defaultLocation);
			} catch (error) {
				throw new NodeOperationError(this.getNode(), (error as Error).message, { itemIndex, description: 'Fix Options → Default Location, or leave it empty.' });
			}
		}
	}
	const lineLocations = locationSettings !== null;

	// Items asking for the same window (e.g. the default "last 24 hours" on every input item) share one read.
	const windowKey = `${updatedSinceQuery(since)}${lineLocations ? '|lineLocations' : ''}`;
	const alreadyRead = run.ordersByWindow.get(windowKey);
	const orders = alreadyRead ?? (await fetchOrdersUpdatedSince.call(this, since, itemIndex, run.budget, { lineLocations }));
	run.ordersByWindow.set(windowKey, orders);
	if (output === 'raw') {
		// A second item gets its own copy, so a later node changing one item cannot change the other.
		return orders.map((order) => (alreadyRead ? deepCopy(order) : order) as IDataObject);
	}
	const results: IDataObject[] = [];
	for (const order of orders) {
		let changes: StockChange[];
		try {
			changes = stockChangesFromGraphqlOrder(order).changes;
		} catch (error) {
			throw new NodeOperationError(
				this.getNode(),
				`Shopify returned an order that could not be read: ${(error as Error).message}`,
				{ itemIndex },
			);
		}
		if (locationSettings) changes = locateChanges(changes, locationSettings);
		for (const change of filterByLocation(changes, locationId)) {
			results.push({ ...change, topic: null, eventId: null } as unknown as IDataObject);
		}
	}
	return results;
}
