/**
 * Shopify Admin API emulator (loopback HTTP, node:http). See README.md in this folder for what is
 * emulated, the per-version rules, the cost model and what is documented vs assumed.
 *
 *   const shop = await startShopifyEmulator();
 *   shop.seed({ items: [{ sku: 'SKU-000001', available: 5 }] });
 *   // credential: shop = shop.url, accessToken = 'shpat_test_token'
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
	execute,
	getVariableValues,
	GraphQLError,
	Kind,
	type FragmentDefinitionNode,
	type GraphQLObjectType,
	type OperationDefinitionNode,
} from 'graphql';
import { pendingBulkBuild, pendingBulkBuilds, startBulkQuery } from './bulk';
import { EmulatedClock } from './clock';
import { actualCost, findOversizedInput, MAX_INPUT_ARRAY, MAX_QUERY_COST, requestedCost, type WalkContext } from './cost';
import {
	fieldResolver,
	topicEnumToPath,
	topicPathToEnum,
	typeResolver,
	type EmulatorCore,
	type ExecContext,
	type IdempotencyAnswerCode,
} from './resolvers';
import { listInventoryLevels, setInventoryLevel, shopJson, type RestResponse } from './rest';
import {
	getSchema,
	LATEST_VERSION,
	parseCached,
	resolveVersion,
	shopifyValidationError,
	validateCached,
	type ApiVersion,
} from './schema';
import { available, parseGid, Store, type DispositionType, type LevelRec, type RestockType, type StockRules } from './store';
import {
	buildDisposePayload,
	buildInventoryLevelPayload,
	buildOrderEditedPayload,
	buildOrderPayload,
	buildRefundPayload,
	buildReturnPayload,
	sendWebhook as deliverWebhook,
	stringifyIds,
	type DeliveryLogEntry,
	type SenderOptions,
	type SendWebhookRequest,
} from './webhooks';

export { SUPPORTED_VERSIONS, LATEST_VERSION, resolveVersion } from './schema';
export { signBody } from './webhooks';

// ---------------------------------------------------------------- public contract

export interface ShopifyEmulatorOptions {
	host?: string;
	port?: number;
	shopDomain?: string;
	accessTokens?: { token: string; scopes?: string[] }[];
	apps?: { clientId: string; clientSecret: string; scopes?: string[]; tokenTtlSeconds?: number }[];
	bucket?: { maximumAvailable: number; restoreRate: number };
	rest?: { bucketSize: number; leakPerSecond: number };
	numbersAsStrings?: boolean;
	latencyMs?: number | { min: number; max: number };
	clock?: { speedUp: number };
	webhookSecret?: string;
	// ---- extensions (not in the shared contract; all optional) ----
	/** Emulated ms a bulk query takes from CREATED to COMPLETED (default 500). */
	bulkDurationMs?: number;
	/** Per-attempt webhook timeout in real ms (Shopify: 5 s; default 5000). */
	webhookTimeoutMs?: number;
	/** Delay before the first webhook retry in real ms, doubled per retry (default 10). */
	webhookRetryDelayMs?: number;
	/** HTTP status for a wrong client id/secret at /admin/oauth/access_token (default 401). */
	oauthInvalidClientStatus?: 400 | 401;
	/**
	 * Idempotency answers for the next inventorySetQuantities / inventoryAdjustQuantities requests that carry
	 * a key not seen before, one entry per request (consumed in order). See the README, "Programmatic API".
	 */
	idempotencyAnswers?: IdempotencyAnswerCode[];
	/**
	 * When a bulk query reads its data: 'start' (a snapshot when the operation is created; default) or
	 * 'completion' (changes made while it runs are in the result). Shopify reads progressively: both are bounds.
	 */
	bulkReadsAt?: 'start' | 'completion';
	/** Switches for behaviour the documentation leaves open (see README "Stock events"). */
	stockRules?: Partial<Omit<StockRules, 'injectedInventoryErrors'>>;
}

/** What a request hook sees (`onRequest`). */
export interface EmulatorRequestInfo {
	method: string;
	path: string;
	kind: 'query' | 'mutation' | 'rest' | 'oauth' | 'bulk-download';
	/** GraphQL operation name, when the request names one (or the document's only operation has one). */
	operationName?: string;
	/** Top-level field names of the GraphQL operation (e.g. ['inventorySetQuantities'], ['currentBulkOperation']). */
	fields: string[];
	body: string;
}

/** Line of an order placed through `placeOrder` / added through `editOrder`. */
export interface OrderLineInput {
	/** Exact SKU of a seeded variant; null or unknown → custom line (no stock). */
	sku?: string | null;
	/** Inventory item gid or numeric id (instead of sku). */
	inventoryItemId?: string;
	quantity: number;
	/** A gift card line (never moves stock). */
	giftCard?: boolean;
	title?: string;
	price?: string;
}

/** Result of every order action: the webhooks it emitted (topic + payload), in order. */
export interface OrderActionResult {
	orderId: number;
	/** The order as the REST/webhook payload after the action. */
	order: Record<string, unknown>;
	events: { topic: string; payload: Record<string, unknown> }[];
}

export interface ShopifyEmulator {
	url: string;
	port: number;
	shopDomain: string;
	close(): Promise<void>;
	seed(c: {
		/** The first location seeded is the primary one, unless one is marked `primary`. */
		locations?: { id?: number; name: string; primary?: boolean }[];
		items: { sku: string; available: number; onHand?: number; committed?: number; locationName?: string; title?: string }[];
	}): void;
	location(name?: string): { id: string; name: string };
	levels(locationId?: string): Map<string, { available: number; on_hand: number; committed: number; inventoryItemId: string; variantId: string }>;
	sell(sku: string, qty: number, locationId?: string): void;
	createOrder(o: {
		lineItems: { sku: string | null; quantity: number }[];
		locationId?: string;
		deliver?: boolean;
		topic?: string;
	}): Promise<{ order: Record<string, unknown> }>;
	cancelOrder(orderId: number, o?: { deliver?: boolean }): Promise<{ payload: Record<string, unknown> }>;
	refundOrder(
		orderId: number,
		o: { lines: { lineItemId: number; quantity: number; restockType: 'no_restock' | 'cancel' | 'return' }[]; deliver?: boolean },
	): Promise<{ payload: Record<string, unknown> }>;
	sendWebhook(d: Omit<SendWebhookRequest, 'apiVersion'>): Promise<{ attempts: { status: number; body: string }[] }>;
	subscriptions(): { id: string; topic: string; uri: string; format: string }[];
	setOptions(patch: Partial<ShopifyEmulatorOptions>): void;
	injectFault(f: {
		when?: (req: { path: string; operationName?: string; body: string }) => boolean;
		times?: number;
		status: number;
		retryAfter?: number;
		body?: string;
		/** extension: 'after' = process the request normally, then answer with the fault (response lost). */
		phase?: 'before' | 'after';
	}): void;
	requestLog: {
		at: number;
		path: string;
		status: number;
		operationName?: string;
		kind: 'query' | 'mutation' | 'rest' | 'oauth';
		requestedCost?: number;
		actualCost?: number;
		throttled?: boolean;
		idempotencyKey?: string;
		rows?: number;
	}[];
	bucketState(token?: string): { currentlyAvailable: number; maximumAvailable: number; restoreRate: number };
	reset(): void;

	// ---- extensions (not in the shared contract) ----
	/**
	 * Whether the result of a bulk operation (gid; without: of any) is still being built in the background.
	 * A request made once the emulated clock has passed its completion waits for the build.
	 */
	bulkResultPending(id?: string): boolean;
	/** Emulated clock: now() in ms, advance(ms) to jump forward (bucket refill, token expiry, bulk completion). */
	clock: { now(): number; advance(ms: number): void; readonly speedUp: number };
	/** Every webhook delivery attempt made by the emulator (sendWebhook, createOrder …, inventory_levels/update). */
	webhookLog: DeliveryLogEntry[];
	/** REST bucket state ({ used, bucketSize, leakPerSecond }). */
	restBucketState(token?: string): { used: number; bucketSize: number; leakPerSecond: number };
	/** Resolve when all background webhook deliveries (inventory_levels/update) are done. */
	flushWebhooks(): Promise<void>;
	/** Numeric id of the newest order (handy for cancelOrder/refundOrder). */
	lastOrderId(): number | undefined;

	// ---- stock events (orders, fulfilments, refunds, edits, returns); `deliver` defaults to true ----
	/** Places an order: committed +q / available −q at the location (paid or pending); orders/create (+ orders/paid). */
	placeOrder(o: { lineItems: OrderLineInput[]; financialStatus?: 'pending' | 'paid'; locationId?: string; deliver?: boolean; online?: boolean }): Promise<OrderActionResult & { lineItemIds: number[] }>;
	/** Marks a pending order paid (no stock change): orders/paid, orders/updated. */
	payOrder(orderId: number, o?: { deliver?: boolean }): Promise<OrderActionResult>;
	/** Fulfils lines (default all unfulfilled units): committed −q, on_hand −q; orders/fulfilled or orders/partially_fulfilled, orders/updated. */
	fulfilOrder(orderId: number, o?: { lines?: { lineItemId: number; quantity: number }[]; deliver?: boolean }): Promise<OrderActionResult>;
	/** Cancels (unfulfilled units restocked with restock_type cancel unless restock:false): refunds/create, orders/cancelled, orders/updated. */
	cancelOrderEvent(orderId: number, o?: { restock?: boolean; deliver?: boolean }): Promise<OrderActionResult>;
	/** Refund (restock types cancel / return / no_restock / legacy_restock): refunds/create, orders/updated. */
	refundOrderEvent(
		orderId: number,
		o: { lines: { lineItemId: number; quantity: number; restockType: RestockType; locationId?: string }[]; deliver?: boolean },
	): Promise<OrderActionResult & { refund: Record<string, unknown> }>;
	/** Order edit: lower a line's quantity (0 removes it) and/or add lines: orders/edited, orders/updated. */
	editOrder(
		orderId: number,
		e: { changes?: { lineItemId: number; quantity: number; restock?: boolean }[]; additions?: OrderLineInput[]; deliver?: boolean },
	): Promise<OrderActionResult & { addedLineItemIds: number[] }>;
	/** Returns flow: a return of fulfilled units (status OPEN): returns/approve. */
	createReturn(orderId: number, o: { lines: { lineItemId: number; quantity: number }[]; deliver?: boolean }): Promise<OrderActionResult & { returnId: number }>;
	/** Disposes returned units (RESTOCKED: available +q, on_hand +q): reverse_fulfillment_orders/dispose, orders/updated. */
	disposeReturn(
		returnId: number,
		o: { items: { lineItemId: number; quantity: number; disposition: DispositionType; locationId?: string }[]; deliver?: boolean },
	): Promise<OrderActionResult>;
	/** Closes a return: returns/close. */
	closeReturn(returnId: number, o?: { deliver?: boolean }): Promise<OrderActionResult>;
	/** Item properties for rows Shopify refuses: tracked:false, bundle parent (requiresComponents), gift card, deleted. */
	configureItem(sku: string, p: { tracked?: boolean; requiresComponents?: boolean; giftCard?: boolean; deleted?: boolean }): { inventoryItemId: string; variantId: string };
	/** Answer the next matching inventorySet/AdjustQuantities with a userError (only where the version's schema has the code; nothing applied). */
	injectInventoryUserError(e: { code: string; mutation?: 'set' | 'adjust' | 'any'; times?: number; when?: (rows: number) => boolean }): void;
	/**
	 * Runs `action` while a matching request is being answered: phase 'received' (default) after the
	 * request is read and before the answer is computed; 'answered' after it is computed, before it is sent.
	 */
	onRequest(
		predicate: (r: EmulatorRequestInfo) => boolean,
		action: (r: EmulatorRequestInfo) => void | Promise<void>,
		o?: { times?: number; phase?: 'received' | 'answered' },
	): void;
}

export const DEFAULT_ACCESS_TOKEN = 'shpat_test_token';
export const PACKAGE_SCOPES = ['read_inventory', 'write_inventory', 'read_products', 'write_products', 'read_locations', 'read_orders'];

// ---------------------------------------------------------------- internals

type LogEntry = ShopifyEmulator['requestLog'][number];

interface Principal {
	key: string;
	token: string;
	scopes: Set<string>;
}

interface Fault {
	when?: (req: { path: string; operationName?: string; body: string }) => boolean;
	times: number;
	status: number;
	retryAfter?: number;
	body?: string;
	phase: 'before' | 'after';
}

interface HttpResult {
	status: number;
	headers?: Record<string, string>;
	body: string | Buffer;
	contentType?: string;
	log: Omit<LogEntry, 'at' | 'path' | 'status'>;
}

const INVALID_TOKEN_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
const THROTTLE_DOC = 'https://shopify.dev/api/usage/rate-limits';

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

const json = (status: number, body: unknown, log: HttpResult['log'], headers?: Record<string, string>): HttpResult => ({
	status,
	headers,
	body: JSON.stringify(body),
	contentType: 'application/json; charset=utf-8',
	log,
});

function operationOf(query: unknown, operationName?: unknown): OperationDefinitionNode | undefined {
	if (typeof query !== 'string') return undefined;
	const p = parseCached(query);
	if (!p.ok) return undefined;
	const ops = p.document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
	if (typeof operationName === 'string' && operationName) return ops.find((o) => o.name?.value === operationName);
	return ops.length === 1 ? ops[0] : undefined;
}

const BULK_OPERATION_MUTATIONS = new Set(['bulkOperationRunQuery', 'bulkOperationCancel']);

/** A request that changes data (a bulk query's result still being built must not see it). */
function isWrite(method: string, kind: string, fields: readonly string[]): boolean {
	if (kind === 'mutation') return !fields.every((f) => BULK_OPERATION_MUTATIONS.has(f));
	return kind === 'rest' && method !== 'GET';
}

function defaultFaultBody(status: number): string {
	if (status === 429)
		return JSON.stringify({ errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' });
	if (status === 401) return JSON.stringify(INVALID_TOKEN_BODY);
	if (status >= 500)
		return JSON.stringify({ errors: `Internal error. Looks like something went wrong on our end.\nRequest ID: ${randomUUID()}` });
	return JSON.stringify({ errors: `Injected fault (HTTP ${status})` });
}

class ShopifyEmulatorImpl implements ShopifyEmulator, EmulatorCore {
	url = '';
	port = 0;
	shopDomain: string;
	requestLog: LogEntry[] = [];
	webhookLog: DeliveryLogEntry[] = [];
	store: Store;
	clock: EmulatedClock;
	private server: Server;
	private sockets = new Set<Socket>();
	private opts: ShopifyEmulatorOptions;
	private staticTokens = new Map<string, Set<string>>();
	private issued = new Map<string, { clientId: string; scopes: Set<string>; expiresAt: number }>();
	private buckets = new Map<string, { available: number; last: number }>();
	private restBuckets = new Map<string, { used: number; last: number }>();
	private faults: Fault[] = [];
	private hooks: {
		predicate: (r: EmulatorRequestInfo) => boolean;
		action: (r: EmulatorRequestInfo) => void | Promise<void>;
		times: number;
		phase: 'received' | 'answered';
	}[] = [];
	private pending = new Set<Promise<unknown>>();
	private activeRequests = new Set<ClientRequest>();

	constructor(opts: ShopifyEmulatorOptions) {
		this.opts = { ...opts };
		this.shopDomain = opts.shopDomain ?? 'demo-shop.myshopify.com';
		this.clock = new EmulatedClock(opts.clock?.speedUp ?? 1);
		this.store = this.newStore();
		this.applyTokens();
		this.server = createServer((req, res) => {
			this.handle(req, res).catch((e: unknown) => {
				if (!res.headersSent) {
					res.writeHead(500, { 'Content-Type': 'application/json' });
					res.end(JSON.stringify({ errors: `Emulator error: ${e instanceof Error ? e.message : String(e)}` }));
				}
			});
		});
		this.server.on('connection', (s: Socket) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
	}

	/** Consumes the next entry of the `idempotencyAnswers` switch (undefined when none is left). */
	takeIdempotencyAnswer(): IdempotencyAnswerCode | undefined {
		const [next, ...rest] = this.opts.idempotencyAnswers ?? [];
		if (next !== undefined) this.opts = { ...this.opts, idempotencyAnswers: rest };
		return next;
	}

	// ---------------- setup ----------------

	private newStore(): Store {
		const s = new Store(this.clock);
		s.onLevelChange = (l) => this.onLevelChange(l);
		Object.assign(s.rules, this.opts.stockRules ?? {});
		return s;
	}

	private applyTokens(): void {
		this.staticTokens.clear();
		const tokens = this.opts.accessTokens ?? [{ token: DEFAULT_ACCESS_TOKEN }];
		for (const t of tokens) this.staticTokens.set(t.token, new Set(t.scopes ?? PACKAGE_SCOPES));
	}

	listen(host: string, port: number): Promise<void> {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, host, () => {
				const addr = this.server.address();
				this.port = typeof addr === 'object' && addr ? addr.port : port;
				this.url = `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
				resolve();
			});
		});
	}

	baseUrl(): string {
		return this.url;
	}

	// ---------------- auth & buckets ----------------

	private principal(token: string | undefined): Principal | undefined {
		if (!token) return undefined;
		const scopes = this.staticTokens.get(token);
		if (scopes) return { key: `token:${token}`, token, scopes };
		const cc = this.issued.get(token);
		if (cc && this.clock.now() < cc.expiresAt) return { key: `app:${cc.clientId}`, token, scopes: cc.scopes };
		return undefined;
	}

	private bucketOpts() {
		return this.opts.bucket ?? { maximumAvailable: 2000, restoreRate: 100 };
	}

	private bucket(key: string): { available: number; last: number } {
		const { maximumAvailable, restoreRate } = this.bucketOpts();
		const now = this.clock.now();
		let b = this.buckets.get(key);
		if (!b) {
			b = { available: maximumAvailable, last: now };
			this.buckets.set(key, b);
		}
		b.available = Math.min(maximumAvailable, b.available + ((now - b.last) / 1000) * restoreRate);
		b.last = now;
		return b;
	}

	private throttleStatus(b: { available: number }) {
		const { maximumAvailable, restoreRate } = this.bucketOpts();
		return { maximumAvailable, currentlyAvailable: Math.floor(b.available), restoreRate };
	}

	private keyForToken(token?: string): string {
		const t = token ?? this.opts.accessTokens?.[0]?.token ?? DEFAULT_ACCESS_TOKEN;
		return this.principal(t)?.key ?? `token:${t}`;
	}

	bucketState(token?: string) {
		return this.throttleStatus(this.bucket(this.keyForToken(token)));
	}

	private restOpts() {
		return this.opts.rest ?? { bucketSize: 40, leakPerSecond: 2 };
	}

	private restBucket(key: string) {
		const { leakPerSecond } = this.restOpts();
		const now = this.clock.now();
		let b = this.restBuckets.get(key);
		if (!b) {
			b = { used: 0, last: now };
			this.restBuckets.set(key, b);
		}
		b.used = Math.max(0, b.used - ((now - b.last) / 1000) * leakPerSecond);
		b.last = now;
		return b;
	}

	restBucketState(token?: string) {
		const b = this.restBucket(this.keyForToken(token));
		return { used: b.used, ...this.restOpts() };
	}

	bulkResultPending(id?: string): boolean {
		const ops = id === undefined ? [...this.store.bulkOps.values()] : [this.store.bulkOps.get(Number(id.split('/').pop()))];
		return ops.some((op) => op !== undefined && (op._refreshAtCompletion !== undefined || pendingBulkBuild(op) !== undefined));
	}

	// ---------------- HTTP ----------------

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const raw = await readBody(req);
		const url = new URL(req.url ?? '/', 'http://emulator.local');
		const path = url.pathname;
		const method = (req.method ?? 'GET').toUpperCase();
		const token = (req.headers['x-shopify-access-token'] as string | undefined) ?? undefined;

		// what is this request?
		let kind: LogEntry['kind'] = 'rest';
		let operationName: string | undefined;
		let fields: string[] = [];
		const gql = path.match(/^\/admin\/api\/([^/]+)\/graphql\.json$/);
		if (gql) {
			let body: { query?: unknown; operationName?: unknown } = {};
			try {
				body = (req.headers['content-type'] ?? '').includes('application/graphql') ? { query: raw } : (JSON.parse(raw) as typeof body);
			} catch {
				body = {};
			}
			const op = operationOf(body.query, body.operationName);
			kind = op?.operation === 'mutation' ? 'mutation' : 'query';
			operationName = typeof body.operationName === 'string' && body.operationName ? body.operationName : op?.name?.value;
			fields = (op?.selectionSet.selections ?? []).flatMap((sel) => (sel.kind === Kind.FIELD ? [sel.name.value] : []));
		} else if (path === '/admin/oauth/access_token') kind = 'oauth';
		const info: EmulatorRequestInfo = {
			method,
			path,
			kind: /^\/bulk-results\//.test(path) ? 'bulk-download' : kind,
			operationName,
			fields,
			body: raw,
		};

		await this.latency();
		await this.runHooks('received', info);
		await this.refreshCompletedBulkOperations();
		if (isWrite(method, kind, fields)) await Promise.all(pendingBulkBuilds(this.store.bulkOps.values()));

		const fault = this.takeFault({ path, operationName, body: raw });
		let result: HttpResult;
		if (fault && fault.phase === 'before') {
			result = this.faultResult(fault, { kind, operationName });
		} else {
			result = await this.route(method, path, url, raw, req, token);
			if (fault) result = { ...this.faultResult(fault, { kind, operationName }), log: { ...result.log, kind, operationName } };
		}
		await this.runHooks('answered', info);
		this.requestLog.push({ at: this.clock.now(), path, status: result.status, ...result.log, kind: result.log.kind ?? kind });
		const headers: Record<string, string> = { ...(result.headers ?? {}) };
		if (result.contentType) headers['Content-Type'] = result.contentType;
		res.writeHead(result.status, headers);
		res.end(result.body);
	}

	/**
	 * Bulk operations the emulated clock has completed: their result is ready for this request. Starts
	 * the read of switch bulkReadsAt 'completion', and waits for a result still being built in the
	 * background (a large query), so a completed status always comes with the whole result.
	 */
	private async refreshCompletedBulkOperations(): Promise<void> {
		const now = this.clock.now();
		for (const op of this.store.bulkOps.values()) {
			if (now < op._doneMs || op._canceledMs !== undefined) continue;
			const refresh = op._refreshAtCompletion;
			op._refreshAtCompletion = undefined;
			const building = refresh ? refresh() : pendingBulkBuild(op);
			if (building) await building;
		}
	}

	private async runHooks(phase: 'received' | 'answered', info: EmulatorRequestInfo): Promise<void> {
		for (const h of [...this.hooks]) {
			if (h.phase !== phase || h.times <= 0) continue;
			if (!h.predicate(info)) continue;
			h.times--;
			this.hooks = this.hooks.filter((x) => x.times > 0);
			await h.action(info);
		}
	}

	private faultResult(f: Fault, log: HttpResult['log']): HttpResult {
		const headers: Record<string, string> = {};
		if (f.retryAfter !== undefined) headers['Retry-After'] = String(f.retryAfter);
		return { status: f.status, headers, body: f.body ?? defaultFaultBody(f.status), contentType: 'application/json; charset=utf-8', log };
	}

	private takeFault(req: { path: string; operationName?: string; body: string }): Fault | undefined {
		for (const f of this.faults) {
			if (f.times <= 0) continue;
			let hit = true;
			try {
				hit = f.when ? f.when(req) : true;
			} catch {
				hit = false;
			}
			if (!hit) continue;
			f.times--;
			this.faults = this.faults.filter((x) => x.times > 0);
			return f;
		}
		return undefined;
	}

	private async latency(): Promise<void> {
		const l = this.opts.latencyMs;
		if (l === undefined) return;
		const ms = typeof l === 'number' ? l : l.min + Math.random() * Math.max(0, l.max - l.min);
		if (ms > 0) await new Promise((r) => setTimeout(r, ms));
	}

	private async route(
		method: string,
		path: string,
		url: URL,
		raw: string,
		req: IncomingMessage,
		token: string | undefined,
	): Promise<HttpResult> {
		if (method === 'POST' && path === '/admin/oauth/access_token') return this.oauth(raw, req, url);
		const bulk = path.match(/^\/bulk-results\/(\d+)\.jsonl$/);
		if (method === 'GET' && bulk) {
			const op = this.store.bulkOps.get(Number(bulk[1]));
			if (!op) return json(404, { errors: 'Not Found' }, { kind: 'rest' });
			return { status: 200, body: op._jsonl, contentType: 'application/jsonl', log: { kind: 'rest' } };
		}
		const api = path.match(/^\/admin\/api\/([^/]+)\/(.+)$/);
		if (!api) return json(404, { errors: 'Not Found' }, { kind: 'rest' });
		const version = resolveVersion(api[1]);
		const resource = api[2];
		const versionHeader = { 'X-Shopify-API-Version': version };
		if (resource === 'graphql.json') {
			if (method !== 'POST') return json(405, { errors: 'Method Not Allowed' }, { kind: 'query' }, versionHeader);
			const p = this.principal(token);
			if (!p) {
				const op = (() => {
					try {
						return operationOf((JSON.parse(raw) as { query?: unknown }).query);
					} catch {
						return undefined;
					}
				})();
				return json(401, INVALID_TOKEN_BODY, { kind: op?.operation === 'mutation' ? 'mutation' : 'query' }, versionHeader);
			}
			const r = await this.graphql(version, raw, req, p);
			return { ...r, headers: { ...versionHeader, ...(r.headers ?? {}) } };
		}
		// REST
		const p = this.principal(token);
		if (!p) return json(401, INVALID_TOKEN_BODY, { kind: 'rest' }, versionHeader);
		const { bucketSize, leakPerSecond } = this.restOpts();
		const b = this.restBucket(p.key);
		if (b.used + 1 > bucketSize) {
			const waitEmu = ((b.used + 1 - bucketSize) / leakPerSecond) * 1000;
			const retryAfter = Math.max(0.1, this.clock.toRealMs(waitEmu) / 1000);
			return json(
				429,
				{ errors: `Exceeded ${leakPerSecond} calls per second for api client. Reduce request rates to resume uninterrupted service.` },
				{ kind: 'rest', throttled: true },
				{ ...versionHeader, 'Retry-After': retryAfter.toFixed(1), 'X-Shopify-Shop-Api-Call-Limit': `${bucketSize}/${bucketSize}` },
			);
		}
		b.used += 1;
		const limitHeader = { ...versionHeader, 'X-Shopify-Shop-Api-Call-Limit': `${Math.ceil(b.used)}/${bucketSize}` };
		const ctx = {
			store: this.store,
			baseUrl: this.url,
			version,
			shopDomain: this.shopDomain,
			numbersAsStrings: Boolean(this.opts.numbersAsStrings),
		};
		let rr: RestResponse;
		if (method === 'GET' && resource === 'inventory_levels.json') {
			if (!hasRead(p.scopes, 'read_inventory')) rr = { status: 403, body: { errors: 'This action requires merchant approval for read_inventory scope.' } };
			else rr = listInventoryLevels(ctx, url.searchParams);
		} else if (method === 'POST' && (resource === 'inventory_levels/set.json' || resource === 'inventory_levels/adjust.json')) {
			if (!p.scopes.has('write_inventory')) rr = { status: 403, body: { errors: 'This action requires merchant approval for write_inventory scope.' } };
			else {
				let body: Record<string, unknown> | undefined;
				try {
					body = JSON.parse(raw || '{}') as Record<string, unknown>;
				} catch {
					body = undefined;
				}
				rr = body
					? setInventoryLevel(ctx, body, resource.endsWith('adjust.json'))
					: { status: 400, body: { errors: { error: 'Invalid JSON' } } };
			}
		} else if (method === 'GET' && resource === 'shop.json') rr = shopJson(ctx);
		else rr = { status: 404, body: { errors: 'Not Found' } };
		return json(rr.status, rr.body, { kind: 'rest' }, { ...limitHeader, ...(rr.headers ?? {}) });
	}

	// ---------------- OAuth (client credentials) ----------------

	private oauth(raw: string, req: IncomingMessage, url: URL): HttpResult {
		const params = new URLSearchParams(url.search);
		const ct = req.headers['content-type'] ?? '';
		if (raw) {
			if (ct.includes('application/json') || raw.trim().startsWith('{')) {
				try {
					for (const [k, v] of Object.entries(JSON.parse(raw) as Record<string, unknown>)) params.set(k, String(v));
				} catch {
					return json(400, { error: 'invalid_request', error_description: 'The request body is not valid JSON.' }, { kind: 'oauth' });
				}
			} else for (const [k, v] of new URLSearchParams(raw)) params.set(k, v);
		}
		const grant = params.get('grant_type');
		if (grant !== 'client_credentials')
			return json(
				400,
				{
					error: 'unsupported_grant_type',
					error_description: 'The authorization grant type is not supported by the authorization server.',
				},
				{ kind: 'oauth' },
			);
		const app = (this.opts.apps ?? []).find((a) => a.clientId === params.get('client_id'));
		if (!app || app.clientSecret !== params.get('client_secret'))
			return json(
				this.opts.oauthInvalidClientStatus ?? 401,
				{
					error: 'invalid_client',
					error_description:
						'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
				},
				{ kind: 'oauth' },
			);
		const ttl = app.tokenTtlSeconds ?? 86399;
		const token = `shpat_${randomBytes(16).toString('hex')}`;
		const scopes = app.scopes ?? PACKAGE_SCOPES;
		this.issued.set(token, { clientId: app.clientId, scopes: new Set(scopes), expiresAt: this.clock.now() + ttl * 1000 });
		return json(200, { access_token: token, scope: scopes.join(','), expires_in: ttl }, { kind: 'oauth' });
	}

	// ---------------- GraphQL ----------------

	private async graphql(version: ApiVersion, raw: string, req: IncomingMessage, p: Principal): Promise<HttpResult> {
		const schema = getSchema(version);
		let body: { query?: unknown; variables?: unknown; operationName?: unknown };
		try {
			body = (req.headers['content-type'] ?? '').includes('application/graphql')
				? { query: raw }
				: (JSON.parse(raw) as typeof body);
		} catch {
			return json(400, { errors: { query: 'Required parameter missing or invalid' } }, { kind: 'query' });
		}
		if (typeof body?.query !== 'string' || !body.query.trim())
			return json(400, { errors: { query: 'Required parameter missing or invalid' } }, { kind: 'query' });
		const query = body.query;
		const variables = (body.variables && typeof body.variables === 'object' ? body.variables : {}) as Record<string, unknown>;
		const operationName = typeof body.operationName === 'string' && body.operationName ? body.operationName : undefined;
		const bucket = this.bucket(p.key);
		const costExt = (requested: number, actual: number | null) => ({
			cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: this.throttleStatus(bucket) },
		});

		const parsed = parseCached(query);
		if (!parsed.ok)
			return json(
				200,
				{
					errors: parsed.errors.map((e) => ({
						message: e.message,
						...(e.locations ? { locations: e.locations } : {}),
						extensions: { code: 'PARSE_ERROR' },
					})),
					extensions: costExt(0, 0),
				},
				{ kind: 'query', operationName },
			);
		const doc = parsed.document;
		const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
		const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
		const kind: 'query' | 'mutation' = op?.operation === 'mutation' ? 'mutation' : 'query';
		const logBase = { kind, operationName: operationName ?? op?.name?.value };
		const verrs = validateCached(version, query, doc);
		if (verrs.length)
			return json(200, { errors: verrs.map(shopifyValidationError), extensions: costExt(0, 0) }, logBase);
		if (!op) {
			const message = operationName
				? `No operation named "${operationName}"`
				: 'An operation name is required when the document contains more than one operation.';
			return json(200, { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }], extensions: costExt(0, 0) }, logBase);
		}
		if (op.operation === 'subscription')
			return json(200, { errors: [{ message: 'Subscriptions are not supported', extensions: { code: 'BAD_REQUEST' } }] }, logBase);
		const coerced = getVariableValues(schema, op.variableDefinitions ?? [], variables, { maxErrors: 50 });
		if (coerced.errors)
			return json(
				200,
				{
					errors: coerced.errors.map((e) => ({
						message: e.message,
						...(e.locations ? { locations: e.locations } : {}),
						extensions: { code: 'INVALID_VARIABLE' },
					})),
					extensions: costExt(0, 0),
				},
				logBase,
			);
		const fragments: Record<string, FragmentDefinitionNode> = {};
		for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
		const rootType = (op.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType()) as GraphQLObjectType;
		const w: WalkContext = { schema, fragments, variables: coerced.coerced };
		const isMutation = op.operation === 'mutation';

		const oversized = findOversizedInput(w, op.selectionSet, rootType);
		if (oversized)
			return json(
				200,
				{
					errors: [
						{
							message: `The input array size of ${oversized.size} is greater than the maximum allowed of ${MAX_INPUT_ARRAY}.`,
							...(oversized.node.loc ? { locations: [locationOf(oversized.node.loc)] } : {}),
							path: oversized.path,
							extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' },
						},
					],
					extensions: costExt(0, 0),
				},
				{ ...logBase, rows: oversized.size },
			);

		const requested = requestedCost(w, op.selectionSet, rootType, isMutation);
		if (requested > MAX_QUERY_COST)
			return json(
				200,
				{
					errors: [
						{
							message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/api/usage/bulk-operations/queries for usage details.\n`,
							extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_QUERY_COST, documentation: THROTTLE_DOC },
						},
					],
					// no top-level extensions.cost: the recorded real answer (graphql-max-cost-exceeded.json) has none
				},
				{ ...logBase, requestedCost: requested },
			);
		if (requested > bucket.available)
			return json(
				200,
				{
					errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: THROTTLE_DOC } }],
					extensions: costExt(requested, null),
				},
				{ ...logBase, requestedCost: requested, throttled: true },
			);
		bucket.available -= requested;

		const ctx: ExecContext = {
			core: this,
			version,
			schema,
			bulk: false,
			scopes: p.scopes,
			principal: p.key,
			log: {},
			dropData: false,
		};
		const result = await execute({
			schema,
			document: doc,
			rootValue: {},
			contextValue: ctx,
			variableValues: variables,
			operationName,
			fieldResolver,
			typeResolver,
		});
		const actual = Math.min(requested, actualCost(w, op.selectionSet, rootType, result.data, isMutation));
		const { maximumAvailable } = this.bucketOpts();
		bucket.available = Math.min(maximumAvailable, bucket.available + (requested - actual));
		const out: Record<string, unknown> = {};
		if (result.errors?.length) out.errors = result.errors.map(formatError);
		if (result.data !== undefined && !ctx.dropData) out.data = result.data;
		out.extensions = costExt(requested, actual);
		return json(200, out, {
			...logBase,
			requestedCost: requested,
			actualCost: actual,
			throttled: false,
			idempotencyKey: ctx.log.idempotencyKey,
			rows: ctx.log.rows,
		});
	}

	startBulkQuery(query: string, ctx: ExecContext) {
		return startBulkQuery(ctx, query, { durationMs: this.opts.bulkDurationMs ?? 500, readAt: this.opts.bulkReadsAt ?? 'start' });
	}

	// ---------------- webhooks ----------------

	private senderOptions(): SenderOptions {
		return {
			clock: this.clock,
			shopDomain: this.shopDomain,
			defaultSecret: this.webhookSecret(),
			apiVersion: LATEST_VERSION,
			timeoutMs: this.opts.webhookTimeoutMs ?? 5000,
			retryDelayMs: this.opts.webhookRetryDelayMs ?? 10,
			log: this.webhookLog,
			active: this.activeRequests,
		};
	}

	private webhookSecret(): string {
		return this.opts.webhookSecret ?? this.opts.apps?.[0]?.clientSecret ?? 'whsec_test';
	}

	sendWebhook(d: SendWebhookRequest) {
		return deliverWebhook({ ...d, topicHeader: topicEnumToPath(d.topic) }, this.senderOptions());
	}

	private track<T>(p: Promise<T>): Promise<T> {
		this.pending.add(p);
		void p.finally(() => this.pending.delete(p));
		return p;
	}

	/** Deliver one event to every subscription of `topic` (same X-Shopify-Event-Id for all). */
	private async deliverEvent(topic: string, payload: unknown): Promise<void> {
		const topicEnum = topicPathToEnum(topic);
		const subs = [...this.store.subscriptions.values()].filter((s) => s.topic === topicEnum);
		if (!subs.length) return;
		const eventId = randomUUID();
		const body = this.opts.numbersAsStrings ? stringifyIds(payload) : payload;
		await Promise.all(
			subs.map((s) =>
				this.track(
					deliverWebhook(
						{ url: s.uri, topic: topicEnum, topicHeader: topicEnumToPath(topicEnum), payload: body, eventId, apiVersion: s._apiVersion },
						this.senderOptions(),
					),
				),
			),
		);
	}

	private onLevelChange(level: LevelRec): void {
		let subscribed = false;
		for (const s of this.store.subscriptions.values()) if (s.topic === 'INVENTORY_LEVELS_UPDATE') subscribed = true;
		if (!subscribed) return;
		void this.track(this.deliverEvent('inventory_levels/update', buildInventoryLevelPayload(level, available(level._q))));
	}

	async flushWebhooks(): Promise<void> {
		while (this.pending.size) await Promise.allSettled([...this.pending]);
	}

	// ---------------- test-facing API ----------------

	seed(c: Parameters<ShopifyEmulator['seed']>[0]): void {
		this.store.seed(c);
	}

	location(name?: string): { id: string; name: string } {
		const l = name ? this.store.locationByName(name) : this.store.ensureDefaultLocation();
		if (!l) throw new Error(`Shopify emulator: no location named "${name}"`);
		return { id: l.id, name: l.name };
	}

	private locationIdOf(locationId?: string): number | undefined {
		if (locationId === undefined) return undefined;
		const p = parseGid(locationId);
		if (p?.type === 'Location') return p.id;
		if (/^\d+$/.test(locationId)) return Number(locationId);
		throw new Error(`Shopify emulator: not a location id: ${locationId}`);
	}

	levels(locationId?: string) {
		const id = this.locationIdOf(locationId);
		const loc = id !== undefined ? this.store.locations.get(id) : this.store.primaryLocation();
		const out = new Map<string, { available: number; on_hand: number; committed: number; inventoryItemId: string; variantId: string }>();
		if (!loc) return out;
		for (const l of loc._levels) {
			const item = this.store.items.get(l._itemId)!;
			if (!item.sku) continue;
			out.set(item.sku, {
				available: available(l._q),
				on_hand: l._q.on_hand,
				committed: l._q.committed,
				inventoryItemId: item.id,
				variantId: this.store.variants.get(item._variantId)!.id,
			});
		}
		return out;
	}

	sell(sku: string, qty: number, locationId?: string): void {
		this.store.sell(sku, qty, this.locationIdOf(locationId));
	}

	async createOrder(o: Parameters<ShopifyEmulator['createOrder']>[0]) {
		const order = this.store.createOrder({ lineItems: o.lineItems, locationId: this.locationIdOf(o.locationId) });
		const payload = buildOrderPayload(this.store, order, this.shopDomain);
		if (o.deliver) await this.deliverEvent(o.topic ?? 'orders/paid', payload);
		return { order: (this.opts.numbersAsStrings ? stringifyIds(payload) : payload) as Record<string, unknown> };
	}

	async cancelOrder(orderId: number, o?: { deliver?: boolean }) {
		const { order } = this.store.cancelOrder(Number(orderId));
		const payload = buildOrderPayload(this.store, order, this.shopDomain);
		if (o?.deliver) await this.deliverEvent('orders/cancelled', payload);
		return { payload: (this.opts.numbersAsStrings ? stringifyIds(payload) : payload) as Record<string, unknown> };
	}

	async refundOrder(orderId: number, o: { lines: { lineItemId: number; quantity: number; restockType: RestockType }[]; deliver?: boolean }) {
		const refund = this.store.refundOrder(
			Number(orderId),
			o.lines.map((l) => ({ ...l, lineItemId: Number(l.lineItemId) })),
		);
		const payload = buildRefundPayload(this.store, refund);
		if (o.deliver) await this.deliverEvent('refunds/create', payload);
		return { payload: (this.opts.numbersAsStrings ? stringifyIds(payload) : payload) as Record<string, unknown> };
	}

	lastOrderId(): number | undefined {
		return this.store.orderList[this.store.orderList.length - 1]?._id;
	}

	// ---------------- stock events ----------------

	private out<T>(payload: T): T {
		return (this.opts.numbersAsStrings ? stringifyIds(payload) : payload) as T;
	}

	/** Emits `events` in order (to subscriptions, when `deliver` is not false) and builds the result. */
	private async emit(orderId: number, events: [string, Record<string, unknown>][], deliver: boolean | undefined): Promise<OrderActionResult> {
		if (deliver !== false) for (const [topic, payload] of events) await this.deliverEvent(topic, payload);
		return {
			orderId,
			order: this.out(buildOrderPayload(this.store, this.store.order(orderId), this.shopDomain)),
			events: events.map(([topic, payload]) => ({ topic, payload: this.out(payload) })),
		};
	}

	private orderPayload(orderId: number): Record<string, unknown> {
		return buildOrderPayload(this.store, this.store.order(orderId), this.shopDomain);
	}

	private itemIdOf(id: string | undefined): number | undefined {
		if (id === undefined) return undefined;
		const p = parseGid(id);
		if (p?.type === 'InventoryItem') return p.id;
		if (/^\d+$/.test(id)) return Number(id);
		throw new Error(`Shopify emulator: not an inventory item id: ${id}`);
	}

	private lineInputs(lines: OrderLineInput[]) {
		return lines.map((l) => ({ ...l, inventoryItemId: this.itemIdOf(l.inventoryItemId) }));
	}

	async placeOrder(o: Parameters<ShopifyEmulator['placeOrder']>[0]) {
		const order = this.store.createOrder({
			lineItems: this.lineInputs(o.lineItems),
			locationId: this.locationIdOf(o.locationId),
			financialStatus: o.financialStatus ?? 'paid',
			online: o.online,
		});
		const payload = this.orderPayload(order._id);
		const events: [string, Record<string, unknown>][] = [['orders/create', payload]];
		if (order._financial === 'paid') events.push(['orders/paid', payload]);
		return { ...(await this.emit(order._id, events, o.deliver)), lineItemIds: order._lineItems.map((l) => l._id) };
	}

	async payOrder(orderId: number, o?: { deliver?: boolean }) {
		this.store.payOrder(Number(orderId));
		const payload = this.orderPayload(Number(orderId));
		return this.emit(Number(orderId), [['orders/paid', payload], ['orders/updated', payload]], o?.deliver);
	}

	async fulfilOrder(orderId: number, o?: { lines?: { lineItemId: number; quantity: number }[]; deliver?: boolean }) {
		const order = this.store.fulfilOrder(Number(orderId), o?.lines?.map((l) => ({ ...l, lineItemId: Number(l.lineItemId) })));
		const payload = this.orderPayload(order._id);
		const topic = order.displayFulfillmentStatus === 'FULFILLED' ? 'orders/fulfilled' : 'orders/partially_fulfilled';
		return this.emit(order._id, [[topic, payload], ['orders/updated', payload]], o?.deliver);
	}

	async cancelOrderEvent(orderId: number, o?: { restock?: boolean; deliver?: boolean }) {
		const { order, refund } = this.store.cancelOrder(Number(orderId), { restock: o?.restock });
		const payload = this.orderPayload(order._id);
		const events: [string, Record<string, unknown>][] = [];
		if (refund) events.push(['refunds/create', buildRefundPayload(this.store, refund)]);
		events.push(['orders/cancelled', payload], ['orders/updated', payload]);
		return this.emit(order._id, events, o?.deliver);
	}

	async refundOrderEvent(orderId: number, o: Parameters<ShopifyEmulator['refundOrderEvent']>[1]) {
		const refund = this.store.refundOrder(
			Number(orderId),
			o.lines.map((l) => ({ ...l, lineItemId: Number(l.lineItemId), locationId: this.locationIdOf(l.locationId) })),
		);
		const refundPayload = buildRefundPayload(this.store, refund);
		const r = await this.emit(Number(orderId), [['refunds/create', refundPayload], ['orders/updated', this.orderPayload(Number(orderId))]], o.deliver);
		return { ...r, refund: this.out(refundPayload) };
	}

	async editOrder(orderId: number, e: Parameters<ShopifyEmulator['editOrder']>[1]) {
		const { order, additions, removals } = this.store.editOrder(Number(orderId), {
			changes: e.changes?.map((c) => ({ ...c, lineItemId: Number(c.lineItemId) })),
			additions: e.additions ? this.lineInputs(e.additions) : undefined,
		});
		const edited = buildOrderEditedPayload(order, this.store.next('group'), this.store.nowIso(), additions, removals);
		const r = await this.emit(order._id, [['orders/edited', edited], ['orders/updated', this.orderPayload(order._id)]], e.deliver);
		return { ...r, addedLineItemIds: additions.map((a) => a.line._id) };
	}

	async createReturn(orderId: number, o: { lines: { lineItemId: number; quantity: number }[]; deliver?: boolean }) {
		const ret = this.store.createReturn(Number(orderId), o.lines.map((l) => ({ ...l, lineItemId: Number(l.lineItemId) })));
		const r = await this.emit(ret._orderId, [['returns/approve', buildReturnPayload(ret)]], o.deliver);
		return { ...r, returnId: ret._id };
	}

	async disposeReturn(returnId: number, o: Parameters<ShopifyEmulator['disposeReturn']>[1]) {
		const { ret, dispositions } = this.store.disposeReturn(
			Number(returnId),
			o.items.map((i) => ({ ...i, lineItemId: Number(i.lineItemId), locationId: this.locationIdOf(i.locationId) })),
		);
		return this.emit(
			ret._orderId,
			[['reverse_fulfillment_orders/dispose', buildDisposePayload(ret, dispositions)], ['orders/updated', this.orderPayload(ret._orderId)]],
			o.deliver,
		);
	}

	async closeReturn(returnId: number, o?: { deliver?: boolean }) {
		const ret = this.store.closeReturn(Number(returnId));
		return this.emit(ret._orderId, [['returns/close', buildReturnPayload(ret)]], o?.deliver);
	}

	configureItem(sku: string, p: { tracked?: boolean; requiresComponents?: boolean; giftCard?: boolean; deleted?: boolean }) {
		const variant = this.store.variantsBySku(sku).find((v) => v.sku === sku);
		if (!variant) throw new Error(`Shopify emulator: no variant with SKU ${sku}`);
		const item = this.store.items.get(variant._itemId)!;
		if (p.tracked !== undefined) item.tracked = p.tracked;
		if (p.requiresComponents !== undefined) variant.requiresComponents = p.requiresComponents;
		if (p.giftCard !== undefined) variant._giftCard = p.giftCard;
		if (p.deleted !== undefined) item._deleted = p.deleted;
		return { inventoryItemId: item.id, variantId: variant.id };
	}

	injectInventoryUserError(e: { code: string; mutation?: 'set' | 'adjust' | 'any'; times?: number; when?: (rows: number) => boolean }): void {
		this.store.rules.injectedInventoryErrors.push({ code: e.code, mutation: e.mutation ?? 'any', times: e.times ?? 1, when: e.when });
	}

	onRequest(
		predicate: (r: EmulatorRequestInfo) => boolean,
		action: (r: EmulatorRequestInfo) => void | Promise<void>,
		o?: { times?: number; phase?: 'received' | 'answered' },
	): void {
		this.hooks.push({ predicate, action, times: o?.times ?? 1, phase: o?.phase ?? 'received' });
	}

	subscriptions() {
		return [...this.store.subscriptions.values()].map((s) => ({ id: s.id, topic: s.topic, uri: s.uri, format: s.format }));
	}

	setOptions(patch: Partial<ShopifyEmulatorOptions>): void {
		const stockRules = patch.stockRules ? { ...this.opts.stockRules, ...patch.stockRules } : this.opts.stockRules;
		this.opts = { ...this.opts, ...patch, stockRules };
		if (patch.shopDomain) this.shopDomain = patch.shopDomain;
		if (patch.accessTokens) this.applyTokens();
		if (patch.clock) this.clock.setSpeedUp(patch.clock.speedUp);
		if (patch.bucket) for (const b of this.buckets.values()) b.available = Math.min(b.available, patch.bucket.maximumAvailable);
		if (patch.stockRules) Object.assign(this.store.rules, patch.stockRules);
	}

	injectFault(f: Parameters<ShopifyEmulator['injectFault']>[0]): void {
		this.faults.push({ ...f, times: f.times ?? 1, phase: f.phase ?? 'before' });
	}

	reset(): void {
		this.store = this.newStore();
		this.requestLog.length = 0;
		this.webhookLog.length = 0;
		this.buckets.clear();
		this.restBuckets.clear();
		this.issued.clear();
		this.faults = [];
		this.hooks = [];
	}

	async close(): Promise<void> {
		for (const r of this.activeRequests) r.destroy();
		await Promise.allSettled([...this.pending]);
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			for (const s of this.sockets) s.destroy();
		});
	}
}

function hasRead(scopes: Set<string>, scope: string): boolean {
	return scopes.has(scope) || scopes.has(scope.replace(/^read_/, 'write_'));
}

function locationOf(loc: { startToken: { line: number; column: number } }): { line: number; column: number } {
	return { line: loc.startToken.line, column: loc.startToken.column };
}

function formatError(e: GraphQLError): Record<string, unknown> {
	const o: Record<string, unknown> = { message: e.message };
	if (e.locations) o.locations = e.locations;
	if (e.path) o.path = e.path;
	const ext = { ...(e.extensions ?? {}) };
	if (!('code' in ext)) ext.code = 'INTERNAL_SERVER_ERROR';
	o.extensions = ext;
	return o;
}

export async function startShopifyEmulator(opts: ShopifyEmulatorOptions = {}): Promise<ShopifyEmulator> {
	const emu = new ShopifyEmulatorImpl(opts);
	await emu.listen(opts.host ?? '127.0.0.1', opts.port ?? 0);
	return emu;
}
