import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { levelJson } from '../../logic/levels';
import { normalizeSku } from '../../logic/validate';
import { findBySku } from '../../transport/inventory';
import { resolveLocation } from '../../transport/locations';
import { locationLocator, skuParameter } from '../common.descriptions';
import type { ShopifyExecution } from '../execution';

const displayOptions = { show: { resource: ['inventory'], operation: ['get'] } };

export const description: INodeProperties[] = [
	locationLocator(['get']),
	skuParameter('The SKU to read (exact match)', displayOptions),
];

export async function execute(this: IExecuteFunctions, run: ShopifyExecution, itemIndex: number): Promise<IDataObject[]> {
	const { id: locationId } = await resolveLocation.call(this, run, itemIndex);
	const sku = normalizeSku(this.getNodeParameter('sku', itemIndex, '') as unknown);
	if (sku === undefined) {
		throw new NodeOperationError(this.getNode(), 'The SKU is empty', {
			description: 'Enter the SKU to read, or map it from the input (for example {{ $json.sku }}).',
			itemIndex,
		});
	}
	const { levels, notStocked } = await findBySku.call(this, run.budget, locationId, sku, itemIndex);
	if (levels.length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			notStocked.length > 0 ? `SKU "${sku}" is not stocked at this location` : `SKU "${sku}" does not exist in Shopify`,
			{
				description:
					notStocked.length > 0
						? 'Stock the item at the location in Shopify, or choose another location.'
						: 'Check the SKU (it must match the variant’s SKU exactly).',
				itemIndex,
			},
		);
	}
	if (levels.length > 1) {
		throw new NodeOperationError(this.getNode(), `SKU "${sku}" belongs to ${levels.length} inventory items at this location`, {
			description: 'Give each variant its own SKU in Shopify.',
			itemIndex,
		});
	}
	return [levelJson(levels[0], locationId) as IDataObject];
}
