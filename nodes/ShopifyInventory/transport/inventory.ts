/**
 * Inventory reads and writes on top of the shared GraphQL transport.
 * Everything that keeps state during one execution lives in the caller's CostBudget / local variables.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import {
	asNodeError,
	shopifyApiVersion,
	shopifyGraphql,
	SHOPIFY_CREDENTIAL_TYPE,
	type CostBudget,
} from '../../shared/shopify/transport';
import { apiError } from '../../shared/errors';
import { estimateAvailable } from '../../shared/shopify/cost';
import { chunk, MAX_ROWS_PER_MUTATION } from '../logic/batching';
import { idempotencyKey } from '../logic/idempotency';
import { BulkLevelsReader } from '../logic/jsonl';
import {
	levelFromItemNode,
	levelFromLevelNode,
	skuSearchQuery,
	type ShopifyLevel,
} from '../logic/levels';
import { largestPageSize, PAGE_COST_LIMIT, requestedQueryCost } from '../../shared/shopify/queryCost';
import { waitUnlessCancelled } from '../../shared/wait';
import {
	classifyUserErrors,
	IDEMPOTENCY_RETRY_NEW_KEY,
	IDEMPOTENCY_RETRY_SAME_KEY,
	parseUserErrors,
	RETRYABLE_USER_ERROR_CODES,
} from '../logic/userErrors';
import {
	BULK_INVENTORY_QUERY,
	BULK_INVENTORY_SYNC_QUERY,
	BULK_RUN_MUTATION,
	BULK_STATUS_QUERY,
	INVENTORY_ADJUST_MUTATION,
	INVENTORY_ITEMS_BY_SKU_QUERY,
	INVENTORY_ITEMS_BY_SKUS_PAGE_QUERY,
	INVENTORY_SET_MUTATION,
	LOCATION_LEVELS_PAGE_QUERY,
	LOCATION_LEVELS_WITH_VARIANTS_PAGE_QUERY,
	VARIANTS_COUNT_QUERY,
} from './inventory.documents';

export type ReadMode = 'automatic' | 'paged' | 'bulk';

/** The location literal in BULK_INVENTORY_QUERY that is replaced by the real location gid. */
export const BULK_LOCATION_PLACEHOLDER = '"gid://shopify/Location/0"';

/** Page sizes that keep each page query below Shopify's 1000-point single-query limit. */
export const LEVELS_PAGE_SIZE = largestPageSize(LOCATION_LEVELS_PAGE_QUERY);
export const LEVELS_WITH_VARIANTS_PAGE_SIZE = largestPageSize(LOCATION_LEVELS_WITH_VARIANTS_PAGE_QUERY);
/** Items matching one SKU search (several items may share a SKU; we need to see duplicates). */
const SKU_SEARCH_PAGE = 10;

const BULK_TIMEOUT_MS = 60 * 60 * 1000;
// Small operations finish within a second: look early, then back off.
const BULK_POLL_MS = [200, 300, 500, 1000, 1000, 2000, 2000, 3000, 5000];

export interface ReadResult {
	levels: ShopifyLevel[];
	mode: 'paged' | 'bulk' | 'bySku';
}

/** Largest page whose requested cost fits the single-query limit and this shop's bucket size. */
function pageSizeFor(document: string, budget: CostBudget, bucketLimit?: number): number {
	const max = bucketLimit ?? budget.throttle?.maximumAvailable;
	const limit = max !== undefined ? Math.min(PAGE_COST_LIMIT, Math.floor(max)) : PAGE_COST_LIMIT;
	// The usual case (bucket ≥ 990 points): the sizes computed once at load, not ~250 cost evaluations per page.
	if (limit >= PAGE_COST_LIMIT) {
		if (document === LOCATION_LEVELS_PAGE_QUERY) return LEVELS_PAGE_SIZE;
		if (document === LOCATION_LEVELS_WITH_VARIANTS_PAGE_QUERY) return LEVELS_WITH_VARIANTS_PAGE_SIZE;
	}
	return largestPageSize(document, {}, { limit: Math.max(limit, 10) });
}

/** Reads `location.inventoryLevels` page by page. `limit` stops early (0 = all). */
export async function readLevelsPaged(
	this: IExecuteFunctions,
	budget: CostBudget,
	locationId: string,
	{ withVariants = false, limit = 0 }: { withVariants?: boolean; limit?: number } = {},
): Promise<ShopifyLevel[]> {
	const document = withVariants ? LOCATION_LEVELS_WITH_VARIANTS_PAGE_QUERY : LOCATION_LEVELS_PAGE_QUERY;
	const levels: ShopifyLevel[] = [];
	let after: string | null = null;
	let bucketLimit: number | undefined;
	for (;;) {
		const pageSize = pageSizeFor(document, budget, bucketLimit);
		const first = limit > 0 ? Math.min(pageSize, limit - levels.length) : pageSize;
		const variables: IDataObject = { locationId, first, after };
		let data: IDataObject = {};
		let failure: unknown;
		try {
			({ data } = await shopifyGraphql.call(this, document, variables, { budget }));
		} catch (error) {
			failure = error;
		}
		if (failure !== undefined) {
			const bucket = (failure as { costAboveBucket?: number }).costAboveBucket;
			if (bucket !== undefined && bucketLimit === undefined) {
				bucketLimit = bucket;
				continue;
			}
			throw asNodeError(this.getNode(), failure);
		}
		const location = data.location as IDataObject | null | undefined;
		if (!location) {
			throw new NodeOperationError(this.getNode(), `Shopify has no location ${locationId}`, {
				description: 'Choose the location from the list, or check the id.',
			});
		}
		const connection = (location.inventoryLevels ?? {}) as {
			nodes?: unknown[];
			pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
		};
		for (const node of connection.nodes ?? []) {
			const level = levelFromLevelNode(node);
			if (level) levels.push(level);
		}
		if (limit > 0 && levels.length >= limit) return levels.slice(0, limit);
		const pageInfo = connection.pageInfo ?? {};
		if (!pageInfo.hasNextPage || !pageInfo.endCursor) return levels;
		after = pageInfo.endCursor;
	}
}

const GRAPHQL_INT_MAX = 2_147_483_647;

export interface VariantsCount {
	count: number;
	/** 'AT_LEAST' when Shopify stopped counting at the limit. */
	precision: string;
}

/**
 * Cheap size estimate for Read Mode "Automatic": counts variants up to `limit` (the bulk threshold), so
 * "at least `limit`" is enough to decide. Undefined when Shopify gives no usable count.
 */
export async function countVariants(
	this: IExecuteFunctions,
	budget: CostBudget,
	limit?: number,
): Promise<VariantsCount | undefined> {
	const variables: IDataObject =
		limit !== undefined && Number.isFinite(limit) ? { limit: Math.min(Math.max(Math.ceil(limit), 1), GRAPHQL_INT_MAX) } : {};
	const { data } = await shopifyGraphql.call(this, VARIANTS_COUNT_QUERY, variables, { budget });
	const result = data.productVariantsCount as IDataObject | null | undefined;
	const n = Number(result?.count);
	if (result?.count === null || result?.count === undefined || !Number.isFinite(n)) return undefined;
	return { count: n, precision: typeof result.precision === 'string' ? result.precision : 'EXACT' };
}

const squash = (query: string) => query.replace(/\s+/g, ' ').trim();

/** The bulk query of the levels at a location (`withVariants`: Get Many's, else Sync's lean one). */
function bulkLevelsQuery(locationId: string, withVariants: boolean): string {
	const document = withVariants ? BULK_INVENTORY_QUERY : BULK_INVENTORY_SYNC_QUERY;
	return document.split(BULK_LOCATION_PLACEHOLDER).join(JSON.stringify(locationId));
}

/**
 * Starts the bulk read of the levels at a location (bulkOperationRunQuery) and returns the operation's
 * id, or undefined when Shopify refuses to start one (e.g. another bulk query is running): the caller
 * reads page by page instead.
 */
export async function startBulkLevelsRead(
	this: IExecuteFunctions,
	budget: CostBudget,
	locationId: string,
	{ withVariants = false }: { withVariants?: boolean } = {},
): Promise<string | undefined> {
	const started = await shopifyGraphql.call(this, BULK_RUN_MUTATION, { query: bulkLevelsQuery(locationId, withVariants) }, { budget });
	const payload = (started.data.bulkOperationRunQuery ?? {}) as IDataObject;
	const userErrors = parseUserErrors(payload.userErrors);
	const operation = payload.bulkOperation as IDataObject | null | undefined;
	if (userErrors.length > 0 || !operation || typeof operation.id !== 'string') {
		this.logger.warn(
			`Shopify did not start a bulk operation (${userErrors.map((e) => e.message).join('; ') || 'no operation returned'}); reading page by page instead`,
		);
		return undefined;
	}
	return operation.id;
}

/** The body of a JSONL download as text. */
function jsonlText(body: unknown): string {
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	return typeof body === 'string' ? body : JSON.stringify(body);
}

function isAsyncIterable(body: unknown): body is AsyncIterable<unknown> {
	return typeof (body as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';
}

/**
 * The levels of a bulk result, read line by line as the download arrives: neither the downloaded bytes
 * nor the whole text are held (at 250,000 SKUs the JSONL is tens of MB). A body already read whole
 * (a string or bytes) is read the same way.
 */
async function levelsFromDownload(body: unknown): Promise<ShopifyLevel[]> {
	const reader = new BulkLevelsReader();
	if (isAsyncIterable(body)) {
		const decoder = new TextDecoder('utf-8');
		for await (const piece of body) {
			if (typeof piece === 'string') reader.write(piece);
			else reader.write(decoder.decode(piece as Uint8Array, { stream: true }));
		}
		reader.write(decoder.decode());
	} else reader.write(jsonlText(body));
	return reader.end();
}

/**
 * Waits for a bulk read of the levels (polling with sleep), downloads the JSONL from the pre-signed URL
 * (no authentication) and stitches child lines (`__parentId`). `firstPollMs` is the wait before the first
 * poll (0 for a read started earlier). For a read started by another node, undefined when the
 * operation is unknown or not this location's levels read (its `query` differs): the caller reads again.
 */
export async function collectBulkLevelsRead(
	this: IExecuteFunctions,
	budget: CostBudget,
	id: string,
	locationId: string,
	{
		withVariants = false,
		firstPollMs = BULK_POLL_MS[0],
		startedElsewhere = false,
	}: {
		withVariants?: boolean;
		firstPollMs?: number;
		/** Started by another node (an id from its output): check that it is this location's levels read. */
		startedElsewhere?: boolean;
	} = {},
): Promise<ShopifyLevel[] | undefined> {
	const expectedQuery = bulkLevelsQuery(locationId, withVariants);
	const startedAt = Date.now();
	let poll = 0;
	for (;;) {
		await waitUnlessCancelled(this, poll === 0 ? firstPollMs : BULK_POLL_MS[Math.min(poll, BULK_POLL_MS.length - 1)]);
		poll++;
		const { data } = await shopifyGraphql.call(this, BULK_STATUS_QUERY, { id }, { budget });
		const op = (data.node ?? {}) as IDataObject;
		if (startedElsewhere && (op.id === undefined || (typeof op.query === 'string' && squash(op.query) !== squash(expectedQuery)))) {
			return undefined;
		}
		const status = String(op.status ?? '');
		if (status === 'COMPLETED') {
			const url = typeof op.url === 'string' ? op.url : undefined;
			if (!url) return [];
			return await levelsFromDownload(
				await this.helpers.httpRequest({
					method: 'GET',
					url,
					encoding: 'stream',
					json: false,
					timeout: 10 * 60 * 1000,
				}),
			);
		}
		if (status === 'FAILED' || status === 'CANCELED' || status === 'CANCELING' || status === 'EXPIRED') {
			throw apiError.call(
				this,
				`Shopify's bulk operation ended with status ${status}${op.errorCode ? ` (${String(op.errorCode)})` : ''}`,
				'Run again, or set Read Mode to "Paged" in the options.',
			);
		}
		if (Date.now() - startedAt > BULK_TIMEOUT_MS) {
			throw apiError.call(
				this,
				'Shopify’s bulk operation did not finish within 60 minutes',
				'Set Read Mode to "Paged" in the options, or try again later.',
			);
		}
	}
}

/**
 * Bulk operation read: start bulkOperationRunQuery, then collect it (see collectBulkLevelsRead).
 * Returns undefined when Shopify refuses to start one (e.g. too many running): the caller pages instead.
 */
export async function readLevelsBulk(
	this: IExecuteFunctions,
	budget: CostBudget,
	locationId: string,
	{ withVariants = true }: { withVariants?: boolean } = {},
): Promise<ShopifyLevel[] | undefined> {
	const id = await startBulkLevelsRead.call(this, budget, locationId, { withVariants });
	if (id === undefined) return undefined;
	return await collectBulkLevelsRead.call(this, budget, id, locationId, { withVariants });
}

/**
 * Whether reading `count` levels page by page would cost more points than the bucket holds right now
 * (so the read would have to wait for Shopify's restore rate). A bulk operation costs a few points
 * whatever the size, so Automatic prefers it then, even below the Bulk Threshold.
 */
export function pagedReadWouldWait(budget: CostBudget, count: number, withVariants: boolean): boolean {
	const document = withVariants ? LOCATION_LEVELS_WITH_VARIANTS_PAGE_QUERY : LOCATION_LEVELS_PAGE_QUERY;
	const pageSize = withVariants ? LEVELS_WITH_VARIANTS_PAGE_SIZE : LEVELS_PAGE_SIZE;
	const pages = Math.max(1, Math.ceil(count / pageSize));
	const pageCost = requestedQueryCost(document, { locationId: 'gid://shopify/Location/0', first: pageSize, after: null });
	const available = estimateAvailable(budget, Date.now());
	if (available === undefined) return false;
	return pages * pageCost > available;
}

/**
 * All levels at a location, paged or with a bulk operation. Automatic counts the variants first and
 * uses a bulk operation at or above the threshold, or when paging would exhaust the rate-limit bucket.
 */
export async function readLevels(
	this: IExecuteFunctions,
	budget: CostBudget,
	locationId: string,
	{ mode = 'automatic', threshold = 5000, withVariants = false }: { mode?: ReadMode; threshold?: number; withVariants?: boolean } = {},
): Promise<ReadResult> {
	let useBulk = mode === 'bulk';
	if (mode === 'automatic') {
		// Without a usable count (field missing, null, or the count query refused), pages are the safe
		// choice: a real problem (token, network) then surfaces from the paged read itself.
		let counted: VariantsCount | undefined;
		try {
			counted = await countVariants.call(this, budget, threshold);
		} catch (error) {
			this.logger.warn(`Shopify Inventory: could not count variants, reading levels page by page (${(error as Error).message})`);
			counted = undefined;
		}
		useBulk = counted !== undefined && (counted.count >= threshold || pagedReadWouldWait(budget, counted.count, withVariants));
	}
	if (useBulk) {
		const levels = await readLevelsBulk.call(this, budget, locationId, { withVariants });
		if (levels) return { levels, mode: 'bulk' };
	}
	return { levels: await readLevelsPaged.call(this, budget, locationId, { withVariants }), mode: 'paged' };
}

/** Items carrying exactly `sku` and their level at the location (not stocked there → `stocked: false`). */
export async function findBySku(
	this: IExecuteFunctions,
	budget: CostBudget,
	locationId: string,
	sku: string,
	itemIndex?: number,
): Promise<{ levels: ShopifyLevel[]; notStocked: string[] }> {
	const variables: IDataObject = { query: skuSearchQuery(sku), first: SKU_SEARCH_PAGE, locationId };
	const { data } = await shopifyGraphql.call(this, INVENTORY_ITEMS_BY_SKU_QUERY, variables, {
		budget,
		itemIndex,
	});
	const nodes = ((data.inventoryItems as IDataObject | undefined)?.nodes ?? []) as IDataObject[];
	const levels: ShopifyLevel[] = [];
	const notStocked: string[] = [];
	for (const node of nodes) {
		// Shopify's search is not an exact match: keep only the exact SKU.
		if (typeof node.sku !== 'string' || node.sku.trim() !== sku) continue;
		const level = levelFromItemNode(node);
		if (level) levels.push(level);
		else if (typeof node.id === 'string') notStocked.push(node.id);
	}
	return { levels, notStocked };
}

/** Levels for a few SKUs (one search per SKU). */
export async function readLevelsForSkus(
	this: IExecuteFunctions,
	budget: CostBudget,
	locationId: string,
	skus: readonly string[],
): Promise<ShopifyLevel[]> {
	const out: ShopifyLevel[] = [];
	for (const sku of [...new Set(skus)]) {
		const { levels } = await findBySku.call(this, budget, locationId, sku);
		out.push(...levels);
	}
	return out;
}

/**
 * SKUs per search of "Only SKUs in the Input": `sku:"A" OR sku:"B" …` stays a short query (about 1,000
 * characters for 20-character SKUs) and a page of that many items costs about 250 points.
 */
export const SKUS_PER_SEARCH = 50;

/** Search query for several exact SKUs (Shopify's search matches loosely: results are filtered exactly). */
export function skusSearchQuery(skus: readonly string[]): string {
	return skus.map((sku) => skuSearchQuery(sku)).join(' OR ');
}

/** Distinct SKUs → the searches "Only SKUs in the Input" sends (SKUS_PER_SEARCH each). */
export function skuSearchBatches(skus: Iterable<string>): string[][] {
	return chunk([...new Set(skus)], SKUS_PER_SEARCH);
}

/** Requested points of the first page of every search for these SKUs (what the bucket must hold). */
export function skuSearchCost(skus: Iterable<string>): number {
	let points = 0;
	for (const batch of skuSearchBatches(skus)) {
		points += requestedQueryCost(INVENTORY_ITEMS_BY_SKUS_PAGE_QUERY, {
			query: 'x',
			first: batch.length,
			after: null,
			locationId: 'gid://shopify/Location/0',
		});
	}
	return points;
}

/**
 * Levels of exactly these SKUs at the location, read with batched searches (SKUS_PER_SEARCH SKUs each).
 * Shopify's search is index-backed and loose (case, word tokens): only items whose SKU equals one of the
 * batch's SKUs are kept, and a search is paged for as long as Shopify says more items match, so an
 * exact match behind near misses is never lost. Items not stocked at the location are left out (the
 * caller reports them as missing in Shopify). The shared transport computes each page's cost.
 */
export async function readLevelsBySkuSearch(
	this: IExecuteFunctions,
	budget: CostBudget,
	locationId: string,
	skus: Iterable<string>,
): Promise<{ levels: ShopifyLevel[]; requests: number }> {
	const levels: ShopifyLevel[] = [];
	let requests = 0;
	const pageLimit = pageSizeFor(INVENTORY_ITEMS_BY_SKUS_PAGE_QUERY, budget);
	for (const batch of skuSearchBatches(skus)) {
		const wanted = new Set(batch);
		const query = skusSearchQuery(batch);
		const seen = new Set<string>();
		let after: string | null = null;
		for (;;) {
			const variables: IDataObject = { query, first: Math.min(pageLimit, batch.length), after, locationId };
			let data: IDataObject;
			try {
				({ data } = await shopifyGraphql.call(this, INVENTORY_ITEMS_BY_SKUS_PAGE_QUERY, variables, { budget }));
			} catch (error) {
				throw asNodeError(this.getNode(), error);
			}
			requests++;
			const connection = (data.inventoryItems ?? {}) as {
				nodes?: IDataObject[];
				pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
			};
			for (const node of connection.nodes ?? []) {
				if (typeof node.sku !== 'string' || !wanted.has(node.sku.trim())) continue;
				if (typeof node.id !== 'string' || seen.has(node.id)) continue;
				seen.add(node.id);
				const level = levelFromItemNode(node);
				if (level) levels.push(level);
			}
			const pageInfo = connection.pageInfo ?? {};
			if (!pageInfo.hasNextPage || !pageInfo.endCursor) break;
			after = pageInfo.endCursor;
		}
	}
	return { levels, requests };
}

/** Up to this many distinct SKUs are looked up one by one; more → one read of the whole location. */
export const SKU_LOOKUP_LIMIT = 20;

/**
 * Levels of the given SKUs: one search per SKU for a few, else one read of the whole location. The
 * returned mode tells a later re-read which way was taken (so Automatic is not decided, and counted, twice).
 */
export async function readLevelsForRows(
	this: IExecuteFunctions,
	budget: CostBudget,
	locationId: string,
	skus: readonly string[],
	options: { mode?: ReadMode; threshold?: number } = {},
): Promise<ReadResult> {
	const distinct = [...new Set(skus)];
	if (distinct.length <= SKU_LOOKUP_LIMIT) {
		return { levels: await readLevelsForSkus.call(this, budget, locationId, distinct), mode: 'bySku' };
	}
	return await readLevels.call(this, budget, locationId, options);
}

// ---------------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------------

export type WriteOperation = 'set' | 'adjust';

export interface WriteRow<T = unknown> {
	sku: string;
	inventoryItemId: string;
	/** set: the absolute quantity; adjust: the delta. */
	value: number;
	/** The quantity this row was computed from (read just before). */
	changeFromQuantity: number | null;
	ref: T;
	/** The row's location when it is not `settings.locationId` (Sync over several locations: one batch holds rows of every location). */
	locationId?: string;
}

export interface WriteSettings {
	operation: WriteOperation;
	/** Quantity name: 'available' or 'on_hand'. */
	name: string;
	reason: string;
	referenceDocumentUri?: string;
	/**
	 * Adjust only: the ledger document every change row carries. Shopify requires one for every quantity
	 * name except `available` (and refuses one for `available`).
	 */
	ledgerDocumentUri?: string;
	locationId: string;
	apiVersion: string;
	/**
	 * Identifies this execution (n8n's execution id). Part of every idempotency key: retries inside the
	 * execution reuse the key, while an identical write in a later execution (same rows, e.g. after a sale
	 * and a restock brought the same numbers back) is a new operation and must not be answered from
	 * Shopify's idempotency cache.
	 */
	executionScope: string;
}

export interface FailedRow<T> {
	row: WriteRow<T>;
	code?: string;
	message: string;
	/** A failure that a later run can fix by itself (Shopify asked to try again). */
	retryable?: boolean;
}

export interface WriteOutcome<T> {
	applied: Array<WriteRow<T>>;
	stale: Array<WriteRow<T>>;
	failed: Array<FailedRow<T>>;
	/** Mutation requests sent (including resends after dropping rejected rows). */
	mutations: number;
}

const MAX_ROUNDS_PER_BATCH = 12;
const CONCURRENT_WAIT_MS = 1000;
/** ADJUST_QUANTITIES_FAILED / SERVICE_UNAVAILABLE: waits before each retry of the same batch. */
export const RETRYABLE_USER_ERROR_WAITS_MS = [500, 1000, 2000, 4000];

function mutationInput(settings: WriteSettings, rows: Array<WriteRow<unknown>>): IDataObject {
	const input: IDataObject = {
		name: settings.name,
		reason: settings.reason,
	};
	if (settings.referenceDocumentUri) input.referenceDocumentUri = settings.referenceDocumentUri;
	if (settings.operation === 'set') {
		input.quantities = rows.map((r) => ({
			inventoryItemId: r.inventoryItemId,
			locationId: r.locationId ?? settings.locationId,
			quantity: r.value,
			changeFromQuantity: r.changeFromQuantity,
		}));
	} else {
		input.changes = rows.map((r) => ({
			inventoryItemId: r.inventoryItemId,
			locationId: r.locationId ?? settings.locationId,
			delta: r.value,
			changeFromQuantity: r.changeFromQuantity,
			...(settings.name !== 'available' && settings.ledgerDocumentUri ? { ledgerDocumentUri: settings.ledgerDocumentUri } : {}),
		}));
	}
	return input;
}

/**
 * Writes one batch (≤ 250 rows). A userError rejects the whole mutation: the rows it names are taken
 * out (stale ones to be re-read by the caller, others failed) and the rest is sent again with a new
 * idempotency key (the input changed). Retries of the same input (HTTP failures inside the transport,
 * IDEMPOTENCY_CONCURRENT_REQUEST) reuse the key, so Shopify applies it at most once.
 */
export async function writeBatch<T>(
	this: IExecuteFunctions,
	budget: CostBudget,
	settings: WriteSettings,
	rows: Array<WriteRow<T>>,
): Promise<WriteOutcome<T>> {
	if (rows.length > MAX_ROWS_PER_MUTATION) throw new Error('writeBatch: more than 250 rows');
	const outcome: WriteOutcome<T> = { applied: [], stale: [], failed: [], mutations: 0 };
	const document = settings.operation === 'set' ? INVENTORY_SET_MUTATION : INVENTORY_ADJUST_MUTATION;
	const payloadField = settings.operation === 'set' ? 'inventorySetQuantities' : 'inventoryAdjustQuantities';
	const listField = settings.operation === 'set' ? 'quantities' : 'changes';
	let pending = rows;
	let salt = 0;
	let concurrentWaits = 0;
	let retryableWaits = 0;
	for (let round = 0; pending.length > 0; round++) {
		if (round >= MAX_ROUNDS_PER_BATCH) {
			for (const row of pending) {
				outcome.failed.push({ row, message: 'Shopify kept rejecting this batch; the row was not written' });
			}
			break;
		}
		const input = mutationInput(settings, pending);
		const key = idempotencyKey({
			apiVersion: settings.apiVersion,
			operation: `${settings.operation}:${settings.name}`,
			context: [settings.executionScope, settings.locationId, settings.reason, settings.referenceDocumentUri ?? null],
			rows: (input.quantities ?? input.changes) as unknown,
			salt: salt || undefined,
		});
		outcome.mutations++;
		const { data } = await shopifyGraphql.call(this, document, { input }, { budget, idempotencyKey: key });
		const payload = (data[payloadField] ?? {}) as IDataObject;
		const errors = parseUserErrors(payload.userErrors);
		if (errors.length === 0) {
			outcome.applied.push(...pending);
			break;
		}
		const retryableError = errors.find((e) => e.code && RETRYABLE_USER_ERROR_CODES.has(e.code));
		if (retryableError) {
			// Shopify applied nothing and asks to try again: wait, then send the same batch with the same key.
			if (retryableWaits < RETRYABLE_USER_ERROR_WAITS_MS.length) {
				const wait = RETRYABLE_USER_ERROR_WAITS_MS[retryableWaits++];
				budget.retries++;
				budget.waitedMs += wait;
				await waitUnlessCancelled(this, wait);
				round--;
				continue;
			}
			for (const row of pending) {
				outcome.failed.push({
					row,
					code: retryableError.code ?? undefined,
					message: `${retryableError.message} Shopify still asked to try again after ${retryableWaits + 1} attempts; nothing of this batch was written, run again`,
					retryable: true,
				});
			}
			break;
		}
		const classified = classifyUserErrors(errors, listField, pending.length);
		const generalCodes = classified.general.map((e) => e.code ?? '');
		if (generalCodes.some((c) => IDEMPOTENCY_RETRY_SAME_KEY.has(c)) && classified.staleRows.size === 0 && classified.failedRows.size === 0) {
			concurrentWaits++;
			await waitUnlessCancelled(this, CONCURRENT_WAIT_MS * Math.min(concurrentWaits, 5));
			continue;
		}
		if (generalCodes.some((c) => IDEMPOTENCY_RETRY_NEW_KEY.has(c)) && classified.staleRows.size === 0 && classified.failedRows.size === 0) {
			salt++;
			continue;
		}
		if (classified.staleRows.size === 0 && classified.failedRows.size === 0) {
			// Errors that name no row concern the whole write (invalid location, reason, reference…).
			const message = classified.general.map((e) => `${e.message}${e.code ? ` (${e.code})` : ''}`).join('; ');
			for (const row of pending) outcome.failed.push({ row, code: classified.general[0]?.code ?? undefined, message });
			break;
		}
		const next: Array<WriteRow<T>> = [];
		pending.forEach((row, index) => {
			if (classified.staleRows.has(index)) outcome.stale.push(row);
			else if (classified.failedRows.has(index)) {
				const e = classified.failedRows.get(index)!;
				outcome.failed.push({ row, code: e.code, message: e.message });
			} else next.push(row);
		});
		pending = next;
	}
	return outcome;
}

/** Writes rows in batches of 250. */
export async function writeRows<T>(
	this: IExecuteFunctions,
	budget: CostBudget,
	settings: WriteSettings,
	rows: Array<WriteRow<T>>,
): Promise<WriteOutcome<T>> {
	const total: WriteOutcome<T> = { applied: [], stale: [], failed: [], mutations: 0 };
	for (const batch of chunk(rows, MAX_ROWS_PER_MUTATION)) {
		const o = await writeBatch.call(this, budget, settings, batch);
		total.applied.push(...(o.applied as Array<WriteRow<T>>));
		total.stale.push(...(o.stale as Array<WriteRow<T>>));
		total.failed.push(...(o.failed as Array<FailedRow<T>>));
		total.mutations += o.mutations;
	}
	return total;
}

export async function currentApiVersion(this: IExecuteFunctions): Promise<string> {
	return shopifyApiVersion(await this.getCredentials(SHOPIFY_CREDENTIAL_TYPE));
}
