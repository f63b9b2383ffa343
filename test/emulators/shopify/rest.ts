/**
 * Legacy REST Admin API subset: inventory_levels.json (list, Link-header cursor pagination),
 * inventory_levels/set.json, inventory_levels/adjust.json, shop.json. The leaky bucket (40, 2/s) is
 * applied by the caller (index.ts).
 */
import { available, quantityOf, type LevelRec, type Store } from './store';
import { restTime, stringifyIds } from './webhooks';

export interface RestResponse {
	status: number;
	headers?: Record<string, string>;
	body: unknown;
}

export interface RestContext {
	store: Store;
	baseUrl: string;
	version: string;
	shopDomain: string;
	numbersAsStrings: boolean;
}

const MAX_LIMIT = 250;

function levelJson(l: LevelRec): Record<string, unknown> {
	return {
		inventory_item_id: l._itemId,
		location_id: l._locationId,
		available: available(l._q),
		updated_at: restTime(l.updatedAt),
		admin_graphql_api_id: l.id,
	};
}

function out(ctx: RestContext, status: number, body: unknown, headers?: Record<string, string>): RestResponse {
	return { status, headers, body: ctx.numbersAsStrings ? stringifyIds(body) : body };
}

const idList = (s: string | null): number[] | undefined =>
	s === null || s === ''
		? undefined
		: s
				.split(',')
				.map((x) => x.trim())
				.filter(Boolean)
				.map(Number);

interface PageInfo {
	items?: number[];
	locations?: number[];
	updatedAtMin?: number;
	after?: [number, number];
	before?: [number, number];
}

const encodePage = (p: PageInfo) => Buffer.from(JSON.stringify(p)).toString('base64url');
function decodePage(s: string): PageInfo | undefined {
	try {
		return JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as PageInfo;
	} catch {
		return undefined;
	}
}

const cmpKey = (a: [number, number], b: [number, number]) => (a[0] - b[0] !== 0 ? a[0] - b[0] : a[1] - b[1]);

export function listInventoryLevels(ctx: RestContext, params: URLSearchParams): RestResponse {
	const limit = params.has('limit') ? Number(params.get('limit')) : 50;
	if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
		return out(ctx, 400, { errors: { limit: [`must be between 1 and ${MAX_LIMIT}`] } });
	let page: PageInfo;
	const pageInfo = params.get('page_info');
	if (pageInfo) {
		const p = decodePage(pageInfo);
		if (!p) return out(ctx, 400, { errors: { page_info: ['Invalid value.'] } });
		page = p;
	} else {
		const items = idList(params.get('inventory_item_ids'));
		const locations = idList(params.get('location_ids'));
		if (!items && !locations)
			return out(ctx, 422, { errors: { base: ['One of inventory_item_ids or location_ids is required'] } });
		if ((items?.length ?? 0) > 50 || (locations?.length ?? 0) > 50)
			return out(ctx, 422, { errors: { base: ['A maximum of 50 ids can be given per request'] } });
		const min = params.get('updated_at_min');
		page = { items, locations, updatedAtMin: min ? Date.parse(min) : undefined };
	}
	const store = ctx.store;
	let levels: LevelRec[] = [];
	if (page.items) {
		for (const iid of page.items) {
			const item = store.items.get(iid);
			if (!item) continue;
			for (const l of item._levels.values()) if (!page.locations || page.locations.includes(l._locationId)) levels.push(l);
		}
	} else if (page.locations) {
		for (const lid of page.locations) levels.push(...(store.locations.get(lid)?._levels ?? []));
	}
	if (page.updatedAtMin !== undefined) levels = levels.filter((l) => l._updatedMs >= page.updatedAtMin!);
	levels.sort((a, b) => cmpKey([a._itemId, a._locationId], [b._itemId, b._locationId]));
	let start = 0;
	let end = levels.length;
	if (page.after) {
		start = levels.findIndex((l) => cmpKey([l._itemId, l._locationId], page.after!) > 0);
		if (start < 0) start = levels.length;
		end = Math.min(levels.length, start + limit);
	} else if (page.before) {
		end = levels.findIndex((l) => cmpKey([l._itemId, l._locationId], page.before!) >= 0);
		if (end < 0) end = levels.length;
		start = Math.max(0, end - limit);
	} else end = Math.min(levels.length, limit);
	const slice = levels.slice(start, end);
	const links: string[] = [];
	const base = `${ctx.baseUrl}/admin/api/${ctx.version}/inventory_levels.json`;
	const filters = { items: page.items, locations: page.locations, updatedAtMin: page.updatedAtMin };
	if (slice.length && start > 0) {
		const f = slice[0];
		links.push(`<${base}?limit=${limit}&page_info=${encodePage({ ...filters, before: [f._itemId, f._locationId] })}>; rel="previous"`);
	}
	if (slice.length && end < levels.length) {
		const l = slice[slice.length - 1];
		links.push(`<${base}?limit=${limit}&page_info=${encodePage({ ...filters, after: [l._itemId, l._locationId] })}>; rel="next"`);
	}
	return out(ctx, 200, { inventory_levels: slice.map(levelJson) }, links.length ? { Link: links.join(', ') } : undefined);
}

function readIds(body: Record<string, unknown>, ...keys: string[]): (number | undefined)[] {
	return keys.map((k) => {
		const v = body[k];
		const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
		return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
	});
}

export function setInventoryLevel(ctx: RestContext, body: Record<string, unknown>, adjust: boolean): RestResponse {
	const [locationId, itemId] = readIds(body, 'location_id', 'inventory_item_id');
	const qtyKey = adjust ? 'available_adjustment' : 'available';
	const [qty] = readIds(body, qtyKey);
	const errors: Record<string, string[]> = {};
	if (locationId === undefined) errors.location_id = ['is required'];
	if (itemId === undefined) errors.inventory_item_id = ['is required'];
	if (qty === undefined || !Number.isInteger(qty)) errors[qtyKey] = ['is required'];
	if (Object.keys(errors).length) return out(ctx, 422, { errors });
	const store = ctx.store;
	const item = store.items.get(itemId!);
	const loc = store.locations.get(locationId!);
	if (!item) return out(ctx, 422, { errors: ['Inventory item does not exist'] });
	if (!loc) return out(ctx, 422, { errors: ['Location does not exist'] });
	let level = item._levels.get(loc._id);
	if (!level) {
		if (adjust) return out(ctx, 422, { errors: ['Inventory item is not stocked at the location'] });
		level = store.activate(item, loc);
	}
	const target = adjust ? quantityOf(level, 'available') + qty! : qty!;
	if (Math.abs(target) > 1_000_000_000)
		return out(ctx, 422, { errors: { available: ['must be less than or equal to 1000000000'] } });
	store.setQuantity(level, 'available', target);
	store.touch(level);
	return out(ctx, 200, { inventory_level: levelJson(level) });
}

export function shopJson(ctx: RestContext): RestResponse {
	const handle = ctx.shopDomain.replace(/\.myshopify\.com$/, '');
	return out(ctx, 200, {
		shop: {
			id: 1_000_001,
			name: handle,
			email: `owner@${ctx.shopDomain}`,
			domain: ctx.shopDomain,
			myshopify_domain: ctx.shopDomain,
			currency: 'USD',
			iana_timezone: 'Etc/UTC',
			plan_name: 'basic',
			primary_location_id: ctx.store.primaryLocation()?._id ?? null,
		},
	});
}
