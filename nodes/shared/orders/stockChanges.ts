/**
 * Normalised order / refund → stock change items (pure, no n8n imports). The rules and why they
 * never count a unit twice are in RULES.md.
 *
 *  - sale:   every order line, −quantity ordered               key shopify:order:<o>:line:<l>:sale
 *  - refund: every refund line whose restock type restocks     key shopify:refund:<r>:line:<l>:restock
 *            (return / cancel / legacy_restock), +quantity; no_restock lines produce nothing
 *  - cancel: cancelled orders only, per line +(quantity − units of that line in any refund)
 *                                                               key shopify:order:<o>:line:<l>:cancel
 * An order payload (webhook or GraphQL) always yields the whole projection of the order as it is in
 * the payload; FileMaker applies each key once, so overlapping deliveries are harmless.
 */
import { compareIds } from './ids';
import { cancelKey, refundRestockKey, saleKey } from './keys';
import { RESTOCKING_TYPES, type Order, type OrderLine, type Refund } from './model';

export type StockChangeKind = 'sale' | 'cancel' | 'refund';

export interface StockChange {
	/** Same for every delivery of the same event line and for the catch-up: pass it to FileMaker Inventory → Adjust. */
	idempotencyKey: string;
	kind: StockChangeKind;
	sku: string | null;
	/** Negative for a sale, positive for a restock. */
	quantity: number;
	/** true: nothing to apply (see reason). */
	skipped: boolean;
	reason?: string;
	orderId: string | null;
	orderName: string | null;
	lineItemId: string;
	variantId: string | null;
	refundId: string | null;
	/** Location of the change when Shopify reports one (refund restock location; retail location of POS orders). */
	locationId: string | null;
}

export const SKIP_REASONS = {
	noSku: 'Line has no SKU',
	noQuantity: 'Line has no quantity',
	zero: 'Quantity nets to 0',
	alreadyRefunded: 'Quantity nets to 0: every unit of this line was already refunded',
} as const;

function unknownRestockReason(type: string): string {
	return `Unknown restock type "${type}": not restocked`;
}

function skipReason(sku: string | null, quantity: number | null, zeroReason: string = SKIP_REASONS.zero): string | undefined {
	if (sku === null) return SKIP_REASONS.noSku;
	if (quantity === null) return SKIP_REASONS.noQuantity;
	if (quantity === 0) return zeroReason;
	return undefined;
}

function make(
	base: Omit<StockChange, 'skipped' | 'reason' | 'quantity'>,
	quantity: number | null,
	reason: string | undefined,
): StockChange {
	// Property order is the column order in n8n's table view; `reason` sits next to `skipped`.
	return {
		idempotencyKey: base.idempotencyKey,
		kind: base.kind,
		sku: base.sku,
		quantity: quantity === null || quantity === 0 ? 0 : quantity,
		skipped: reason !== undefined,
		...(reason !== undefined ? { reason } : {}),
		orderId: base.orderId,
		orderName: base.orderName,
		lineItemId: base.lineItemId,
		variantId: base.variantId,
		refundId: base.refundId,
		locationId: base.locationId,
	};
}

function sortedLines(lines: OrderLine[]): OrderLine[] {
	return [...lines].sort((a, b) => compareIds(a.id, b.id));
}

function sortedRefunds(refunds: Refund[]): Refund[] {
	return [...refunds].sort((a, b) => compareIds(a.id, b.id));
}

function saleChange(order: Order, line: OrderLine): StockChange {
	const quantity = line.quantity === null ? null : -line.quantity;
	return make(
		{
			idempotencyKey: saleKey(order.id, line.id),
			kind: 'sale',
			sku: line.sku,
			orderId: order.id,
			orderName: order.name,
			lineItemId: line.id,
			variantId: line.variantId,
			refundId: null,
			locationId: order.locationId,
		},
		quantity,
		skipReason(line.sku, line.quantity),
	);
}

interface RestockGroup {
	lineItemId: string;
	locationId: string | null;
	quantity: number | null;
	sku: string | null;
	variantId: string | null;
	unknownType?: string;
}

/**
 * Stock changes of one refund: one item per (line item, restock location) whose restock type restocks.
 * `order` (when the refund is part of an order payload) supplies SKU / variant / order name.
 */
export function refundStockChanges(refund: Refund, order?: Order | null): StockChange[] {
	const orderLines = new Map((order?.lines ?? []).map((l) => [l.id, l]));
	const groups = new Map<string, RestockGroup>();
	const unknown: RestockGroup[] = [];
	for (const line of refund.lines) {
		const orderLine = orderLines.get(line.lineItemId);
		const sku = orderLine ? orderLine.sku : line.sku;
		const variantId = orderLine ? orderLine.variantId : line.variantId;
		if (!RESTOCKING_TYPES.has(line.restockType)) {
			if (line.restockType !== 'no_restock') {
				unknown.push({
					lineItemId: line.lineItemId,
					locationId: line.locationId,
					quantity: line.quantity,
					sku,
					variantId,
					unknownType: line.restockType,
				});
			}
			continue;
		}
		const groupKey = `${line.lineItemId}|${line.locationId ?? ''}`;
		const existing = groups.get(groupKey);
		if (existing) {
			existing.quantity =
				existing.quantity === null || line.quantity === null ? null : existing.quantity + line.quantity;
		} else {
			groups.set(groupKey, {
				lineItemId: line.lineItemId,
				locationId: line.locationId,
				quantity: line.quantity,
				sku,
				variantId,
			});
		}
	}
	const locationsPerLine = new Map<string, number>();
	for (const g of groups.values()) {
		locationsPerLine.set(g.lineItemId, (locationsPerLine.get(g.lineItemId) ?? 0) + 1);
	}
	const ordered = [...groups.values(), ...unknown].sort(
		(a, b) =>
			compareIds(a.lineItemId, b.lineItemId) ||
			compareIds(a.locationId ?? '', b.locationId ?? '') ||
			(a.unknownType ?? '').localeCompare(b.unknownType ?? ''),
	);
	const orderId = order?.id ?? refund.orderId;
	return ordered.map((g) => {
		const suffix = (locationsPerLine.get(g.lineItemId) ?? 0) > 1 ? g.locationId : null;
		return make(
			{
				idempotencyKey: refundRestockKey(refund.id, g.lineItemId, suffix),
				kind: 'refund',
				sku: g.sku,
				orderId,
				orderName: order?.name ?? null,
				lineItemId: g.lineItemId,
				variantId: g.variantId,
				refundId: refund.id,
				locationId: g.locationId,
			},
			g.quantity,
			g.unknownType !== undefined ? unknownRestockReason(g.unknownType) : skipReason(g.sku, g.quantity),
		);
	});
}

/** Units of each line that appear in any refund of the order (restocked or not). */
export function refundedUnitsByLine(order: Order): Map<string, number> {
	const refunded = new Map<string, number>();
	for (const refund of order.refunds) {
		for (const line of refund.lines) {
			refunded.set(line.lineItemId, (refunded.get(line.lineItemId) ?? 0) + Math.max(0, line.quantity ?? 0));
		}
	}
	return refunded;
}

function cancelChanges(order: Order): StockChange[] {
	if (!order.cancelledAt) return [];
	const refunded = refundedUnitsByLine(order);
	return sortedLines(order.lines).map((line) => {
		const remaining = line.quantity === null ? null : Math.max(0, line.quantity - (refunded.get(line.id) ?? 0));
		return make(
			{
				idempotencyKey: cancelKey(order.id, line.id),
				kind: 'cancel',
				sku: line.sku,
				orderId: order.id,
				orderName: order.name,
				lineItemId: line.id,
				variantId: line.variantId,
				refundId: null,
				locationId: order.locationId,
			},
			remaining,
			skipReason(line.sku, remaining, SKIP_REASONS.alreadyRefunded),
		);
	});
}

/**
 * Every stock change an order implies, in a stable order: sales (by line id), refund restocks
 * (by refund id, then line id), cancel restocks (by line id).
 */
export function orderStockChanges(order: Order): StockChange[] {
	const out: StockChange[] = [];
	for (const line of sortedLines(order.lines)) out.push(saleChange(order, line));
	for (const refund of sortedRefunds(order.refunds)) out.push(...refundStockChanges(refund, order));
	out.push(...cancelChanges(order));
	return out;
}

/**
 * Keeps the changes of one location. Changes whose location Shopify does not report (most online
 * orders) are kept: dropping them would lose sales.
 */
export function filterByLocation(changes: StockChange[], locationId: string | null): StockChange[] {
	if (!locationId) return changes;
	return changes.filter((c) => c.locationId === null || c.locationId === locationId);
}

/** Sum of the non-skipped quantities per SKU (for summaries and tests). */
export function netBySku(changes: StockChange[]): Map<string, number> {
	const net = new Map<string, number>();
	for (const c of changes) {
		if (c.skipped || c.sku === null) continue;
		net.set(c.sku, (net.get(c.sku) ?? 0) + c.quantity);
	}
	return net;
}

