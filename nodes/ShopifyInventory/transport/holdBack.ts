/**
 * The hold-back read of Inventory → Sync: every order created since a time, with all its lines (paged;
 * the shared transport computes each call's cost and paces it). Read after Shopify's levels, so every
 * sale that had already lowered `available` when the levels were read is in it.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { apiError } from '../../shared/errors';
import { requestedQueryCost } from '../../shared/shopify/queryCost';
import { shopifyGraphql, type CostBudget } from '../../shared/shopify/transport';
import { createdSinceQuery, nodesOf } from '../logic/holdBack';
import { HOLD_BACK_ORDER_LINES_QUERY, HOLD_BACK_ORDERS_QUERY } from './holdBack.documents';

type Json = Record<string, unknown>;

/** Page sizes of HOLD_BACK_ORDERS_QUERY: 2 + 10 × (4 + 3 × 30) = 942 points (< 1000). */
export const HOLD_BACK_PAGE = { first: 10, lineItemsFirst: 30 } as const;
/** Page size of HOLD_BACK_ORDER_LINES_QUERY: 1 + 2 + 250 × 3 = 753 points. */
export const HOLD_BACK_LINES_PAGE = 250;

export function holdBackPageCost(): number {
	return requestedQueryCost(HOLD_BACK_ORDERS_QUERY, { ...HOLD_BACK_PAGE });
}

function pageInfo(connection: unknown): { hasNextPage: boolean; endCursor: string | null } {
	const info = (connection as { pageInfo?: { hasNextPage?: unknown; endCursor?: unknown } } | null)?.pageInfo;
	return { hasNextPage: info?.hasNextPage === true, endCursor: typeof info?.endCursor === 'string' ? info.endCursor : null };
}

async function completeLines(this: IExecuteFunctions, order: Json, budget: CostBudget): Promise<void> {
	let info = pageInfo(order.lineItems);
	const lines = nodesOf(order.lineItems);
	while (info.hasNextPage) {
		const { data } = await shopifyGraphql.call(
			this,
			HOLD_BACK_ORDER_LINES_QUERY,
			{ id: order.id as string, first: HOLD_BACK_LINES_PAGE, after: info.endCursor },
			{ budget },
		);
		const page = (data.order as Json | null | undefined)?.lineItems;
		const next = pageInfo(page);
		if (!page || !info.endCursor || next.endCursor === info.endCursor) {
			// Never guess: an order read in part could offer its other units twice.
			throw apiError.call(
				this,
				`Shopify did not return every line of order ${String(order.id)} for the hold-back`,
				'Nothing was written. Run the sync again.',
			);
		}
		lines.push(...nodesOf(page));
		info = next;
	}
	order.lineItems = { nodes: lines };
}

/**
 * Orders created at or after `since` (optionally only those holding one of `skus`: Shopify's search
 * narrows, the caller matches exactly by inventory item), each with all its lines.
 */
export async function fetchOrdersCreatedSince(
	this: IExecuteFunctions,
	budget: CostBudget,
	since: Date,
	skus: readonly string[] = [],
): Promise<Json[]> {
	const orders: Json[] = [];
	const seen = new Set<string>();
	const query = createdSinceQuery(since, skus);
	let after: string | null = null;
	for (;;) {
		const { data } = await shopifyGraphql.call(this, HOLD_BACK_ORDERS_QUERY, { ...HOLD_BACK_PAGE, after, query }, { budget });
		const connection = (data as { orders?: unknown }).orders;
		for (const node of nodesOf(connection)) {
			const id = String(node.id ?? '');
			if (seen.has(id)) continue;
			seen.add(id);
			const order: Json = { ...node };
			await completeLines.call(this, order, budget);
			orders.push(order);
		}
		const info = pageInfo(connection);
		if (!info.hasNextPage || !info.endCursor || info.endCursor === after) break;
		after = info.endCursor;
	}
	return orders;
}
