/**
 * graphql-js resolvers over the in-memory store. One `fieldResolver` serves every type:
 *   1. an explicit resolver in R[parentType][field], else
 *   2. the same-named property of the source object (records are shaped like the GraphQL types), else
 *   3. a typed default: null for nullable fields, an empty value of the right type for non-null ones
 *      (so unimplemented fields never break a query).
 */
import { createHash } from 'node:crypto';

import {
	getDirectiveValues,
	getNamedType,
	GraphQLError,
	isAbstractType,
	isEnumType,
	isListType,
	isNonNullType,
	isScalarType,
	type GraphQLFieldResolver,
	type GraphQLOutputType,
	type GraphQLResolveInfo,
	type GraphQLSchema,
	type GraphQLTypeResolver,
} from 'graphql';
import type { EmulatedClock } from './clock';
import { compareKeys, connection, type ConnArgs, type SortKey } from './connection';
import { MAX_METAFIELDS_PER_SET, metafieldStoreKey, runMetafieldsSet, type MetafieldRec, type MetafieldsSetInputRec } from './metafields';
import { canonicalJson, runInventoryMutation, userError, type MutationInput, type UserError } from './inventory';
import { changeFromQuantityRequired, idempotencyRequired, type ApiVersion } from './schema';
import { exactValues, matches, parseSearch, type SearchQuery } from './search';
import {
	available,
	gid,
	parseGid,
	QUANTITY_NAMES,
	quantityOf,
	type BulkOpRec,
	type ChangeRec,
	type ItemRec,
	type LevelRec,
	type LocationRec,
	type LineItemRec,
	type OrderRec,
	type ProductRec,
	type ReturnRec,
	type Store,
	type VariantRec,
	type WebhookSubRec,
} from './store';

export interface EmulatorCore {
	store: Store;
	clock: EmulatedClock;
	shopDomain: string;
	baseUrl(): string;
	startBulkQuery(query: string, ctx: ExecContext): Promise<{ op: BulkOpRec | null; userErrors: UserError[] }>;
	/** Next forced idempotency answer for a keyed inventory mutation with a new key (switch `idempotencyAnswers`). */
	takeIdempotencyAnswer?(): IdempotencyAnswerCode | undefined;
}

/** userError codes of inventorySetQuantities / inventoryAdjustQuantities that only a concurrent or failed earlier request causes. */
export type IdempotencyAnswerCode =
	| 'IDEMPOTENCY_CONCURRENT_REQUEST'
	| 'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED'
	| 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH';

/** Fingerprints of keys poisoned by the switch: a failed attempt answers the same error to every reuse of its key. */
const FAILED_ATTEMPT_FINGERPRINT = '\u0000previous-attempt-failed';
const OTHER_PARAMETERS_FINGERPRINT = '\u0000other-parameters';

export interface ExecContext {
	core: EmulatorCore;
	version: ApiVersion;
	schema: GraphQLSchema;
	/** Inside a bulk operation: connections need no first/last and return everything. */
	bulk: boolean;
	scopes: ReadonlySet<string>;
	/** Who is calling (bucket key / app): scopes idempotency keys. */
	principal: string;
	log: { idempotencyKey?: string; rows?: number; replayed?: boolean };
	/** A request-level error was raised: answer with errors only (no `data`). */
	dropData: boolean;
}

// graphql-js hands resolvers their parent object and arguments untyped; each resolver reads the
// fields the schema gives it.
type Src = any;
type Args = any;
type Resolver = (src: Src, args: Args, ctx: ExecContext, info: GraphQLResolveInfo) => unknown;

const IDEMPOTENCY_RETENTION_MS = 24 * 3600 * 1000;

// ---------------------------------------------------------------- helpers

export function hasScope(scopes: ReadonlySet<string>, scope: string): boolean {
	if (scopes.has(scope)) return true;
	if (scope.startsWith('read_') && scopes.has(`write_${scope.slice(5)}`)) return true;
	return false;
}

function requireScope(ctx: ExecContext, info: GraphQLResolveInfo, scope: string): void {
	if (hasScope(ctx.scopes, scope)) return;
	throw new GraphQLError(
		`Access denied for ${info.fieldName} field. Required access: \`${scope}\` access scope.`,
		{
			extensions: {
				code: 'ACCESS_DENIED',
				documentation: 'https://shopify.dev/api/usage/access-requirements',
				requiredAccess: `\`${scope}\` access scope.`,
			},
		},
	);
}

const money = (amount: string | number) => {
	const a = typeof amount === 'number' ? amount.toFixed(2) : amount;
	return { amount: a, currencyCode: 'USD' };
};
const moneyBag = (amount: string | number) => ({ shopMoney: money(amount), presentmentMoney: money(amount) });

function idKey(r: { _id: number }): SortKey {
	return [r._id];
}

function byIdFromGid<T>(map: Map<number, T>, id: unknown, type: string): T | null {
	const p = parseGid(id);
	if (!p || p.type !== type) return null;
	return map.get(p.id) ?? null;
}

function sortedCopy<T>(list: readonly T[], keyOf: (t: T) => SortKey): T[] {
	return [...list].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
}

function filterList<T>(
	list: readonly T[],
	q: SearchQuery | undefined,
	get: (rec: T, field: string) => string | number | null | undefined | 'UNKNOWN',
	freeText: (rec: T) => string,
): readonly T[] {
	if (!q) return list;
	return list.filter((r) => matches(r, q, get, freeText));
}

const dateMs = (iso: string | null | undefined) => (iso ? Date.parse(iso) : undefined);

function levelsOfItem(item: ItemRec): LevelRec[] {
	return [...item._levels.values()].sort((a, b) => a._locationId - b._locationId);
}

// ---------------------------------------------------------------- search accessors

function variantField(store: Store) {
	return (v: VariantRec, f: string): string | number | null | undefined | 'UNKNOWN' => {
		switch (f) {
			case 'sku':
				return v.sku;
			case 'id':
				return v._id;
			case 'product_id':
				return v._productId;
			case 'inventory_item_id':
				return v._itemId;
			case 'title':
				return v.title;
			case 'product_title':
				return store.products.get(v._productId)?.title;
			case 'updated_at':
				return dateMs(v.updatedAt);
			case 'created_at':
				return dateMs(v.createdAt);
			default:
				return 'UNKNOWN';
		}
	};
}

function itemField(i: ItemRec, f: string): string | number | null | undefined | 'UNKNOWN' {
	switch (f) {
		case 'sku':
			return i.sku;
		case 'id':
			return i._id;
		case 'updated_at':
			return dateMs(i.updatedAt);
		case 'created_at':
			return dateMs(i.createdAt);
		default:
			return 'UNKNOWN';
	}
}

function orderField(o: OrderRec, f: string): string | number | null | undefined | 'UNKNOWN' {
	switch (f) {
		case 'id':
			return o._id;
		case 'name':
			return o.name;
		case 'updated_at':
			return o._updatedMs;
		case 'created_at':
		case 'processed_at':
			return o._createdMs;
		case 'status':
			return o.cancelledAt ? 'cancelled' : o.closed ? 'closed' : 'open';
		case 'financial_status':
			return o.displayFinancialStatus.toLowerCase();
		case 'sku':
			return o._lineItems.map((l) => l.sku ?? '').join(' ');
		default:
			return 'UNKNOWN';
	}
}

// ---------------------------------------------------------------- node lookup

const NODE_SCOPES: Record<string, string | undefined> = {
	Location: 'read_locations',
	Product: 'read_products',
	ProductVariant: 'read_products',
	InventoryItem: 'read_inventory',
	InventoryLevel: 'read_inventory',
	InventoryAdjustmentGroup: 'read_inventory',
	Order: 'read_orders',
	LineItem: 'read_orders',
	Refund: 'read_orders',
	Return: 'read_orders',
};

function lookupNode(store: Store, id: unknown): Src | null {
	const p = parseGid(id);
	if (!p) return null;
	switch (p.type) {
		case 'Location':
			return store.locations.get(p.id) ?? null;
		case 'Product':
			return store.products.get(p.id) ?? null;
		case 'ProductVariant':
			return store.variants.get(p.id) ?? null;
		case 'InventoryItem':
			return store.items.get(p.id) ?? null;
		case 'InventoryLevel':
			return store.levels.get(p.id) ?? null;
		case 'Order':
			return store.orders.get(p.id) ?? null;
		case 'LineItem':
			return store.lineItems.get(p.id) ?? null;
		case 'Refund':
			return store.refunds.get(p.id) ?? null;
		case 'Return':
			return store.returns.get(p.id) ?? null;
		case 'WebhookSubscription':
			return store.subscriptions.get(p.id) ?? null;
		case 'BulkOperation':
			return store.bulkOps.get(p.id) ?? null;
		case 'InventoryAdjustmentGroup':
			return store.groups.get(p.id) ?? null;
		default:
			return null;
	}
}

function nodeFor(ctx: ExecContext, info: GraphQLResolveInfo, id: unknown): Src | null {
	const rec = lookupNode(ctx.core.store, id);
	if (!rec) return null;
	const scope = NODE_SCOPES[(rec as { __typename: string }).__typename];
	if (scope) requireScope(ctx, info, scope);
	return rec;
}

// ---------------------------------------------------------------- bulk operation status

export function bulkStatus(op: BulkOpRec, now: number): string {
	if (op._canceledMs !== undefined) return 'CANCELED';
	if (now < op._runningMs) return 'CREATED';
	if (now < op._doneMs) return 'RUNNING';
	return op._failed ? 'FAILED' : 'COMPLETED';
}

// ---------------------------------------------------------------- webhooks

export function topicEnumToPath(topic: string): string {
	if (topic.includes('/')) return topic;
	const multi = [
		'INVENTORY_LEVELS',
		'INVENTORY_ITEMS',
		'BULK_OPERATIONS',
		'ORDER_TRANSACTIONS',
		'FULFILLMENT_ORDERS',
		'FULFILLMENT_EVENTS',
		'REVERSE_FULFILLMENT_ORDERS',
		'REVERSE_DELIVERIES',
		'SELLING_PLAN_GROUPS',
		'PRODUCT_LISTINGS',
		'CUSTOMER_GROUPS',
		'DRAFT_ORDERS',
		'SHOP_UPDATE',
	];
	const t = topic.toUpperCase();
	for (const m of multi)
		if (t.startsWith(`${m}_`)) return `${m.toLowerCase()}/${t.slice(m.length + 1).toLowerCase()}`;
	const i = t.indexOf('_');
	return i < 0 ? t.toLowerCase() : `${t.slice(0, i).toLowerCase()}/${t.slice(i + 1).toLowerCase()}`;
}

export function topicPathToEnum(topic: string): string {
	return topic.includes('/') ? topic.replace('/', '_').toUpperCase() : topic.toUpperCase();
}

function isValidWebhookUri(uri: string): boolean {
	if (/^pubsub:\/\/[^:]+:.+$/.test(uri)) return true;
	if (/^arn:aws:events:/.test(uri)) return true;
	try {
		const u = new URL(uri);
		return u.protocol === 'https:' || u.protocol === 'http:';
	} catch {
		return false;
	}
}

// ---------------------------------------------------------------- resolver map

function shopObject(core: EmulatorCore) {
	const domain = core.shopDomain;
	const handle = domain.replace(/\.myshopify\.com$/, '');
	const name = handle
		.split(/[-_]/)
		.map((w) => w.charAt(0).toUpperCase() + w.slice(1))
		.join(' ');
	return {
		__typename: 'Shop',
		id: gid('Shop', 1_000_001),
		name,
		myshopifyDomain: domain,
		email: `owner@${domain}`,
		contactEmail: `owner@${domain}`,
		currencyCode: 'USD',
		ianaTimezone: 'Etc/UTC',
		timezoneAbbreviation: 'UTC',
		timezoneOffset: '+0000',
		timezoneOffsetMinutes: 0,
		url: `https://${domain}`,
		weightUnit: 'KILOGRAMS',
		enabledPresentmentCurrencies: ['USD'],
		plan: { __typename: 'ShopPlan', displayName: 'Basic', partnerDevelopment: false, shopifyPlus: false, publicDisplayName: 'Basic' },
		primaryDomain: { __typename: 'Domain', id: gid('Domain', 1_000_001), host: domain, url: `https://${domain}`, sslEnabled: true },
	};
}

/** Shopify's count fields: `limit` (default 10000, null = none) caps the count; a capped count is AT_LEAST. */
const COUNT_LIMIT_DEFAULT = 10_000;

export function countObject(total: number, limit: number | null): { __typename: 'Count'; count: number; precision: 'EXACT' | 'AT_LEAST' } {
	if (limit !== null && limit >= 0 && total >= limit && total > 0) return { __typename: 'Count', count: limit, precision: 'AT_LEAST' };
	return { __typename: 'Count', count: total, precision: 'EXACT' };
}

const SCOPE_DESCRIPTIONS: Record<string, string> = {
	read_inventory: 'Read inventory',
	write_inventory: 'Modify inventory',
	read_products: 'Read products, variants and collections',
	write_products: 'Modify products, variants and collections',
	read_locations: 'Read locations',
	write_locations: 'Modify locations',
	read_orders: 'Read orders, transactions and fulfillments',
	write_orders: 'Modify orders, transactions and fulfillments',
};

/**
 * `currentAppInstallation` of the calling token / app: its access scopes (granted handles, each
 * `write_x` followed by the `read_x` it implies when that was not granted on its own).
 */
function appInstallation(ctx: ExecContext) {
	const handles: string[] = [];
	for (const scope of ctx.scopes) {
		if (!handles.includes(scope)) handles.push(scope);
		const implied = scope.startsWith('write_') ? `read_${scope.slice(6)}` : undefined;
		if (implied && !ctx.scopes.has(implied) && !handles.includes(implied)) handles.push(implied);
	}
	const numericId = 1_000_000 + (Number.parseInt(createHash('sha1').update(ctx.principal).digest('hex').slice(0, 8), 16) % 1_000_000);
	// Client-credentials apps: their client ID; custom-app tokens: a stable stand-in.
	const apiKey = ctx.principal.startsWith('app:') ? ctx.principal.slice(4) : `custom-app-${numericId}`;
	return {
		__typename: 'AppInstallation',
		id: gid('AppInstallation', numericId),
		accessScopes: handles.map((handle) => ({
			__typename: 'AccessScope',
			handle,
			description: SCOPE_DESCRIPTIONS[handle] ?? handle.replace(/_/g, ' '),
		})),
		app: {
			__typename: 'App',
			id: gid('App', numericId),
			title: 'Emulated app',
			handle: 'emulated-app',
			apiKey,
		},
	};
}

/** Topics whose payloads hold protected customer data (orders and what hangs off them). */
const PROTECTED_TOPIC = /^(ORDERS_|REFUNDS_|RETURNS_|REVERSE_FULFILLMENT_ORDERS_|FULFILLMENTS_|DRAFT_ORDERS_|CUSTOMERS_)/;
export const PROTECTED_TOPIC_MESSAGE =
	'This app is not approved to subscribe to webhook topics containing protected customer data. See https://shopify.dev/docs/apps/launch/protected-customer-data for more details.';

/**
 * Protected customer data (switch protectedCustomerDataApproved): without approval order reads give no
 * orders ('empty', default) or an ACCESS_DENIED error ('access-denied').
 */
function protectedOrderAccess(ctx: ExecContext): boolean {
	const rules = ctx.core.store.rules;
	if (rules.protectedCustomerDataApproved) return true;
	if (rules.unapprovedOrderReads === 'access-denied')
		throw new GraphQLError(
			'This app is not approved to access the Order object. See https://shopify.dev/docs/apps/launch/protected-customer-data for more details.',
			{ extensions: { code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/docs/apps/launch/protected-customer-data' } },
		);
	return false;
}

function resolveIdempotencyKey(info: GraphQLResolveInfo, schema: GraphQLSchema): string | undefined {
	const dir = schema.getDirective('idempotent');
	if (!dir) return undefined;
	const node = info.fieldNodes[0];
	if (!node.directives?.some((d) => d.name.value === 'idempotent')) return undefined;
	const v = getDirectiveValues(dir, node, info.variableValues);
	return typeof v?.key === 'string' ? v.key : undefined;
}

function inventoryMutation(kind: 'set' | 'adjust'): Resolver {
	return (_src, args: { input: MutationInput }, ctx, info) => {
		requireScope(ctx, info, 'write_inventory');
		const input = args.input;
		const rowsKey = kind === 'set' ? 'quantities' : 'changes';
		const rows = (kind === 'set' ? input.quantities : input.changes) ?? [];
		ctx.log.rows = rows.length;
		const key = resolveIdempotencyKey(info, ctx.schema);
		ctx.log.idempotencyKey = key;
		// 1) argument-level check (answered like an argument validation error: errors, no data)
		if (changeFromQuantityRequired(ctx.version)) {
			const missing = rows.findIndex((r) => !Object.prototype.hasOwnProperty.call(r, 'changeFromQuantity'));
			if (missing >= 0) {
				ctx.dropData = true;
				const typeName = kind === 'set' ? 'InventoryQuantityInput' : 'InventoryChangeInput';
				throw new GraphQLError(`${typeName} must include the following argument: changeFromQuantity.`, {
					extensions: { code: 'INVALID_FIELD_ARGUMENTS', path: ['input', rowsKey, String(missing)] },
				});
			}
		}
		// 2) idempotency directive
		if (key !== undefined && key.trim() === '')
			throw new GraphQLError('The idempotency key cannot be an empty string or whitespace only.', {
				extensions: { code: 'BAD_REQUEST' },
			});
		if (key === undefined && idempotencyRequired(ctx.version))
			throw new GraphQLError('The @idempotent directive is required for this mutation but was not provided.', {
				extensions: { code: 'BAD_REQUEST' },
			});
		const store = ctx.core.store;
		const now = ctx.core.clock.now();
		let storeKey: string | undefined;
		let fingerprint: string | undefined;
		if (key !== undefined) {
			storeKey = `${ctx.principal}\u0000${key}`;
			fingerprint = `${info.fieldName}:${canonicalJson(args)}`;
			const prior = store.idempotency.get(storeKey);
			if (prior && now - prior.at < IDEMPOTENCY_RETENTION_MS) {
				// switch reapplyRepeatedAdjustKey: a repeated key on inventoryAdjustQuantities is applied again
				const reapply = store.rules.reapplyRepeatedAdjustKey && kind === 'adjust';
				if (prior.fingerprint === fingerprint && !reapply) {
					ctx.log.replayed = true;
					return prior.payload;
				}
				if (prior.fingerprint === FAILED_ATTEMPT_FINGERPRINT) return prior.payload;
				if (prior.fingerprint !== fingerprint)
					return {
						inventoryAdjustmentGroup: null,
						userErrors: [userError('IDEMPOTENCY_KEY_PARAMETER_MISMATCH', null)],
					};
			}
		}
		const forced = storeKey && fingerprint ? ctx.core.takeIdempotencyAnswer?.() : undefined;
		if (storeKey && forced === 'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED') {
			// An earlier attempt with this key failed at Shopify: nothing applied, the key is spent.
			const failed = { inventoryAdjustmentGroup: null, userErrors: [userError(forced, null)] };
			store.idempotency.set(storeKey, { fingerprint: FAILED_ATTEMPT_FINGERPRINT, payload: failed, at: now });
			return failed;
		}
		if (storeKey && forced === 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH') {
			// The key was used before with other parameters: nothing applied, every reuse of the key mismatches.
			store.idempotency.set(storeKey, { fingerprint: OTHER_PARAMETERS_FINGERPRINT, payload: null, at: now });
			return { inventoryAdjustmentGroup: null, userErrors: [userError(forced, null)] };
		}
		const { payload, retryable } = runInventoryMutation(store, ctx.version, kind, input);
		// a retryable userError (ADJUST_QUANTITIES_FAILED / SERVICE_UNAVAILABLE) is not recorded under the key (assumed)
		if (storeKey && fingerprint && !retryable) store.idempotency.set(storeKey, { fingerprint, payload, at: now });
		if (forced === 'IDEMPOTENCY_CONCURRENT_REQUEST') {
			// An earlier delivery of this very request is still in flight: it is applied once (and recorded under
			// the key, so a retry with the same key replays its result); this copy is told to try again.
			return { inventoryAdjustmentGroup: null, userErrors: [userError(forced, null)] };
		}
		return payload;
	};
}

export function buildResolvers(): Record<string, Record<string, Resolver>> {
	const R: Record<string, Record<string, Resolver>> = {};

	R.QueryRoot = {
		shop: (_s, _a, ctx) => shopObject(ctx.core),
		locations: (_s, a: ConnArgs & { query?: string; sortKey?: string; includeInactive?: boolean }, ctx, info) => {
			requireScope(ctx, info, 'read_locations');
			const q = parseSearch(a.query);
			let list = ctx.core.store.locationList().filter((l) => a.includeInactive || l.isActive);
			list = [
				...filterList(
					list,
					q,
					(l, f) => (f === 'name' ? l.name : f === 'id' ? l._id : f === 'active' ? String(l.isActive) : 'UNKNOWN'),
					(l) => l.name,
				),
			];
			const keyOf = a.sortKey === 'ID' ? idKey : (l: LocationRec) => [l.name.toLowerCase(), l._id];
			return connection(sortedCopy(list, keyOf), keyOf, a, ctx.bulk);
		},
		location: (_s, a: { id?: string }, ctx, info) => {
			requireScope(ctx, info, 'read_locations');
			if (!a.id) return ctx.core.store.primaryLocation() ?? null;
			return byIdFromGid(ctx.core.store.locations, a.id, 'Location');
		},
		productVariants: (_s, a: ConnArgs & { query?: string; sortKey?: string }, ctx, info) => {
			requireScope(ctx, info, 'read_products');
			const store = ctx.core.store;
			const q = parseSearch(a.query);
			const skus = exactValues(q, 'sku');
			let list: readonly VariantRec[];
			if (skus) list = [...new Set(skus.flatMap((s) => store.variantsBySku(s)))].sort((x, y) => x._id - y._id);
			else list = filterList(store.variantList, q, variantField(store), (v) => `${v.sku ?? ''} ${v.displayName}`);
			if (a.sortKey === 'SKU') {
				const keyOf = (v: VariantRec) => [v.sku ?? '', v._id];
				return connection(sortedCopy(list, keyOf), keyOf, a, ctx.bulk);
			}
			return connection(list, idKey, a, ctx.bulk);
		},
		productVariantsCount: (_s, a: { limit?: number | null; query?: string | null }, ctx, info) => {
			requireScope(ctx, info, 'read_products');
			const store = ctx.core.store;
			const q = parseSearch(a.query ?? undefined);
			const skus = exactValues(q, 'sku');
			const total = skus
				? new Set(skus.flatMap((s) => store.variantsBySku(s))).size
				: filterList(store.variantList, q, variantField(store), (v) => `${v.sku ?? ''} ${v.displayName}`).length;
			return countObject(total, a.limit === undefined ? COUNT_LIMIT_DEFAULT : a.limit);
		},
		currentAppInstallation: (_s, _a, ctx) => appInstallation(ctx),
		productVariant: (_s, a: { id: string }, ctx, info) => {
			requireScope(ctx, info, 'read_products');
			return byIdFromGid(ctx.core.store.variants, a.id, 'ProductVariant');
		},
		products: (_s, a: ConnArgs & { query?: string }, ctx, info) => {
			requireScope(ctx, info, 'read_products');
			const store = ctx.core.store;
			const q = parseSearch(a.query);
			const list = filterList(
				store.productList,
				q,
				(p: ProductRec, f) => {
					if (f === 'title') return p.title;
					if (f === 'id') return p._id;
					if (f === 'sku') return p._variantIds.map((v) => store.variants.get(v)?.sku ?? '').join(' ');
					if (f === 'updated_at') return dateMs(p.updatedAt);
					return 'UNKNOWN';
				},
				(p) => p.title,
			);
			return connection(list, idKey, a, ctx.bulk);
		},
		product: (_s, a: { id: string }, ctx, info) => {
			requireScope(ctx, info, 'read_products');
			return byIdFromGid(ctx.core.store.products, a.id, 'Product');
		},
		inventoryItems: (_s, a: ConnArgs & { query?: string }, ctx, info) => {
			requireScope(ctx, info, 'read_inventory');
			const store = ctx.core.store;
			const q = parseSearch(a.query);
			const skus = exactValues(q, 'sku');
			let list: readonly ItemRec[];
			if (skus)
				list = [...new Set(skus.flatMap((s) => store.variantsBySku(s).map((v) => store.items.get(v._itemId)!)))].sort(
					(x, y) => x._id - y._id,
				);
			else list = filterList(store.itemList, q, itemField, (i) => i.sku ?? '');
			return connection(list, idKey, a, ctx.bulk);
		},
		inventoryItem: (_s, a: { id: string }, ctx, info) => {
			requireScope(ctx, info, 'read_inventory');
			return byIdFromGid(ctx.core.store.items, a.id, 'InventoryItem');
		},
		inventoryLevel: (_s, a: { id: string }, ctx, info) => {
			requireScope(ctx, info, 'read_inventory');
			return byIdFromGid(ctx.core.store.levels, a.id, 'InventoryLevel');
		},
		orders: (_s, a: ConnArgs & { query?: string; sortKey?: string }, ctx, info) => {
			requireScope(ctx, info, 'read_orders');
			const q = parseSearch(a.query);
			const visible = protectedOrderAccess(ctx) ? ctx.core.store.orderList : [];
			const list = filterList(visible, q, orderField, (o) => `${o.name} ${o.email}`);
			let keyOf: (o: OrderRec) => SortKey;
			switch (a.sortKey) {
				case 'UPDATED_AT':
					keyOf = (o) => [o._updatedMs, o._id];
					break;
				case 'CREATED_AT':
				case 'PROCESSED_AT':
				case undefined:
				case null:
					keyOf = (o) => [o._createdMs, o._id];
					break;
				case 'ORDER_NUMBER':
					keyOf = (o) => [o.number, o._id];
					break;
				default:
					keyOf = idKey;
			}
			return connection(sortedCopy(list, keyOf), keyOf, a, ctx.bulk);
		},
		order: (_s, a: { id: string }, ctx, info) => {
			requireScope(ctx, info, 'read_orders');
			if (!protectedOrderAccess(ctx)) return null;
			return byIdFromGid(ctx.core.store.orders, a.id, 'Order');
		},
		node: (_s, a: { id: string }, ctx, info) => nodeFor(ctx, info, a.id),
		nodes: (_s, a: { ids: string[] }, ctx, info) => a.ids.map((id) => nodeFor(ctx, info, id)),
		currentBulkOperation: (_s, a: { type?: string }, ctx) => {
			const type = a.type ?? 'QUERY';
			let latest: BulkOpRec | null = null;
			for (const op of ctx.core.store.bulkOps.values()) if (op.type === type && (!latest || op._id > latest._id)) latest = op;
			return latest;
		},
		bulkOperation: (_s, a: { id: string }, ctx) => byIdFromGid(ctx.core.store.bulkOps, a.id, 'BulkOperation'),
		bulkOperations: (_s, a: ConnArgs & { query?: string }, ctx) => {
			const now = ctx.core.clock.now();
			const q = parseSearch(a.query);
			const list = filterList(
				[...ctx.core.store.bulkOps.values()],
				q,
				(op, f) =>
					f === 'status'
						? bulkStatus(op, now)
						: f === 'operation_type' || f === 'type'
							? op.type
							: f === 'id'
								? op._id
								: f === 'created_at'
									? op._createdMs
									: 'UNKNOWN',
				() => '',
			);
			return connection(list, idKey, a, ctx.bulk);
		},
		webhookSubscriptions: (
			_s,
			a: ConnArgs & { topics?: string[]; uri?: string; callbackUrl?: string; format?: string; query?: string },
			ctx,
		) => {
			let list = [...ctx.core.store.subscriptions.values()];
			if (a.topics?.length) list = list.filter((s) => a.topics!.includes(s.topic));
			if (a.uri) list = list.filter((s) => s.uri === a.uri);
			if (a.callbackUrl) list = list.filter((s) => s.uri === a.callbackUrl);
			if (a.format) list = list.filter((s) => s.format === a.format);
			list = [...filterList(list, parseSearch(a.query), (s, f) => (f === 'id' ? s._id : 'UNKNOWN'), () => '')];
			return connection(list, idKey, a, ctx.bulk);
		},
		webhookSubscription: (_s, a: { id: string }, ctx) =>
			byIdFromGid(ctx.core.store.subscriptions, a.id, 'WebhookSubscription'),
	};

	R.Mutation = {
		metafieldsSet: (_s, a: { metafields: MetafieldsSetInputRec[] }, ctx, info) => {
			// Variant metafields need write_products (the only owner type emulated).
			requireScope(ctx, info, 'write_products');
			if (a.metafields.length > MAX_METAFIELDS_PER_SET)
				return { metafields: null, userErrors: [{ field: ['metafields'], message: `Exceeded the maximum metafields input limit of ${MAX_METAFIELDS_PER_SET}.`, code: 'LESS_THAN_OR_EQUAL_TO', elementIndex: null }] };
			const store = ctx.core.store;
			const ownerExists = (id: string) => parseGid(id)?.type === 'ProductVariant' && lookupNode(store, id) !== null;
			return runMetafieldsSet(store.metafields, a.metafields, ownerExists, store.nowIso());
		},
		inventorySetQuantities: inventoryMutation('set'),
		inventoryAdjustQuantities: inventoryMutation('adjust'),
		inventoryActivate: (
			_s,
			a: { inventoryItemId: string; locationId: string; available?: number | null; onHand?: number | null },
			ctx,
			info,
		) => {
			requireScope(ctx, info, 'write_inventory');
			const store = ctx.core.store;
			const item = byIdFromGid(store.items, a.inventoryItemId, 'InventoryItem');
			const loc = byIdFromGid(store.locations, a.locationId, 'Location');
			if (!item)
				return { inventoryLevel: null, userErrors: [{ field: ['inventoryItemId'], message: 'Inventory item does not exist', code: 'INVENTORY_ITEM_NOT_FOUND' }] };
			if (!loc) return { inventoryLevel: null, userErrors: [{ field: ['locationId'], message: 'Location does not exist', code: 'LOCATION_NOT_FOUND' }] };
			const existed = item._levels.has(loc._id);
			const level = store.activate(item, loc);
			if (!existed) {
				if (typeof a.onHand === 'number') level._q.on_hand = a.onHand;
				if (typeof a.available === 'number') store.setQuantity(level, 'available', a.available);
				store.touch(level);
			}
			return { inventoryLevel: level, userErrors: [] };
		},
		webhookSubscriptionCreate: (
			_s,
			a: { topic: string; webhookSubscription: { uri?: string | null; callbackUrl?: string | null; format?: string | null; filter?: string | null; includeFields?: string[] | null; name?: string | null } },
			ctx,
			info,
		) => {
			const ws = a.webhookSubscription;
			const uri = ws.uri ?? ws.callbackUrl ?? '';
			const field = ['webhookSubscription', ws.uri !== undefined && ws.uri !== null ? 'uri' : 'callbackUrl'];
			if (/^ORDERS_|^REFUNDS_/.test(a.topic)) requireScope(ctx, info, 'read_orders');
			if (PROTECTED_TOPIC.test(a.topic) && !ctx.core.store.rules.protectedCustomerDataApproved)
				return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription'], message: PROTECTED_TOPIC_MESSAGE }] };
			if (/^INVENTORY_/.test(a.topic)) requireScope(ctx, info, 'read_inventory');
			if (!uri) return { webhookSubscription: null, userErrors: [{ field, message: "Address can't be blank" }] };
			if (!isValidWebhookUri(uri)) return { webhookSubscription: null, userErrors: [{ field, message: 'Address is invalid' }] };
			const store = ctx.core.store;
			for (const s of store.subscriptions.values())
				if (s.topic === a.topic && s.uri === uri)
					return { webhookSubscription: null, userErrors: [{ field, message: 'Address for this topic has already been taken' }] };
			const _id = store.next('webhook');
			const now = store.nowIso();
			const rec: WebhookSubRec = {
				__typename: 'WebhookSubscription',
				_id,
				id: gid('WebhookSubscription', _id),
				legacyResourceId: String(_id),
				topic: a.topic,
				uri,
				format: (ws.format as 'JSON' | 'XML') ?? 'JSON',
				filter: ws.filter ?? null,
				name: ws.name ?? null,
				includeFields: ws.includeFields ?? [],
				metafieldNamespaces: [],
				createdAt: now,
				updatedAt: now,
				_apiVersion: ctx.version,
			};
			store.subscriptions.set(_id, rec);
			return { webhookSubscription: rec, userErrors: [] };
		},
		webhookSubscriptionUpdate: (
			_s,
			a: { id: string; webhookSubscription: { uri?: string | null; callbackUrl?: string | null; format?: string | null; filter?: string | null } },
			ctx,
		) => {
			const rec = byIdFromGid(ctx.core.store.subscriptions, a.id, 'WebhookSubscription');
			if (!rec) return { webhookSubscription: null, userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }] };
			const uri = a.webhookSubscription.uri ?? a.webhookSubscription.callbackUrl;
			if (uri) {
				if (!isValidWebhookUri(uri)) return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'uri'], message: 'Address is invalid' }] };
				rec.uri = uri;
			}
			if (a.webhookSubscription.format) rec.format = a.webhookSubscription.format as 'JSON' | 'XML';
			if (a.webhookSubscription.filter !== undefined) rec.filter = a.webhookSubscription.filter;
			rec.updatedAt = ctx.core.store.nowIso();
			return { webhookSubscription: rec, userErrors: [] };
		},
		webhookSubscriptionDelete: (_s, a: { id: string }, ctx) => {
			const p = parseGid(a.id);
			const store = ctx.core.store;
			if (!p || p.type !== 'WebhookSubscription' || !store.subscriptions.has(p.id))
				return { deletedWebhookSubscriptionId: null, userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }] };
			store.subscriptions.delete(p.id);
			return { deletedWebhookSubscriptionId: a.id, userErrors: [] };
		},
		bulkOperationRunQuery: async (_s, a: { query: string }, ctx) => {
			const r = await ctx.core.startBulkQuery(a.query, ctx);
			return { bulkOperation: r.op, userErrors: r.userErrors };
		},
		bulkOperationCancel: (_s, a: { id: string }, ctx) => {
			const op = byIdFromGid(ctx.core.store.bulkOps, a.id, 'BulkOperation');
			if (!op) return { bulkOperation: null, userErrors: [{ field: ['id'], message: 'Bulk operation does not exist' }] };
			const status = bulkStatus(op, ctx.core.clock.now());
			if (status !== 'CREATED' && status !== 'RUNNING')
				return {
					bulkOperation: op,
					userErrors: [{ field: null, message: `A bulk operation cannot be canceled when it is ${status.toLowerCase()}` }],
				};
			op._canceledMs = ctx.core.clock.now();
			return { bulkOperation: op, userErrors: [] };
		},
	};

	R.Location = {
		inventoryLevels: (loc: LocationRec, a: ConnArgs, ctx) => connection(loc._levels, (l) => [l._itemId], a, ctx.bulk),
		inventoryLevel: (loc: LocationRec, a: { inventoryItemId: string }, ctx) => {
			const item = byIdFromGid(ctx.core.store.items, a.inventoryItemId, 'InventoryItem');
			return item?._levels.get(loc._id) ?? null;
		},
		address: (loc: LocationRec) => ({
			__typename: 'LocationAddress',
			address1: '1 Emulator Street',
			city: 'Ottawa',
			countryCode: 'CA',
			country: 'Canada',
			zip: 'K1A 0A1',
			formatted: [loc.name, '1 Emulator Street', 'Ottawa', 'Canada'],
		}),
		activatable: () => false,
		deactivatable: (loc: LocationRec) => !loc.isPrimary,
		deletable: () => false,
		deactivatedAt: () => null,
	};

	R.Product = {
		variants: (p: ProductRec, a: ConnArgs, ctx) =>
			connection(
				p._variantIds.map((v) => ctx.core.store.variants.get(v)!),
				idKey,
				a,
				ctx.bulk,
			),
		totalInventory: (p: ProductRec, _a, ctx) =>
			p._variantIds.reduce((sum, vid) => {
				const v = ctx.core.store.variants.get(vid)!;
				const item = ctx.core.store.items.get(v._itemId)!;
				return sum + [...item._levels.values()].reduce((s, l) => s + available(l._q), 0);
			}, 0),
		tracksInventory: () => true,
		hasOnlyDefaultVariant: (p: ProductRec) => p._variantIds.length === 1,
		variantsCount: (p: ProductRec) => ({ count: p._variantIds.length, precision: 'EXACT' }),
	};

	R.ProductVariant = {
		product: (v: VariantRec, _a, ctx) => ctx.core.store.products.get(v._productId),
		inventoryItem: (v: VariantRec, _a, ctx) => ctx.core.store.items.get(v._itemId),
		inventoryQuantity: (v: VariantRec, _a, ctx) => {
			const item = ctx.core.store.items.get(v._itemId)!;
			return [...item._levels.values()].reduce((s, l) => s + available(l._q), 0);
		},
		selectedOptions: () => [{ name: 'Title', value: 'Default Title' }],
		metafield: (v: VariantRec, a: { namespace?: string | null; key: string }, ctx, info) => {
			requireScope(ctx, info, 'read_products');
			return ctx.core.store.metafields.get(metafieldStoreKey(v.id, a.namespace ?? '$app', a.key)) ?? null;
		},
	};

	R.Metafield = {
		owner: (m: MetafieldRec, _a, ctx) => lookupNode(ctx.core.store, m.ownerId),
	};

	R.InventoryItem = {
		variant: (i: ItemRec, _a, ctx) => ctx.core.store.variants.get(i._variantId),
		variants: (i: ItemRec, a: ConnArgs, ctx) =>
			connection([ctx.core.store.variants.get(i._variantId)!], idKey, a, ctx.bulk),
		inventoryLevel: (i: ItemRec, a: { locationId: string }) => {
			const p = parseGid(a.locationId);
			if (!p || p.type !== 'Location') return null;
			return i._levels.get(p.id) ?? null;
		},
		inventoryLevels: (i: ItemRec, a: ConnArgs, ctx) => connection(levelsOfItem(i), (l) => [l._locationId], a, ctx.bulk),
		locationsCount: (i: ItemRec) => ({ count: i._levels.size, precision: 'EXACT' }),
		duplicateSkuCount: (i: ItemRec, _a, ctx) => (i.sku ? Math.max(0, ctx.core.store.variantsBySku(i.sku).length - 1) : 0),
		unitCost: () => null,
		inventoryHistoryUrl: (i: ItemRec, _a, ctx) => `https://${ctx.core.shopDomain}/admin/products/inventory/${i._id}/inventory_history`,
	};

	R.InventoryLevel = {
		item: (l: LevelRec, _a, ctx) => ctx.core.store.items.get(l._itemId),
		location: (l: LevelRec, _a, ctx) => ctx.core.store.locations.get(l._locationId),
		quantities: (l: LevelRec, a: { names: string[] }) =>
			a.names.map((n) => {
				if (!(QUANTITY_NAMES as readonly string[]).includes(n))
					throw new GraphQLError(
						`'${n}' is not a valid inventory quantity name. Valid names are: ${QUANTITY_NAMES.join(', ')}.`,
						{ extensions: { code: 'BAD_REQUEST' } },
					);
				return {
					__typename: 'InventoryQuantity',
					id: `gid://shopify/InventoryQuantity/${l._id}?inventory_item_id=${l._itemId}&name=${n}`,
					name: n,
					quantity: quantityOf(l, n),
					updatedAt: l.updatedAt,
				};
			}),
	};

	R.InventoryAdjustmentGroup = {
		changes: (
			g: { _changes: ChangeRec[] },
			a: { inventoryItemIds?: string[]; locationIds?: string[]; quantityNames?: string[] },
		) =>
			g._changes
				.filter(
					(c) =>
						(!a.inventoryItemIds || a.inventoryItemIds.includes(gid('InventoryItem', c._itemId))) &&
						(!a.locationIds || a.locationIds.includes(gid('Location', c._locationId))) &&
						(!a.quantityNames || a.quantityNames.includes(c.name)),
				)
				.map((c) => ({ __typename: 'InventoryChange', ...c })),
		app: () => null,
		staffMember: () => null,
	};

	R.InventoryChange = {
		item: (c: ChangeRec, _a, ctx) => ctx.core.store.items.get(c._itemId) ?? null,
		location: (c: ChangeRec, _a, ctx) => ctx.core.store.locations.get(c._locationId) ?? null,
	};

	const orderTotal = (o: OrderRec, current: boolean) =>
		o._lineItems.reduce((s, l) => s + Number(l.price) * (current ? l.currentQuantity : l.quantity), 0);

	R.Order = {
		lineItems: (o: OrderRec, a: ConnArgs, ctx) => connection(o._lineItems, idKey, a, ctx.bulk),
		refunds: (o: OrderRec, a: { first?: number }) => (typeof a.first === 'number' ? o._refunds.slice(0, a.first) : o._refunds),
		cancelReason: (o: OrderRec) => o.cancelReason,
		closedAt: (o: OrderRec) => (o.closed ? o.updatedAt : null),
		currentSubtotalLineItemsQuantity: (o: OrderRec) => o._lineItems.reduce((s, l) => s + l.currentQuantity, 0),
		subtotalLineItemsQuantity: (o: OrderRec) => o._lineItems.reduce((s, l) => s + l.quantity, 0),
		totalPriceSet: (o: OrderRec) => moneyBag(orderTotal(o, false)),
		subtotalPriceSet: (o: OrderRec) => moneyBag(orderTotal(o, false)),
		currentTotalPriceSet: (o: OrderRec) => moneyBag(orderTotal(o, true)),
		currentSubtotalPriceSet: (o: OrderRec) => moneyBag(orderTotal(o, true)),
		totalRefundedSet: (o: OrderRec) => moneyBag(orderTotal(o, false) - orderTotal(o, true)),
		currencyCode: () => 'USD',
		presentmentCurrencyCode: () => 'USD',
		fullyPaid: (o: OrderRec) => o._financial !== 'pending' && o._financial !== 'voided',
		unpaid: (o: OrderRec) => o._financial === 'pending',
		returns: (o: OrderRec, a: ConnArgs, ctx) => connection(o._returns, idKey, a, ctx.bulk),
		fulfillable: (o: OrderRec) => !o.cancelledAt && o._lineItems.some((l) => l.currentQuantity > 0),
		refundable: (o: OrderRec) => o._lineItems.some((l) => l.currentQuantity > 0),
		restockable: (o: OrderRec) => o._lineItems.some((l) => l.currentQuantity > 0),
		sourceName: () => 'web',
		retailLocation: (o: OrderRec, _a, ctx) => (o._locationId !== null && !o._online ? ctx.core.store.locations.get(o._locationId) : null),
		// One fulfillment order per order, assigned to the order's location (online orders: where it ships from).
		fulfillmentOrders: (o: OrderRec, a: ConnArgs, ctx) =>
			connection(
				o._locationId === null
					? []
					: [
							{
								__typename: 'FulfillmentOrder',
								_id: o._id,
								id: `gid://shopify/FulfillmentOrder/${o._id}`,
								orderId: o.id,
								status: o.cancelledAt ? 'CANCELLED' : o._lineItems.every((l) => ctx.core.store.unfulfilled(l) === 0) ? 'CLOSED' : 'OPEN',
								assignedLocation: { __typename: 'FulfillmentOrderAssignedLocation', location: ctx.core.store.locations.get(o._locationId) ?? null },
								_order: o,
							},
						],
				idKey,
				a,
				ctx.bulk,
			),
		statusPageUrl: (o: OrderRec, _a, ctx) => `https://${ctx.core.shopDomain}/orders/${o._token}/authenticate`,
	};

	R.LineItem = {
		variant: (l: { _variantId: number | null }, _a, ctx) => (l._variantId !== null ? ctx.core.store.variants.get(l._variantId) : null),
		product: (l: { _productId: number | null }, _a, ctx) => (l._productId !== null ? ctx.core.store.products.get(l._productId) : null),
		refundableQuantity: (l: { currentQuantity: number }) => l.currentQuantity,
		unfulfilledQuantity: (l: LineItemRec, _a, ctx) => ctx.core.store.unfulfilled(l),
		fulfillableQuantity: (l: LineItemRec, _a, ctx) =>
			ctx.core.store.orders.get(l._orderId)?.cancelledAt && ctx.core.store.rules.cancellationRecord !== 'none' ? 0 : ctx.core.store.unfulfilled(l),
		nonFulfillableQuantity: () => 0,
		variantTitle: (l: { _variantId: number | null }) => (l._variantId !== null ? 'Default Title' : null),
		vendor: (l: { _variantId: number | null }) => (l._variantId !== null ? 'Emulator' : null),
		requiresShipping: () => true,
		restockable: (l: { _variantId: number | null; currentQuantity: number }) => l._variantId !== null && l.currentQuantity > 0,
		originalUnitPriceSet: (l: { price: string }) => moneyBag(l.price),
		discountedUnitPriceSet: (l: { price: string }) => moneyBag(l.price),
		originalTotalSet: (l: { price: string; quantity: number }) => moneyBag(Number(l.price) * l.quantity),
	};

	R.Return = {
		order: (r: ReturnRec, _a, ctx) => ctx.core.store.orders.get(r._orderId),
		returnLineItems: (r: ReturnRec, a: ConnArgs, ctx) =>
			connection(
				r._lines.map((l) => ({ __typename: 'ReturnLineItem', ...l, lineItem: ctx.core.store.lineItems.get(l._lineItemId) })),
				idKey,
				a,
				ctx.bulk,
			),
		reverseFulfillmentOrders: (r: ReturnRec, a: ConnArgs, ctx) =>
			connection(
				[
					{
						__typename: 'ReverseFulfillmentOrder',
						_id: r._rfoId,
						id: `gid://shopify/ReverseFulfillmentOrder/${r._rfoId}`,
						status: r.status === 'CLOSED' ? 'CLOSED' : 'OPEN',
						_ret: r,
					},
				],
				idKey,
				a,
				ctx.bulk,
			),
	};

	R.FulfillmentOrder = {
		lineItems: (fo: { _order: OrderRec }, a: ConnArgs, ctx) =>
			connection(
				fo._order._lineItems.map((l) => ({
					__typename: 'FulfillmentOrderLineItem',
					_id: l._id,
					id: `gid://shopify/FulfillmentOrderLineItem/${l._id}`,
					totalQuantity: l.currentQuantity,
					remainingQuantity: ctx.core.store.unfulfilled(l),
					sku: l.sku,
					lineItem: l,
				})),
				idKey,
				a,
				ctx.bulk,
			),
	};

	R.ReverseFulfillmentOrder = {
		lineItems: (rfo: { _ret: ReturnRec }, a: ConnArgs, ctx) =>
			connection(
				rfo._ret._lines.map((l) => ({
					__typename: 'ReverseFulfillmentOrderLineItem',
					_id: l._rfoLineId,
					id: `gid://shopify/ReverseFulfillmentOrderLineItem/${l._rfoLineId}`,
					totalQuantity: l.quantity,
					dispositions: rfo._ret._dispositions
						.filter((d) => d._rfoLineId === l._rfoLineId)
						.map((d) => ({
							__typename: 'ReverseFulfillmentOrderDisposition',
							id: `gid://shopify/ReverseFulfillmentOrderDisposition/${d._id}`,
							type: d.type,
							quantity: d.quantity,
							location: d._locationId !== null ? ctx.core.store.locations.get(d._locationId) : null,
						})),
					fulfillmentLineItem: {
						__typename: 'FulfillmentLineItem',
						id: `gid://shopify/FulfillmentLineItem/${l._lineItemId + 1_000_000_000}`,
						quantity: l.quantity,
						lineItem: ctx.core.store.lineItems.get(l._lineItemId),
					},
				})),
				idKey,
				a,
				ctx.bulk,
			),
	};

	R.Refund = {
		order: (r: { _orderId: number }, _a, ctx) => ctx.core.store.orders.get(r._orderId),
		refundLineItems: (r: { _lines: { _id: number }[] }, a: ConnArgs, ctx) => connection(r._lines, idKey, a, ctx.bulk),
		totalRefundedSet: (r: { _lines: { quantity: number; _lineItemId: number }[] }, _a, ctx) =>
			moneyBag(r._lines.reduce((s, l) => s + Number(ctx.core.store.lineItems.get(l._lineItemId)?.price ?? 0) * l.quantity, 0)),
	};

	R.RefundLineItem = {
		lineItem: (r: { _lineItemId: number }, _a, ctx) => ctx.core.store.lineItems.get(r._lineItemId),
		location: (r: { _locationId: number | null }, _a, ctx) => (r._locationId !== null ? ctx.core.store.locations.get(r._locationId) : null),
		priceSet: (r: { _lineItemId: number }, _a, ctx) => moneyBag(ctx.core.store.lineItems.get(r._lineItemId)?.price ?? '0.00'),
		subtotalSet: (r: { _lineItemId: number; quantity: number }, _a, ctx) =>
			moneyBag(Number(ctx.core.store.lineItems.get(r._lineItemId)?.price ?? 0) * r.quantity),
		totalTaxSet: () => moneyBag(0),
	};

	R.WebhookSubscription = {
		endpoint: (s: WebhookSubRec) => ({ __typename: 'WebhookHttpEndpoint', callbackUrl: s.uri }),
		callbackUrl: (s: WebhookSubRec) => s.uri,
		apiVersion: (s: WebhookSubRec) => ({ __typename: 'ApiVersion', handle: s._apiVersion, displayName: s._apiVersion, supported: true }),
	};

	R.BulkOperation = {
		status: (op: BulkOpRec, _a, ctx) => bulkStatus(op, ctx.core.clock.now()),
		errorCode: (op: BulkOpRec, _a, ctx) => (bulkStatus(op, ctx.core.clock.now()) === 'FAILED' ? op._failed : null),
		completedAt: (op: BulkOpRec, _a, ctx) => {
			const s = bulkStatus(op, ctx.core.clock.now());
			if (s === 'CANCELED') return ctx.core.clock.iso(op._canceledMs);
			return s === 'COMPLETED' || s === 'FAILED' ? ctx.core.clock.iso(op._doneMs) : null;
		},
		objectCount: (op: BulkOpRec, _a, ctx) => {
			const now = ctx.core.clock.now();
			const s = bulkStatus(op, now);
			if (s === 'COMPLETED') return String(op._objectCount);
			if (s === 'RUNNING') {
				const f = (now - op._runningMs) / Math.max(1, op._doneMs - op._runningMs);
				return String(Math.floor(op._objectCount * f));
			}
			return '0';
		},
		rootObjectCount: (op: BulkOpRec, _a, ctx) =>
			bulkStatus(op, ctx.core.clock.now()) === 'COMPLETED' ? String(op._rootObjectCount) : '0',
		fileSize: (op: BulkOpRec, _a, ctx) =>
			bulkStatus(op, ctx.core.clock.now()) === 'COMPLETED' && op._objectCount > 0 ? String(Buffer.byteLength(op._jsonl)) : null,
		url: (op: BulkOpRec, _a, ctx) =>
			bulkStatus(op, ctx.core.clock.now()) === 'COMPLETED' && op._objectCount > 0
				? `${ctx.core.baseUrl()}/bulk-results/${op._id}.jsonl?sig=emulator`
				: null,
		partialDataUrl: () => null,
	};

	return R;
}

// ---------------------------------------------------------------- defaults

function defaultFor(type: GraphQLOutputType, ctx: ExecContext): unknown {
	if (!isNonNullType(type)) return null;
	const inner = type.ofType;
	if (isListType(inner)) return [];
	const named = getNamedType(inner);
	if (isEnumType(named)) return named.getValues()[0]?.value ?? null;
	if (isScalarType(named)) {
		switch (named.name) {
			case 'Int':
			case 'Float':
				return 0;
			case 'Boolean':
				return false;
			case 'DateTime':
				return ctx.core.clock.iso();
			case 'Date':
				return ctx.core.clock.iso().slice(0, 10);
			case 'Decimal':
			case 'Money':
				return '0.0';
			case 'UnsignedInt64':
				return '0';
			case 'JSON':
				return {};
			case 'URL':
				return `https://${ctx.core.shopDomain}/`;
			default:
				return '';
		}
	}
	return {};
}

const RESOLVERS = buildResolvers();

export const fieldResolver: GraphQLFieldResolver<unknown, ExecContext> = (source, args, ctx, info) => {
	const r = RESOLVERS[info.parentType.name]?.[info.fieldName];
	if (r) return r(source, args, ctx, info);
	if (source && typeof source === 'object' && info.fieldName in source) {
		const v = (source as Record<string, unknown>)[info.fieldName];
		if (v !== undefined) return v;
	}
	return defaultFor(info.returnType, ctx);
};

export const typeResolver: GraphQLTypeResolver<unknown, ExecContext> = (value, _ctx, info, abstractType) => {
	const t = (value as { __typename?: string } | null)?.__typename;
	if (t && info.schema.getType(t)) return t;
	if (isAbstractType(abstractType)) return info.schema.getPossibleTypes(abstractType)[0]?.name;
	return undefined;
};
