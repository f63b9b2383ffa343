import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { route, type OperationTable } from '../../shared/router';
import { asNodeError } from '../../shared/shopify/transport';
import { createShopifyExecution, type ShopifyExecution } from './execution';
import * as inventory from './inventory';
import * as location from './location';
import * as order from './order';

/** Resource → operation → how it runs (per item or for the whole batch). */
export const operations: OperationTable<ShopifyExecution> = {
	inventory: inventory.operations,
	location: location.operations,
	order: order.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await (route<ShopifyExecution>).call(this, {
		operations,
		context: createShopifyExecution,
		// n8n errors keep their message and HTTP code; anything else is wrapped.
		toNodeError(error, itemIndex) {
			return asNodeError(this.getNode(), error, itemIndex);
		},
	});
}
