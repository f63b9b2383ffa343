/**
 * Order → stock change logic shared by the Shopify Inventory Trigger and Order → Get Many (catch-up).
 * Pure (no n8n imports). Rules: RULES.md in this folder.
 */
import { normalizeGraphqlOrder } from './normalizeGraphql';
import { normalizeRestOrder, normalizeRestRefund } from './normalizeRest';
import { orderStockChanges, refundStockChanges, type StockChange } from './stockChanges';
import { restObjectId, toLegacyId } from './ids';
import { asObject, PayloadError, type Order, type Refund } from './model';

export * from './hmac';
export * from './ids';
export * from './json';
export * from './keys';
export * from './locations';
export * from './model';
export * from './normalizeGraphql';
export * from './normalizeRest';
export * from './stockChanges';

/** Webhook topics the trigger offers (REST topic names, as in the X-Shopify-Topic header). */
export const ORDER_TOPICS = [
	'orders/create',
	'orders/paid',
	'orders/cancelled',
	'orders/updated',
	'orders/edited',
	'refunds/create',
	'reverse_fulfillment_orders/dispose',
] as const;
export type OrderTopic = (typeof ORDER_TOPICS)[number];

/**
 * The trigger's default topics: every event that moves Shopify's stock, with the sale at order
 * creation (paid or not: when Shopify commits the units).
 */
export const DEFAULT_ORDER_TOPICS: OrderTopic[] = [
	'orders/create',
	'orders/cancelled',
	'refunds/create',
	'orders/edited',
	'reverse_fulfillment_orders/dispose',
];

/**
 * Topics whose payload names the order but does not carry what changed in a form that gives stable
 * keys (orders/edited: line ids and deltas only; reverse_fulfillment_orders/dispose: dispositions
 * without their ids). The trigger reads the order through the API and outputs its whole projection,
 * exactly as the catch-up does.
 */
export const ORDER_READ_TOPICS: ReadonlySet<string> = new Set(['orders/edited', 'reverse_fulfillment_orders/dispose']);

/** The order id a read-topic payload names (orders/edited: `order_edit.order_id`; dispose / returns: `order_id` or `order`). */
export function orderIdOfReadTopicPayload(topic: string, payload: unknown): string {
	const raw = asObject(payload);
	if (!raw) throw new PayloadError(`The ${topic} payload is not a JSON object`);
	const edit = asObject(raw.order_edit);
	const order = asObject(raw.order);
	const id =
		(edit ? toLegacyId(edit.order_id) : null) ??
		toLegacyId(raw.order_id) ??
		(order ? restObjectId(order) : null) ??
		// An order payload (orders/create … read for several locations): the order itself.
		(topic.startsWith('orders/') && topic !== 'orders/edited' ? restObjectId(raw) : null);
	if (id === null) throw new PayloadError(`The ${topic} payload names no order`);
	return id;
}

/** `orders/paid` → `ORDERS_PAID` (WebhookSubscriptionTopic enum). */
export function topicToGraphqlEnum(topic: string): string {
	return topic.trim().toUpperCase().replace(/\//g, '_');
}

/** `ORDERS_PAID` → `orders/paid`; `REVERSE_FULFILLMENT_ORDERS_DISPOSE` → `reverse_fulfillment_orders/dispose`. */
export function graphqlEnumToTopic(value: string): string {
	const known = ORDER_TOPICS.find((t) => topicToGraphqlEnum(t) === value.trim().toUpperCase());
	if (known) return known;
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
 * returned); refunds/create carries one refund. The read topics (ORDER_READ_TOPICS) only name the
 * order: see orderIdOfReadTopicPayload. Throws PayloadError for payloads of the wrong shape
 * and for topics this logic does not understand.
 */
export function stockChangesFromWebhook(topic: string, payload: unknown): WebhookStockChanges {
	const t = topic.trim().toLowerCase();
	if (ORDER_READ_TOPICS.has(t)) {
		throw new UnsupportedTopicError(`The webhook topic "${topic}" only names the order: read the order (orderIdOfReadTopicPayload)`);
	}
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
