/**
 * Normalised order / refund → stock change items (pure, no n8n imports). The rules and why they
 * never count a unit twice are in RULES.md.
 *
 *  - sale:    every order line, −quantity ordered              key shopify:order:<o>:line:<l>:sale
 *  - refund:  every refund line whose restock type restocks    key shopify:refund:<r>:line:<l>:restock
 *             (return / cancel / legacy_restock), +quantity; no_restock lines produce nothing; refunds
 *             that settle a return are restocked by the return's dispositions instead
 *  - edit:    units removed by order edits without a refund,   key shopify:order:<o>:line:<l>:removed:<n>
 *             one key per unit, +1 each
 *  - return:  dispositions RESTOCKED of the order's returns     key shopify:disposition:<d>:restock
 *  - cancel:  cancelled orders only, per line the units no refund, fulfilment or edit accounts for
 *                                                               key shopify:order:<o>:line:<l>:cancel
 * Gift cards and lines Shopify does not track come out as skipped items with a reason.
 * An order payload (webhook or GraphQL) always yields the whole projection of the order as it is in
 * the payload; FileMaker applies each key once, so overlapping deliveries are harmless.
 */
import { compareIds } from './ids';
import { cancelKey, dispositionRestockKey, editRemovedKey, refundRestockKey, saleKey } from './keys';
import { RESTOCKING_TYPES, type Disposition, type Order, type OrderLine, type Refund } from './model';

export type StockChangeKind = 'sale' | 'cancel' | 'refund' | 'edit' | 'return';

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
	/** The return disposition behind a `return` change, else null. */
	dispositionId: string | null;
	/** Location of the change when Shopify reports one (refund restock / disposition location; retail location of POS orders). */
	locationId: string | null;
}

export const SKIP_REASONS = {
	noSku: 'Line has no SKU',
	noQuantity: 'Line has no quantity',
	zero: 'Quantity nets to 0',
	alreadyRefunded: 'Quantity nets to 0: every unit of this line was already refunded',
	cancelNothingBack:
		'Nothing comes back on cancellation: the units were fulfilled, refunded or removed by an edit (refunds restock through their own keys)',
	giftCard: 'Gift card: Shopify keeps no stock for it',
	untracked: 'Shopify does not track the stock of this item (inventory not tracked)',
	returnRefund: "This refund settles a return: the return's dispositions restock its units, not the refund",
} as const;

function unknownRestockReason(type: string): string {
	return `Unknown restock type "${type}": not restocked`;
}

interface LineFlags {
	tracked: boolean | null;
	giftCard: boolean;
}

/** Why a line never moves stock (gift card, untracked), else undefined. */
function lineSkipReason(flags: LineFlags | undefined): string | undefined {
	if (!flags) return undefined;
	if (flags.giftCard) return SKIP_REASONS.giftCard;
	if (flags.tracked === false) return SKIP_REASONS.untracked;
	return undefined;
}

function skipReason(
	flags: LineFlags | undefined,
	sku: string | null,
	quantity: number | null,
	zeroReason: string = SKIP_REASONS.zero,
): string | undefined {
	const line = lineSkipReason(flags);
	if (line) return line;
	if (sku === null) return SKIP_REASONS.noSku;
	if (quantity === null) return SKIP_REASONS.noQuantity;
	if (quantity === 0) return zeroReason;
	return undefined;
}

type ChangeBase = Omit<StockChange, 'skipped' | 'reason' | 'quantity' | 'dispositionId'> & { dispositionId?: string | null };

function make(base: ChangeBase, quantity: number | null, reason: string | undefined): StockChange {
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
		dispositionId: base.dispositionId ?? null,
		locationId: base.locationId,
	};
}

function sortedLines(lines: OrderLine[]): OrderLine[] {
	return [...lines].sort((a, b) => compareIds(a.id, b.id));
}

function sortedRefunds(refunds: Refund[]): Refund[] {
	return [...refunds].sort((a, b) => compareIds(a.id, b.id));
}

function lineBase(order: Order, line: OrderLine, kind: StockChangeKind, key: string): ChangeBase {
	return {
		idempotencyKey: key,
		kind,
		sku: line.sku,
		orderId: order.id,
		orderName: order.name,
		lineItemId: line.id,
		variantId: line.variantId,
		refundId: null,
		// The location assigned to fulfil the line (fulfillment orders), else the order's (POS) location.
		locationId: order.lineLocations?.get(line.id) ?? order.locationId,
	};
}

function saleChange(order: Order, line: OrderLine): StockChange {
	const quantity = line.quantity === null ? null : -line.quantity;
	return make(lineBase(order, line, 'sale', saleKey(order.id, line.id)), quantity, skipReason(line, line.sku, line.quantity));
}

interface RestockGroup {
	lineItemId: string;
	locationId: string | null;
	quantity: number | null;
	sku: string | null;
	variantId: string | null;
	flags: LineFlags;
	unknownType?: string;
}

/**
 * Stock changes of one refund: one item per (line item, restock location) whose restock type restocks.
 * `order` (when the refund is part of an order payload) supplies SKU / variant / order name / line flags.
 */
export function refundStockChanges(refund: Refund, order?: Order | null): StockChange[] {
	const orderLines = new Map((order?.lines ?? []).map((l) => [l.id, l]));
	const groups = new Map<string, RestockGroup>();
	const unknown: RestockGroup[] = [];
	for (const line of refund.lines) {
		const orderLine = orderLines.get(line.lineItemId);
		const sku = orderLine ? orderLine.sku : line.sku;
		const variantId = orderLine ? orderLine.variantId : line.variantId;
		const flags: LineFlags = orderLine ?? line;
		const group: RestockGroup = { lineItemId: line.lineItemId, locationId: line.locationId, quantity: line.quantity, sku, variantId, flags };
		if (!RESTOCKING_TYPES.has(line.restockType)) {
			if (line.restockType !== 'no_restock') unknown.push({ ...group, unknownType: line.restockType });
			continue;
		}
		const groupKey = `${line.lineItemId}|${line.locationId ?? ''}`;
		const existing = groups.get(groupKey);
		if (existing) {
			existing.quantity =
				existing.quantity === null || line.quantity === null ? null : existing.quantity + line.quantity;
		} else {
			groups.set(groupKey, group);
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
		const reason =
			lineSkipReason(g.flags) ??
			(g.unknownType !== undefined
				? unknownRestockReason(g.unknownType)
				: refund.returnId !== null
					? SKIP_REASONS.returnRefund
					: skipReason(undefined, g.sku, g.quantity));
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
			reason,
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

/**
 * Units of each line refunded as units that had not been fulfilled: every refund line except those
 * of type `return` (returned goods were fulfilled) and those of a refund that settles a return.
 */
function refundedUnfulfilledByLine(order: Order): Map<string, number> {
	const refunded = new Map<string, number>();
	for (const refund of order.refunds) {
		if (refund.returnId !== null) continue;
		for (const line of refund.lines) {
			if (line.restockType === 'return') continue;
			refunded.set(line.lineItemId, (refunded.get(line.lineItemId) ?? 0) + Math.max(0, line.quantity ?? 0));
		}
	}
	return refunded;
}

/**
 * Units of a line that order edits removed without a refund: quantity − current quantity − units in
 * any refund (current quantity already excludes refunded units). 0 when the payload lacks either.
 */
export function editRemovedUnits(line: OrderLine, refundedUnits: number): number {
	if (line.quantity === null || line.currentQuantity === null) return 0;
	return Math.max(0, line.quantity - line.currentQuantity - refundedUnits);
}

function editChanges(order: Order): StockChange[] {
	const refunded = refundedUnitsByLine(order);
	const out: StockChange[] = [];
	for (const line of sortedLines(order.lines)) {
		const removed = editRemovedUnits(line, refunded.get(line.id) ?? 0);
		if (removed === 0 || lineSkipReason(line) !== undefined) continue;
		for (let unit = 1; unit <= removed; unit++) {
			out.push(make(lineBase(order, line, 'edit', editRemovedKey(order.id, line.id, unit)), 1, skipReason(line, line.sku, 1)));
		}
	}
	return out;
}

function cancelChanges(order: Order): StockChange[] {
	if (!order.cancelledAt) return [];
	const refunded = refundedUnitsByLine(order);
	const refundedUnfulfilled = refundedUnfulfilledByLine(order);
	return sortedLines(order.lines).map((line) => {
		let remaining: number | null = null;
		if (line.quantity !== null) {
			const removed = editRemovedUnits(line, refunded.get(line.id) ?? 0);
			const fulfilled = order.fulfilledByLine?.get(line.id) ?? 0;
			const open = line.quantity - removed - fulfilled - (refundedUnfulfilled.get(line.id) ?? 0);
			const bound = line.fulfillableQuantity ?? open;
			remaining = Math.max(0, Math.min(open, bound));
		}
		return make(
			lineBase(order, line, 'cancel', cancelKey(order.id, line.id)),
			remaining,
			skipReason(line, line.sku, remaining, SKIP_REASONS.cancelNothingBack),
		);
	});
}

function dispositionChanges(order: Order): StockChange[] {
	if (!order.dispositions) return [];
	const lines = new Map(order.lines.map((l) => [l.id, l]));
	return order.dispositions
		.filter((d: Disposition) => d.type === 'restocked')
		.sort((a, b) => compareIds(a.id, b.id))
		.map((d) => {
			const line = lines.get(d.lineItemId);
			const sku = line?.sku ?? null;
			return make(
				{
					idempotencyKey: dispositionRestockKey(d.id),
					kind: 'return',
					sku,
					orderId: order.id,
					orderName: order.name,
					lineItemId: d.lineItemId,
					variantId: line?.variantId ?? null,
					refundId: null,
					dispositionId: d.id,
					locationId: d.locationId,
				},
				d.quantity,
				skipReason(line, sku, d.quantity),
			);
		});
}

/**
 * Every stock change an order implies, in a stable order: sales (by line id), refund restocks
 * (by refund id, then line id), units removed by edits (by line id, unit), return dispositions
 * (by disposition id), cancel restocks (by line id).
 */
export function orderStockChanges(order: Order): StockChange[] {
	const out: StockChange[] = [];
	for (const line of sortedLines(order.lines)) out.push(saleChange(order, line));
	for (const refund of sortedRefunds(order.refunds)) out.push(...refundStockChanges(refund, order));
	out.push(...editChanges(order));
	out.push(...dispositionChanges(order));
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
