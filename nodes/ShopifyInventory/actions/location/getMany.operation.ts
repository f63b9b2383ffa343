import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readLocations } from '../../transport/locations';
import { returnAllAndLimit } from '../common.descriptions';
import type { ShopifyExecution } from '../execution';

const displayOptions = { show: { resource: ['location'], operation: ['getMany'] } };

export const description: INodeProperties[] = [
	...returnAllAndLimit(displayOptions),
	{
		displayName: 'Include Inactive',
		name: 'includeInactive',
		type: 'boolean',
		default: false,
		description: 'Whether to include deactivated locations',
		displayOptions,
	},
];

export async function execute(this: IExecuteFunctions, run: ShopifyExecution, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, true) as boolean;
	const limit = returnAll ? 0 : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const includeInactive = this.getNodeParameter('includeInactive', itemIndex, false) as boolean;
	const locations = await readLocations.call(this, run.budget, { limit, includeInactive, itemIndex });
	return locations.map((node) => {
		const id = String(node.id);
		return {
			id,
			legacyId: id.split('/').pop(),
			name: node.name,
			isActive: node.isActive,
			fulfillsOnlineOrders: node.fulfillsOnlineOrders,
		};
	});
}
