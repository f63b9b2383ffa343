/**
 * Order → stock change logic shared by the Shopify Inventory Trigger and Order → Get Many (catch-up).
 * Pure (no n8n imports). Rules: RULES.md in this folder.
 */
import { normalizeGraphqlOrder } from './normalizeGraphql';
import { normalizeRestOrder, normalizeRestRefund } from './normalizeRest';
import { orderStockChanges, refundStockChanges, type StockChange } from './stockChanges';
import type { Order, Refund } from './model';

export * from './hmac';
export * from './ids';
export * from './json';
export * from './keys';
export * from './model';
export * from './normalizeGraphql';
export * from './normalizeRest';
export * from './stockChanges';

/** Webhook topics the trigger offers (REST topic names, as in the X-Shopify-Topic header). */
export const ORDER_TOPICS = ['orders/create', 'orders/paid', 'orders/cancelled', 'refunds/create'] as const;
export type OrderTopic = (typeof ORDER_TOPICS)[number];

/** `orders/paid` → `ORDERS_PAID` (WebhookSubscriptionTopic enum). */
export function topicToGraphqlEnum(topic: string): string {
	return topic.trim().toUpperCase().replace(/\//g, '_');
}

/** `ORDERS_PAID` → `orders/paid`. */
export function graphqlEnumToTopic(value: string): string {
	const v = value.trim().toLowerCase();
	const i = v.indexOf('_');
	return i < 0 ? v : `${v.slice(0, i)}/${v.slice(i + 1)}`;
}

export class UnsupportedTopicError extends Error {}

export type WebhookStockChanges =
	| { type: 'order'; order: Order; changes: StockChange[] }
	| { type: 'refund'; refund: Refund; changes: StockChange[] };

/**
 * A webhook payload → stock changes. orders/* topics carry a whole order (its full projection is
 * returned); refunds/create carries one refund. Throws PayloadError for payloads of the wrong shape
 * and for topics this logic does not understand.
 */
export function stockChangesFromWebhook(topic: string, payload: unknown): WebhookStockChanges {
	const t = topic.trim().toLowerCase();
	if (t === 'refunds/create') {
		const refund = normalizeRestRefund(payload);
		return { type: 'refund', refund, changes: refundStockChanges(refund, null) };
	}
	if (t.startsWith('orders/')) {
		const order = normalizeRestOrder(payload);
		return { type: 'order', order, changes: orderStockChanges(order) };
	}
	throw new UnsupportedTopicError(`The webhook topic "${topic}" carries no order or refund`);
}


/** A GraphQL order (catch-up) → stock changes; identical to the webhook projection of the same order. */
export function stockChangesFromGraphqlOrder(node: unknown): { order: Order; changes: StockChange[] } {
	const order = normalizeGraphqlOrder(node);
	return { order, changes: orderStockChanges(order) };
}
