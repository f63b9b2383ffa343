/** Shopify inventory levels as the node uses them, and parsing of GraphQL / JSONL shapes (pure). */

export interface ShopifyLevel {
	sku: string;
	inventoryItemId: string;
	variantId?: string;
	available: number;
	onHand?: number;
	/** `InventoryItem.tracked` (false: Shopify keeps no quantities for it; undefined: not read). */
	tracked?: boolean;
	/** A variant of the item requires components (a bundle parent: Shopify refuses writes to it). */
	requiresComponents?: boolean;
}

function toInt(v: unknown): number | undefined {
	if (typeof v === 'number' && Number.isFinite(v)) return v;
	if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
	return undefined;
}

/** `quantities(names: [...]) { name quantity }` → { available, onHand }. */
export function readQuantities(quantities: unknown): { available?: number; onHand?: number } {
	const out: { available?: number; onHand?: number } = {};
	if (!Array.isArray(quantities)) return out;
	for (const q of quantities) {
		if (!q || typeof q !== 'object') continue;
		const { name, quantity } = q as { name?: unknown; quantity?: unknown };
		const value = toInt(quantity);
		if (name === 'available') out.available = value;
		else if (name === 'on_hand') out.onHand = value;
	}
	return out;
}

function firstVariantId(item: Record<string, unknown>): string | undefined {
	const variants = item.variants as { nodes?: unknown; edges?: unknown } | undefined;
	if (variants && Array.isArray(variants.nodes) && variants.nodes.length > 0) {
		const id = (variants.nodes[0] as { id?: unknown }).id;
		if (typeof id === 'string') return id;
	}
	if (variants && Array.isArray(variants.edges) && variants.edges.length > 0) {
		const id = (variants.edges[0] as { node?: { id?: unknown } }).node?.id;
		if (typeof id === 'string') return id;
	}
	const variant = item.variant as { id?: unknown } | undefined;
	if (variant && typeof variant.id === 'string') return variant.id;
	return undefined;
}

/** Whether any variant of the item (`variant`, `variants.nodes`, `variants.edges`) requires components. */
export function itemRequiresComponents(item: Record<string, unknown>): boolean | undefined {
	let seen = false;
	/** true: a variant requires components (the answer); else notes a `false`. */
	const found = (v: unknown): boolean => {
		const flag = (v as { requiresComponents?: unknown } | null | undefined)?.requiresComponents;
		if (flag === false) seen = true;
		return flag === true;
	};
	const variants = item.variants as { nodes?: unknown; edges?: unknown } | undefined;
	if (variants && Array.isArray(variants.nodes)) for (const v of variants.nodes) if (found(v)) return true;
	if (variants && Array.isArray(variants.edges)) for (const e of variants.edges) if (found((e as { node?: unknown })?.node)) return true;
	if (item.variant && found(item.variant)) return true;
	return seen ? false : undefined;
}

/** The level of an inventory item (`id`, `sku`, variants) with the `quantities` of one location. */
function levelOf(item: Record<string, unknown> & { id: string }, quantities: unknown): ShopifyLevel {
	const q = readQuantities(quantities);
	const level: ShopifyLevel = {
		sku: typeof item.sku === 'string' ? item.sku.trim() : '',
		inventoryItemId: item.id,
		variantId: firstVariantId(item),
		available: q.available ?? 0,
		onHand: q.onHand,
	};
	if (typeof item.tracked === 'boolean') level.tracked = item.tracked;
	const requiresComponents = itemRequiresComponents(item);
	if (requiresComponents !== undefined) level.requiresComponents = requiresComponents;
	return level;
}

/** A node of `location.inventoryLevels` → level (undefined when the item has no id). */
export function levelFromLevelNode(node: unknown): ShopifyLevel | undefined {
	if (!node || typeof node !== 'object') return undefined;
	const n = node as Record<string, unknown>;
	const item = (n.item ?? {}) as Record<string, unknown>;
	if (typeof item.id !== 'string') return undefined;
	return levelOf(item as Record<string, unknown> & { id: string }, n.quantities);
}

/** A node of `inventoryItems` with `inventoryLevel(locationId:)` → level (undefined if not stocked there). */
export function levelFromItemNode(node: unknown): ShopifyLevel | undefined {
	if (!node || typeof node !== 'object') return undefined;
	const item = node as Record<string, unknown>;
	if (typeof item.id !== 'string') return undefined;
	const level = item.inventoryLevel as Record<string, unknown> | null | undefined;
	if (!level) return undefined;
	return levelOf(item as Record<string, unknown> & { id: string }, level.quantities);
}

/** Normalizes a location given as gid, numeric id or legacy URL to `gid://shopify/Location/N`. */
export function toLocationGid(value: unknown): string | undefined {
	if (typeof value === 'number' && Number.isInteger(value) && value > 0) return `gid://shopify/Location/${value}`;
	if (typeof value !== 'string') return undefined;
	const v = value.trim();
	if (/^\d+$/.test(v)) return `gid://shopify/Location/${v}`;
	const m = /^gid:\/\/shopify\/Location\/(\d+)(\?.*)?$/i.exec(v);
	if (m) return `gid://shopify/Location/${m[1]}`;
	const url = /\/locations\/(\d+)/.exec(v);
	if (url) return `gid://shopify/Location/${url[1]}`;
	return undefined;
}

/** An empty Location parameter (the shop's primary location is meant). */
export function isEmptyLocation(raw: unknown): boolean {
	return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

/** The location name a resource locator remembers from the list it was picked from (else null). */
export function locatorCachedName(locator: unknown): string | null {
	const cachedName =
		locator && typeof locator === 'object' ? (locator as { cachedResultName?: unknown }).cachedResultName : undefined;
	return typeof cachedName === 'string' && cachedName !== '' ? cachedName : null;
}

/** A level as an output item of the Get and Get Many operations. */
export function levelJson(level: ShopifyLevel, locationId: string): Record<string, unknown> {
	return {
		sku: level.sku,
		inventoryItemId: level.inventoryItemId,
		variantId: level.variantId ?? null,
		locationId,
		available: level.available,
		onHand: level.onHand ?? null,
	};
}

/** Search syntax for an exact SKU (quotes and backslashes escaped). */
export function skuSearchQuery(sku: string): string {
	return `sku:"${sku.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
