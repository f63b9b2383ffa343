import { describe, expect, it } from 'vitest';

import { HTTP_BACKOFF, httpRetryDelayMs, parseRetryAfterMs } from '../../nodes/shared/backoff';
import {
	createCostBudget,
	estimateAvailable,
	msUntilAffordable,
	parseCostExtension,
	recordCost,
	throttledWaitMs,
} from '../../nodes/shared/shopify/cost';
import {
	classifyGraphqlErrors,
	classifyHttpFailure,
	extractScopes,
	redactSecrets,
} from '../../nodes/shared/shopify/errors';
import { normalizeApiVersion, normalizeShopBaseUrl } from '../../nodes/shared/shopify/url';
import { describeHttpError } from '../../nodes/shared/shopify/transport';
import { tokenRequestError } from '../../nodes/shared/shopify/auth';

import throttled from '../fixtures/shopify/responses/graphql-throttled.json';
import throttledLegacy from '../fixtures/shopify/responses/graphql-throttled-legacy.json';
import maxCost from '../fixtures/shopify/responses/graphql-max-cost-exceeded.json';
import success from '../fixtures/shopify/responses/graphql-success-with-cost.json';

describe('shop URL and API version', () => {
	it.each([
		['my-shop', 'https://my-shop.myshopify.com'],
		[' my-shop ', 'https://my-shop.myshopify.com'],
		['my-shop.myshopify.com', 'https://my-shop.myshopify.com'],
		['https://my-shop.myshopify.com/', 'https://my-shop.myshopify.com'],
		['https://my-shop.myshopify.com/admin', 'https://my-shop.myshopify.com'],
		['https://my-shop.myshopify.com/admin/api/2026-10/graphql.json', 'https://my-shop.myshopify.com'],
		['http://127.0.0.1:1234', 'http://127.0.0.1:1234'],
		['http://127.0.0.1:1234/proxy/', 'http://127.0.0.1:1234/proxy'],
		['shop.example.com', 'https://shop.example.com'],
	])('%s → %s', (input, expected) => {
		expect(normalizeShopBaseUrl(input)).toBe(expected);
	});

	it('rejects empty or nonsense shops with a clear message', () => {
		expect(() => normalizeShopBaseUrl('')).toThrow(/Shop field .* empty/);
		expect(() => normalizeShopBaseUrl('my shop!')).toThrow(/not a shop name/);
	});

	it('defaults the version and rejects malformed ones', () => {
		expect(normalizeApiVersion(undefined)).toBe('2026-10');
		expect(normalizeApiVersion('2026-01')).toBe('2026-01');
		expect(() => normalizeApiVersion('latest')).toThrow(/not valid/);
	});
});

describe('cost tracker', () => {
	it('reads the real success fixture', () => {
		const c = parseCostExtension(success.extensions)!;
		expect(c).toEqual({
			requestedQueryCost: 1,
			actualQueryCost: 1,
			throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 999, restoreRate: 50 },
		});
	});

	it('accepts numbers as strings', () => {
		const c = parseCostExtension({
			cost: { requestedQueryCost: '10', actualQueryCost: '8', throttleStatus: { maximumAvailable: '2000.0', currentlyAvailable: '1990', restoreRate: '100.0' } },
		})!;
		expect(c.throttleStatus).toEqual({ maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 });
	});

	it('records usage and estimates the refill', () => {
		const b = createCostBudget();
		recordCost(b, success.extensions, 1_000, 'Q');
		expect(b.costUsed).toBe(1);
		expect(b.requestedByDocument.Q).toBe(1);
		expect(estimateAvailable(b, 1_000)).toBe(999);
		expect(estimateAvailable(b, 2_000)).toBe(1000); // capped at the bucket size
	});

	it('waits exactly the time the restore rate needs before an unaffordable request', () => {
		const b = createCostBudget();
		recordCost(b, { cost: { actualQueryCost: 900, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 100, restoreRate: 50 } } }, 0);
		expect(msUntilAffordable(b, 100, 0)).toBe(0);
		expect(msUntilAffordable(b, 352, 0)).toBe(5040); // (352 − 100) / 50 s
		expect(msUntilAffordable(b, 352, 2000)).toBe(3040); // 2 s already passed
		expect(msUntilAffordable(b, 5000, 0)).toBe(18_000); // above the bucket: wait for a full bucket
		expect(msUntilAffordable(createCostBudget(), 999, 0)).toBe(0); // nothing known yet
	});

	it('THROTTLED wait = (requested − available) / restoreRate', () => {
		const c = parseCostExtension(throttled.extensions)!;
		expect(throttledWaitMs(c.requestedQueryCost!, c.throttleStatus!.currentlyAvailable, c.throttleStatus!.restoreRate)).toBe(1720);
		expect(throttledWaitMs(10, 50, 100)).toBe(0);
	});
});

describe('back-off schedule', () => {
	it('grows exponentially with jitter inside [half, full] and is capped', () => {
		for (let retry = 1; retry <= 12; retry++) {
			const full = Math.min(HTTP_BACKOFF.maxMs, 250 * 2 ** (retry - 1));
			expect(httpRetryDelayMs(retry, undefined, () => 0)).toBe(Math.round(full / 2));
			expect(httpRetryDelayMs(retry, undefined, () => 1)).toBe(full);
		}
	});

	it('honours Retry-After (seconds or HTTP date)', () => {
		expect(httpRetryDelayMs(1, '2', () => 0)).toBe(2000);
		expect(httpRetryDelayMs(5, '0.5', () => 0)).toBe(500);
		expect(parseRetryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
		expect(parseRetryAfterMs('garbage')).toBeUndefined();
	});
});

describe('error classification', () => {
	it('THROTTLED, legacy throttled, MAX_COST_EXCEEDED', () => {
		expect(classifyGraphqlErrors(throttled.errors)?.kind).toBe('throttled');
		expect(classifyGraphqlErrors(throttledLegacy.errors)?.kind).toBe('throttled');
		expect(classifyGraphqlErrors(maxCost.errors)?.kind).toBe('maxCost');
		expect(classifyGraphqlErrors(undefined)).toBeUndefined();
		expect(classifyGraphqlErrors([])).toBeUndefined();
	});

	it('ACCESS_DENIED names the scope', () => {
		const info = classifyGraphqlErrors([
			{
				message: 'Access denied for locations field. Required access: `read_locations` access scope.',
				extensions: { code: 'ACCESS_DENIED' },
				path: ['locations'],
			},
		])!;
		expect(info.kind).toBe('accessDenied');
		expect(info.scopes).toEqual(['read_locations']);
		expect(extractScopes('needs `write_inventory` and read_products')).toEqual(['write_inventory', 'read_products']);
	});

	it('validation errors and internal errors', () => {
		expect(classifyGraphqlErrors([{ message: "Field 'foo' doesn't exist on type 'QueryRoot'", extensions: { code: 'undefinedField' } }])?.kind).toBe('validation');
		expect(classifyGraphqlErrors([{ message: 'Argument \'compareQuantity\' on InputObject is not accepted' , extensions: { code: 'argumentNotAccepted' } }])?.kind).toBe('validation');
		expect(classifyGraphqlErrors([{ message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }])?.kind).toBe('internal');
	});

	it('HTTP failures', () => {
		expect(classifyHttpFailure(429)).toBe('retryable');
		expect(classifyHttpFailure(503)).toBe('retryable');
		expect(classifyHttpFailure(401)).toBe('auth');
		expect(classifyHttpFailure(403)).toBe('forbidden');
		expect(classifyHttpFailure(404)).toBe('notFound');
		expect(classifyHttpFailure(402)).toBe('payment');
		expect(classifyHttpFailure(400)).toBe('fatal');
		expect(classifyHttpFailure(undefined, 'ECONNRESET')).toBe('retryable');
		expect(classifyHttpFailure(undefined, 'ENOTFOUND')).toBe('dns');
		expect(classifyHttpFailure(undefined, undefined)).toBe('fatal');
	});

	it('reads status, Retry-After and body through NodeApiError → AxiosError wrapping', () => {
		const axiosLike = Object.assign(new Error('Request failed with status code 429'), {
			code: 'ERR_BAD_REQUEST',
			response: { status: 429, headers: { 'Retry-After': '3' }, data: { errors: 'Exceeded 2 calls per second' } },
		});
		const wrapped = Object.assign(new Error('The service is receiving too many requests from you'), { httpCode: '429', cause: axiosLike });
		const d = describeHttpError(wrapped);
		expect(d.status).toBe(429);
		expect(d.retryAfter).toBe('3');
		expect(d.networkCode).toBeUndefined();
		expect(d.body).toEqual({ errors: 'Exceeded 2 calls per second' });
		const net = describeHttpError(Object.assign(new Error('x'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }));
		expect(net.networkCode).toBe('ECONNREFUSED');
	});

	it('never leaks secrets', () => {
		expect(redactSecrets('token shpat_abc123 and secret s3cr3t!', ['s3cr3t!'])).toBe('token *** and secret ***');
		const e = tokenRequestError(
			{ response: { status: 400, data: { error: 'invalid_client', error_description: 'bad secret s3cr3t-value' } } },
			'demo.myshopify.com',
			's3cr3t-value',
		);
		expect(e.message).toMatch(/^Shopify refused the client ID or secret for demo\.myshopify\.com/);
		expect(e.message).not.toContain('s3cr3t-value');
		expect(e.shopifyRetryable).toBe(false);
		expect(tokenRequestError({ response: { status: 503 } }, 'h', 'x').shopifyRetryable).toBe(true);
		expect(tokenRequestError({ code: 'ENOTFOUND' }, 'nope.myshopify.com', 'x').message).toMatch(/could not be found/);
	});
});
