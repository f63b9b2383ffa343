/**
 * Idempotency keys of stock changes (pure, no n8n imports). See RULES.md.
 *
 * A key names one stock change of one order line, derived only from stable order data (never from
 * delivery headers), so every delivery of the same event, every topic that describes the same event
 * (orders/create and orders/paid describe the same sale), and the catch-up produce the same key, and
 * the quantity behind a key never changes over the life of the order.
 */

/** The sale of an order line: −quantity ordered. Same key from orders/create, orders/paid, orders/cancelled and the catch-up. */
export function saleKey(orderId: string, lineItemId: string): string {
	return `shopify:order:${orderId}:line:${lineItemId}:sale`;
}

/** Units of a cancelled order line that no refund accounts for: +remaining. */
export function cancelKey(orderId: string, lineItemId: string): string {
	return `shopify:order:${orderId}:line:${lineItemId}:cancel`;
}

/**
 * Units of an order line put back into stock by one refund (restock_type return / cancel / legacy_restock).
 * `locationId` is only added when the same refund restocks the same line at more than one location.
 */
export function refundRestockKey(refundId: string, lineItemId: string, locationId?: string | null): string {
	const base = `shopify:refund:${refundId}:line:${lineItemId}:restock`;
	return locationId ? `${base}:location:${locationId}` : base;
}

/**
 * The n-th unit (1-based) of an order line that order edits removed without a refund: +1. One key per
 * unit, numbered from the order's state (quantity − current quantity − refunded units), so every
 * source that sees the same state — orders/edited, orders/updated, any later order payload, the
 * catch-up — names the same units, and a second edit only adds keys for the units it removed.
 */
export function editRemovedKey(orderId: string, lineItemId: string, unit: number): string {
	return `shopify:order:${orderId}:line:${lineItemId}:removed:${unit}`;
}

/** Units put back into stock by one disposition of a return (type RESTOCKED): +quantity. */
export function dispositionRestockKey(dispositionId: string): string {
	return `shopify:disposition:${dispositionId}:restock`;
}

const KEY_PATTERN =
	/^shopify:(?:order:\d+:line:\d+:(?:sale|cancel|removed:[1-9]\d*)|refund:\d+:line:\d+:restock(?::location:\d+)?|disposition:\d+:restock)$/;

export function isStockChangeKey(value: unknown): boolean {
	return typeof value === 'string' && KEY_PATTERN.test(value);
}
