import { createHash } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IHttpRequestHelper } from 'n8n-workflow';

import { LOGIN_ERROR_NAME } from '../errors';

import type { CognitoPool, CognitoTokens } from './cognito';
import { CognitoError, cognitoEndpoint, refreshIdToken, signInWithPassword } from './cognito';
import { CLARIS_ID_STEP, describeClarisIdFailure } from './messages';

/**
 * The Claris ID token for a FileMaker Cloud login (`Authorization: FMID <id token>`).
 *
 * Stateless across executions: the ID token, its expiry and the refresh token Cognito issued are
 * kept in hidden fields of the credential, saved by n8n together with the Data API session token
 * (what the credential's preAuthentication returns is stored with the credential). So any main or
 * worker process renews them; nothing lives in memory. The stored ID token is used while it has more
 * than RENEW_BEFORE_MS left, then renewed with the refresh token (one Cognito call), and with the
 * password (SRP) only when there is no usable refresh token.
 */

/** Renew an ID token this long before it ends (Claris ID tokens last one hour). */
export const RENEW_BEFORE_MS = 5 * 60 * 1000;

/** Default Cognito pool of Claris ID, as Claris publishes it (help.claris.com, customer console help "create-fmid-token"). */
export const CLARIS_COGNITO_DEFAULTS = {
	region: 'us-west-2',
	userPoolId: 'us-west-2_NqkuZcXQY',
	clientId: '4l9rvl4mv5es1eep1qe97cautn',
} as const;

/** Names of the hidden credential fields that keep the Claris ID tokens between executions. */
export const STORED = {
	idToken: 'clarisIdToken',
	expiresAt: 'clarisIdExpiresAt',
	refreshToken: 'clarisIdRefreshToken',
	owner: 'clarisIdSignedInAs',
} as const;

export interface ClarisIdSettings {
	method: 'password' | 'refreshToken';
	email: string;
	password: string;
	refreshToken: string;
	pool: CognitoPool;
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** The Claris ID fields of the credential, or the sentence saying which one is missing. */
export function clarisIdSettings(credentials: ICredentialDataDecryptedObject): ClarisIdSettings | { missing: string } {
	const method = credentials.clarisIdSignIn === 'refreshToken' ? 'refreshToken' : 'password';
	const settings: ClarisIdSettings = {
		method,
		email: text(credentials.clarisIdEmail),
		password: typeof credentials.clarisIdPassword === 'string' ? credentials.clarisIdPassword : '',
		refreshToken: text(credentials.clarisIdRefreshTokenInput),
		pool: {
			region: text(credentials.cognitoRegion) || CLARIS_COGNITO_DEFAULTS.region,
			userPoolId: text(credentials.cognitoUserPoolId) || CLARIS_COGNITO_DEFAULTS.userPoolId,
			clientId: text(credentials.cognitoClientId) || CLARIS_COGNITO_DEFAULTS.clientId,
			endpoint: text(credentials.cognitoEndpoint),
		},
	};
	if (method === 'password' && settings.email === '') return { missing: `${CLARIS_ID_STEP} the credential has no Claris ID Email.` };
	if (method === 'password' && settings.password === '') return { missing: `${CLARIS_ID_STEP} the credential has no Claris ID Password.` };
	if (method === 'refreshToken' && settings.refreshToken === '') {
		return { missing: `${CLARIS_ID_STEP} the credential has no Claris ID Refresh Token.` };
	}
	return settings;
}

/**
 * Who the stored tokens belong to: a hash of the pool, the sign-in method, the email and (for the
 * refresh-token method) the refresh token typed in. A changed credential never reuses old tokens.
 */
export function tokenOwner(settings: ClarisIdSettings): string {
	const typedToken = settings.method === 'refreshToken' ? createHash('sha256').update(settings.refreshToken).digest('hex') : '';
	return createHash('sha256')
		.update(
			JSON.stringify([
				cognitoEndpoint(settings.pool),
				settings.pool.userPoolId,
				settings.pool.clientId,
				settings.method,
				settings.email.toLowerCase(),
				typedToken,
			]),
		)
		.digest('hex')
		.slice(0, 32);
}

/** `exp` of a JWT in milliseconds (the token is Cognito's, sent to FileMaker as is: no signature check here). */
export function jwtExpiry(token: string): number | undefined {
	const payload = token.split('.')[1];
	if (!payload) return undefined;
	try {
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
		return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
	} catch {
		return undefined;
	}
}

export interface ClarisIdToken {
	idToken: string;
	/** True when the stored token was reused (no Cognito call). */
	reused: boolean;
	/** Hidden credential fields to save (empty when reused). */
	stored: Record<string, string>;
}

interface StoredTokens {
	idToken: string;
	expiresAt: number;
	refreshToken: string;
}

function storedTokens(credentials: ICredentialDataDecryptedObject, owner: string): StoredTokens | undefined {
	if (credentials[STORED.owner] !== owner) return undefined;
	const expiresAt = Number(credentials[STORED.expiresAt]);
	return {
		idToken: text(credentials[STORED.idToken]),
		expiresAt: Number.isFinite(expiresAt) ? expiresAt : 0,
		refreshToken: text(credentials[STORED.refreshToken]),
	};
}

/**
 * A sign-in error with a sentence a person can act on. Named like the Data API login's errors, so n8n
 * shows it as it is (no retry, no HTTP status text) and the node passes the message on.
 */
export class ClarisIdSignInError extends Error {
	constructor(
		message: string,
		/** The AWS error type or challenge name, e.g. NotAuthorizedException, SOFTWARE_TOKEN_MFA. */
		readonly reason?: string,
	) {
		super(message);
		this.name = LOGIN_ERROR_NAME;
	}
}

/**
 * The ID token to log in with: the stored one while it has more than RENEW_BEFORE_MS left (unless
 * `forceRenewal`), else a renewed one. Throws ClarisIdSignInError.
 */
export async function clarisIdToken(
	this: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	options: { now?: number; forceRenewal?: boolean } = {},
): Promise<ClarisIdToken> {
	const now = options.now ?? Date.now();
	const settings = clarisIdSettings(credentials);
	if ('missing' in settings) throw new ClarisIdSignInError(settings.missing);
	const owner = tokenOwner(settings);
	const stored = storedTokens(credentials, owner);
	if (!options.forceRenewal && stored && stored.idToken !== '' && stored.expiresAt - now > RENEW_BEFORE_MS) {
		return { idToken: stored.idToken, reused: true, stored: {} };
	}
	const endpoint = cognitoEndpoint(settings.pool);
	const fail = (error: unknown, flow: 'password' | 'refreshToken'): never => {
		if (error instanceof CognitoError) {
			const reason = error.failure.kind === 'error' ? error.failure.type : error.failure.kind === 'challenge' ? error.failure.challenge : undefined;
			throw new ClarisIdSignInError(describeClarisIdFailure(error.failure, { email: settings.email, endpoint, flow }), reason);
		}
		throw new ClarisIdSignInError(`${CLARIS_ID_STEP} ${error instanceof Error ? error.message : 'unexpected error'}`);
	};
	const refreshToken = stored?.refreshToken || (settings.method === 'refreshToken' ? settings.refreshToken : '');
	let tokens: CognitoTokens | undefined;
	let keptRefreshToken = '';
	if (refreshToken !== '') {
		try {
			tokens = await refreshIdToken.call(this, settings.pool, refreshToken);
			keptRefreshToken = tokens.refreshToken ?? (stored?.refreshToken ? refreshToken : '');
		} catch (error) {
			// With a password at hand, a refused refresh token (expired, revoked) is not the end: sign in again.
			const refused = error instanceof CognitoError && error.failure.kind === 'error' && error.failure.type === 'NotAuthorizedException';
			if (settings.method !== 'password' || !refused) fail(error, 'refreshToken');
		}
	}
	if (tokens === undefined) {
		try {
			tokens = await signInWithPassword.call(this, settings.pool, settings.email, settings.password, () => new Date(now));
		} catch (error) {
			fail(error, 'password');
		}
		keptRefreshToken = tokens?.refreshToken ?? '';
	}
	const { idToken } = tokens as CognitoTokens;
	const expiresAt = jwtExpiry(idToken) ?? now + ((tokens as CognitoTokens).expiresIn ?? 3600) * 1000;
	return {
		idToken,
		reused: false,
		stored: {
			[STORED.idToken]: idToken,
			[STORED.expiresAt]: String(expiresAt),
			[STORED.refreshToken]: keptRefreshToken,
			[STORED.owner]: owner,
		},
	};
}
