/**
 * In-memory shop: locations, products/variants/inventory items, inventory levels (named
 * quantities), orders/refunds, webhook subscriptions, bulk operations, adjustment groups and
 * idempotency records. Records carry `__typename`, a numeric `_id` and the GraphQL `id` (gid), so
 * they can be handed to graphql-js directly; internal fields start with `_`.
 */
import type { EmulatedClock } from './clock';

export const gid = (type: string, id: number | string): string => `gid://shopify/${type}/${id}`;

export function parseGid(id: unknown): { type: string; id: number; query?: string } | undefined {
	if (typeof id !== 'string') return undefined;
	const m = id.match(/^gid:\/\/shopify\/(\w+)\/(\d+)(?:\?(.*))?$/);
	if (!m) return undefined;
	return { type: m[1], id: Number(m[2]), query: m[3] };
}

/** Stored (base) quantity names; `available` is derived. */
export interface Quantities {
	on_hand: number;
	committed: number;
	reserved: number;
	damaged: number;
	safety_stock: number;
	quality_control: number;
	incoming: number;
}
export const QUANTITY_NAMES = [
	'available',
	'committed',
	'damaged',
	'incoming',
	'on_hand',
	'quality_control',
	'reserved',
	'safety_stock',
] as const;

export interface LocationRec {
	__typename: 'Location';
	_id: number;
	id: string;
	legacyResourceId: string;
	name: string;
	isActive: boolean;
	isPrimary: boolean;
	fulfillsOnlineOrders: boolean;
	hasActiveInventory: boolean;
	shipsInventory: boolean;
	createdAt: string;
	updatedAt: string;
	/** Levels at this location, sorted by item id. */
	_levels: LevelRec[];
}

export interface ProductRec {
	__typename: 'Product';
	_id: number;
	id: string;
	legacyResourceId: string;
	title: string;
	handle: string;
	status: 'ACTIVE';
	vendor: string;
	createdAt: string;
	updatedAt: string;
	_variantIds: number[];
}

export interface VariantRec {
	__typename: 'ProductVariant';
	_id: number;
	id: string;
	legacyResourceId: string;
	sku: string | null;
	title: string;
	displayName: string;
	price: string;
	position: number;
	inventoryPolicy: 'DENY';
	taxable: boolean;
	availableForSale: boolean;
	createdAt: string;
	updatedAt: string;
	_productId: number;
	_itemId: number;
}

export interface ItemRec {
	__typename: 'InventoryItem';
	_id: number;
	id: string;
	legacyResourceId: string;
	sku: string | null;
	tracked: boolean;
	requiresShipping: boolean;
	createdAt: string;
	updatedAt: string;
	_variantId: number;
	/** locationId → level */
	_levels: Map<number, LevelRec>;
}

export interface LevelRec {
	__typename: 'InventoryLevel';
	_id: number;
	id: string;
	isActive: boolean;
	canDeactivate: boolean;
	createdAt: string;
	updatedAt: string;
	_updatedMs: number;
	_itemId: number;
	_locationId: number;
	_q: Quantities;
}

export interface LineItemRec {
	__typename: 'LineItem';
	_id: number;
	id: string;
	sku: string | null;
	title: string;
	name: string;
	quantity: number;
	currentQuantity: number;
	price: string;
	_variantId: number | null;
	_productId: number | null;
	_orderId: number;
}

export type RestockType = 'no_restock' | 'cancel' | 'return' | 'legacy_restock';

export interface RefundLineRec {
	__typename: 'RefundLineItem';
	_id: number;
	id: string;
	quantity: number;
	restockType: 'NO_RESTOCK' | 'CANCEL' | 'RETURN' | 'LEGACY_RESTOCK';
	restocked: boolean;
	_restockType: RestockType;
	_lineItemId: number;
	_locationId: number | null;
}

export interface RefundRec {
	__typename: 'Refund';
	_id: number;
	id: string;
	legacyResourceId: string;
	note: string | null;
	createdAt: string;
	updatedAt: string;
	processedAt: string;
	_orderId: number;
	_lines: RefundLineRec[];
}

export interface OrderRec {
	__typename: 'Order';
	_id: number;
	id: string;
	legacyResourceId: string;
	name: string;
	number: number;
	email: string;
	test: boolean;
	closed: boolean;
	confirmed: boolean;
	createdAt: string;
	updatedAt: string;
	processedAt: string;
	cancelledAt: string | null;
	cancelReason: string | null;
	displayFinancialStatus: string;
	displayFulfillmentStatus: string;
	_createdMs: number;
	_updatedMs: number;
	_token: string;
	_locationId: number | null;
	_lineItems: LineItemRec[];
	_refunds: RefundRec[];
}

export interface WebhookSubRec {
	__typename: 'WebhookSubscription';
	_id: number;
	id: string;
	legacyResourceId: string;
	topic: string;
	uri: string;
	format: 'JSON' | 'XML';
	filter: string | null;
	name: string | null;
	includeFields: string[];
	metafieldNamespaces: string[];
	createdAt: string;
	updatedAt: string;
	_apiVersion: string;
}

export interface BulkOpRec {
	__typename: 'BulkOperation';
	_id: number;
	id: string;
	query: string;
	type: 'QUERY' | 'MUTATION';
	createdAt: string;
	_createdMs: number;
	_runningMs: number;
	_doneMs: number;
	_canceledMs?: number;
	_failed?: 'ACCESS_DENIED' | 'INTERNAL_SERVER_ERROR' | 'TIMEOUT';
	_jsonl: string;
	_objectCount: number;
	_rootObjectCount: number;
	_apiVersion: string;
}

export interface ChangeRec {
	name: string;
	delta: number;
	quantityAfterChange: number | null;
	ledgerDocumentUri: string | null;
	_itemId: number;
	_locationId: number;
}

export interface AdjustmentGroupRec {
	__typename: 'InventoryAdjustmentGroup';
	_id: number;
	id: string;
	reason: string;
	referenceDocumentUri: string | null;
	createdAt: string;
	_changes: ChangeRec[];
}

export interface IdempotencyRec {
	fingerprint: string;
	payload: unknown;
	at: number;
}

export interface SeedItem {
	sku: string;
	available: number;
	onHand?: number;
	committed?: number;
	locationName?: string;
	title?: string;
}

const BASE = {
	location: 70_000_001,
	product: 10_000_001,
	variant: 20_000_001,
	item: 30_000_001,
	level: 40_000_001,
	order: 50_000_001,
	lineItem: 60_000_001,
	refund: 80_000_001,
	refundLine: 81_000_001,
	webhook: 90_000_001,
	bulk: 91_000_001,
	group: 92_000_001,
	transaction: 93_000_001,
} as const;

export function available(q: Quantities): number {
	return q.on_hand - q.committed - q.reserved - q.damaged - q.safety_stock - q.quality_control;
}

export function quantityOf(l: LevelRec, name: string): number {
	if (name === 'available') return available(l._q);
	const v = (l._q as unknown as Record<string, number>)[name];
	return typeof v === 'number' ? v : 0;
}

function insertSorted<T>(list: T[], item: T, key: (t: T) => number): void {
	const k = key(item);
	if (list.length === 0 || key(list[list.length - 1]) < k) {
		list.push(item);
		return;
	}
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (key(list[mid]) < k) lo = mid + 1;
		else hi = mid;
	}
	list.splice(lo, 0, item);
}

export class Store {
	private seq: Record<keyof typeof BASE, number> = { ...BASE };
	locations = new Map<number, LocationRec>();
	products = new Map<number, ProductRec>();
	variants = new Map<number, VariantRec>();
	variantList: VariantRec[] = [];
	items = new Map<number, ItemRec>();
	itemList: ItemRec[] = [];
	productList: ProductRec[] = [];
	levels = new Map<number, LevelRec>();
	/** lower-cased sku → variants (Shopify does not enforce unique SKUs). */
	skuIndex = new Map<string, VariantRec[]>();
	orders = new Map<number, OrderRec>();
	orderList: OrderRec[] = [];
	lineItems = new Map<number, LineItemRec>();
	refunds = new Map<number, RefundRec>();
	subscriptions = new Map<number, WebhookSubRec>();
	bulkOps = new Map<number, BulkOpRec>();
	groups = new Map<number, AdjustmentGroupRec>();
	idempotency = new Map<string, IdempotencyRec>();
	/** Called after a level's quantities changed (emulator fires inventory_levels/update). */
	onLevelChange?: (l: LevelRec) => void;

	constructor(private clock: EmulatedClock) {}

	nowIso(): string {
		return this.clock.iso();
	}

	nowMs(): number {
		return this.clock.now();
	}

	next(kind: keyof typeof BASE): number {
		return this.seq[kind]++;
	}

	// ---------- locations ----------
	locationList(): LocationRec[] {
		return [...this.locations.values()].sort((a, b) => a._id - b._id);
	}

	primaryLocation(): LocationRec | undefined {
		for (const l of this.locations.values()) if (l.isPrimary) return l;
		return this.locations.values().next().value;
	}

	/** Makes `loc` the shop's primary location (the one `location` without an id returns). */
	setPrimaryLocation(loc: LocationRec): void {
		for (const l of this.locations.values()) l.isPrimary = l === loc;
	}

	locationByName(name: string): LocationRec | undefined {
		for (const l of this.locations.values()) if (l.name === name) return l;
		for (const l of this.locations.values()) if (l.name.toLowerCase() === name.toLowerCase()) return l;
		return undefined;
	}

	addLocation(name: string, id?: number): LocationRec {
		const existing = this.locationByName(name);
		if (existing) return existing;
		const _id = id ?? this.next('location');
		if (id !== undefined && id >= this.seq.location) this.seq.location = id + 1;
		const now = this.clock.iso();
		const rec: LocationRec = {
			__typename: 'Location',
			_id,
			id: gid('Location', _id),
			legacyResourceId: String(_id),
			name,
			isActive: true,
			isPrimary: this.locations.size === 0,
			fulfillsOnlineOrders: true,
			hasActiveInventory: true,
			shipsInventory: true,
			createdAt: now,
			updatedAt: now,
			_levels: [],
		};
		this.locations.set(_id, rec);
		return rec;
	}

	ensureDefaultLocation(): LocationRec {
		return this.primaryLocation() ?? this.addLocation('Shop location');
	}

	// ---------- catalogue ----------
	variantsBySku(sku: string): VariantRec[] {
		return this.skuIndex.get(sku.toLowerCase()) ?? [];
	}

	itemBySku(sku: string): ItemRec | undefined {
		const exact = this.variantsBySku(sku).find((v) => v.sku === sku) ?? this.variantsBySku(sku)[0];
		return exact ? this.items.get(exact._itemId) : undefined;
	}

	createProduct(sku: string | null, title: string, now = this.clock.iso()): VariantRec {
		const pid = this.next('product');
		const vid = this.next('variant');
		const iid = this.next('item');
		const product: ProductRec = {
			__typename: 'Product',
			_id: pid,
			id: gid('Product', pid),
			legacyResourceId: String(pid),
			title,
			handle: title
				.toLowerCase()
				.replace(/[^a-z0-9]+/g, '-')
				.replace(/^-|-$/g, ''),
			status: 'ACTIVE',
			vendor: 'Emulator',
			createdAt: now,
			updatedAt: now,
			_variantIds: [vid],
		};
		const variant: VariantRec = {
			__typename: 'ProductVariant',
			_id: vid,
			id: gid('ProductVariant', vid),
			legacyResourceId: String(vid),
			sku,
			title: 'Default Title',
			displayName: `${title} - Default Title`,
			price: '10.00',
			position: 1,
			inventoryPolicy: 'DENY',
			taxable: true,
			availableForSale: true,
			createdAt: now,
			updatedAt: now,
			_productId: pid,
			_itemId: iid,
		};
		const item: ItemRec = {
			__typename: 'InventoryItem',
			_id: iid,
			id: gid('InventoryItem', iid),
			legacyResourceId: String(iid),
			sku,
			tracked: true,
			requiresShipping: true,
			createdAt: now,
			updatedAt: now,
			_variantId: vid,
			_levels: new Map(),
		};
		this.products.set(pid, product);
		this.productList.push(product);
		this.variants.set(vid, variant);
		this.variantList.push(variant);
		this.items.set(iid, item);
		this.itemList.push(item);
		if (sku) {
			const k = sku.toLowerCase();
			const list = this.skuIndex.get(k);
			if (list) list.push(variant);
			else this.skuIndex.set(k, [variant]);
		}
		return variant;
	}

	activate(item: ItemRec, loc: LocationRec, q?: Partial<Quantities>, now = this.clock.iso()): LevelRec {
		let level = item._levels.get(loc._id);
		if (level) return level;
		const _id = this.next('level');
		level = {
			__typename: 'InventoryLevel',
			_id,
			id: `gid://shopify/InventoryLevel/${_id}?inventory_item_id=${item._id}`,
			isActive: true,
			canDeactivate: true,
			createdAt: now,
			updatedAt: now,
			_updatedMs: this.clock.now(),
			_itemId: item._id,
			_locationId: loc._id,
			_q: {
				on_hand: 0,
				committed: 0,
				reserved: 0,
				damaged: 0,
				safety_stock: 0,
				quality_control: 0,
				incoming: 0,
				...q,
			},
		};
		item._levels.set(loc._id, level);
		insertSorted(loc._levels, level, (l) => l._itemId);
		this.levels.set(_id, level);
		return level;
	}

	seed(c: { locations?: { id?: number; name: string; primary?: boolean }[]; items: SeedItem[] }): void {
		for (const l of c.locations ?? []) {
			const loc = this.addLocation(l.name, l.id);
			if (l.primary) this.setPrimaryLocation(loc);
		}
		const now = this.clock.iso();
		const nowMs = this.clock.now();
		for (const it of c.items) {
			const loc = it.locationName
				? (this.locationByName(it.locationName) ?? this.addLocation(it.locationName))
				: this.ensureDefaultLocation();
			let variant = this.variantsBySku(it.sku).find((v) => v.sku === it.sku);
			if (!variant) variant = this.createProduct(it.sku, it.title ?? `Product ${it.sku}`, now);
			const item = this.items.get(variant._itemId)!;
			const level = this.activate(item, loc, undefined, now);
			const committed = it.committed ?? 0;
			const onHand = Math.max(it.onHand ?? it.available + committed, it.available + committed);
			level._q.committed = committed;
			level._q.on_hand = onHand;
			level._q.reserved = onHand - it.available - committed;
			level._q.damaged = 0;
			level._q.safety_stock = 0;
			level._q.quality_control = 0;
			level.updatedAt = now;
			level._updatedMs = nowMs;
		}
	}

	touch(level: LevelRec): void {
		const now = this.clock.iso();
		level.updatedAt = now;
		level._updatedMs = this.clock.now();
		const item = this.items.get(level._itemId);
		if (item) item.updatedAt = now;
		this.onLevelChange?.(level);
	}

	/** Set a named quantity ('available' or 'on_hand'); keeps the other consistent. Returns delta. */
	setQuantity(level: LevelRec, name: 'available' | 'on_hand', value: number): number {
		const before = quantityOf(level, name);
		const delta = value - before;
		level._q.on_hand += delta;
		return delta;
	}

	/** Adjust a named quantity ('available' or 'on_hand') by delta. */
	adjustQuantity(level: LevelRec, _name: 'available' | 'on_hand', delta: number): void {
		// both available and on_hand move together: available = on_hand - committed - unavailable
		level._q.on_hand += delta;
	}

	sell(sku: string, qty: number, locationId?: number): LevelRec {
		const item = this.itemBySku(sku);
		if (!item) throw new Error(`sell(): unknown SKU ${sku}`);
		const loc = locationId !== undefined ? this.locations.get(locationId) : this.primaryLocation();
		if (!loc) throw new Error(`sell(): unknown location ${locationId}`);
		const level = item._levels.get(loc._id);
		if (!level) throw new Error(`sell(): SKU ${sku} is not stocked at ${loc.name}`);
		level._q.committed += qty;
		this.touch(level);
		return level;
	}

	// ---------- orders ----------
	createOrder(o: { lineItems: { sku: string | null; quantity: number }[]; locationId?: number }): OrderRec {
		const loc = o.locationId !== undefined ? this.locations.get(o.locationId) : this.primaryLocation();
		if (o.locationId !== undefined && !loc) throw new Error(`createOrder(): unknown location ${o.locationId}`);
		const _id = this.next('order');
		const nowMs = this.clock.now();
		const now = this.clock.iso(nowMs);
		const number = 1001 + (_id - BASE.order);
		const order: OrderRec = {
			__typename: 'Order',
			_id,
			id: gid('Order', _id),
			legacyResourceId: String(_id),
			name: `#${number}`,
			number,
			email: 'customer@example.com',
			test: false,
			closed: false,
			confirmed: true,
			createdAt: now,
			updatedAt: now,
			processedAt: now,
			cancelledAt: null,
			cancelReason: null,
			displayFinancialStatus: 'PAID',
			displayFulfillmentStatus: 'UNFULFILLED',
			_createdMs: nowMs,
			_updatedMs: nowMs,
			_token: `tok${_id.toString(16)}`,
			_locationId: loc ? loc._id : null,
			_lineItems: [],
			_refunds: [],
		};
		for (const li of o.lineItems) {
			const variant = li.sku ? this.variantsBySku(li.sku).find((v) => v.sku === li.sku) : undefined;
			const product = variant ? this.products.get(variant._productId) : undefined;
			const lid = this.next('lineItem');
			const title = product?.title ?? (li.sku ? `Item ${li.sku}` : 'Custom item');
			const line: LineItemRec = {
				__typename: 'LineItem',
				_id: lid,
				id: gid('LineItem', lid),
				sku: li.sku,
				title,
				name: title,
				quantity: li.quantity,
				currentQuantity: li.quantity,
				price: variant?.price ?? '10.00',
				_variantId: variant ? variant._id : null,
				_productId: product ? product._id : null,
				_orderId: _id,
			};
			order._lineItems.push(line);
			this.lineItems.set(lid, line);
			if (variant && loc) {
				const item = this.items.get(variant._itemId);
				const level = item?._levels.get(loc._id);
				if (item?.tracked && level) {
					level._q.committed += li.quantity;
					this.touch(level);
				}
			}
		}
		this.orders.set(_id, order);
		this.orderList.push(order);
		return order;
	}

	private restock(order: OrderRec, line: LineItemRec, qty: number, type: RestockType): boolean {
		if (type === 'no_restock' || qty <= 0 || line._variantId === null || order._locationId === null) return false;
		const variant = this.variants.get(line._variantId);
		const item = variant ? this.items.get(variant._itemId) : undefined;
		const level = item?._levels.get(order._locationId);
		if (!item || !level || !item.tracked) return false;
		// No fulfilment model: every unit of an order stays committed until it is refunded or cancelled.
		// 'cancel' releases committed units back to available; 'return' (and legacy_restock) of a unit
		// the emulator never fulfilled does the same (fulfil + return nets out); units beyond what is
		// still committed come back on hand.
		const release = Math.min(qty, level._q.committed);
		level._q.committed -= release;
		level._q.on_hand += qty - release;
		this.touch(level);
		return true;
	}

	refundOrder(
		orderId: number,
		lines: { lineItemId: number; quantity: number; restockType: RestockType }[],
		note: string | null = null,
	): RefundRec {
		const order = this.orders.get(orderId);
		if (!order) throw new Error(`refundOrder(): unknown order ${orderId}`);
		for (const l of lines) {
			const line = order._lineItems.find((x) => x._id === l.lineItemId);
			if (!line) throw new Error(`refundOrder(): line item ${l.lineItemId} is not on order ${orderId}`);
			if (l.quantity > line.currentQuantity)
				throw new Error(
					`refundOrder(): cannot refund ${l.quantity} of line item ${l.lineItemId} (only ${line.currentQuantity} left)`,
				);
		}
		const _id = this.next('refund');
		const nowMs = this.clock.now();
		const now = this.clock.iso(nowMs);
		const refund: RefundRec = {
			__typename: 'Refund',
			_id,
			id: gid('Refund', _id),
			legacyResourceId: String(_id),
			note,
			createdAt: now,
			updatedAt: now,
			processedAt: now,
			_orderId: orderId,
			_lines: [],
		};
		for (const l of lines) {
			const line = order._lineItems.find((x) => x._id === l.lineItemId)!;
			line.currentQuantity -= l.quantity;
			const restocked = this.restock(order, line, l.quantity, l.restockType);
			const rid = this.next('refundLine');
			refund._lines.push({
				__typename: 'RefundLineItem',
				_id: rid,
				id: gid('RefundLineItem', rid),
				quantity: l.quantity,
				restockType: l.restockType.toUpperCase() as RefundLineRec['restockType'],
				restocked,
				_restockType: l.restockType,
				_lineItemId: line._id,
				_locationId: l.restockType === 'no_restock' ? null : order._locationId,
			});
		}
		order._refunds.push(refund);
		this.refunds.set(_id, refund);
		order.updatedAt = now;
		order._updatedMs = nowMs;
		if (order._lineItems.every((x) => x.currentQuantity === 0)) order.displayFinancialStatus = 'REFUNDED';
		else order.displayFinancialStatus = 'PARTIALLY_REFUNDED';
		return refund;
	}

	cancelOrder(orderId: number): { order: OrderRec; refund: RefundRec | undefined } {
		const order = this.orders.get(orderId);
		if (!order) throw new Error(`cancelOrder(): unknown order ${orderId}`);
		if (order.cancelledAt) return { order, refund: undefined };
		const lines = order._lineItems
			.filter((l) => l.currentQuantity > 0)
			.map((l) => ({ lineItemId: l._id, quantity: l.currentQuantity, restockType: 'cancel' as const }));
		const refund = lines.length ? this.refundOrder(orderId, lines, 'Order canceled') : undefined;
		const nowMs = this.clock.now();
		const now = this.clock.iso(nowMs);
		order.cancelledAt = now;
		order.cancelReason = 'CUSTOMER';
		order.closed = true;
		order.displayFinancialStatus = 'REFUNDED';
		order.updatedAt = now;
		order._updatedMs = nowMs;
		return { order, refund };
	}
}
