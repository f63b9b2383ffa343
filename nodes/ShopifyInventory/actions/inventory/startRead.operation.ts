/**
 * Inventory → Start Read for Sync: starts Shopify's bulk read of the levels at a location and outputs
 * the operation's id, so that Shopify runs it while the workflow reads FileMaker; Inventory → Sync then
 * collects it (option "Read Started Earlier"). Nothing is read or written here.
 *
 * Why a read started earlier keeps "no phantom units" (docs/stock-model.md): the levels Sync compares are
 * Shopify's at some moment before Sync reads the recent orders (Hold Back Orders Created Since reads them
 * after collecting the levels), and every write carries changeFromQuantity = the level read, so a sale
 * after the read makes the write stale and Sync reads that SKU and the orders again.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { parseCredentialLocations } from '../../../shared/shopify/credentialLocations';
import { startBulkLevelsRead } from '../../transport/inventory';
import { resolveLocation } from '../../transport/locations';
import { locationLocator } from '../common.descriptions';
import type { ShopifyExecution } from '../execution';

const displayOptions = { show: { resource: ['inventory'], operation: ['startRead'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'Starts Shopify’s bulk read of the stock at the location; put it right before the FileMaker read, and set Sync’s option Read Started Earlier to {{ $(\'<this node>\').first().json.bulkOperationId }}. Shopify then reads while FileMaker is read.',
		name: 'startReadNotice',
		type: 'notice',
		default: '',
		displayOptions,
	},
	locationLocator(['startRead']),
];

export async function execute(
	this: IExecuteFunctions,
	run: ShopifyExecution,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const credentials = await this.getCredentials('shopifyInventoryApi');
	let severalLocations = false;
	try {
		severalLocations = parseCredentialLocations(credentials.locationMapping, credentials.defaultLocation).lines.length > 0;
	} catch {
		// A malformed Locations field is reported by Sync, which reads it for real.
		severalLocations = true;
	}
	if (severalLocations) {
		// Sync over several locations reads each mapped location itself: a bulk read of one location
		// started here would be read by nobody.
		return [
			{
				json: {
					operation: 'startRead',
					bulkOperationId: null,
					startedAt: new Date().toISOString(),
					message: 'Several locations are set in the Shopify credential: Sync reads each location itself, nothing was started',
				},
				pairedItem: items.map((_, item) => ({ item })),
			},
		];
	}
	const location = await resolveLocation.call(this, run, 0);
	const bulkOperationId = (await startBulkLevelsRead.call(this, run.budget, location.id)) ?? null;
	return [
		{
			json: {
				operation: 'startRead',
				bulkOperationId,
				locationId: location.id,
				locationName: location.name,
				startedAt: new Date().toISOString(),
				...(bulkOperationId === null ? { message: 'Shopify did not start a bulk read (another may be running): Sync reads the levels itself' } : {}),
			},
			pairedItem: items.map((_, item) => ({ item })),
		},
	];
}
