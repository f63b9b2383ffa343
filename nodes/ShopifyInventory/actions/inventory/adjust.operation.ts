import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { executeWrite, writeDescription } from './write';

export const description: INodeProperties[] = writeDescription('adjust');

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return await executeWrite.call(this, items, 'adjust');
}
