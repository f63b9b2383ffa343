import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { ShopifyExecution } from '../execution';
import { executeWrite, writeDescription } from './write';

export const description: INodeProperties[] = writeDescription('adjust');

export async function execute(
	this: IExecuteFunctions,
	run: ShopifyExecution,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await executeWrite.call(this, run, items, 'adjust');
}
