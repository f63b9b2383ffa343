import {
	NodeApiError,
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type INode,
	type IWebhookFunctions,
} from 'n8n-workflow';

import { apiError, errorChain } from '../errors';
import { httpRetryDelayMs, HTTP_MAX_ATTEMPTS, renewalLookAgainMs } from '../backoff';
import { waitUnlessCancelled } from '../wait';
import {
	createCostBudget,
	msUntilAffordable,
	recordCost,
	throttledWaitMs,
	type CostBudget,
} from './cost';
import { MUTATION_COST, requestedQueryCost } from './queryCost';
import { classifyGraphqlErrors, classifyHttpFailure, networkProblemText, redactSecrets } from './errors';
import {
	graphqlEndpoint,
	normalizeApiVersion,
	normalizeShopBaseUrl,
	shopLabel,
	SUPPORTED_API_VERSIONS,
} from './url';

export { createCostBudget, type CostBudget } from './cost';

export const SHOPIFY_CREDENTIAL_TYPE = 'shopifyInventoryApi';

/** What to do when Shopify refuses order data for lack of protected-customer-data approval. */
export const PROTECTED_CUSTOMER_DATA_HELP =
	'Orders are protected customer data. In the Shopify Dev Dashboard (or the Partner Dashboard), open the app → API access → "Protected customer data access", request access to protected customer data (the order data; no customer fields such as name, email, phone or address are needed), give the reason (inventory sync), save, and install the new version of the app in the store. Until then the catch-up and the hold-back of Inventory → Sync cannot read orders, and order webhooks cannot be subscribed.';

/** Shopify's answer to an order read or an order-topic subscription without that approval. */
export function isProtectedCustomerDataRefusal(message: string): boolean {
	return /protected customer data|not approved to access the (Order|Customer)/i.test(message);
}

export type ShopifyContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

export interface ShopifyGraphqlOptions {
	/** Sent as the `$idempotencyKey` variable used by `@idempotent(key: $idempotencyKey)`. Retries reuse it. */
	idempotencyKey?: string;
	/** Attempts for HTTP 429 / 5xx / network failures (THROTTLED answers are bounded separately). */
	maxAttempts?: number;
	/** Cost tracker of this call chain (create one per execution with createCostBudget()). */
	budget?: CostBudget;
	/** Item index for error messages. */
	itemIndex?: number;
}

export interface ShopifyGraphqlResult {
	data: IDataObject;
	extensions?: IDataObject;
}

/** Upper bound on THROTTLED answers for one request (each one is followed by an exact wait). */
const MAX_THROTTLED_RETRIES = 8;
const REQUEST_TIMEOUT_MS = 60_000;

/** Keeps n8n errors as they are (message, HTTP code), wraps anything else. */
export function asNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}

export function shopifyBaseUrl(credentials: ICredentialDataDecryptedObject | IDataObject): string {
	return normalizeShopBaseUrl(credentials.shop);
}

export function shopifyApiVersion(credentials: ICredentialDataDecryptedObject | IDataObject): string {
	return normalizeApiVersion(credentials.apiVersion);
}

function operationKey(document: string, variables?: IDataObject): string {
	const m = /\b(query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(document);
	const name = m ? m[2] : document.replace(/\s+/g, ' ').trim().slice(0, 80);
	const first = variables && typeof variables.first === 'number' ? `#${variables.first}` : '';
	return `${name}${first}`;
}

/** The requested cost by Shopify's documented rules; undefined for a document the calculator cannot read. */
function requestedCostOf(document: string, variables?: IDataObject): number | undefined {
	try {
		return requestedQueryCost(document, variables ?? {});
	} catch {
		return undefined;
	}
}

function isMutation(document: string): boolean {
	return /^\s*(#[^\n]*\n\s*)*mutation\b/.test(document);
}

interface HttpFailure {
	status?: number;
	retryAfter?: string;
	networkCode?: string;
	body?: unknown;
	message: string;
	/** Thrown by our own credential preAuthentication: its message is already clear. */
	preAuth?: boolean;
	/** preAuthentication failed for a reason that may pass (token endpoint 5xx / network). */
	preAuthRetryable?: boolean;
	preAuthMessage?: string;
}

function headerValue(headers: unknown, name: string): string | undefined {
	if (!headers || typeof headers !== 'object') return undefined;
	const h = headers as Record<string, unknown> & { get?: (n: string) => unknown };
	if (typeof h.get === 'function') {
		const v = h.get(name);
		if (v !== undefined && v !== null) return String(v);
	}
	for (const [k, v] of Object.entries(h)) {
		if (k.toLowerCase() === name.toLowerCase() && v !== undefined && v !== null) {
			return Array.isArray(v) ? String(v[0]) : String(v);
		}
	}
	return undefined;
}

/** Reads status / headers / body / network code from whatever httpRequestWithAuthentication threw. */
export function describeHttpError(error: unknown): HttpFailure {
	const out: HttpFailure = { message: '' };
	for (const e of errorChain(error, ['cause', 'reason'])) {
		if (!out.message && typeof e.message === 'string') out.message = e.message;
		if (e.shopifyPreAuthFailure === true) {
			out.preAuth = true;
			out.preAuthRetryable = e.shopifyRetryable === true;
			if (typeof e.message === 'string') out.preAuthMessage = e.message;
		}
		const response = e.response as Record<string, unknown> | undefined;
		if (response && typeof response === 'object') {
			const status = Number(response.status ?? response.statusCode);
			if (out.status === undefined && Number.isFinite(status) && status > 0) out.status = status;
			if (out.retryAfter === undefined) out.retryAfter = headerValue(response.headers, 'retry-after');
			if (out.body === undefined && response.data !== undefined) out.body = response.data;
			if (out.body === undefined && response.body !== undefined) out.body = response.body;
		}
		if (out.status === undefined) {
			const code = Number(e.httpCode ?? e.statusCode);
			if (Number.isFinite(code) && code >= 100 && code < 600) out.status = code;
		}
		if (out.networkCode === undefined && typeof e.code === 'string' && /^(E[A-Z_]+|UND_ERR_[A-Z_]+|ERR_[A-Z_]+)$/.test(e.code)) {
			if (e.code !== 'ERR_BAD_REQUEST' && e.code !== 'ERR_BAD_RESPONSE') out.networkCode = e.code;
		}
		const context = e.context as Record<string, unknown> | undefined;
		if (out.body === undefined && context && typeof context === 'object' && context.data !== undefined) {
			out.body = context.data;
		}
	}
	return out;
}

function bodyErrors(body: unknown): string | undefined {
	if (!body) return undefined;
	if (typeof body === 'string') return body.slice(0, 300);
	if (typeof body === 'object') {
		const b = body as Record<string, unknown>;
		if (typeof b.errors === 'string') return b.errors;
		if (Array.isArray(b.errors)) {
			return b.errors
				.map((x) => (x && typeof x === 'object' && 'message' in x ? String((x as { message: unknown }).message) : String(x)))
				.join('; ');
		}
		if (typeof b.error === 'string') return b.error;
		if (typeof b.error_description === 'string') return b.error_description;
	}
	return undefined;
}

function httpFailureError(
	this: ShopifyContext,
	failure: HttpFailure,
	base: string,
	version: string,
	secrets: Array<string | undefined>,
	itemIndex?: number,
	attempts?: number,
): NodeApiError {
	const host = shopLabel(base);
	const detail = redactSecrets(bodyErrors(failure.body) ?? failure.message ?? '', secrets);
	const kind = failure.preAuth ? 'preAuth' : classifyHttpFailure(failure.status, failure.networkCode);
	const httpCode = failure.status !== undefined ? String(failure.status) : undefined;
	const fail = (message: string, advice?: string) => apiError.call(this, message, advice, { httpCode, itemIndex });
	const said = detail ? ` Shopify said: ${detail}` : '';
	switch (kind) {
		case 'preAuth':
			return fail(redactSecrets(failure.preAuthMessage ?? failure.message, secrets));
		case 'auth':
			return fail(
				`Shopify refused the access token for ${host} (HTTP 401)`,
				'Check the Admin API access token (or the client ID and secret) in the Shopify Inventory API credential. The app may have been uninstalled or the token revoked.' + said,
			);
		case 'forbidden':
			return fail(
				`Shopify denied access for ${host} (HTTP 403)`,
				'The app lacks a permission (scope) this operation needs. Grant read_inventory, write_inventory, read_products, write_products, read_locations and read_orders to the app and reinstall it.' + said,
			);
		case 'notFound':
			return fail(
				`Shopify answered "not found" for ${host} (HTTP 404)`,
				`Check the Shop value of the credential (shop name, myshopify.com domain or base URL) and that Admin API version ${version} exists (supported: ${SUPPORTED_API_VERSIONS.join(', ')}).`,
			);
		case 'payment':
			return fail(
				`The shop ${host} is not available (HTTP 402: payment required / frozen)`,
				'The store is frozen or paused. Settle the store’s billing in Shopify, then run again.',
			);
		case 'locked':
			return fail(
				`The shop ${host} is locked (HTTP 423)`,
				'Shopify has locked this store’s API access. Contact Shopify support.',
			);
		case 'dns':
			return fail(
				`The shop domain ${host} could not be found`,
				'Check the Shop value in the credential (for example my-shop or my-shop.myshopify.com).',
			);
		case 'retryable':
			return fail(
				`Shopify at ${host} kept failing (${failure.status !== undefined ? `HTTP ${failure.status}` : networkProblemText(failure.networkCode)}) after ${attempts ?? 1} attempts`,
				'Shopify or the network is having trouble. Try again later; the operation is safe to repeat.' +
					(detail ? ` Last answer: ${detail}` : ''),
			);
		default:
			return fail(
				`Shopify request to ${host} failed${failure.status !== undefined ? ` (HTTP ${failure.status})` : ''}`,
				detail || undefined,
			);
	}
}

/**
 * How long, at most, a request refused for an expired client-credentials token waits (a random part
 * of it) before it looks again whether another run has renewed the token meanwhile.
 */
export const TOKEN_RENEWAL_JITTER_MS = 1500;

/**
 * One request through httpRequestWithAuthentication. With client credentials, an expired token
 * (HTTP 401) is renewed once between all the runs that meet it, also across queue-mode workers:
 * the refused request waits a random moment and is sent again (n8n reads the credential anew for
 * every request, so a token another run saved is used at once); only if it is still refused does
 * this run renew (n8n requests a token through the credential's preAuthentication, saves it for
 * every other run and sends the request). With a fixed access token, n8n's own handling is kept.
 * HTTP failures are thrown as before (status, headers and body on `response`).
 */
async function sendRenewingOnce(this: ShopifyContext, request: IHttpRequestOptions, credentials: ICredentialDataDecryptedObject): Promise<unknown> {
	if (credentials.authentication === 'accessToken') {
		return await this.helpers.httpRequestWithAuthentication.call(this, SHOPIFY_CREDENTIAL_TYPE, request);
	}
	const probe = async (): Promise<{ expired: true } | { expired: false; body: unknown }> => {
		const answer = (await this.helpers.httpRequestWithAuthentication.call(this, SHOPIFY_CREDENTIAL_TYPE, {
			...request,
			ignoreHttpStatusErrors: true,
			returnFullResponse: true,
		})) as { statusCode?: number; headers?: unknown; body?: unknown };
		const status = answer.statusCode ?? 200;
		if (status === 401) return { expired: true };
		if (status >= 400) {
			throw Object.assign(new Error(`Request failed with status code ${status}`), {
				response: { status, headers: answer.headers, body: answer.body },
			});
		}
		return { expired: false, body: answer.body };
	};
	const first = await probe();
	if (!first.expired) return first.body;
	await waitUnlessCancelled(this, renewalLookAgainMs(TOKEN_RENEWAL_JITTER_MS));
	const second = await probe();
	if (!second.expired) return second.body;
	// Still refused: this run renews. Given the credential without a token, n8n requests one
	// (preAuthentication), saves it for every other run, and sends the request.
	const withoutToken: ICredentialsDecrypted = { id: '', name: '', type: SHOPIFY_CREDENTIAL_TYPE, data: { ...credentials, sessionToken: '' } };
	return await this.helpers.httpRequestWithAuthentication.call(this, SHOPIFY_CREDENTIAL_TYPE, request, { credentialsDecrypted: withoutToken });
}

/**
 * Sends one GraphQL document to the Admin API of the credential's shop and version.
 *
 * - Rate limiting from the live throttleStatus kept in `options.budget` (per call chain).
 * - THROTTLED → waits exactly (requestedCost − currentlyAvailable) / restoreRate and resends.
 * - 429 / 5xx / network errors → exponential back-off with jitter, honouring Retry-After; bounded.
 * - 401 → n8n renews the token through the credential's preAuthentication and resends once.
 * - MAX_COST_EXCEEDED, validation errors, missing scopes → NodeApiError (no retry).
 *
 * Top-level `errors` are thrown; payload `userErrors` are returned in `data` for the caller.
 */
export async function shopifyGraphql(
	this: ShopifyContext,
	document: string,
	variables?: IDataObject,
	options: ShopifyGraphqlOptions = {},
): Promise<ShopifyGraphqlResult> {
	const credentials = await this.getCredentials(SHOPIFY_CREDENTIAL_TYPE);
	let base: string;
	let version: string;
	try {
		base = shopifyBaseUrl(credentials);
		version = shopifyApiVersion(credentials);
	} catch (error) {
		throw apiError.call(this, (error as Error).message, undefined, { itemIndex: options.itemIndex });
	}
	const secrets = [
		credentials.accessToken,
		credentials.clientSecret,
		credentials.sessionToken,
		credentials.webhookSigningSecret,
	].map((s) => (typeof s === 'string' ? s : undefined));

	const budget = options.budget ?? createCostBudget();
	/** Waits out a retryable failure (counted in the budget's figures). */
	const waitBeforeRetry = async (ms: number) => {
		budget.retries++;
		budget.waitedMs += ms;
		await waitUnlessCancelled(this, ms);
	};
	const maxAttempts = Math.max(1, options.maxAttempts ?? HTTP_MAX_ATTEMPTS);
	const vars: IDataObject = { ...(variables ?? {}) };
	if (options.idempotencyKey !== undefined) vars.idempotencyKey = options.idempotencyKey;
	const key = operationKey(document, variables);
	const mutation = isMutation(document);
	// The requested cost from the document itself lets even the first call wait for the bucket.
	const computedCost = requestedCostOf(document, variables);

	const requestOptions: IHttpRequestOptions = {
		method: 'POST',
		url: graphqlEndpoint(base, version),
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
		body: { query: document, variables: vars },
		json: true,
		timeout: REQUEST_TIMEOUT_MS,
	};

	let failures = 0;
	let throttles = 0;
	for (;;) {
		const estimated = computedCost ?? budget.requestedByDocument[key] ?? (mutation ? MUTATION_COST : undefined);
		if (estimated !== undefined) {
			const wait = msUntilAffordable(budget, estimated, Date.now());
			if (wait > 0) {
				budget.preemptiveWaits++;
				budget.waitedMs += wait;
				await waitUnlessCancelled(this, wait);
			}
		}

		budget.calls++;
		let body: unknown;
		try {
			body = await sendRenewingOnce.call(this, requestOptions, credentials);
		} catch (error) {
			const failure = describeHttpError(error);
			const kind = failure.preAuth
				? failure.preAuthRetryable
					? 'retryable'
					: 'preAuth'
				: classifyHttpFailure(failure.status, failure.networkCode);
			failures++;
			if (kind === 'retryable' && failures < maxAttempts) {
				await waitBeforeRetry(httpRetryDelayMs(failures, failure.retryAfter));
				continue;
			}
			throw httpFailureError.call(this, failure, base, version, secrets, options.itemIndex, failures);
		}

		if (typeof body === 'string') {
			try {
				body = JSON.parse(body);
			} catch {
				failures++;
				if (failures < maxAttempts) {
					await waitBeforeRetry(httpRetryDelayMs(failures));
					continue;
				}
				throw apiError.call(this, `Shopify at ${shopLabel(base)} answered with something that is not JSON`, undefined, {
					itemIndex: options.itemIndex,
				});
			}
		}
		const answer = (body ?? {}) as { data?: IDataObject | null; errors?: unknown; extensions?: IDataObject };
		const cost = recordCost(budget, answer.extensions, Date.now(), key);
		const info = classifyGraphqlErrors(answer.errors);
		if (info) {
			switch (info.kind) {
				case 'throttled': {
					budget.throttledWaits++;
					throttles++;
					if (throttles > MAX_THROTTLED_RETRIES) {
						throw apiError.call(
							this,
							`Shopify kept throttling the request (${throttles} times)`,
							'Another app may be using the same API budget. Try again later.',
							{ itemIndex: options.itemIndex },
						);
					}
					const status = cost?.throttleStatus ?? budget.throttle;
					const requested = cost?.requestedQueryCost ?? estimated ?? 0;
					if (status && requested > status.maximumAvailable) {
						// Waiting cannot help: the bucket never holds that many points. Callers that page
						// (readLevelsPaged) catch this and ask for smaller pages.
						const error = apiError.call(
							this,
							`The request needs ${requested} points but this shop's API bucket holds only ${status.maximumAvailable}`,
							`Request "${key}". Use smaller pages or Read Mode "Bulk Operation".`,
							{ itemIndex: options.itemIndex },
						);
						(error as NodeApiError & { costAboveBucket?: number }).costAboveBucket = status.maximumAvailable;
						throw error;
					}
					const wait = status
						? throttledWaitMs(requested, status.currentlyAvailable, status.restoreRate)
						: httpRetryDelayMs(throttles);
					budget.waitedMs += wait;
					await waitUnlessCancelled(this, Math.max(wait, 1));
					continue;
				}
				case 'maxCost':
					throw apiError.call(
						this,
						'The query asked for more than Shopify’s single-query cost limit (MAX_COST_EXCEEDED)',
						`This is a bug in the node (query "${key}"), not in your settings. Shopify said: ${info.message}`,
						{ itemIndex: options.itemIndex },
					);
				case 'accessDenied': {
					if (isProtectedCustomerDataRefusal(info.message)) {
						throw apiError.call(
							this,
							'Shopify refused to share order data: the app is not approved for protected customer data',
							PROTECTED_CUSTOMER_DATA_HELP + ` Shopify said: ${redactSecrets(info.message, secrets)}`,
							{ itemIndex: options.itemIndex },
						);
					}
					const scopes = info.scopes && info.scopes.length > 0 ? info.scopes.join(', ') : undefined;
					throw apiError.call(
						this,
						scopes
							? `The Shopify app is missing the access scope ${scopes}`
							: 'Shopify denied access: the app is missing an access scope',
						`Add ${scopes ?? 'the scopes read_inventory, write_inventory, read_products, write_products, read_locations, read_orders'} to the app in Shopify and install the new version. Shopify said: ${redactSecrets(info.message, secrets)}`,
						{ itemIndex: options.itemIndex },
					);
				}
				case 'internal': {
					failures++;
					if (failures < maxAttempts) {
						await waitBeforeRetry(httpRetryDelayMs(failures));
						continue;
					}
					throw apiError.call(
						this,
						`Shopify kept reporting an internal error after ${failures} attempts`,
						info.message,
						{ itemIndex: options.itemIndex },
					);
				}
				case 'validation':
					throw apiError.call(
						this,
						`Shopify Admin API version ${version} rejected the request as invalid`,
						`Shopify said: ${info.message}. The node supports Admin API versions ${SUPPORTED_API_VERSIONS.join(', ')}; check the API version in the credential.`,
						{ itemIndex: options.itemIndex },
					);
				default:
					throw apiError.call(
						this,
						`Shopify returned an error: ${redactSecrets(info.message, secrets)}`,
						`Admin API version ${version}, request "${key}".`,
						{ itemIndex: options.itemIndex },
					);
			}
		}
		if (!answer.data || typeof answer.data !== 'object') {
			throw apiError.call(this, `Shopify at ${shopLabel(base)} answered without data`, undefined, {
				itemIndex: options.itemIndex,
			});
		}
		return { data: answer.data, extensions: answer.extensions };
	}
}
