/**
 * Order → Get Many: the catch-up for the Shopify Inventory Trigger.
 *
 * Reads every order updated since a time through the GraphQL Admin API (line items, refunds with
 * restock type and location, cancellation) and turns each one into exactly the stock change items
 * and idempotency keys the trigger produces for the same order (nodes/shared/orders). Orders the
 * webhooks already delivered produce keys FileMaker has already applied, so they change nothing again.
 */
import {
	deepCopy,
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	connectionNodes,
	filterByLocation,
	stockChangesFromGraphqlOrder,
	toLegacyId,
	type StockChange,
} from '../../../shared/orders';
import { createCostBudget, shopifyGraphql, type CostBudget } from '../../../shared/shopify/transport';
import {
	appendToConnection,
	LINE_ITEMS_PAGE,
	lineItemsPageCost,
	ORDERS_PAGE,
	ordersPageCost,
	pageInfoOf,
	REFUND_IDS_PAGE,
	REFUND_LINES_PAGE,
	refundIdsCost,
	refundLinesPageCost,
	resolveUpdatedSince,
	updatedSinceQuery,
} from './catchUp';
import {
	ORDER_LINE_ITEMS_PAGE_QUERY,
	ORDER_REFUND_IDS_QUERY,
	ORDERS_UPDATED_SINCE_QUERY,
	REFUND_LINE_ITEMS_PAGE_QUERY,
} from './order.documents';

const displayOptions = { show: { resource: ['order'], operation: ['getMany'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Updated Since',
		name: 'updatedSince',
		type: 'dateTime',
		default: '',
		description:
			'Orders created, paid, cancelled or refunded at or after this time. Pass the time of the previous run (minus a few minutes of overlap: the keys make overlaps harmless). Empty: the last 24 hours.',
		displayOptions,
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{
				name: 'Stock Changes',
				value: 'stockChanges',
				description:
					'One item per stock-affecting line, identical to the Shopify Inventory Trigger (same idempotency keys)',
			},
			{
				name: 'Raw Order',
				value: 'raw',
				description: 'One item per order as the GraphQL Admin API returned it',
			},
		],
		default: 'stockChanges',
		displayOptions,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions,
		options: [
			{
				displayName: 'Location',
				name: 'location',
				type: 'resourceLocator',
				default: { mode: 'list', value: '' },
				description:
					'Only stock changes at this location. Changes whose location Shopify does not report (most online orders) are kept. Stock Changes output only.',
				modes: [
					{
						displayName: 'From List',
						name: 'list',
						type: 'list',
						typeOptions: { searchListMethod: 'searchLocations', searchable: true },
					},
					{
						displayName: 'By ID',
						name: 'id',
						type: 'string',
						placeholder: 'gid://shopify/Location/123456789 or 123456789',
						validation: [
							{
								type: 'regex',
								properties: {
									// Empty is allowed (no location filter). n8n also checks this rule against a
									// top-level "location" parameter of the same name (the inventory operations').
									regex: '^\\s*(gid://shopify/Location/\\d+|\\d+)?\\s*$',
									errorMessage: 'Enter a location id such as gid://shopify/Location/123456789 or 123456789, or leave it empty',
								},
							},
						],
					},
				],
			},
		],
	},
];

type Json = Record<string, unknown>;

/** The value of the Location option (a resource locator `{ __rl, mode, value }`, or a plain string). */
function locationValue(option: unknown): string {
	const value = option && typeof option === 'object' ? (option as { value?: unknown }).value : option;
	return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

interface OrdersPage {
	orders?: { pageInfo?: unknown; nodes?: unknown; edges?: unknown };
}

/** Never guess: stock changes computed from a partly read order could apply units twice or not at all. */
function incomplete(this: IExecuteFunctions, order: Json, what: string, itemIndex: number): NodeApiError {
	const name = String(order.name ?? order.id);
	return new NodeApiError(
		this.getNode(),
		{ message: `Order ${name}: ${what} could not be read` },
		{
			message: `Shopify did not return ${what} of order ${name}`,
			description:
				'The catch-up stopped instead of computing stock changes from an incomplete order. Run it again; if it persists, check the read_orders scope.',
			itemIndex,
		},
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
			{ budget, itemIndex, estimatedCost: lineItemsPageCost(LINE_ITEMS_PAGE) },
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
			{ budget, itemIndex, estimatedCost: refundLinesPageCost(REFUND_LINES_PAGE) },
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
			{ budget, itemIndex, estimatedCost: refundIdsCost(REFUND_IDS_PAGE) },
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
	budget: CostBudget = createCostBudget(),
): Promise<Json[]> {
	const orders: Json[] = [];
	let after: string | null = null;
	const seenCursors = new Set<string>();
	for (;;) {
		const answer = await shopifyGraphql.call(
			this,
			ORDERS_UPDATED_SINCE_QUERY,
			{ ...ORDERS_PAGE, after, query: updatedSinceQuery(since) },
			{ budget, itemIndex, estimatedCost: ordersPageCost(ORDERS_PAGE) },
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

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const returnData: INodeExecutionData[] = [];
	const budget = createCostBudget();
	const now = new Date();
	// Items asking for the same window (e.g. the default "last 24 hours" on every input item) share one read.
	const readWindows = new Map<string, Json[]>();
	for (let i = 0; i < items.length; i++) {
		try {
			let since: Date;
			try {
				since = resolveUpdatedSince(this.getNodeParameter('updatedSince', i, ''), now, this.getTimezone());
			} catch (error) {
				throw new NodeOperationError(this.getNode(), (error as Error).message, { itemIndex: i });
			}
			const output = this.getNodeParameter('output', i, 'stockChanges') as string;
			const options = this.getNodeParameter('options', i, {}) as IDataObject;
			const locationRaw = locationValue(options.location);
			const locationId = locationRaw ? toLegacyId(locationRaw) : null;
			if (locationRaw && locationId === null) {
				throw new NodeOperationError(
					this.getNode(),
					`Location "${locationRaw}" is not a Shopify location id`,
					{ itemIndex: i, description: 'Use the numeric id (123456789) or the gid (gid://shopify/Location/123456789).' },
				);
			}

			const windowKey = updatedSinceQuery(since);
			const alreadyRead = readWindows.get(windowKey);
			const orders = alreadyRead ?? (await fetchOrdersUpdatedSince.call(this, since, i, budget));
			readWindows.set(windowKey, orders);
			if (output === 'raw') {
				for (const order of orders) {
					// A second item gets its own copy, so a later node changing one item cannot change the other.
					const json = (alreadyRead ? deepCopy(order) : order) as IDataObject;
					returnData.push({ json, pairedItem: { item: i } });
				}
				continue;
			}
			for (const order of orders) {
				let changes: StockChange[];
				try {
					changes = stockChangesFromGraphqlOrder(order).changes;
				} catch (error) {
					throw new NodeOperationError(
						this.getNode(),
						`Shopify returned an order that could not be read: ${(error as Error).message}`,
						{ itemIndex: i },
					);
				}
				for (const change of filterByLocation(changes, locationId)) {
					returnData.push({
						json: { ...change, topic: null, eventId: null } as unknown as IDataObject,
						pairedItem: { item: i },
					});
				}
			}
		} catch (error) {
			if (this.continueOnFail()) {
				returnData.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
				continue;
			}
			const failure =
				error instanceof NodeApiError || error instanceof NodeOperationError
					? error
					: new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
			throw failure;
		}
	}
	return returnData;
}
