/**
 * Orders changed since a time, read completely through the GraphQL Admin API: every page of orders,
 * then per order every line item and every refund with all its lines (follow-up documents when a
 * nested list was cut off). The catch-up (Order → Get Many) turns them into stock changes.
 */
import type { IExecuteFunctions, NodeApiError } from 'n8n-workflow';

import { apiError } from '../../shared/errors';
import { connectionNodes } from '../../shared/orders';
import { SINGLE_QUERY_MAX_COST, requestedQueryCost } from '../../shared/shopify/queryCost';
import { shopifyGraphql, type CostBudget } from '../../shared/shopify/transport';
import { appendToConnection, pageInfoOf, updatedSinceQuery } from '../logic/catchUp';
import {
	ORDER_LINE_ITEMS_PAGE_QUERY,
	ORDER_REFUND_IDS_QUERY,
	ORDERS_UPDATED_SINCE_QUERY,
	REFUND_LINE_ITEMS_PAGE_QUERY,
} from './orders.documents';

type Json = Record<string, unknown>;

/** Shopify refuses a single query above this requested cost (MAX_COST_EXCEEDED). */
export const MAX_REQUESTED_COST = SINGLE_QUERY_MAX_COST;

/** Page sizes of ORDERS_UPDATED_SINCE_QUERY. Requested cost: see ordersPageCost (< 1000). */
export const ORDERS_PAGE = {
	first: 8,
	lineItemsFirst: 20,
	refundsFirst: 2,
	refundLineItemsFirst: 10,
} as const;

/** Page sizes of the follow-up documents. */
export const LINE_ITEMS_PAGE = 200;
export const REFUND_IDS_PAGE = 250;
export const REFUND_LINES_PAGE = 200;

/*
 * Requested cost of each document at these page sizes (the shared transport computes the same before
 * each call): the page sizes are chosen so that every one stays below MAX_REQUESTED_COST.
 */
export function ordersPageCost(p: {
	first: number;
	lineItemsFirst: number;
	refundsFirst: number;
	refundLineItemsFirst: number;
}): number {
	return requestedQueryCost(ORDERS_UPDATED_SINCE_QUERY, p);
}

export function lineItemsPageCost(first: number): number {
	return requestedQueryCost(ORDER_LINE_ITEMS_PAGE_QUERY, { first });
}

export function refundIdsCost(first: number): number {
	return requestedQueryCost(ORDER_REFUND_IDS_QUERY, { first });
}

export function refundLinesPageCost(first: number): number {
	return requestedQueryCost(REFUND_LINE_ITEMS_PAGE_QUERY, { first });
}

interface OrdersPage {
	orders?: { pageInfo?: unknown; nodes?: unknown; edges?: unknown };
}

/** Never guess: stock changes computed from a partly read order could apply units twice or not at all. */
function incomplete(this: IExecuteFunctions, order: Json, what: string, itemIndex: number): NodeApiError {
	const name = String(order.name ?? order.id);
	return apiError.call(
		this,
		`Shopify did not return ${what} of order ${name}`,
		'The catch-up stopped instead of computing stock changes from an incomplete order. Run it again; if it persists, check the read_orders scope.',
		{ itemIndex, raw: { message: `Order ${name}: ${what} could not be read` } },
	);
}

async function completeLineItems(
	this: IExecuteFunctions,
	order: Json,
	budget: CostBudget,
	itemIndex: number,
): Promise<void> {
	let info = pageInfoOf(order.lineItems);
	let connection: unknown = order.lineItems;
	if (info.hasNextPage && !info.endCursor) throw incomplete.call(this, order, 'its line items', itemIndex);
	while (info.hasNextPage && info.endCursor) {
		const { data } = await shopifyGraphql.call(
			this,
			ORDER_LINE_ITEMS_PAGE_QUERY,
			{ id: order.id as string, first: LINE_ITEMS_PAGE, after: info.endCursor },
			{ budget, itemIndex },
		);
		const page = (data.order as Json | null)?.lineItems;
		if (!page) throw incomplete.call(this, order, 'its line items', itemIndex);
		const next = pageInfoOf(page);
		if (next.endCursor === info.endCursor) break;
		connection = appendToConnection(connection, connectionNodes(page), next);
		info = next;
	}
	order.lineItems = connection;
}

async function completeRefundLines(
	this: IExecuteFunctions,
	order: Json,
	refund: Json,
	budget: CostBudget,
	itemIndex: number,
): Promise<Json> {
	// A refund read through ORDER_REFUND_IDS_QUERY has no lines yet: read them from the start.
	const hasLines = refund.refundLineItems !== undefined && refund.refundLineItems !== null;
	let connection: unknown = hasLines ? refund.refundLineItems : undefined;
	let info = hasLines ? pageInfoOf(refund.refundLineItems) : { hasNextPage: true, endCursor: null };
	if (hasLines && !info.hasNextPage) return refund;
	if (hasLines && info.endCursor === null) throw incomplete.call(this, order, `the lines of refund ${String(refund.id)}`, itemIndex);
	while (info.hasNextPage) {
		const { data } = await shopifyGraphql.call(
			this,
			REFUND_LINE_ITEMS_PAGE_QUERY,
			{ id: refund.id as string, first: REFUND_LINES_PAGE, after: info.endCursor },
			{ budget, itemIndex },
		);
		const fetched = data.node as Json | null;
		if (!fetched || fetched.id === undefined) {
			// A cancellation computed without this refund could restock units twice.
			throw incomplete.call(this, order, `refund ${String(refund.id)}`, itemIndex);
		}
		if (refund.createdAt === undefined) refund.createdAt = fetched.createdAt;
		const page = fetched.refundLineItems;
		const next = pageInfoOf(page);
		connection = appendToConnection(connection, connectionNodes(page), next);
		if (!next.endCursor || next.endCursor === info.endCursor) break;
		info = next;
	}
	return { ...refund, refundLineItems: connection };
}

async function completeRefunds(
	this: IExecuteFunctions,
	order: Json,
	budget: CostBudget,
	itemIndex: number,
): Promise<void> {
	let refunds = connectionNodes(order.refunds);
	if (refunds.length >= ORDERS_PAGE.refundsFirst) {
		// The list may have been cut off at refundsFirst: read all refund ids of the order.
		const { data } = await shopifyGraphql.call(
			this,
			ORDER_REFUND_IDS_QUERY,
			{ id: order.id as string, first: REFUND_IDS_PAGE },
			{ budget, itemIndex },
		);
		const listed = (data.order as Json | null)?.refunds;
		if (!Array.isArray(listed)) throw incomplete.call(this, order, 'its refunds', itemIndex);
		const all = connectionNodes(listed);
		const known = new Set(refunds.map((r) => r.id));
		refunds = [...refunds, ...all.filter((r) => !known.has(r.id)).map((r) => ({ ...r }))];
	}
	const completed: Json[] = [];
	for (const refund of refunds) {
		completed.push(
			refund.refundLineItems === undefined || pageInfoOf(refund.refundLineItems).hasNextPage
				? await completeRefundLines.call(this, order, refund, budget, itemIndex)
				: refund,
		);
	}
	order.refunds = completed;
}

/** All orders updated since `since`, each with all its line items and refunds. */
export async function fetchOrdersUpdatedSince(
	this: IExecuteFunctions,
	since: Date,
	itemIndex: number,
	budget: CostBudget,
): Promise<Json[]> {
	const orders: Json[] = [];
	let after: string | null = null;
	const seenCursors = new Set<string>();
	for (;;) {
		const answer = await shopifyGraphql.call(
			this,
			ORDERS_UPDATED_SINCE_QUERY,
			{ ...ORDERS_PAGE, after, query: updatedSinceQuery(since) },
			{ budget, itemIndex },
		);
		const conn = (answer.data as OrdersPage).orders;
		for (const node of connectionNodes(conn)) {
			const order: Json = { ...node };
			await completeLineItems.call(this, order, budget, itemIndex);
			await completeRefunds.call(this, order, budget, itemIndex);
			orders.push(order);
		}
		const info = pageInfoOf(conn);
		if (!info.hasNextPage || !info.endCursor || seenCursors.has(info.endCursor)) break;
		seenCursors.add(info.endCursor);
		after = info.endCursor;
	}
	return orders;
}
