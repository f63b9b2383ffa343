/**
 * In-memory shop: locations, products/variants/inventory items, inventory levels (named
 * quantities), orders/refunds, webhook subscriptions, bulk operations, adjustment groups and
 * idempotency records. Records carry `__typename`, a numeric `_id` and the GraphQL `id` (gid), so
 * they can be handed to graphql-js directly; internal fields start with `_`.
 */
import type { MetafieldRec } from './metafields';
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
	/** Bundle parent: stock computed from components, never writable through the API. */
	requiresComponents: boolean;
	/** A gift card variant (orders carry `gift_card: true`; no stock moves). */
	_giftCard: boolean;
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
	/** Deleted (its product/variant was deleted): every write answers INVALID_INVENTORY_ITEM. */
	_deleted?: boolean;
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
	/** Inventory item whose stock this line moves (null: custom line, untracked or gift card). */
	_itemId: number | null;
	/** Whether Shopify tracked the item when the line was created (`variant_inventory_management`). */
	_tracked: boolean;
	isGiftCard: boolean;
	/** Units fulfilled and not yet returned or refunded. */
	_fulfilled: number;
	/** Units returned through the returns flow (disposed) and not yet refunded. */
	_returned: number;
}

export type FinancialStatus = 'pending' | 'paid' | 'partially_refunded' | 'refunded' | 'voided';

export type DispositionType = 'RESTOCKED' | 'NOT_RESTOCKED' | 'MISSING' | 'PROCESSING_REQUIRED';

export interface ReturnLineRec {
	_id: number;
	id: string;
	quantity: number;
	/** Units of this line disposed so far. */
	_disposed: number;
	_lineItemId: number;
	_rfoLineId: number;
}

export interface DispositionRec {
	_id: number;
	type: DispositionType;
	quantity: number;
	_locationId: number | null;
	_rfoLineId: number;
	_lineItemId: number;
}

export interface ReturnRec {
	__typename: 'Return';
	_id: number;
	id: string;
	name: string;
	status: 'OPEN' | 'CLOSED' | 'CANCELED';
	createdAt: string;
	closedAt: string | null;
	_orderId: number;
	_rfoId: number;
	_lines: ReturnLineRec[];
	_dispositions: DispositionRec[];
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
	/** An online order: fulfilled from `_locationId` (its fulfillment order), but no retail location. */
	_online?: boolean;
	_lineItems: LineItemRec[];
	_refunds: RefundRec[];
	_financial: FinancialStatus;
	_returns: ReturnRec[];
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
	/** Pending re-read of the result at completion (switch bulkReadsAt 'completion'). */
	_refreshAtCompletion?: () => Promise<void>;
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
	return: 94_000_001,
	returnLine: 95_000_001,
	rfo: 96_000_001,
	rfoLine: 97_000_001,
	disposition: 98_000_001,
} as const;

/**
 * Stock rules that Shopify's documentation leaves open; each is a switch (see README "Documented vs
 * assumed"). The emulator keeps one instance per store and `setOptions({ stockRules })` patches it.
 */
export interface StockRules {
	/** Refund of unfulfilled units with restock_type no_restock: 'consume' (committed −q, on_hand −q; default) or 'keep-committed'. */
	unfulfilledNoRestock: 'consume' | 'keep-committed';
	/** userError code for inventorySet/AdjustQuantities on an untracked item; null = accepted (default NON_MUTABLE_INVENTORY_ITEM). */
	untrackedItemError: 'NON_MUTABLE_INVENTORY_ITEM' | 'INVALID_INVENTORY_ITEM' | null;
	/** One bad row fails the whole inventory mutation (default true); false = valid rows applied, bad rows reported. */
	allOrNothing: boolean;
	/** A repeated @idempotent key on inventoryAdjustQuantities is applied again (the public report); default false. */
	reapplyRepeatedAdjustKey: boolean;
	/** Protected customer data approval; false = ORDERS_* subscriptions refused and orders hidden. */
	protectedCustomerDataApproved: boolean;
	/** Order reads without approval: 'empty' (no orders; default) or 'access-denied' (ACCESS_DENIED error). */
	unapprovedOrderReads: 'empty' | 'access-denied';
	/**
	 * How a cancellation is recorded: 'refund' (default: a refund with restock_type cancel / no_restock for
	 * the unfulfilled units) or 'none' (no refund; the units are released and the cancelled order keeps
	 * reporting them as fulfillable, like Shopify's example orders/cancelled payload). Undocumented.
	 */
	cancellationRecord: 'refund' | 'none';
	/** Injected retryable userErrors (ADJUST_QUANTITIES_FAILED / SERVICE_UNAVAILABLE), consumed in order. */
	injectedInventoryErrors: { code: string; mutation: 'set' | 'adjust' | 'any'; times: number; when?: (rows: number) => boolean }[];
}

export const DEFAULT_STOCK_RULES: Omit<StockRules, 'injectedInventoryErrors'> = {
	unfulfilledNoRestock: 'consume',
	untrackedItemError: 'NON_MUTABLE_INVENTORY_ITEM',
	allOrNothing: true,
	reapplyRepeatedAdjustKey: false,
	protectedCustomerDataApproved: true,
	unapprovedOrderReads: 'empty',
	cancellationRecord: 'refund',
};

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
	/** Metafields by metafieldStoreKey(ownerId, namespace, key) (metafields.ts). */
	metafields = new Map<string, MetafieldRec>();
	returns = new Map<number, ReturnRec>();
	rules: StockRules = { ...DEFAULT_STOCK_RULES, injectedInventoryErrors: [] };
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
			requiresComponents: false,
			_giftCard: false,
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
	private levelOf(itemId: number | null, locationId: number | null): LevelRec | undefined {
		if (itemId === null || locationId === null) return undefined;
		return this.items.get(itemId)?._levels.get(locationId);
	}

	/** Moves a line's stock at the order's location (no-op for custom, untracked, gift-card or unstocked lines). */
	private moveStock(order: OrderRec, line: LineItemRec, d: { committed?: number; on_hand?: number }, atLocationId?: number | null): void {
		if (!line._tracked) return;
		const level = this.levelOf(line._itemId, atLocationId ?? order._locationId);
		if (!level) return;
		level._q.committed += d.committed ?? 0;
		level._q.on_hand += d.on_hand ?? 0;
		if (d.committed || d.on_hand) this.touch(level);
	}

	/** Units of a line still waiting for fulfilment. */
	unfulfilled(line: LineItemRec): number {
		return Math.max(0, line.currentQuantity - line._fulfilled - line._returned);
	}

	private newLine(
		orderId: number,
		li: { sku?: string | null; inventoryItemId?: number; quantity: number; giftCard?: boolean; title?: string; price?: string },
	): LineItemRec {
		let variant: VariantRec | undefined;
		if (li.inventoryItemId !== undefined) {
			const item = this.items.get(li.inventoryItemId);
			if (!item) throw new Error(`order: unknown inventory item ${li.inventoryItemId}`);
			variant = this.variants.get(item._variantId);
		} else if (li.sku) variant = this.variantsBySku(li.sku).find((v) => v.sku === li.sku);
		const item = variant ? this.items.get(variant._itemId) : undefined;
		const product = variant ? this.products.get(variant._productId) : undefined;
		const giftCard = li.giftCard ?? variant?._giftCard ?? false;
		const sku = li.sku !== undefined ? li.sku : (variant?.sku ?? null);
		const lid = this.next('lineItem');
		const title = li.title ?? product?.title ?? (giftCard ? 'Gift card' : sku ? `Item ${sku}` : 'Custom item');
		const tracked = Boolean(item && item.tracked && !giftCard && !item._deleted);
		const line: LineItemRec = {
			__typename: 'LineItem',
			_id: lid,
			id: gid('LineItem', lid),
			sku,
			title,
			name: title,
			quantity: li.quantity,
			currentQuantity: li.quantity,
			price: li.price ?? variant?.price ?? '10.00',
			_variantId: variant ? variant._id : null,
			_productId: product ? product._id : null,
			_orderId: orderId,
			_itemId: item ? item._id : null,
			_tracked: tracked,
			isGiftCard: giftCard,
			_fulfilled: 0,
			_returned: 0,
		};
		this.lineItems.set(lid, line);
		return line;
	}

	private touchOrder(order: OrderRec): void {
		const nowMs = this.clock.now();
		order._updatedMs = Math.max(nowMs, order._updatedMs + 1);
		order.updatedAt = this.clock.iso(order._updatedMs);
	}

	createOrder(o: {
		lineItems: { sku?: string | null; inventoryItemId?: number; quantity: number; giftCard?: boolean; title?: string; price?: string }[];
		locationId?: number;
		financialStatus?: 'pending' | 'paid';
		/** Online order: `locationId` is where it is fulfilled from (fulfillment order), not a retail location. */
		online?: boolean;
	}): OrderRec {
		const loc = o.locationId !== undefined ? this.locations.get(o.locationId) : this.primaryLocation();
		if (o.locationId !== undefined && !loc) throw new Error(`createOrder(): unknown location ${o.locationId}`);
		const _id = this.next('order');
		const nowMs = this.clock.now();
		const now = this.clock.iso(nowMs);
		const number = 1001 + (_id - BASE.order);
		const financial = o.financialStatus ?? 'paid';
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
			displayFinancialStatus: financial.toUpperCase(),
			displayFulfillmentStatus: 'UNFULFILLED',
			_createdMs: nowMs,
			_updatedMs: nowMs,
			_token: `tok${_id.toString(16)}`,
			_locationId: loc ? loc._id : null,
			...(o.online ? { _online: true } : {}),
			_lineItems: [],
			_refunds: [],
			_financial: financial,
			_returns: [],
		};
		for (const li of o.lineItems) {
			const line = this.newLine(_id, li);
			order._lineItems.push(line);
			// Shopify commits stock when the order is created, paid or not.
			this.moveStock(order, line, { committed: line.quantity });
		}
		this.orders.set(_id, order);
		this.orderList.push(order);
		return order;
	}

	order(orderId: number): OrderRec {
		const order = this.orders.get(orderId);
		if (!order) throw new Error(`unknown order ${orderId}`);
		return order;
	}

	private line(order: OrderRec, lineItemId: number): LineItemRec {
		const line = order._lineItems.find((x) => x._id === lineItemId);
		if (!line) throw new Error(`line item ${lineItemId} is not on order ${order._id}`);
		return line;
	}

	private setFinancial(order: OrderRec, f: FinancialStatus): void {
		order._financial = f;
		order.displayFinancialStatus = f.toUpperCase();
	}

	private refreshFulfillmentStatus(order: OrderRec): void {
		const fulfilled = order._lineItems.reduce((s, l) => s + l._fulfilled + l._returned, 0);
		const open = order._lineItems.reduce((s, l) => s + this.unfulfilled(l), 0);
		order.displayFulfillmentStatus = fulfilled === 0 ? 'UNFULFILLED' : open === 0 ? 'FULFILLED' : 'PARTIALLY_FULFILLED';
	}

	payOrder(orderId: number): OrderRec {
		const order = this.order(orderId);
		if (order._financial !== 'pending') throw new Error(`payOrder(): order ${orderId} is ${order._financial}, not pending`);
		this.setFinancial(order, 'paid');
		this.touchOrder(order);
		return order;
	}

	/** Fulfils `lines` (default: every unfulfilled unit): committed −q and on_hand −q. */
	fulfilOrder(orderId: number, lines?: { lineItemId: number; quantity: number }[]): OrderRec {
		const order = this.order(orderId);
		if (order.cancelledAt) throw new Error(`fulfilOrder(): order ${orderId} is cancelled`);
		const todo = lines ?? order._lineItems.map((l) => ({ lineItemId: l._id, quantity: this.unfulfilled(l) }));
		for (const t of todo) {
			const line = this.line(order, t.lineItemId);
			if (t.quantity > this.unfulfilled(line))
				throw new Error(`fulfilOrder(): only ${this.unfulfilled(line)} unit(s) of line item ${t.lineItemId} are unfulfilled`);
		}
		for (const t of todo) {
			if (t.quantity <= 0) continue;
			const line = this.line(order, t.lineItemId);
			line._fulfilled += t.quantity;
			this.moveStock(order, line, { committed: -t.quantity, on_hand: -t.quantity });
		}
		this.refreshFulfillmentStatus(order);
		this.touchOrder(order);
		return order;
	}

	/**
	 * Stock effect of refunding `qty` units of a line with `type`:
	 * - cancel: unfulfilled units, committed → available;
	 * - return / legacy_restock: fulfilled units back on hand (available +q, on_hand +q); units beyond the
	 *   fulfilled ones are unfulfilled and released from committed like `cancel`;
	 * - no_restock: returned-flow units first (already disposed), then unfulfilled units (rule
	 *   `unfulfilledNoRestock`), then fulfilled units (no stock change).
	 */
	private restock(order: OrderRec, line: LineItemRec, qty: number, type: RestockType, restockLocationId?: number | null): boolean {
		if (qty <= 0) return false;
		if (type === 'cancel') {
			const u = Math.min(qty, this.unfulfilled(line));
			this.moveStock(order, line, { committed: -u });
			return line._tracked && u > 0;
		}
		if (type === 'return' || type === 'legacy_restock') {
			const f = Math.min(qty, line._fulfilled);
			line._fulfilled -= f;
			const u = Math.min(qty - f, this.unfulfilled(line));
			const r = qty - f - u;
			line._returned -= Math.min(r, line._returned);
			// Unfulfilled units leave `committed` where they were committed; returned units go back on hand
			// at the refund line's restock location (default: the order's).
			this.moveStock(order, line, { committed: -u });
			this.moveStock(order, line, { on_hand: f + r }, restockLocationId);
			return line._tracked;
		}
		const a = Math.min(qty, line._returned);
		line._returned -= a;
		const u = Math.min(qty - a, this.unfulfilled(line));
		const f = Math.min(qty - a - u, line._fulfilled);
		line._fulfilled -= f;
		if (this.rules.unfulfilledNoRestock === 'consume') this.moveStock(order, line, { committed: -u, on_hand: -u });
		return false;
	}

	refundOrder(
		orderId: number,
		lines: { lineItemId: number; quantity: number; restockType: RestockType; locationId?: number }[],
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
			if (l.restockType === 'cancel' && l.quantity > this.unfulfilled(line))
				throw new Error(`refundOrder(): restock_type cancel needs unfulfilled units; line item ${l.lineItemId} has ${this.unfulfilled(line)}`);
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
			const restocked = this.restock(order, line, l.quantity, l.restockType, l.locationId);
			line.currentQuantity -= l.quantity;
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
				_locationId: l.restockType === 'no_restock' ? null : (l.locationId ?? order._locationId),
			});
		}
		order._refunds.push(refund);
		this.refunds.set(_id, refund);
		this.touchOrder(order);
		if (order._lineItems.every((x) => x.currentQuantity === 0)) this.setFinancial(order, order._financial === 'pending' ? 'voided' : 'refunded');
		else if (order._financial !== 'pending') this.setFinancial(order, 'partially_refunded');
		this.refreshFulfillmentStatus(order);
		return refund;
	}

	/**
	 * Cancels an order. Unfulfilled units are refunded with restock_type `cancel` (`restock: false` →
	 * `no_restock`); fulfilled units stay with the customer (they come back through a return).
	 */
	cancelOrder(orderId: number, o: { restock?: boolean } = {}): { order: OrderRec; refund: RefundRec | undefined } {
		const order = this.orders.get(orderId);
		if (!order) throw new Error(`cancelOrder(): unknown order ${orderId}`);
		if (order.cancelledAt) return { order, refund: undefined };
		const wasPending = order._financial === 'pending';
		const restockType: RestockType = o.restock === false ? 'no_restock' : 'cancel';
		const lines = order._lineItems
			.filter((l) => this.unfulfilled(l) > 0)
			.map((l) => ({ lineItemId: l._id, quantity: this.unfulfilled(l), restockType }));
		let refund: RefundRec | undefined;
		if (this.rules.cancellationRecord === 'none') {
			// Released without a refund record (restock: back to available; no restock: consumed).
			for (const l of lines) {
				const line = this.line(order, l.lineItemId);
				this.moveStock(order, line, restockType === 'cancel' ? { committed: -l.quantity } : { committed: -l.quantity, on_hand: -l.quantity });
			}
		} else if (lines.length) refund = this.refundOrder(orderId, lines, 'Order canceled');
		const nowMs = this.clock.now();
		const now = this.clock.iso(nowMs);
		order.cancelledAt = now;
		order.cancelReason = 'CUSTOMER';
		order.closed = true;
		const anyKept = order._lineItems.some((l) => l.currentQuantity > 0);
		this.setFinancial(order, wasPending ? 'voided' : anyKept ? 'partially_refunded' : 'refunded');
		this.touchOrder(order);
		return { order, refund };
	}

	/**
	 * Order edit: `changes` set a line's new quantity (lower only; restock default true returns the
	 * units to available, false consumes them), `additions` add lines (committed +q).
	 */
	editOrder(
		orderId: number,
		e: {
			changes?: { lineItemId: number; quantity: number; restock?: boolean }[];
			additions?: { sku?: string | null; inventoryItemId?: number; quantity: number; giftCard?: boolean; title?: string }[];
		},
	): { order: OrderRec; additions: { line: LineItemRec; delta: number }[]; removals: { line: LineItemRec; delta: number }[] } {
		const order = this.order(orderId);
		if (order.cancelledAt) throw new Error(`editOrder(): order ${orderId} is cancelled`);
		const removals: { line: LineItemRec; delta: number }[] = [];
		const additions: { line: LineItemRec; delta: number }[] = [];
		for (const c of e.changes ?? []) {
			const line = this.line(order, c.lineItemId);
			const delta = line.currentQuantity - c.quantity;
			if (delta < 0) throw new Error('editOrder(): raising a line quantity is not emulated; add a line instead');
			if (delta > this.unfulfilled(line)) throw new Error(`editOrder(): only unfulfilled units can be removed (line item ${c.lineItemId})`);
		}
		for (const c of e.changes ?? []) {
			const line = this.line(order, c.lineItemId);
			const delta = line.currentQuantity - c.quantity;
			if (delta === 0) continue;
			this.moveStock(order, line, c.restock === false ? { committed: -delta, on_hand: -delta } : { committed: -delta });
			line.currentQuantity -= delta;
			removals.push({ line, delta });
		}
		for (const a of e.additions ?? []) {
			const line = this.newLine(orderId, a);
			order._lineItems.push(line);
			this.moveStock(order, line, { committed: line.quantity });
			additions.push({ line, delta: line.quantity });
		}
		this.refreshFulfillmentStatus(order);
		this.touchOrder(order);
		return { order, additions, removals };
	}

	/** A return of fulfilled units (Shopify's returns flow; `returnCreate`): status OPEN, one reverse fulfillment order. */
	createReturn(orderId: number, lines: { lineItemId: number; quantity: number }[]): ReturnRec {
		const order = this.order(orderId);
		for (const l of lines) {
			const line = this.line(order, l.lineItemId);
			const inOpenReturns = order._returns
				.filter((r) => r.status === 'OPEN')
				.flatMap((r) => r._lines)
				.filter((x) => x._lineItemId === line._id)
				.reduce((s, x) => s + x.quantity - x._disposed, 0);
			if (l.quantity > line._fulfilled - inOpenReturns)
				throw new Error(`createReturn(): line item ${l.lineItemId} has ${line._fulfilled - inOpenReturns} fulfilled unit(s) that can be returned`);
		}
		const _id = this.next('return');
		const ret: ReturnRec = {
			__typename: 'Return',
			_id,
			id: gid('Return', _id),
			name: `${order.name}-R${order._returns.length + 1}`,
			status: 'OPEN',
			createdAt: this.nowIso(),
			closedAt: null,
			_orderId: orderId,
			_rfoId: this.next('rfo'),
			_lines: lines.map((l) => {
				const rid = this.next('returnLine');
				return { _id: rid, id: gid('ReturnLineItem', rid), quantity: l.quantity, _disposed: 0, _lineItemId: l.lineItemId, _rfoLineId: this.next('rfoLine') };
			}),
			_dispositions: [],
		};
		order._returns.push(ret);
		this.returns.set(_id, ret);
		this.touchOrder(order);
		return ret;
	}

	/**
	 * `reverseFulfillmentOrderDispose`: RESTOCKED puts the units back on hand at `locationId` (default the
	 * order's location): available +q, on_hand +q. Other dispositions move no stock.
	 */
	disposeReturn(
		returnId: number,
		items: { lineItemId: number; quantity: number; disposition: DispositionType; locationId?: number }[],
	): { ret: ReturnRec; dispositions: DispositionRec[] } {
		const ret = this.returns.get(returnId);
		if (!ret) throw new Error(`disposeReturn(): unknown return ${returnId}`);
		const order = this.order(ret._orderId);
		for (const it of items) {
			const rl = ret._lines.find((x) => x._lineItemId === it.lineItemId);
			if (!rl) throw new Error(`disposeReturn(): line item ${it.lineItemId} is not on return ${returnId}`);
			if (it.quantity > rl.quantity - rl._disposed) throw new Error(`disposeReturn(): only ${rl.quantity - rl._disposed} unit(s) left to dispose`);
		}
		const out: DispositionRec[] = [];
		for (const it of items) {
			const rl = ret._lines.find((x) => x._lineItemId === it.lineItemId)!;
			const line = this.line(order, it.lineItemId);
			rl._disposed += it.quantity;
			line._fulfilled -= it.quantity;
			line._returned += it.quantity;
			const locId = it.disposition === 'RESTOCKED' ? (it.locationId ?? order._locationId) : null;
			if (it.disposition === 'RESTOCKED' && line._tracked && locId !== null) {
				const level = this.levelOf(line._itemId, locId);
				if (level) {
					level._q.on_hand += it.quantity;
					this.touch(level);
				}
			}
			const d: DispositionRec = { _id: this.next('disposition'), type: it.disposition, quantity: it.quantity, _locationId: locId, _rfoLineId: rl._rfoLineId, _lineItemId: line._id };
			ret._dispositions.push(d);
			out.push(d);
		}
		this.touchOrder(order);
		return { ret, dispositions: out };
	}

	closeReturn(returnId: number): ReturnRec {
		const ret = this.returns.get(returnId);
		if (!ret) throw new Error(`closeReturn(): unknown return ${returnId}`);
		ret.status = 'CLOSED';
		ret.closedAt = this.nowIso();
		this.touchOrder(this.order(ret._orderId));
		return ret;
	}
}
