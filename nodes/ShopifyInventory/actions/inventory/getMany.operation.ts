import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { levelJson } from '../../logic/levels';
import { readLevels, readLevelsPaged } from '../../transport/inventory';
import { resolveLocation } from '../../transport/locations';
import {
	bulkThresholdOption,
	locationLocator,
	optionsCollection,
	readModeOption,
	returnAllAndLimit,
} from '../common.descriptions';
import type { ShopifyExecution } from '../execution';
import { readOptionsOf } from './options';

const displayOptions = { show: { resource: ['inventory'], operation: ['getMany'] } };

export const description: INodeProperties[] = [
	locationLocator(['getMany']),
	...returnAllAndLimit(displayOptions),
	optionsCollection({ show: { ...displayOptions.show, returnAll: [true] } }, [bulkThresholdOption, readModeOption]),
];

export async function execute(this: IExecuteFunctions, run: ShopifyExecution, itemIndex: number): Promise<IDataObject[]> {
	const { id: locationId } = await resolveLocation.call(this, run, itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, true) as boolean;
	let levels;
	if (returnAll) {
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		levels = (await readLevels.call(this, run.budget, locationId, { ...readOptionsOf(options), withVariants: true }))
			.levels;
	} else {
		const limit = this.getNodeParameter('limit', itemIndex, 50) as number;
		levels = await readLevelsPaged.call(this, run.budget, locationId, { withVariants: true, limit });
	}
	return levels.map((level) => levelJson(level, locationId) as IDataObject);
}
