/**
 * GraphQL Admin API orders → normalised model (pure, no n8n imports).
 *
 * Expects the selection of ORDERS_UPDATED_SINCE_QUERY (nodes/ShopifyInventory/transport/orders.documents.ts):
 *   Order { id name cancelledAt updatedAt retailLocation { id }
 *           lineItems { nodes { id sku quantity variant { id } } }
 *           refunds { id createdAt refundLineItems { nodes { quantity restockType location { id } lineItem { id } } } } }
 * Connections may be given as `nodes` or as `edges[].node`; already-merged extra pages are simply longer lists.
 */
import { toLegacyId } from './ids';
import {
	asObject,
	objectList,
	PayloadError,
	toQuantity,
	toRestockType,
	toSku,
	toText,
	type Json,
	type Order,
	type OrderLine,
	type Refund,
	type RefundLine,
} from './model';

/** The elements of a connection (`{ nodes }` or `{ edges: [{ node }] }`) or of a plain list. */
export function connectionNodes(value: unknown): Json[] {
	if (Array.isArray(value)) return objectList(value);
	const conn = asObject(value);
	if (!conn) return [];
	if (Array.isArray(conn.nodes)) return objectList(conn.nodes);
	if (Array.isArray(conn.edges)) return objectList(conn.edges.map((e) => asObject(e)?.node));
	return [];
}

function idOf(value: unknown): string | null {
	const obj = asObject(value);
	return obj ? toLegacyId(obj.id) : null;
}

function graphqlLine(raw: Json): OrderLine | null {
	const id = toLegacyId(raw.id);
	if (id === null) return null;
	return {
		id,
		sku: toSku(raw.sku),
		quantity: toQuantity(raw.quantity),
		variantId: idOf(raw.variant),
	};
}

function graphqlRefundLine(raw: Json): RefundLine | null {
	const lineItem = asObject(raw.lineItem);
	const lineItemId = lineItem ? toLegacyId(lineItem.id) : null;
	if (lineItemId === null) return null;
	return {
		lineItemId,
		quantity: toQuantity(raw.quantity),
		restockType: toRestockType(raw.restockType),
		locationId: idOf(raw.location),
		sku: lineItem ? toSku(lineItem.sku) : null,
		variantId: lineItem ? idOf(lineItem.variant) : null,
	};
}

export function normalizeGraphqlRefund(raw: unknown, orderId: string | null): Refund {
	const refund = asObject(raw);
	if (!refund) throw new PayloadError('A refund in the GraphQL answer is not an object');
	const id = toLegacyId(refund.id) ?? toLegacyId(refund.legacyResourceId);
	if (id === null) throw new PayloadError('A refund in the GraphQL answer has no id');
	return {
		id,
		orderId,
		createdAt: toText(refund.createdAt),
		lines: connectionNodes(refund.refundLineItems)
			.map(graphqlRefundLine)
			.filter((l): l is RefundLine => l !== null),
	};
}

export function normalizeGraphqlOrder(raw: unknown): Order {
	const order = asObject(raw);
	if (!order) throw new PayloadError('An order in the GraphQL answer is not an object');
	const id = toLegacyId(order.id) ?? toLegacyId(order.legacyResourceId);
	if (id === null) throw new PayloadError('An order in the GraphQL answer has no id');
	return {
		id,
		name: toText(order.name),
		cancelledAt: toText(order.cancelledAt),
		updatedAt: toText(order.updatedAt),
		locationId: idOf(order.retailLocation),
		lines: connectionNodes(order.lineItems)
			.map(graphqlLine)
			.filter((l): l is OrderLine => l !== null),
		refunds: connectionNodes(order.refunds).map((r) => normalizeGraphqlRefund(r, id)),
	};
}
