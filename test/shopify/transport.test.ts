/**
 * shopifyGraphql in isolation: a fake n8n context whose httpRequestWithAuthentication answers from a script.
 */
import { NodeApiError } from 'n8n-workflow';
import { describe, expect, it, vi } from 'vitest';

import { ShopifyAuthError } from '../../nodes/shared/shopify/auth';
import { createCostBudget, shopifyGraphql } from '../../nodes/shared/shopify/transport';
import maxCost from '../fixtures/shopify/responses/graphql-max-cost-exceeded.json';

type Answer = unknown | ((options: Record<string, unknown>) => unknown);

function httpError(status: number, data: unknown = {}, headers: Record<string, string> = {}) {
	const axiosLike = Object.assign(new Error(`Request failed with status code ${status}`), {
		response: { status, headers, data },
	});
	return Object.assign(new Error('wrapped'), { httpCode: String(status), cause: axiosLike });
}

function fakeContext(script: Answer[], credentials: Record<string, unknown> = {}) {
	const sent: Array<Record<string, unknown>> = [];
	const renewals: Array<Record<string, unknown>> = [];
	const ctx = {
		getNode: () => ({ id: 'n', name: 'Shopify Inventory', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} }),
		getCredentials: async () => ({ shop: 'my-shop', apiVersion: '2026-04', authentication: 'accessToken', accessToken: 'shpat_secret_token_1', ...credentials }),
		helpers: {
			httpRequestWithAuthentication: async (type: string, options: Record<string, unknown>, extra?: { credentialsDecrypted?: { type: string; data: Record<string, unknown> } }) => {
				expect(type).toBe('shopifyInventoryApi');
				sent.push(options);
				if (extra?.credentialsDecrypted) {
					const { type: credentialType, data } = extra.credentialsDecrypted;
					renewals.push({ type: credentialType, sessionToken: data.sessionToken, clientId: data.clientId });
				}
				const next = script.shift();
				if (next === undefined) throw new Error('script exhausted');
				const value = typeof next === 'function' ? (next as (o: Record<string, unknown>) => unknown)(options) : next;
				if (value instanceof Error) throw value;
				return value;
			},
		},
	};
	return { ctx: ctx as never, sent, renewals };
}

const ok = (data: unknown, available = 1990, requested = 10, actual = 8) => ({
	data,
	extensions: {
		cost: {
			requestedQueryCost: requested,
			actualQueryCost: actual,
			throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate: 1000 },
		},
	},
});

describe('shopifyGraphql', () => {
	it('POSTs the document to {base}/admin/api/{version}/graphql.json with the idempotency key as a variable', async () => {
		const { ctx, sent } = fakeContext([ok({ shop: { name: 'X' } })]);
		const budget = createCostBudget();
		const r = await shopifyGraphql.call(ctx, 'mutation M($idempotencyKey: String!) { x }', { a: 1 }, { budget, idempotencyKey: 'k-1' });
		expect(r.data).toEqual({ shop: { name: 'X' } });
		expect(sent[0]).toMatchObject({
			method: 'POST',
			url: 'https://my-shop.myshopify.com/admin/api/2026-04/graphql.json',
			body: { query: 'mutation M($idempotencyKey: String!) { x }', variables: { a: 1, idempotencyKey: 'k-1' } },
			json: true,
		});
		expect(sent[0].ignoreHttpStatusErrors).toBeUndefined();
		expect(budget).toMatchObject({ calls: 1, costUsed: 8, throttle: { currentlyAvailable: 1990 } });
	});

	// Time is the fake clock's (timers and Date.now together): the waits below are exact however busy the machine is.
	it('THROTTLED: waits exactly what the restore rate needs, then resends', async () => {
		vi.useFakeTimers();
		try {
			const throttled = {
				errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
				extensions: { cost: { requestedQueryCost: 150, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 100, restoreRate: 1000 } } },
			};
			const { ctx, sent } = fakeContext([throttled, ok({ x: 1 }, 1850, 150, 150)]);
			const budget = createCostBudget();
			const call = shopifyGraphql.call(ctx, '{ x }', {}, { budget });
			await vi.advanceTimersByTimeAsync(49);
			expect(sent.length).toBe(1); // the THROTTLED answer is being waited out
			expect(budget.throttledWaits).toBe(1);
			await vi.advanceTimersByTimeAsync(1);
			await call;
			expect(sent.length).toBe(2);
			expect(budget.throttledWaits).toBe(1);
			expect(budget.waitedMs).toBe(50); // (150 − 100) / 1000 s
			expect(budget.preemptiveWaits).toBe(0); // the wait refilled exactly enough: no second wait before the resend
			expect(budget.costUsed).toBe(150);
		} finally {
			vi.useRealTimers();
		}
	});

	it('waits before a request the bucket cannot afford (from the last throttle status)', async () => {
		vi.useFakeTimers();
		try {
			const { ctx, sent } = fakeContext([ok({ x: 1 }, 5, 20, 20), ok({ x: 2 })]);
			const budget = createCostBudget();
			await shopifyGraphql.call(ctx, '{ x }', {}, { budget });
			// Requested cost computed from the document: 2 + 23 × 1 = 25 points.
			const second = shopifyGraphql.call(ctx, 'query Items($first: Int!) { items(first: $first) { nodes { id } } }', { first: 23 }, { budget });
			await vi.advanceTimersByTimeAsync(19);
			expect(sent.length).toBe(1); // not sent before the bucket holds 25 points
			await vi.advanceTimersByTimeAsync(1);
			await second;
			expect(sent.length).toBe(2);
			expect(budget.preemptiveWaits).toBe(1);
			expect(budget.waitedMs).toBeGreaterThan(0);
			expect(budget.waitedMs).toBeLessThanOrEqual(20); // (25 − 5) / 1000 s at most
			expect(budget.waitedMs).toBe(20); // no time passed between the calls on the fake clock
			expect(budget.throttledWaits).toBe(0);
		} finally {
			vi.useRealTimers();
		}
	});

	it('MAX_COST_EXCEEDED is a clear error and is not retried', async () => {
		const { ctx, sent } = fakeContext([maxCost]);
		const e = await shopifyGraphql.call(ctx, '{ x }').catch((err: unknown) => err);
		expect(e).toBeInstanceOf(NodeApiError);
		expect((e as Error).message).toMatch(/single-query cost limit \(MAX_COST_EXCEEDED\)/);
		expect(sent.length).toBe(1);
	});

	it('a validation error names the API version', async () => {
		const { ctx } = fakeContext([{ errors: [{ message: "Field 'compareQuantity' doesn't exist on type 'InventoryQuantityInput'", extensions: { code: 'undefinedField' } }] }]);
		const e = (await shopifyGraphql.call(ctx, '{ x }').catch((err: unknown) => err)) as NodeApiError;
		expect(e.message).toBe('Shopify Admin API version 2026-04 rejected the request as invalid');
		expect(e.description).toMatch(/compareQuantity/);
	});

	it('retries 503 / 429 with back-off, honouring Retry-After, then succeeds', async () => {
		const { ctx, sent } = fakeContext([httpError(503), httpError(429, {}, { 'Retry-After': '0' }), ok({ x: 1 })]);
		const budget = createCostBudget();
		await shopifyGraphql.call(ctx, '{ x }', {}, { budget });
		expect(sent.length).toBe(3);
		expect(budget.retries).toBe(2);
	});

	it('gives up after maxAttempts with a clear error', async () => {
		const { ctx, sent } = fakeContext([httpError(502), httpError(502)]);
		const e = (await shopifyGraphql.call(ctx, '{ x }', {}, { maxAttempts: 2 }).catch((err: unknown) => err)) as Error;
		expect(e.message).toBe('Shopify at my-shop.myshopify.com kept failing (HTTP 502) after 2 attempts');
		expect(sent.length).toBe(2);
	});

	it('network errors are retried; an unknown domain is not', async () => {
		const refused = Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
		const { ctx, sent } = fakeContext([refused, ok({ x: 1 })]);
		await shopifyGraphql.call(ctx, '{ x }');
		expect(sent.length).toBe(2);
		const dns = Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }) });
		const second = fakeContext([dns]);
		const e = (await shopifyGraphql.call(second.ctx, '{ x }').catch((err: unknown) => err)) as Error;
		expect(e.message).toBe('The shop domain my-shop.myshopify.com could not be found');
		expect(second.sent.length).toBe(1);
	});

	it('401 (after n8n already renewed once) and 400 are not retried; secrets never appear', async () => {
		const { ctx, sent } = fakeContext([httpError(401, { errors: '[API] Invalid API key or access token shpat_secret_token_1' })]);
		const e = (await shopifyGraphql.call(ctx, '{ x }').catch((err: unknown) => err)) as NodeApiError;
		expect(e.message).toBe('Shopify refused the access token for my-shop.myshopify.com (HTTP 401)');
		expect(`${e.message} ${e.description}`).not.toContain('shpat_secret_token_1');
		expect(sent.length).toBe(1);
		const bad = fakeContext([httpError(400, { errors: 'Bad Request' })]);
		await expect(shopifyGraphql.call(bad.ctx, '{ x }')).rejects.toThrow(/failed \(HTTP 400\)/);
		expect(bad.sent.length).toBe(1);
	});

	it('a failed token request keeps its clear message; a temporary one is retried', async () => {
		const refused = fakeContext([Object.assign(new Error('wrapped'), { cause: new ShopifyAuthError('Shopify refused the client ID or secret for x (HTTP 401).') })]);
		await expect(shopifyGraphql.call(refused.ctx, '{ x }')).rejects.toThrow(/^Shopify refused the client ID or secret/);
		expect(refused.sent.length).toBe(1);
		const temporary = fakeContext([Object.assign(new Error('wrapped'), { cause: new ShopifyAuthError('try later', true) }), ok({ x: 1 })]);
		await shopifyGraphql.call(temporary.ctx, '{ x }');
		expect(temporary.sent.length).toBe(2);
	});

	it('client credentials: an expired token is looked at again after a random moment, and renewed only if still refused', async () => {
		const random = vi.spyOn(Math, 'random').mockReturnValue(0);
		try {
			const full = (statusCode: number, body: unknown = {}) => ({ statusCode, headers: {}, body });
			// Another run renewed meanwhile: the second look succeeds, no renewal here.
			const renewedElsewhere = fakeContext([full(401), full(200, ok({ x: 1 }))], { authentication: 'clientCredentials', sessionToken: 'old' });
			expect((await shopifyGraphql.call(renewedElsewhere.ctx, '{ x }')).data).toEqual({ x: 1 });
			expect(renewedElsewhere.sent.map((o) => [o.ignoreHttpStatusErrors, o.returnFullResponse])).toEqual([
				[true, true],
				[true, true],
			]);
			expect(renewedElsewhere.renewals).toEqual([]);
			// Still refused: this run renews (the credential handed to n8n without a token).
			const stillExpired = fakeContext([full(401), full(401), ok({ y: 2 })], { authentication: 'clientCredentials', sessionToken: 'old' });
			expect((await shopifyGraphql.call(stillExpired.ctx, '{ y }')).data).toEqual({ y: 2 });
			expect(stillExpired.sent).toHaveLength(3);
			expect(stillExpired.sent[2].ignoreHttpStatusErrors).toBeUndefined();
			expect(stillExpired.renewals).toEqual([{ type: 'shopifyInventoryApi', sessionToken: '', clientId: undefined }]);
			// Other HTTP failures keep their handling (a 503 is retried with back-off).
			const unavailable = fakeContext([full(503, { errors: 'busy' }), full(200, ok({ z: 3 }))], { authentication: 'clientCredentials' });
			expect((await shopifyGraphql.call(unavailable.ctx, '{ z }')).data).toEqual({ z: 3 });
			expect(unavailable.sent).toHaveLength(2);
		} finally {
			random.mockRestore();
		}
	});

	it('ACCESS_DENIED names the missing scope', async () => {
		const { ctx } = fakeContext([
			{
				data: null,
				errors: [{ message: 'Access denied for inventorySetQuantities field. Required access: `write_inventory` access scope.', extensions: { code: 'ACCESS_DENIED' } }],
			},
		]);
		await expect(shopifyGraphql.call(ctx, 'mutation { x }')).rejects.toThrow('The Shopify app is missing the access scope write_inventory');
	});
});
