import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { createCostBudget } from '../../../shared/shopify/cost';
import { normalizeSku } from '../../logic/validate';
import { findBySku } from '../../transport/inventory';
import { locationLocator } from '../common.descriptions';
import { asNodeError } from '../../../shared/shopify/transport';
import { createLocationResolver, levelJson } from './shared';

const displayOptions = { show: { resource: ['inventory'], operation: ['get'] } };

export const description: INodeProperties[] = [
	locationLocator(['get']),
	{
		displayName: 'SKU',
		name: 'sku',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'ABC-123',
		description: 'The SKU to read (exact match)',
		displayOptions,
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	const budget = createCostBudget();
	const resolveLocation = createLocationResolver(this, budget);
	for (let i = 0; i < items.length; i++) {
		try {
			const { id: locationId } = await resolveLocation(i);
			const sku = normalizeSku(this.getNodeParameter('sku', i, '') as unknown);
			if (sku === undefined) {
				throw new NodeOperationError(this.getNode(), 'The SKU is empty', {
					description: 'Enter the SKU to read, or map it from the input (for example {{ $json.sku }}).',
					itemIndex: i,
				});
			}
			const { levels, notStocked } = await findBySku.call(this, budget, locationId, sku, i);
			if (levels.length === 0) {
				throw new NodeOperationError(
					this.getNode(),
					notStocked.length > 0
						? `SKU "${sku}" is not stocked at this location`
						: `SKU "${sku}" does not exist in Shopify`,
					{
						description:
							notStocked.length > 0
								? 'Stock the item at the location in Shopify, or choose another location.'
								: 'Check the SKU (it must match the variant’s SKU exactly).',
						itemIndex: i,
					},
				);
			}
			if (levels.length > 1) {
				throw new NodeOperationError(
					this.getNode(),
					`SKU "${sku}" belongs to ${levels.length} inventory items at this location`,
					{ description: 'Give each variant its own SKU in Shopify.', itemIndex: i },
				);
			}
			out.push({ json: levelJson(levels[0], locationId), pairedItem: { item: i } });
		} catch (error) {
			if (this.continueOnFail()) {
				out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
				continue;
			}
			throw asNodeError(this.getNode(), error, i);
		}
	}
	return out;
}
