/**
 * Webhook payloads (REST shape) → normalised model (pure, no n8n imports).
 *
 * orders/create, orders/paid, orders/cancelled (and orders/updated) carry a whole order:
 * `line_items[]` and `refunds[].refund_line_items[]`. refunds/create carries one refund with
 * `order_id` and `refund_line_items[]` whose nested `line_item` holds the SKU and variant.
 *
 * Ids: `admin_graphql_api_id` (exact) wins over the numeric `id` (see ids.ts).
 */
import { restObjectId, toLegacyId } from './ids';
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

/**
 * `variant_inventory_management`: "shopify" (or a fulfilment service's handle) when Shopify tracks the
 * item, null when it does not; absent in older payloads → unknown (treated as tracked).
 */
function restTracked(raw: Json): boolean | null {
	if (!('variant_inventory_management' in raw)) return null;
	const value = raw.variant_inventory_management;
	return typeof value === 'string' && value.trim() !== '';
}

function restLine(raw: Json): OrderLine | null {
	const id = restObjectId(raw);
	if (id === null) return null;
	return {
		id,
		sku: toSku(raw.sku),
		quantity: toQuantity(raw.quantity),
		variantId: toLegacyId(raw.variant_id),
		currentQuantity: toQuantity(raw.current_quantity),
		fulfillableQuantity: toQuantity(raw.fulfillable_quantity),
		tracked: restTracked(raw),
		giftCard: raw.gift_card === true,
	};
}

/** Fulfilment statuses whose units did not leave (REST lower case, GraphQL upper case). */
export const VOID_FULFILLMENT_STATUSES: ReadonlySet<string> = new Set(['cancelled', 'error', 'failure']);

/** Units per line item of the order's fulfilments (`fulfillments[].line_items[]`), null when the list is absent. */
function restFulfilledByLine(raw: Json): Map<string, number> | null {
	if (!Array.isArray(raw.fulfillments)) return null;
	const fulfilled = new Map<string, number>();
	for (const fulfillment of objectList(raw.fulfillments)) {
		const status = typeof fulfillment.status === 'string' ? fulfillment.status.toLowerCase() : '';
		if (VOID_FULFILLMENT_STATUSES.has(status)) continue;
		for (const line of objectList(fulfillment.line_items)) {
			const id = restObjectId(line);
			if (id === null) continue;
			fulfilled.set(id, (fulfilled.get(id) ?? 0) + Math.max(0, toQuantity(line.quantity) ?? 0));
		}
	}
	return fulfilled;
}

function restRefundLine(raw: Json, legacyRestock: unknown): RefundLine | null {
	const lineItem = asObject(raw.line_item);
	const lineItemId = (lineItem ? restObjectId(lineItem) : null) ?? toLegacyId(raw.line_item_id);
	if (lineItemId === null) return null;
	return {
		lineItemId,
		quantity: toQuantity(raw.quantity),
		restockType: toRestockType(raw.restock_type, legacyRestock),
		locationId: toLegacyId(raw.location_id),
		sku: lineItem ? toSku(lineItem.sku) : null,
		variantId: lineItem ? toLegacyId(lineItem.variant_id) : null,
		tracked: lineItem ? restTracked(lineItem) : null,
		giftCard: lineItem?.gift_card === true,
	};
}

/**
 * A refund object (refunds/create payload, or an element of an order's `refunds[]`; inside an order
 * the order's own exact id is used instead of the refund's `order_id`).
 */
export function normalizeRestRefund(payload: unknown, orderId: string | null = null): Refund {
	const raw = asObject(payload);
	if (!raw) throw new PayloadError('The refund payload is not a JSON object');
	const id = restObjectId(raw);
	if (id === null) throw new PayloadError('The refund payload has no id');
	const lines = objectList(raw.refund_line_items)
		.map((l) => restRefundLine(l, raw.restock))
		.filter((l): l is RefundLine => l !== null);
	return {
		id,
		orderId: orderId ?? toLegacyId(raw.order_id),
		createdAt: toText(raw.created_at),
		returnId: restObjectId(asObject(raw.return)),
		lines,
	};
}

/** An order object (orders/* payloads). */
export function normalizeRestOrder(payload: unknown): Order {
	const raw = asObject(payload);
	if (!raw) throw new PayloadError('The order payload is not a JSON object');
	const id = restObjectId(raw);
	if (id === null) throw new PayloadError('The order payload has no id');
	if (!Array.isArray(raw.line_items)) throw new PayloadError('The order payload has no line_items');
	return {
		id,
		name: toText(raw.name),
		cancelledAt: toText(raw.cancelled_at),
		updatedAt: toText(raw.updated_at),
		locationId: toLegacyId(raw.location_id),
		lines: objectList(raw.line_items)
			.map(restLine)
			.filter((l): l is OrderLine => l !== null),
		refunds: objectList(raw.refunds).map((r) => normalizeRestRefund(r, id)),
		fulfilledByLine: restFulfilledByLine(raw),
		// Order payloads do not carry the dispositions of returns (the trigger reads them from the API).
		dispositions: null,
	};
}
