import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { createCostBudget } from '../../../shared/shopify/cost';
import { asNodeError } from '../../../shared/shopify/transport';
import { readLevels, readLevelsPaged } from '../../transport/inventory';
import { bulkThresholdOption, locationLocator, readModeOption, returnAllAndLimit } from '../common.descriptions';
import { createLocationResolver, levelJson, readOptionsOf } from './shared';

const displayOptions = { show: { resource: ['inventory'], operation: ['getMany'] } };

export const description: INodeProperties[] = [
	locationLocator(['getMany']),
	...returnAllAndLimit(displayOptions),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { ...displayOptions.show, returnAll: [true] } },
		options: [bulkThresholdOption, readModeOption],
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	const budget = createCostBudget();
	const resolveLocation = createLocationResolver(this, budget);
	for (let i = 0; i < items.length; i++) {
		try {
			const { id: locationId } = await resolveLocation(i);
			const returnAll = this.getNodeParameter('returnAll', i, true) as boolean;
			let levels;
			if (returnAll) {
				const options = this.getNodeParameter('options', i, {}) as IDataObject;
				levels = (
					await readLevels.call(this, budget, locationId, { ...readOptionsOf(options), withVariants: true })
				).levels;
			} else {
				const limit = this.getNodeParameter('limit', i, 50) as number;
				levels = await readLevelsPaged.call(this, budget, locationId, { withVariants: true, limit });
			}
			for (const level of levels) out.push({ json: levelJson(level, locationId), pairedItem: { item: i } });
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
