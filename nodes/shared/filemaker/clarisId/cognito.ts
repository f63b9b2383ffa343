import type { IDataObject, IHttpRequestHelper } from 'n8n-workflow';

import {
	cognitoTimestamp,
	newClientEphemeral,
	passwordAuthenticationKey,
	passwordClaimSignature,
	poolNameOf,
} from './srp';

/**
 * The two Amazon Cognito user-pool calls a Claris ID sign-in needs, over HTTPS with n8n's
 * `httpRequest` (no AWS SDK): `InitiateAuth` (USER_SRP_AUTH or REFRESH_TOKEN_AUTH) and
 * `RespondToAuthChallenge` (PASSWORD_VERIFIER). Both are unauthenticated calls of a public app
 * client (no client secret), as Claris's own example does them.
 *
 * Failures come back as CognitoFailure values (the error type AWS names, e.g. NotAuthorizedException,
 * or a challenge this integration cannot answer, e.g. SOFTWARE_TOKEN_MFA); ./messages.ts turns them
 * into sentences. Nothing here logs or returns a password or token in an error.
 */

export interface CognitoPool {
	region: string;
	userPoolId: string;
	clientId: string;
	/** Full endpoint URL; empty = https://cognito-idp.{region}.amazonaws.com/ */
	endpoint?: string;
}

export interface CognitoTokens {
	idToken: string;
	/** Only on a password sign-in (and on a refresh when the pool rotates refresh tokens). */
	refreshToken?: string;
	/** Seconds, from AuthenticationResult.ExpiresIn. */
	expiresIn?: number;
}

export type CognitoFailure =
	/** An error answer of Cognito: `type` is the AWS error type, e.g. NotAuthorizedException. */
	| { kind: 'error'; type: string; message: string; httpStatus: number }
	/** A challenge other than PASSWORD_VERIFIER (MFA, new password…): sign-in cannot finish unattended. */
	| { kind: 'challenge'; challenge: string }
	/** No answer (DNS, refused connection, TLS…). */
	| { kind: 'network'; reason: string }
	/** An answer that is not Cognito's (wrong endpoint). */
	| { kind: 'unexpected'; httpStatus?: number };

export class CognitoError extends Error {
	constructor(readonly failure: CognitoFailure) {
		super(
			failure.kind === 'error'
				? `${failure.type}: ${failure.message}`
				: failure.kind === 'challenge'
					? `Challenge ${failure.challenge}`
					: failure.kind === 'network'
						? `Network: ${failure.reason}`
						: `Unexpected answer (HTTP ${failure.httpStatus ?? '?'})`,
		);
		this.name = 'CognitoError';
	}
}

export function cognitoEndpoint(pool: CognitoPool): string {
	const override = (pool.endpoint ?? '').trim();
	if (override !== '') return override;
	return `https://cognito-idp.${pool.region.trim()}.amazonaws.com/`;
}

type Operation = 'InitiateAuth' | 'RespondToAuthChallenge';

/** One Cognito API call; resolves with the JSON answer or throws a CognitoError. */
async function cognitoCall(
	this: IHttpRequestHelper,
	pool: CognitoPool,
	operation: Operation,
	payload: IDataObject,
): Promise<IDataObject> {
	let response: { statusCode?: number; body?: unknown; headers?: IDataObject } | undefined;
	let unreachable: unknown;
	try {
		response = (await this.helpers.httpRequest({
			method: 'POST',
			url: cognitoEndpoint(pool),
			headers: {
				'Content-Type': 'application/x-amz-json-1.1',
				'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
				Accept: 'application/json',
			},
			body: JSON.stringify(payload),
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 30_000,
		})) as { statusCode?: number; body?: unknown; headers?: IDataObject };
	} catch (error) {
		unreachable = error ?? new Error('no answer');
	}
	if (unreachable !== undefined || response === undefined) {
		throw new CognitoError({ kind: 'network', reason: networkReason(unreachable) });
	}
	const status = response.statusCode ?? 0;
	const body = parseBody(response.body);
	if (status >= 200 && status < 300 && body !== undefined) return body;
	const type = errorType(body, response.headers);
	if (type === undefined) throw new CognitoError({ kind: 'unexpected', httpStatus: status });
	const message = typeof body?.message === 'string' ? body.message : typeof body?.Message === 'string' ? body.Message : '';
	throw new CognitoError({ kind: 'error', type, message, httpStatus: status });
}

function parseBody(body: unknown): IDataObject | undefined {
	let value = body;
	if (Buffer.isBuffer(value)) value = value.toString('utf8');
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value) as unknown;
		} catch {
			return undefined;
		}
	}
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as IDataObject) : undefined;
}

/** AWS JSON protocol: `__type` ("…#NotAuthorizedException" or plain), else the x-amzn-ErrorType header. */
function errorType(body: IDataObject | undefined, headers: IDataObject | undefined): string | undefined {
	const fromBody = body?.__type ?? body?.code;
	if (typeof fromBody === 'string' && fromBody !== '') return fromBody.split('#').pop();
	for (const [name, value] of Object.entries(headers ?? {})) {
		if (name.toLowerCase() === 'x-amzn-errortype' && typeof value === 'string' && value !== '') {
			return value.split(':')[0];
		}
	}
	return undefined;
}

function networkReason(error: unknown): string {
	for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
		const code = (e as { code?: unknown }).code;
		if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
		e = (e as { cause?: unknown }).cause;
	}
	return 'no answer';
}

function tokensOf(answer: IDataObject): CognitoTokens {
	const result = answer.AuthenticationResult as IDataObject | undefined;
	if (!result || typeof result.IdToken !== 'string' || result.IdToken === '') {
		const challenge = answer.ChallengeName;
		if (typeof challenge === 'string' && challenge !== '') throw new CognitoError({ kind: 'challenge', challenge });
		throw new CognitoError({ kind: 'unexpected', httpStatus: 200 });
	}
	return {
		idToken: result.IdToken,
		refreshToken: typeof result.RefreshToken === 'string' && result.RefreshToken !== '' ? result.RefreshToken : undefined,
		expiresIn: typeof result.ExpiresIn === 'number' ? result.ExpiresIn : undefined,
	};
}

/**
 * Email + password through SRP: InitiateAuth(USER_SRP_AUTH) → PASSWORD_VERIFIER challenge →
 * RespondToAuthChallenge with the password claim. The password itself is never sent.
 */
export async function signInWithPassword(
	this: IHttpRequestHelper,
	pool: CognitoPool,
	email: string,
	password: string,
	now: () => Date = () => new Date(),
): Promise<CognitoTokens> {
	const { a, A } = newClientEphemeral();
	const started = await cognitoCall.call(this, pool, 'InitiateAuth', {
		AuthFlow: 'USER_SRP_AUTH',
		ClientId: pool.clientId,
		AuthParameters: { USERNAME: email, SRP_A: A.toString(16) },
	});
	if (started.ChallengeName !== 'PASSWORD_VERIFIER') return tokensOf(started);
	const params = (started.ChallengeParameters ?? {}) as IDataObject;
	const userId = String(params.USER_ID_FOR_SRP ?? params.USERNAME ?? email);
	const salt = hexParameter(params.SALT);
	const B = hexParameter(params.SRP_B);
	const secretBlock = params.SECRET_BLOCK;
	if (salt === undefined || B === undefined || typeof secretBlock !== 'string') {
		throw new CognitoError({ kind: 'unexpected', httpStatus: 200 });
	}
	const poolName = poolNameOf(pool.userPoolId);
	const key = passwordAuthenticationKey({ poolName, userId, password, a, A, B, salt });
	const timestamp = cognitoTimestamp(now());
	const challenge: IDataObject = {
		ChallengeName: 'PASSWORD_VERIFIER',
		ClientId: pool.clientId,
		ChallengeResponses: {
			USERNAME: userId,
			PASSWORD_CLAIM_SECRET_BLOCK: secretBlock,
			TIMESTAMP: timestamp,
			PASSWORD_CLAIM_SIGNATURE: passwordClaimSignature({ key, poolName, userId, secretBlock, timestamp }),
		},
	};
	if (typeof started.Session === 'string' && started.Session !== '') challenge.Session = started.Session;
	return tokensOf(await cognitoCall.call(this, pool, 'RespondToAuthChallenge', challenge));
}

/** A new ID token from a refresh token: InitiateAuth(REFRESH_TOKEN_AUTH). */
export async function refreshIdToken(this: IHttpRequestHelper, pool: CognitoPool, refreshToken: string): Promise<CognitoTokens> {
	const answer = await cognitoCall.call(this, pool, 'InitiateAuth', {
		AuthFlow: 'REFRESH_TOKEN_AUTH',
		ClientId: pool.clientId,
		AuthParameters: { REFRESH_TOKEN: refreshToken },
	});
	return tokensOf(answer);
}

function hexParameter(value: unknown): bigint | undefined {
	if (typeof value !== 'string' || !/^[0-9a-f]+$/i.test(value)) return undefined;
	return BigInt(`0x${value}`);
}
