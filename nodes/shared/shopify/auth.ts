/**
 * Client-credentials grant (Dev Dashboard apps): POST {base}/admin/oauth/access_token with
 * grant_type=client_credentials, client_id, client_secret → { access_token, scope, expires_in }.
 * No n8n imports (used by the credential's preAuthentication). Errors never contain the secret.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

import { httpStatusOf, networkCodeOf, responseBodyOf, type ErrorLink } from '../errors';
import { networkProblemText, redactSecrets } from './errors';
import { accessTokenEndpoint, shopLabel } from './url';

export interface ClientCredentialsToken {
	accessToken: string;
	scope?: string;
	expiresIn?: number;
}

/** n8n's request helper wraps the HTTP error in `cause` (legacy request errors: `reason`). */
const CAUSE_LINKS: readonly ErrorLink[] = ['cause', 'reason'];

/** Marks errors thrown while getting a token: the transport shows their message as it is. */
export class ShopifyAuthError extends Error {
	shopifyPreAuthFailure = true;

	/** true when trying again later may help (5xx, 429, network). */
	shopifyRetryable: boolean;

	constructor(message: string, retryable = false) {
		super(message);
		this.name = 'ShopifyAuthError';
		this.shopifyRetryable = retryable;
	}
}

function shopifyErrorText(body: unknown): string | undefined {
	let b = body;
	if (typeof body === 'string') {
		try {
			b = JSON.parse(body);
		} catch {
			return body.slice(0, 200);
		}
	}
	if (b && typeof b === 'object') {
		const o = b as Record<string, unknown>;
		const parts = [o.error, o.error_description, o.errors]
			.filter((x) => typeof x === 'string')
			.map(String);
		if (parts.length) return parts.join(': ');
	}
	return undefined;
}

/** Turns a failed token request into a clear message (never containing the secret). */
export function tokenRequestError(error: unknown, host: string, secret: string): ShopifyAuthError {
	const status = httpStatusOf(error, CAUSE_LINKS);
	const code = networkCodeOf(error, undefined, CAUSE_LINKS);
	const said = shopifyErrorText(responseBodyOf(error, CAUSE_LINKS));
	const detail = said ? ` Shopify said: ${redactSecrets(said, [secret])}.` : '';
	if (status === 400 || status === 401 || status === 403) {
		return new ShopifyAuthError(
			`Shopify refused the client ID or secret for ${host} (HTTP ${status}). Check both values in the app's settings in the Shopify Dev Dashboard and that the app is installed on this store.${detail}`,
		);
	}
	if (status === 404) {
		return new ShopifyAuthError(
			`No Shopify store answered at ${host} (HTTP 404). Check the Shop field (my-shop or my-shop.myshopify.com).${detail}`,
		);
	}
	if (status !== undefined && (status === 429 || status >= 500)) {
		return new ShopifyAuthError(
			`Shopify could not issue an access token for ${host} right now (HTTP ${status}). Try again in a moment.`,
			true,
		);
	}
	if (status !== undefined) {
		return new ShopifyAuthError(`Shopify did not issue an access token for ${host} (HTTP ${status}).${detail}`);
	}
	if (code === 'ENOTFOUND') {
		return new ShopifyAuthError(
			`The shop domain ${host} could not be found. Check the Shop field (my-shop or my-shop.myshopify.com).`,
		);
	}
	return new ShopifyAuthError(
		`Could not reach Shopify at ${host} to get an access token${code ? ` (${networkProblemText(code)})` : ''}. Check the Shop field and the network.`,
		true,
	);
}

export async function requestClientCredentialsToken(
	httpRequest: (options: IHttpRequestOptions) => Promise<unknown>,
	base: string,
	clientId: string,
	clientSecret: string,
): Promise<ClientCredentialsToken> {
	const id = clientId.trim();
	const secret = clientSecret.trim();
	const host = shopLabel(base);
	if (!id || !secret) {
		throw new ShopifyAuthError(
			'The client ID or client secret is empty. Copy both from the app in the Shopify Dev Dashboard (Settings), or switch Authentication to Admin API Access Token.',
		);
	}
	const form = new URLSearchParams({
		grant_type: 'client_credentials',
		client_id: id,
		client_secret: secret,
	}).toString();
	let response: unknown;
	let failure: unknown;
	let failed = false;
	try {
		response = await httpRequest({
			method: 'POST',
			url: accessTokenEndpoint(base),
			headers: {
				'Content-Type': 'application/x-www-form-urlencoded',
				Accept: 'application/json',
			},
			body: form,
			timeout: 30_000,
		});
	} catch (error) {
		failure = error;
		failed = true;
	}
	if (failed) throw tokenRequestError(failure, host, secret);
	let body = response;
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			body = undefined;
		}
	}
	const o = (body ?? {}) as Record<string, unknown>;
	const accessToken = typeof o.access_token === 'string' ? o.access_token : '';
	if (!accessToken) {
		throw new ShopifyAuthError(
			`Shopify at ${host} answered the token request without an access token. Check the Shop field and that the app uses the client-credentials grant (Dev Dashboard app).`,
		);
	}
	const expiresIn = Number(o.expires_in);
	return {
		accessToken,
		scope: typeof o.scope === 'string' ? o.scope : undefined,
		expiresIn: Number.isFinite(expiresIn) ? expiresIn : undefined,
	};
}
