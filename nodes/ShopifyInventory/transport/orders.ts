/**
 * Orders changed since a time, read completely through the GraphQL Admin API: every page of orders,
 * then per order every line item and every refund with all its lines (follow-up documents when a
 * nested list was cut off). The catch-up (Order → Get Many) turns them into stock changes.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { apiError } from '../../shared/errors';
import { connectionNodes, lineLocationsFromFulfillmentOrders } from '../../shared/orders';
import { SINGLE_QUERY_MAX_COST, requestedQueryCost } from '../../shared/shopify/queryCost';
import { shopifyGraphql, type CostBudget, type ShopifyContext } from '../../shared/shopify/transport';
import { appendToConnection, pageInfoOf, updatedSinceQuery } from '../logic/catchUp';
import {
	ORDER_BY_ID_QUERY,
	ORDER_BY_ID_WITH_LOCATIONS_QUERY,
	ORDER_FULFILLMENT_ORDERS_QUERY,
	ORDER_FULFILLMENTS_QUERY,
	ORDER_LINE_ITEMS_PAGE_QUERY,
	ORDER_REFUND_IDS_QUERY,
	ORDER_RETURNS_QUERY,
	ORDERS_UPDATED_SINCE_QUERY,
	REFUND_LINE_ITEMS_PAGE_QUERY,
} from './orders.documents';

type Json = Record<string, unknown>;

/** Shopify refuses a single query above this requested cost (MAX_COST_EXCEEDED). */
export const MAX_REQUESTED_COST = SINGLE_QUERY_MAX_COST;

/** Page sizes of ORDERS_UPDATED_SINCE_QUERY. Requested cost: see ordersPageCost (< 1000). */
export const ORDERS_PAGE = {
	first: 7,
	lineItemsFirst: 20,
	refundsFirst: 2,
	refundLineItemsFirst: 10,
} as const;

/** Page sizes of the follow-up documents. */
export const LINE_ITEMS_PAGE = 200;
export const REFUND_IDS_PAGE = 250;
export const REFUND_LINES_PAGE = 200;
/** Fulfilments of a cancelled order, and lines per fulfilment (cost 861). */
export const FULFILLMENTS_PAGE = { first: 20, linesFirst: 20 } as const;
/** Returns per page, reverse fulfillment orders per return, lines per reverse fulfillment order (cost 780). */
export const RETURNS_PAGE = { first: 3, reverseFulfillmentOrdersFirst: 2, reverseLineItemsFirst: 25 } as const;

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

/** The nested page sizes of ORDERS_PAGE (the one-order read has no `first` of its own). */
function nestedPageSizes(): { lineItemsFirst: number; refundsFirst: number; refundLineItemsFirst: number } {
	return {
		lineItemsFirst: ORDERS_PAGE.lineItemsFirst,
		refundsFirst: ORDERS_PAGE.refundsFirst,
		refundLineItemsFirst: ORDERS_PAGE.refundLineItemsFirst,
	};
}

export function orderByIdCost(): number {
	return requestedQueryCost(ORDER_BY_ID_QUERY, nestedPageSizes());
}

export function fulfillmentsCost(): number {
	return requestedQueryCost(ORDER_FULFILLMENTS_QUERY, { ...FULFILLMENTS_PAGE });
}

export function returnsCost(): number {
	return requestedQueryCost(ORDER_RETURNS_QUERY, { ...RETURNS_PAGE });
}

/** Shopify's refusal of order data to an app not approved for protected customer data. */
export const PROTECTED_DATA_PATTERN = /protected customer data|not approved to (?:access|subscribe)/i;

/** The error shown when Shopify refuses order data because the app lacks protected customer data approval. */
export function protectedDataError(this: ShopifyContext, cause: unknown, itemIndex?: number): NodeApiError {
	return apiError.call(
		this,
		'Shopify refuses to share orders with this app: it is not approved for protected customer data',
		'Orders are protected customer data. In the Shopify Dev Dashboard (or Partner Dashboard → Apps → your app → API access), request access to protected customer data for the order data this app uses, then run again. Until then Shopify returns no orders, so no stock change can be read (see the README, "Protected customer data").',
		{ itemIndex, raw: { message: cause instanceof Error ? cause.message : String(cause) } },
	);
}

function isProtectedDataRefusal(error: unknown): boolean {
	if (!(error instanceof NodeApiError) && !(error instanceof NodeOperationError) && !(error instanceof Error)) return false;
	const e = error as Error & { description?: string | null };
	return PROTECTED_DATA_PATTERN.test(`${e.message} ${e.description ?? ''}`);
}

/** Runs an order read; Shopify's protected-customer-data refusal becomes the clear error above. */
async function readingOrders<T>(context: ShopifyContext, itemIndex: number | undefined, read: () => Promise<T>): Promise<T> {
	try {
		return await read();
	} catch (error) {
		if (isProtectedDataRefusal(error)) throw protectedDataError.call(context, error, itemIndex);
		// Errors of the shared transport are NodeApiErrors already; anything else is wrapped.
		const known = error instanceof NodeApiError || error instanceof NodeOperationError;
		throw known ? error : new NodeApiError(context.getNode(), { message: (error as Error).message });
	}
}

interface OrdersPage {
	orders?: { pageInfo?: unknown; nodes?: unknown; edges?: unknown };
}

/** Never guess: stock changes computed from a partly read order could apply units twice or not at all. */
function incomplete(this: ShopifyContext, order: Json, what: string, itemIndex: number | undefined): NodeApiError {
	const name = String(order.name ?? order.id);
	return apiError.call(
		this,
		`Shopify did not return ${what} of order ${name}`,
		'The catch-up stopped instead of computing stock changes from an incomplete order. Run it again; if it persists, check the read_orders scope.',
		{ itemIndex, raw: { message: `Order ${name}: ${what} could not be read` } },
	);
}

async function completeLineItems(
	this: ShopifyContext,
	order: Json,
	budget: CostBudget | undefined,
	itemIndex: number | undefined,
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
	this: ShopifyContext,
	order: Json,
	refund: Json,
	budget: CostBudget | undefined,
	itemIndex: number | undefined,
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
	this: ShopifyContext,
	order: Json,
	budget: CostBudget | undefined,
	itemIndex: number | undefined,
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

/** Cancelled orders: their fulfilments (units fulfilled do not come back on cancellation). */
async function completeFulfillments(
	this: ShopifyContext,
	order: Json,
	budget: CostBudget | undefined,
	itemIndex: number | undefined,
): Promise<void> {
	if (!order.cancelledAt) return;
	const { data } = await shopifyGraphql.call(
		this,
		ORDER_FULFILLMENTS_QUERY,
		{ id: order.id as string, ...FULFILLMENTS_PAGE },
		{ budget, itemIndex },
	);
	const listed = (data.order as Json | null)?.fulfillments;
	if (!Array.isArray(listed) || listed.length >= FULFILLMENTS_PAGE.first) {
		throw incomplete.call(this, order, 'its fulfilments', itemIndex);
	}
	for (const fulfillment of listed as Json[]) {
		if (pageInfoOf(fulfillment.fulfillmentLineItems).hasNextPage) {
			throw incomplete.call(this, order, 'the lines of its fulfilments', itemIndex);
		}
	}
	order.fulfillments = listed;
}

/** Orders with returns: every return with the dispositions of its reverse fulfillment orders. */
async function completeReturns(
	this: ShopifyContext,
	order: Json,
	budget: CostBudget | undefined,
	itemIndex: number | undefined,
): Promise<void> {
	if (connectionNodes(order.returns).length === 0) {
		order.returns = { nodes: [] };
		return;
	}
	const returns: Json[] = [];
	let after: string | null = null;
	for (;;) {
		const { data } = await shopifyGraphql.call(
			this,
			ORDER_RETURNS_QUERY,
			{ id: order.id as string, after, ...RETURNS_PAGE },
			{ budget, itemIndex },
		);
		const page = (data.order as Json | null)?.returns;
		if (!page) throw incomplete.call(this, order, 'its returns', itemIndex);
		for (const ret of connectionNodes(page)) {
			// A disposition left out would lose a restock: never guess, stop instead.
			if (pageInfoOf(ret.reverseFulfillmentOrders).hasNextPage) throw incomplete.call(this, order, `return ${String(ret.id)}`, itemIndex);
			for (const rfo of connectionNodes(ret.reverseFulfillmentOrders)) {
				if (pageInfoOf(rfo.lineItems).hasNextPage) throw incomplete.call(this, order, `return ${String(ret.id)}`, itemIndex);
			}
			returns.push(ret);
		}
		const info = pageInfoOf(page);
		if (!info.hasNextPage || !info.endCursor || info.endCursor === after) break;
		after = info.endCursor;
	}
	order.returns = { nodes: returns };
}

/** Fulfillment orders and lines per fulfillment order (several locations only). */
export const FULFILLMENT_ORDERS_PAGE = { first: 10, linesFirst: 40 } as const;

export function fulfillmentOrdersCost(): number {
	return requestedQueryCost(ORDER_FULFILLMENT_ORDERS_QUERY, { ...FULFILLMENT_ORDERS_PAGE });
}

/** Several locations: the order's fulfillment orders (the location assigned to fulfil each line). */
async function completeFulfillmentOrders(
	this: ShopifyContext,
	order: Json,
	budget: CostBudget | undefined,
	itemIndex: number | undefined,
): Promise<void> {
	const { data } = await shopifyGraphql.call(
		this,
		ORDER_FULFILLMENT_ORDERS_QUERY,
		{ id: order.id as string, ...FULFILLMENT_ORDERS_PAGE },
		{ budget, itemIndex },
	);
	const listed = (data.order as Json | null)?.fulfillmentOrders;
	if (!listed || pageInfoOf(listed).hasNextPage) throw incomplete.call(this, order, 'its fulfillment orders', itemIndex);
	for (const fo of connectionNodes(listed)) {
		if (pageInfoOf(fo.lineItems).hasNextPage) throw incomplete.call(this, order, 'the lines of its fulfillment orders', itemIndex);
	}
	order.fulfillmentOrders = listed;
}

/**
 * Several locations: per line item (decimal id) the location Shopify assigned to fulfil it (decimal
 * id); empty when the order has no fulfillment order yet (not routed).
 */
export async function fetchLineLocations(this: ShopifyContext, orderId: string, budget?: CostBudget): Promise<Map<string, string>> {
	const order: Json = { id: orderId };
	await completeFulfillmentOrders.call(this, order, budget, undefined);
	return lineLocationsFromFulfillmentOrders(order.fulfillmentOrders) ?? new Map();
}

/** What an order read completes beyond the stock fields. */
export interface OrderReadOptions {
	/** Read the fulfillment orders too (several locations: where each line is fulfilled from). */
	lineLocations?: boolean;
	/** fetchOrderById: also read the shop's locations (id, name) in the same call and hand them here. */
	onShopLocations?: (locations: unknown[]) => void;
}

/** Completes one order of a first read: every line item, refund, fulfilment (cancelled) and return. */
async function completeOrder(
	this: ShopifyContext,
	node: Json,
	budget: CostBudget | undefined,
	itemIndex: number | undefined,
	readOptions: OrderReadOptions = {},
): Promise<Json> {
	const order: Json = { ...node };
	await completeLineItems.call(this, order, budget, itemIndex);
	await completeRefunds.call(this, order, budget, itemIndex);
	await completeFulfillments.call(this, order, budget, itemIndex);
	await completeReturns.call(this, order, budget, itemIndex);
	if (readOptions.lineLocations === true) await completeFulfillmentOrders.call(this, order, budget, itemIndex);
	return order;
}

/** All orders updated since `since`, each with all its line items, refunds, fulfilments (cancelled) and returns. */
export async function fetchOrdersUpdatedSince(
	this: ShopifyContext,
	since: Date,
	itemIndex: number,
	budget: CostBudget,
	readOptions: OrderReadOptions = {},
): Promise<Json[]> {
	return await readingOrders(this, itemIndex, async () => {
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
			for (const node of connectionNodes(conn)) orders.push(await completeOrder.call(this, node, budget, itemIndex, readOptions));
			const info = pageInfoOf(conn);
			if (!info.hasNextPage || !info.endCursor || seenCursors.has(info.endCursor)) break;
			seenCursors.add(info.endCursor);
			after = info.endCursor;
		}
		return orders;
	});
}

/** One order by id (decimal or gid), completely read; null when Shopify returns no such order. */
export async function fetchOrderById(
	this: ShopifyContext,
	orderId: string,
	budget?: CostBudget,
	readOptions: OrderReadOptions = {},
): Promise<Json | null> {
	const id = /^\d+$/.test(orderId) ? `gid://shopify/Order/${orderId}` : orderId;
	return await readingOrders(this, undefined, async () => {
		const query = readOptions.onShopLocations ? ORDER_BY_ID_WITH_LOCATIONS_QUERY : ORDER_BY_ID_QUERY;
		const { data } = await shopifyGraphql.call(this, query, { id, ...nestedPageSizes() }, { budget });
		if (readOptions.onShopLocations) {
			const nodes = (data.locations as { nodes?: unknown } | null | undefined)?.nodes;
			readOptions.onShopLocations(Array.isArray(nodes) ? nodes : []);
		}
		const node = data.order as Json | null | undefined;
		if (!node) return null;
		return await completeOrder.call(this, node, budget, undefined, readOptions);
	});
}
