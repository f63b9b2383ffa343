/**
 * The normalised order model (pure, no n8n imports).
 *
 * Both sources of order data are converted into this one shape before any stock change is derived:
 *  - webhook payloads (REST shape: `line_items`, `refunds[].refund_line_items`, snake_case), see normalizeRest.ts;
 *  - GraphQL Admin API orders (`lineItems`, `refunds[].refundLineItems`, camelCase), see normalizeGraphql.ts.
 * stockChanges.ts works on this model only, so the trigger and the catch-up (Order → Get Many)
 * produce identical items and idempotency keys for the same order.
 *
 * All ids are plain decimal strings (see ids.ts).
 */

/** Shopify restock types, lower case (GraphQL's RETURN is stored as 'return'). */
export type RestockType = 'return' | 'cancel' | 'legacy_restock' | 'no_restock' | (string & {});

/** Restock types that put the units back into stock. */
export const RESTOCKING_TYPES: ReadonlySet<string> = new Set(['return', 'cancel', 'legacy_restock']);

export interface OrderLine {
	/** Line item id. */
	id: string;
	/** SKU as ordered (null when the line has none). */
	sku: string | null;
	/** Units ordered, including units later refunded or removed (Shopify's `quantity`); null if missing. */
	quantity: number | null;
	variantId: string | null;
	/**
	 * Units still on the order: quantity minus units refunded and units removed by order edits
	 * (`current_quantity` / `currentQuantity`); null when the payload does not carry it.
	 */
	currentQuantity: number | null;
	/**
	 * Units Shopify could still fulfil (`fulfillable_quantity` / `fulfillableQuantity`); null when the
	 * payload does not carry it. Only used to bound what a cancellation gives back.
	 */
	fulfillableQuantity: number | null;
	/**
	 * Whether Shopify counts the stock of this line: false when `variant_inventory_management` is null
	 * (webhooks) or the variant's inventory item is not tracked / the variant is gone (GraphQL); null when
	 * the payload does not say (older payloads: treated as tracked).
	 */
	tracked: boolean | null;
	/** A gift card line (`gift_card` / `isGiftCard`): never stock. */
	giftCard: boolean;
}

export interface RefundLine {
	/** The order line item this refund line refers to. */
	lineItemId: string;
	quantity: number | null;
	restockType: RestockType;
	/** Where the units were restocked (null for no_restock or when unknown). */
	locationId: string | null;
	/** SKU / variant of the referenced line item, when the refund carries them. */
	sku: string | null;
	variantId: string | null;
	/** From the refund's nested line item (refunds/create); the order's line wins when the order is known. */
	tracked: boolean | null;
	giftCard: boolean;
}

export interface Refund {
	id: string;
	orderId: string | null;
	createdAt: string | null;
	/** The return this refund settles (returns flow), else null: its units are restocked by the return's dispositions. */
	returnId: string | null;
	lines: RefundLine[];
}

/** One disposition of returned units (reverse fulfillment order line item → disposition). */
export interface Disposition {
	/** The disposition's own id (GraphQL `ReverseFulfillmentOrderDisposition.id`): stable for its life. */
	id: string;
	/** The order line item the returned units belong to. */
	lineItemId: string;
	/** Lower case: restocked, not_restocked, missing, processing_required. */
	type: string;
	quantity: number | null;
	locationId: string | null;
	returnId: string | null;
}

export interface Order {
	id: string;
	/** Order name as shown in the admin, e.g. "#1001". */
	name: string | null;
	/** Set when the order was cancelled. */
	cancelledAt: string | null;
	updatedAt: string | null;
	/** Location the order was placed at (POS / retail location) when Shopify reports one. */
	locationId: string | null;
	/**
	 * Per line item, the location Shopify assigned to fulfil it (fulfillment orders, read through the
	 * GraphQL Admin API when the reader is set up for several locations); null when not read.
	 */
	lineLocations?: Map<string, string> | null;
	lines: OrderLine[];
	refunds: Refund[];
	/**
	 * Units fulfilled per line item (fulfilments that were not cancelled / failed); null when the payload
	 * does not list the order's fulfilments.
	 */
	fulfilledByLine: Map<string, number> | null;
	/**
	 * Dispositions of the order's returns, or null when the source does not carry them (webhook order
	 * payloads): then no disposition change is derived from this order.
	 */
	dispositions: Disposition[] | null;
}

/** A payload (webhook body or GraphQL node) that is not an order / refund of the expected shape. */
export class PayloadError extends Error {}

export type Json = Record<string, unknown>;

/** The value as a plain JSON object, else null. */
export function asObject(value: unknown): Json | null {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;
}

/** The plain objects of a list (anything else in it, or a non-list, is dropped). */
export function objectList(value: unknown): Json[] {
	return Array.isArray(value) ? value.map(asObject).filter((v): v is Json => v !== null) : [];
}

/** Accepts numbers and numeric strings ("3", "3.0"); anything else → null. */
export function toQuantity(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : null;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
		return Math.trunc(Number(value));
	}
	return null;
}

/** Trimmed SKU, or null when empty / missing. */
export function toSku(value: unknown): string | null {
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value !== 'string') return null;
	const sku = value.trim();
	return sku === '' ? null : sku;
}

export function toRestockType(value: unknown, legacyRestockFlag?: unknown): RestockType {
	if (typeof value === 'string' && value.trim() !== '') return value.trim().toLowerCase();
	// Very old refunds only had `restock: true|false` on the refund.
	if (legacyRestockFlag === true) return 'legacy_restock';
	return 'no_restock';
}

/** true / false, else null. */
export function toBoolean(value: unknown): boolean | null {
	return typeof value === 'boolean' ? value : null;
}

export function toText(value: unknown): string | null {
	if (typeof value === 'string') return value === '' ? null : value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}
