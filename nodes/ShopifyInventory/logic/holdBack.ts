/**
 * Hold-back of Inventory → Sync (pure): the units of recent Shopify orders that FileMaker may not have
 * applied yet, per inventory item at the location. See docs/stock-model.md, "No phantom units".
 *
 * Shopify commits stock when an order is created, paid or not (available −q, committed +q). Every order
 * created since the hold-back time therefore counts with the units it still holds: the line's current
 * quantity (after refunds and edits), 0 when the order is cancelled. Only lines whose inventory item
 * Shopify tracks move stock (custom lines, untracked items and gift cards do not).
 */

type Json = Record<string, unknown>;

export interface HoldBackLine {
	/** Inventory item whose stock the line holds. */
	inventoryItemId: string;
	sku: string | null;
	units: number;
	orderId: string;
}

export interface HoldBack {
	/** Units per inventory item id. */
	unitsByItem: Map<string, number>;
	/** Orders read (created since the hold-back time, at any location). */
	ordersRead: number;
	/** Orders that hold units at the location. */
	ordersHoldingUnits: number;
}

function asObject(value: unknown): Json | undefined {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** `nodes` or `edges[].node` of a connection (or a plain list). */
export function nodesOf(connection: unknown): Json[] {
	if (Array.isArray(connection)) return connection.map(asObject).filter((o): o is Json => o !== undefined);
	const conn = asObject(connection);
	if (!conn) return [];
	if (Array.isArray(conn.nodes)) return nodesOf(conn.nodes);
	if (Array.isArray(conn.edges)) return nodesOf(conn.edges.map((e) => asObject(e)?.node));
	return [];
}

/** Shopify search query for orders created at or after `since` (UTC, whole seconds, rounded down). */
export function createdSinceQuery(since: Date, skus: readonly string[] = []): string {
	const iso = new Date(Math.floor(since.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
	const base = `created_at:>='${iso}'`;
	if (skus.length === 0) return base;
	const quoted = skus.map((s) => `sku:"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
	return `${base} AND (${quoted.join(' OR ')})`;
}

/**
 * The lines of one order that hold stock at `locationId`. An order whose location Shopify names
 * (`retailLocation`) and which is another location holds nothing here; an order without a named
 * location is counted at every location (it may only make the sync offer less, never more).
 */
export function linesHoldingStock(order: Json, locationId: string): HoldBackLine[] {
	if (order.cancelledAt !== null && order.cancelledAt !== undefined && order.cancelledAt !== '') return [];
	const orderLocation = asObject(order.retailLocation)?.id;
	if (typeof orderLocation === 'string' && orderLocation !== locationId) return [];
	const out: HoldBackLine[] = [];
	for (const line of nodesOf(order.lineItems)) {
		if (line.isGiftCard === true) continue;
		const item = asObject(asObject(line.variant)?.inventoryItem);
		if (!item || typeof item.id !== 'string') continue; // custom line or deleted variant: no stock
		if (item.tracked === false) continue;
		const units = Number(line.currentQuantity ?? line.quantity ?? 0);
		if (!Number.isFinite(units) || units <= 0) continue;
		out.push({
			inventoryItemId: item.id,
			sku: typeof line.sku === 'string' ? line.sku : null,
			units: Math.trunc(units),
			orderId: String(order.id ?? ''),
		});
	}
	return out;
}

/** Units held back per inventory item at the location, from the orders read. */
export function holdBackFromOrders(orders: readonly Json[], locationId: string): HoldBack {
	const unitsByItem = new Map<string, number>();
	let ordersHoldingUnits = 0;
	for (const order of orders) {
		const lines = linesHoldingStock(order, locationId);
		if (lines.length > 0) ordersHoldingUnits++;
		for (const l of lines) unitsByItem.set(l.inventoryItemId, (unitsByItem.get(l.inventoryItemId) ?? 0) + l.units);
	}
	return { unitsByItem, ordersRead: orders.length, ordersHoldingUnits };
}

/** FileMaker's quantity minus the units held back, never below 0. */
export function quantityAfterHoldBack(fileMakerQuantity: number, heldBackUnits: number): number {
	return Math.max(0, fileMakerQuantity - heldBackUnits);
}

/**
 * The hold-back time as a Date. Empty → undefined (hold-back off). Accepts ISO strings, epoch
 * milliseconds, Date and Luxon DateTime-like values (n8n's dateTime parameter gives an ISO string).
 */
export function parseHoldBackSince(value: unknown): Date | undefined {
	if (value === undefined || value === null) return undefined;
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) throw new RangeError('"Hold Back Orders Created Since" is not a valid date');
		return value;
	}
	if (typeof value === 'object') {
		const v = value as { toJSDate?: () => Date; toISO?: () => string };
		if (typeof v.toJSDate === 'function') return parseHoldBackSince(v.toJSDate());
		if (typeof v.toISO === 'function') return parseHoldBackSince(v.toISO());
	}
	if (typeof value === 'number' && Number.isFinite(value)) return new Date(value);
	if (typeof value === 'string') {
		const text = value.trim();
		if (text === '') return undefined;
		if (/^\d{10,}$/.test(text)) return new Date(text.length <= 10 ? Number(text) * 1000 : Number(text));
		const t = Date.parse(text);
		if (!Number.isNaN(t)) return new Date(t);
	}
	throw new RangeError(
		`"Hold Back Orders Created Since" (${String(value)}) is not a date. Use an ISO 8601 time such as 2026-11-24T08:00:00Z, or leave it empty.`,
	);
}

/** "SKUs Not to Write": comma/newline separated text, or an array (from an expression). Exact SKUs, trimmed. */
export function parseSkuList(value: unknown): Set<string> {
	const out = new Set<string>();
	const addOne = (v: unknown) => {
		const sku = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
		if (sku !== '') out.add(sku);
	};
	if (Array.isArray(value)) for (const v of value) addOne(v);
	else if (typeof value === 'string') for (const part of value.split(/[,\n\r]/)) addOne(part);
	else addOne(value);
	return out;
}
