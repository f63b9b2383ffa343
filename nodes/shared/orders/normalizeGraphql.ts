/**
 * GraphQL Admin API orders → normalised model (pure, no n8n imports).
 *
 * Expects the selection of the order documents (nodes/ShopifyInventory/transport/orders.documents.ts),
 * completed by the follow-up reads:
 *   Order { id name cancelledAt updatedAt retailLocation { id }
 *           lineItems { nodes { id sku quantity currentQuantity fulfillableQuantity isGiftCard
 *                               variant { id inventoryItem { tracked } } } }
 *           refunds { id createdAt return { id } refundLineItems { nodes { quantity restockType location { id } lineItem { id } } } }
 *           fulfillments { status fulfillmentLineItems { nodes { quantity lineItem { id } } } }      (cancelled orders)
 *           returns { nodes { id reverseFulfillmentOrders { nodes { lineItems { nodes {
 *                     fulfillmentLineItem { lineItem { id } } dispositions { id type quantity location { id } } } } } } } } }
 * Connections may be given as `nodes` or as `edges[].node`; already-merged extra pages are simply longer lists.
 */
import { toLegacyId } from './ids';
import { lineLocationsFromFulfillmentOrders } from './locations';
import { VOID_FULFILLMENT_STATUSES } from './normalizeRest';
import {
	asObject,
	objectList,
	PayloadError,
	toBoolean,
	toQuantity,
	toRestockType,
	toSku,
	toText,
	type Disposition,
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

/**
 * Whether Shopify tracks the line's stock: the variant's inventory item `tracked`; a line without a
 * variant (custom line, deleted product) is not tracked; unknown when the selection lacks it.
 */
function graphqlTracked(raw: Json): boolean | null {
	if (!('variant' in raw)) return null;
	const variant = asObject(raw.variant);
	if (!variant) return false;
	const item = asObject(variant.inventoryItem);
	return item ? toBoolean(item.tracked) : null;
}

function graphqlLine(raw: Json): OrderLine | null {
	const id = toLegacyId(raw.id);
	if (id === null) return null;
	return {
		id,
		sku: toSku(raw.sku),
		quantity: toQuantity(raw.quantity),
		variantId: idOf(raw.variant),
		currentQuantity: toQuantity(raw.currentQuantity),
		fulfillableQuantity: toQuantity(raw.fulfillableQuantity),
		tracked: graphqlTracked(raw),
		giftCard: raw.isGiftCard === true,
	};
}

/** Units per line item of the order's fulfilments, null when the selection lacks them. */
function graphqlFulfilledByLine(order: Json): Map<string, number> | null {
	if (!Array.isArray(order.fulfillments)) return null;
	const fulfilled = new Map<string, number>();
	for (const fulfillment of objectList(order.fulfillments)) {
		const status = typeof fulfillment.status === 'string' ? fulfillment.status.toLowerCase() : '';
		if (VOID_FULFILLMENT_STATUSES.has(status)) continue;
		for (const line of connectionNodes(fulfillment.fulfillmentLineItems)) {
			const id = idOf(line.lineItem);
			if (id === null) continue;
			fulfilled.set(id, (fulfilled.get(id) ?? 0) + Math.max(0, toQuantity(line.quantity) ?? 0));
		}
	}
	return fulfilled;
}

/** Every disposition of the order's returns, null when the selection lacks `returns`. */
function graphqlDispositions(order: Json): Disposition[] | null {
	if (!('returns' in order)) return null;
	const out: Disposition[] = [];
	for (const ret of connectionNodes(order.returns)) {
		const returnId = toLegacyId(ret.id);
		for (const rfo of connectionNodes(ret.reverseFulfillmentOrders)) {
			for (const rfoLine of connectionNodes(rfo.lineItems)) {
				const lineItemId = idOf(asObject(rfoLine.fulfillmentLineItem)?.lineItem);
				if (lineItemId === null) continue;
				for (const d of objectList(rfoLine.dispositions)) {
					const id = toLegacyId(d.id);
					if (id === null) continue;
					out.push({
						id,
						lineItemId,
						type: typeof d.type === 'string' ? d.type.trim().toLowerCase() : '',
						quantity: toQuantity(d.quantity),
						locationId: idOf(d.location),
						returnId,
					});
				}
			}
		}
	}
	return out;
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
		tracked: lineItem ? graphqlTracked(lineItem) : null,
		giftCard: lineItem?.isGiftCard === true,
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
		returnId: idOf(refund.return),
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
		lineLocations: lineLocationsFromFulfillmentOrders(order.fulfillmentOrders),
		lines: connectionNodes(order.lineItems)
			.map(graphqlLine)
			.filter((l): l is OrderLine => l !== null),
		refunds: connectionNodes(order.refunds).map((r) => normalizeGraphqlRefund(r, id)),
		fulfilledByLine: graphqlFulfilledByLine(order),
		dispositions: graphqlDispositions(order),
	};
}
