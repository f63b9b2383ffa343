import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { LOCATIONS_QUERY } from '../../../shared/shopify/shop.documents';
import { asNodeError, createCostBudget, shopifyGraphql } from '../../../shared/shopify/transport';
import { requestedQueryCost } from '../../logic/queryCost';
import { returnAllAndLimit } from '../common.descriptions';

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

const PAGE = 250;

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	const budget = createCostBudget();
	for (let i = 0; i < items.length; i++) {
		try {
			const returnAll = this.getNodeParameter('returnAll', i, true) as boolean;
			const limit = returnAll ? 0 : (this.getNodeParameter('limit', i, 50) as number);
			const includeInactive = this.getNodeParameter('includeInactive', i, false) as boolean;
			let after: string | null = null;
			let count = 0;
			for (;;) {
				const first = limit > 0 ? Math.min(PAGE, limit - count) : PAGE;
				const variables: IDataObject = { first, after, includeInactive };
				const { data } = await shopifyGraphql.call(this, LOCATIONS_QUERY, variables, {
					budget,
					itemIndex: i,
					estimatedCost: requestedQueryCost(LOCATIONS_QUERY, variables),
				});
				const connection = (data.locations ?? {}) as { nodes?: IDataObject[]; pageInfo?: IDataObject };
				for (const node of connection.nodes ?? []) {
					const id = String(node.id);
					out.push({
						json: {
							id,
							legacyId: id.split('/').pop(),
							name: node.name,
							isActive: node.isActive,
							fulfillsOnlineOrders: node.fulfillsOnlineOrders,
						},
						pairedItem: { item: i },
					});
					count++;
				}
				const pageInfo = connection.pageInfo ?? {};
				if ((limit > 0 && count >= limit) || !pageInfo.hasNextPage || typeof pageInfo.endCursor !== 'string') break;
				after = pageInfo.endCursor;
			}
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
