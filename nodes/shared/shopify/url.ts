/**
 * Pure helpers that turn the credential's `shop` / `apiVersion` into URLs.
 * No n8n imports: the credential, the nodes and the unit tests share them.
 */

export const SUPPORTED_API_VERSIONS = ['2026-10', '2026-07', '2026-04', '2026-01'] as const;
export type ShopifyApiVersion = (typeof SUPPORTED_API_VERSIONS)[number];
export const DEFAULT_API_VERSION: ShopifyApiVersion = '2026-10';

export interface ShopifyCredentialLike {
	shop?: unknown;
	apiVersion?: unknown;
	[key: string]: unknown;
}

/**
 * Accepts `my-shop`, `my-shop.myshopify.com`, `https://my-shop.myshopify.com/admin`,
 * or any full base URL (`http://127.0.0.1:1234` for a proxy or an emulator).
 * Returns the base URL without a trailing slash, e.g. `https://my-shop.myshopify.com`.
 */
export function normalizeShopBaseUrl(shop: unknown): string {
	const raw = typeof shop === 'string' ? shop.trim() : '';
	if (raw === '') {
		throw new Error(
			'The Shop field of the Shopify credential is empty. Enter the shop name (my-shop), its myshopify.com domain, or a full base URL.',
		);
	}
	let base: string;
	if (/^https?:\/\//i.test(raw)) {
		base = raw;
	} else if (raw.includes('.') || raw.includes(':')) {
		base = `https://${raw}`;
	} else if (/^[a-z0-9][a-z0-9-]*$/i.test(raw)) {
		base = `https://${raw}.myshopify.com`;
	} else {
		throw new Error(
			`The Shop field "${raw}" is not a shop name, a myshopify.com domain or a URL. Example: my-shop or my-shop.myshopify.com.`,
		);
	}
	// Drop trailing slashes and a pasted admin path ("…/admin", "…/admin/api/2026-10/graphql.json").
	base = base.replace(/\/+$/, '');
	base = base.replace(/\/admin(\/.*)?$/i, '');
	base = base.replace(/\/+$/, '');
	return base;
}

export function normalizeApiVersion(version: unknown): string {
	const v = typeof version === 'string' ? version.trim() : '';
	if (v === '') return DEFAULT_API_VERSION;
	if (!/^\d{4}-\d{2}$/.test(v) && v !== 'unstable') {
		throw new Error(
			`The Admin API version "${v}" is not valid. Use a quarterly version such as ${DEFAULT_API_VERSION}.`,
		);
	}
	return v;
}

export function graphqlEndpoint(base: string, version: string): string {
	return `${base}/admin/api/${version}/graphql.json`;
}

export function accessTokenEndpoint(base: string): string {
	return `${base}/admin/oauth/access_token`;
}

/** Host name used in messages (never contains a secret). */
export function shopLabel(base: string): string {
	try {
		return new URL(base).host;
	} catch {
		return base;
	}
}
