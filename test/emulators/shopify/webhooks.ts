/**
 * Webhook delivery (signed like Shopify) and REST-shaped payloads. Payloads are built from the real
 * example payloads in test/fixtures/shopify/webhooks (same keys, same order) with real values filled
 * in: order/line item/variant/product/location ids, SKUs, quantities, restock types.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { EmulatedClock } from './clock';
import type { DispositionRec, LevelRec, LineItemRec, OrderRec, RefundRec, ReturnRec, Store } from './store';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'shopify', 'webhooks');
let templates: { order: Record<string, unknown>; refund: Record<string, unknown> } | undefined;

function loadTemplates() {
	if (!templates)
		templates = {
			order: JSON.parse(readFileSync(join(FIXTURES, 'orders_paid.json'), 'utf8')) as Record<string, unknown>,
			refund: JSON.parse(readFileSync(join(FIXTURES, 'refunds_create.json'), 'utf8')) as Record<string, unknown>,
		};
	return templates;
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** Same keys, same order as `template`; values from `values` where given, else the template's. */
function shapeLike(template: Record<string, unknown>, values: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const k of Object.keys(template)) out[k] = k in values ? values[k] : clone(template[k]);
	for (const k of Object.keys(values)) if (!(k in out)) out[k] = values[k];
	return out;
}

const money = (n: number) => n.toFixed(2);
const moneySet = (n: number) => ({
	shop_money: { amount: money(n), currency_code: 'USD' },
	presentment_money: { amount: money(n), currency_code: 'USD' },
});

/** REST timestamps look like 2021-12-31T19:00:00-05:00 (shop time zone; the emulator's is UTC). */
export function restTime(iso: string | null): string | null {
	if (!iso) return null;
	return new Date(iso).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** ids (`id`, `*_id`) as JSON strings instead of numbers (`numbersAsStrings`). */
export function stringifyIds(v: unknown): unknown {
	if (Array.isArray(v)) return v.map(stringifyIds);
	if (v && typeof v === 'object') {
		const out: Record<string, unknown> = {};
		for (const [k, x] of Object.entries(v as Record<string, unknown>))
			out[k] = (k === 'id' || k.endsWith('_id')) && typeof x === 'number' ? String(x) : stringifyIds(x);
		return out;
	}
	return v;
}

/** `fulfillment_status` of a line: null (none fulfilled), 'partial', 'fulfilled'. */
function lineFulfillmentStatus(l: LineItemRec): string | null {
	const done = l._fulfilled + l._returned;
	if (done === 0) return null;
	return done >= l.currentQuantity ? 'fulfilled' : 'partial';
}

/** What Shopify fills in `variant_inventory_management`: 'shopify' when it tracks the item, else null. */
const inventoryManagement = (l: LineItemRec) => (l._tracked ? 'shopify' : null);

function fulfillableQuantity(store: Store, l: LineItemRec): number {
	const order = store.orders.get(l._orderId);
	return order?.cancelledAt && store.rules.cancellationRecord !== 'none' ? 0 : store.unfulfilled(l);
}

function orderLineItem(store: Store, l: LineItemRec, tpl: Record<string, unknown>): Record<string, unknown> {
	const price = Number(l.price);
	return shapeLike(tpl, {
		id: l._id,
		admin_graphql_api_id: l.id,
		attributed_staffs: [],
		current_quantity: l.currentQuantity,
		fulfillable_quantity: fulfillableQuantity(store, l),
		fulfillment_service: 'manual',
		fulfillment_status: lineFulfillmentStatus(l),
		gift_card: l.isGiftCard,
		grams: 0,
		name: l.name,
		price: money(price),
		price_set: moneySet(price),
		product_exists: l._productId !== null,
		product_id: l._productId,
		properties: [],
		quantity: l.quantity,
		requires_shipping: !l.isGiftCard,
		sales_line_item_group_id: null,
		sku: l.sku,
		taxable: true,
		title: l.title,
		total_discount: '0.00',
		total_discount_set: moneySet(0),
		variant_id: l._variantId,
		variant_inventory_management: inventoryManagement(l),
		variant_title: null,
		vendor: l._variantId !== null && store.variants.has(l._variantId) ? 'Emulator' : null,
		tax_lines: [],
		duties: [],
		discount_allocations: [],
	});
}

function refundObject(store: Store, order: OrderRec, r: RefundRec): Record<string, unknown> {
	const t = loadTemplates().refund;
	const rliTpl = (t.refund_line_items as Record<string, unknown>[])[0];
	const liTpl = rliTpl.line_item as Record<string, unknown>;
	const trTpl = (t.transactions as Record<string, unknown>[])[0];
	let amount = 0;
	const refundLines = r._lines.map((rl) => {
		const l = store.lineItems.get(rl._lineItemId)!;
		const subtotal = Number(l.price) * rl.quantity;
		amount += subtotal;
		const price = Number(l.price);
		return shapeLike(rliTpl, {
			id: rl._id,
			quantity: rl.quantity,
			line_item_id: l._id,
			location_id: rl._locationId,
			restock_type: rl._restockType,
			subtotal,
			total_tax: 0,
			subtotal_set: moneySet(subtotal),
			total_tax_set: moneySet(0),
			line_item: shapeLike(liTpl, {
				id: l._id,
				variant_id: l._variantId,
				title: l.title,
				quantity: l.quantity,
				sku: l.sku,
				variant_title: null,
				vendor: l._variantId !== null ? 'Emulator' : null,
				fulfillment_service: 'manual',
				product_id: l._productId,
				requires_shipping: true,
				taxable: true,
				gift_card: l.isGiftCard,
				name: l.name,
				variant_inventory_management: inventoryManagement(l),
				properties: [],
				product_exists: l._productId !== null,
				fulfillable_quantity: fulfillableQuantity(store, l),
				grams: 0,
				price: money(price),
				total_discount: '0.00',
				fulfillment_status: lineFulfillmentStatus(l),
				price_set: moneySet(price),
				total_discount_set: moneySet(0),
				discount_allocations: [],
				duties: [],
				admin_graphql_api_id: l.id,
				tax_lines: [],
			}),
		});
	});
	const trId = 93_000_000 + (r._id - 80_000_000);
	return shapeLike(t, {
		id: r._id,
		order_id: order._id,
		created_at: restTime(r.createdAt),
		note: r.note,
		user_id: null,
		processed_at: restTime(r.processedAt),
		duties: [],
		total_duties_set: moneySet(0),
		return: null,
		restock: r._lines.some((l) => l._restockType !== 'no_restock'),
		refund_shipping_lines: [],
		admin_graphql_api_id: r.id,
		order_adjustments: [],
		refund_line_items: refundLines,
		transactions: [
			shapeLike(trTpl, {
				id: trId,
				order_id: order._id,
				kind: 'refund',
				gateway: 'manual',
				status: 'success',
				message: null,
				created_at: restTime(r.createdAt),
				test: false,
				authorization: null,
				location_id: null,
				user_id: null,
				parent_id: null,
				processed_at: restTime(r.processedAt),
				device_id: null,
				error_code: null,
				source_name: 'web',
				receipt: {},
				amount: money(amount),
				currency: 'USD',
				payment_id: `${order.name}.${r._id}`,
				manual_payment_gateway: true,
				amount_rounding: null,
				admin_graphql_api_id: `gid://shopify/OrderTransaction/${trId}`,
			}),
		],
	});
}

export function buildRefundPayload(store: Store, r: RefundRec): Record<string, unknown> {
	return refundObject(store, store.orders.get(r._orderId)!, r);
}

export function buildOrderPayload(store: Store, order: OrderRec, shopDomain: string): Record<string, unknown> {
	const t = loadTemplates().order;
	const liTpl = (t.line_items as Record<string, unknown>[])[0];
	const total = order._lineItems.reduce((s, l) => s + Number(l.price) * l.quantity, 0);
	const current = order._lineItems.reduce((s, l) => s + Number(l.price) * l.currentQuantity, 0);
	const financial = order._financial;
	const fulfillment =
		order.displayFulfillmentStatus === 'FULFILLED' ? 'fulfilled' : order.displayFulfillmentStatus === 'PARTIALLY_FULFILLED' ? 'partial' : null;
	return shapeLike(t, {
		id: order._id,
		admin_graphql_api_id: order.id,
		app_id: null,
		browser_ip: null,
		buyer_accepts_marketing: false,
		cancel_reason: order.cancelReason ? order.cancelReason.toLowerCase() : null,
		cancelled_at: restTime(order.cancelledAt),
		cart_token: null,
		checkout_token: null,
		client_details: null,
		closed_at: order.closed ? restTime(order.updatedAt) : null,
		confirmation_number: `EMU${order._id}`,
		confirmed: true,
		contact_email: order.email,
		created_at: restTime(order.createdAt),
		currency: 'USD',
		current_shipping_price_set: moneySet(0),
		current_subtotal_price: money(current),
		current_subtotal_price_set: moneySet(current),
		current_total_additional_fees_set: null,
		current_total_discounts: '0.00',
		current_total_discounts_set: moneySet(0),
		current_total_duties_set: null,
		current_total_price: money(current),
		current_total_price_set: moneySet(current),
		current_total_tax: '0.00',
		current_total_tax_set: moneySet(0),
		customer_locale: 'en',
		device_id: null,
		discount_codes: [],
		duties_included: false,
		email: order.email,
		estimated_taxes: false,
		financial_status: financial,
		fulfillment_status: fulfillment,
		landing_site: null,
		landing_site_ref: null,
		location_id: order._online ? null : order._locationId,
		merchant_of_record_app_id: null,
		name: order.name,
		note: null,
		note_attributes: [],
		number: order.number - 1000,
		order_number: order.number,
		order_status_url: `https://${shopDomain}/orders/${order._token}/authenticate?key=${order._token}`,
		original_total_additional_fees_set: null,
		original_total_duties_set: null,
		payment_gateway_names: ['manual'],
		phone: null,
		po_number: null,
		presentment_currency: 'USD',
		processed_at: restTime(order.processedAt),
		reference: null,
		referring_site: null,
		source_identifier: null,
		source_name: 'web',
		source_url: null,
		subtotal_price: money(total),
		subtotal_price_set: moneySet(total),
		tags: '',
		tax_exempt: false,
		tax_lines: [],
		taxes_included: false,
		test: false,
		token: order._token,
		total_cash_rounding_payment_adjustment_set: moneySet(0),
		total_cash_rounding_refund_adjustment_set: moneySet(0),
		total_discounts: '0.00',
		total_discounts_set: moneySet(0),
		total_line_items_price: money(total),
		total_line_items_price_set: moneySet(total),
		total_outstanding: financial === 'pending' ? money(current) : '0.00',
		total_price: money(total),
		total_price_set: moneySet(total),
		total_shipping_price_set: moneySet(0),
		total_tax: '0.00',
		total_tax_set: moneySet(0),
		total_tip_received: '0.00',
		total_weight: 0,
		updated_at: restTime(order.updatedAt),
		user_id: null,
		discount_applications: [],
		fulfillments: [],
		line_items: order._lineItems.map((l) => orderLineItem(store, l, liTpl)),
		payment_terms: null,
		refunds: order._refunds.map((r) => refundObject(store, order, r)),
		shipping_lines: [],
		returns: [],
		line_item_groups: [],
	});
}

/**
 * `orders/edited`: the shape of Shopify's documented example (no recorded payload in the fixtures):
 * `order_edit.line_items.additions/removals` as `{id, delta}` (line item id, units added/removed).
 */
export function buildOrderEditedPayload(
	order: OrderRec,
	editId: number,
	createdAt: string,
	additions: { line: LineItemRec; delta: number }[],
	removals: { line: LineItemRec; delta: number }[],
): Record<string, unknown> {
	return {
		order_edit: {
			id: editId,
			app_id: null,
			created_at: restTime(createdAt),
			notify_customer: false,
			order_id: order._id,
			staff_note: '',
			user_id: null,
			line_items: {
				additions: additions.map((a) => ({ id: a.line._id, delta: a.delta })),
				removals: removals.map((r) => ({ id: r.line._id, delta: r.delta })),
			},
			discounts: { line_item: { additions: [], removals: [] } },
			shipping_lines: { additions: [], removals: [] },
		},
	};
}

/** returns/approve, returns/close …: the documented example's shape (assumed; no recorded payload). */
export function buildReturnPayload(ret: ReturnRec): Record<string, unknown> {
	return {
		id: ret._id,
		admin_graphql_api_id: ret.id,
		order_id: ret._orderId,
		status: ret.status.toLowerCase(),
		name: ret.name,
		total_return_line_items: ret._lines.length,
		return_line_items: ret._lines.map((rl) => ({
			id: rl._id,
			admin_graphql_api_id: rl.id,
			fulfillment_line_item: { id: rl._lineItemId + 1_000_000_000, line_item: { id: rl._lineItemId, admin_graphql_api_id: `gid://shopify/LineItem/${rl._lineItemId}` } },
			quantity: rl.quantity,
			return_reason: 'unknown',
			return_reason_note: '',
			customer_note: null,
		})),
	};
}

/** reverse_fulfillment_orders/dispose: the documented example's shape (assumed; no recorded payload). */
export function buildDisposePayload(ret: ReturnRec, dispositions: DispositionRec[]): Record<string, unknown> {
	return {
		id: ret._rfoId,
		admin_graphql_api_id: `gid://shopify/ReverseFulfillmentOrder/${ret._rfoId}`,
		order_id: ret._orderId,
		total_dispositions: dispositions.length,
		dispositions: dispositions.map((d) => ({
			reverse_fulfillment_order_line_item: {
				id: d._rfoLineId,
				admin_graphql_api_id: `gid://shopify/ReverseFulfillmentOrderLineItem/${d._rfoLineId}`,
				fulfillment_line_item: {
					id: d._lineItemId + 1_000_000_000,
					admin_graphql_api_id: `gid://shopify/FulfillmentLineItem/${d._lineItemId + 1_000_000_000}`,
					line_item: { id: d._lineItemId, admin_graphql_api_id: `gid://shopify/LineItem/${d._lineItemId}` },
				},
			},
			reverse_delivery_line_item: null,
			type: d.type.toLowerCase(),
			location: d._locationId !== null ? { id: d._locationId, admin_graphql_api_id: `gid://shopify/Location/${d._locationId}` } : null,
			quantity: d.quantity,
		})),
	};
}

export function buildInventoryLevelPayload(level: LevelRec, available: number): Record<string, unknown> {
	return {
		inventory_item_id: level._itemId,
		location_id: level._locationId,
		available,
		updated_at: restTime(level.updatedAt),
		admin_graphql_api_id: level.id,
	};
}

// ---------------------------------------------------------------- delivery

export function signBody(secret: string, body: string | Buffer): string {
	return createHmac('sha256', secret).update(body).digest('base64');
}

export interface SendWebhookRequest {
	url: string;
	topic: string;
	payload: unknown;
	secret?: string;
	eventId?: string;
	webhookId?: string;
	tamper?: boolean;
	omitHmac?: boolean;
	rawBody?: string;
	retries?: number;
	apiVersion?: string;
}

export interface DeliveryLogEntry {
	at: number;
	url: string;
	topic: string;
	webhookId: string;
	eventId: string;
	attempt: number;
	status: number;
}

export interface SenderOptions {
	clock: EmulatedClock;
	shopDomain: string;
	defaultSecret: string;
	apiVersion: string;
	timeoutMs: number;
	retryDelayMs: number;
	log: DeliveryLogEntry[];
	active: Set<ClientRequest>;
}

function postOnce(
	url: string,
	headers: Record<string, string>,
	body: string,
	timeoutMs: number,
	active: Set<ClientRequest>,
): Promise<{ status: number; body: string }> {
	return new Promise((resolve) => {
		let u: URL;
		try {
			u = new URL(url);
		} catch {
			resolve({ status: 0, body: `invalid URL: ${url}` });
			return;
		}
		const fn = u.protocol === 'https:' ? httpsRequest : httpRequest;
		let done = false;
		const finish = (r: { status: number; body: string }) => {
			if (done) return;
			done = true;
			active.delete(req);
			clearTimeout(timer);
			resolve(r);
		};
		const req = fn(
			u,
			{ method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
				res.on('error', (e) => finish({ status: 0, body: String(e) }));
			},
		);
		const timer = setTimeout(() => {
			finish({ status: 0, body: `timeout after ${timeoutMs} ms` });
			req.destroy();
		}, timeoutMs);
		active.add(req);
		req.on('error', (e) => finish({ status: 0, body: String(e.message) }));
		req.end(body);
	});
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Topic for X-Shopify-Topic: 'ORDERS_PAID' → 'orders/paid' (done by the caller). */
export async function sendWebhook(
	d: SendWebhookRequest & { topicHeader: string },
	o: SenderOptions,
): Promise<{ attempts: { status: number; body: string }[] }> {
	const raw = d.rawBody ?? JSON.stringify(d.payload);
	const secret = d.secret ?? o.defaultSecret;
	const hmac = signBody(secret, raw);
	let body = raw;
	if (d.tamper) {
		if (d.payload && typeof d.payload === 'object' && !Array.isArray(d.payload) && d.rawBody === undefined)
			body = JSON.stringify({ ...(d.payload as Record<string, unknown>), note: 'tampered in transit' });
		else body = `${raw} `;
	}
	const webhookId = d.webhookId ?? randomUUID();
	const eventId = d.eventId ?? randomUUID();
	const triggeredAt = new Date(o.clock.now()).toISOString();
	const headers: Record<string, string> = {
		'Content-Type': 'application/json',
		'User-Agent': 'Shopify-Captain-Hook',
		'X-Shopify-Topic': d.topicHeader,
		'X-Shopify-Shop-Domain': o.shopDomain,
		'X-Shopify-API-Version': d.apiVersion ?? o.apiVersion,
		'X-Shopify-Webhook-Id': webhookId,
		'X-Shopify-Event-Id': eventId,
		'X-Shopify-Triggered-At': triggeredAt,
	};
	if (!d.omitHmac) headers['X-Shopify-Hmac-Sha256'] = hmac;
	const attempts: { status: number; body: string }[] = [];
	const retries = Math.max(0, d.retries ?? 0);
	for (let attempt = 0; attempt <= retries; attempt++) {
		if (attempt > 0 && o.retryDelayMs > 0) await sleep(o.retryDelayMs * 2 ** (attempt - 1));
		const r = await postOnce(d.url, headers, body, o.timeoutMs, o.active);
		attempts.push(r);
		o.log.push({ at: o.clock.now(), url: d.url, topic: d.topicHeader, webhookId, eventId, attempt: attempt + 1, status: r.status });
		if (r.status >= 200 && r.status < 300) break;
	}
	return { attempts };
}
