/**
 * Amazon Cognito user-pool emulator: the unauthenticated calls a Claris ID sign-in makes, as AWS's
 * API reference describes them (AWS JSON 1.1 protocol: `POST /`, `X-Amz-Target:
 * AWSCognitoIdentityProviderService.<Operation>`, `Content-Type: application/x-amz-json-1.1`).
 * Contract and what is assumed: README.md in this folder.
 */
import { createSign, createVerify, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { claimSignature, makeVerifier, N, serverEphemeral, serverKey } from './srp';

export type CognitoChallengeAfterPassword = 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | 'NEW_PASSWORD_REQUIRED';

export interface CognitoUserDef {
	/** Signs in with this (Claris IDs are emails; Cognito's user name is a separate id, see USER_ID_FOR_SRP). */
	email: string;
	password: string;
	/** A challenge Cognito answers after a correct password instead of tokens (MFA users). */
	challenge?: CognitoChallengeAfterPassword;
	/** false: UserNotConfirmedException. Default true. */
	confirmed?: boolean;
}

export interface CognitoEmulatorOptions {
	region?: string; // default 'us-west-2'
	userPoolId?: string; // default 'us-west-2_EmulatedPool'
	clientId?: string; // default 'emulatedclientid0000000001'
	users?: CognitoUserDef[];
	/** ID and access token lifetime, seconds. Default 3600 (Claris ID tokens last one hour). */
	tokenLifetimeSec?: number;
	/** Refresh token lifetime, seconds. Default one year. */
	refreshTokenLifetimeSec?: number;
	/** Clock (ms). Default Date.now; `advance`/`setNow` move the emulated clock on top of it. */
	now?: () => number;
	/** How far TIMESTAMP may be from the clock, ms (assumed; AWS does not document it). Default 5 minutes. */
	timestampToleranceMs?: number;
	/** AWS's "prevent user existence errors": unknown users get NotAuthorizedException. Default false. */
	preventUserExistenceErrors?: boolean;
	/** Return a new refresh token on REFRESH_TOKEN_AUTH (refresh-token rotation). Default false. */
	rotateRefreshTokens?: boolean;
}

export interface CognitoRequestLogEntry {
	target: string;
	authFlow?: string;
	challengeName?: string;
	status: number;
	/** AWS error type of an error answer. */
	errorType?: string;
	/** Challenge answered instead of tokens. */
	challenge?: string;
	/** Emulated time of the request. */
	at: number;
}

export interface IdTokenClaims {
	sub: string;
	email: string;
	'cognito:username': string;
	token_use: 'id';
	aud: string;
	iss: string;
	iat: number;
	exp: number;
	auth_time: number;
	email_verified: boolean;
}

export interface CognitoEmulator {
	url: string;
	region: string;
	userPoolId: string;
	clientId: string;
	readonly requestLog: CognitoRequestLogEntry[];
	readonly stats: { srpSignIns: number; refreshes: number; failures: number; idTokensIssued: number };
	now(): number;
	advance(ms: number): void;
	setNow(at: number | Date): void;
	addUser(user: CognitoUserDef): void;
	/** Claims of an ID token this pool issued, if its signature holds and it has not expired at `at` (default now()). */
	verifyIdToken(token: string, at?: number): IdTokenClaims | undefined;
	/** Ends every refresh token of a user (as a password change or global sign-out does). */
	revokeRefreshTokens(email: string): void;
	/** Clears log, stats and pending challenges; users, issued refresh tokens, options and clock stay. */
	reset(): void;
	close(): Promise<void>;
}

interface User extends CognitoUserDef {
	/** Cognito's user name (a UUID; the email is an alias), returned as USER_ID_FOR_SRP. */
	username: string;
	salt: bigint;
	verifier: bigint;
}

class AwsError extends Error {
	constructor(
		readonly type: string,
		message: string,
		readonly status = 400,
	) {
		super(message);
	}
}

const TIMESTAMP = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d UTC \d{4}$/;

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export async function startCognitoEmulator(options: CognitoEmulatorOptions = {}): Promise<CognitoEmulator> {
	const region = options.region ?? 'us-west-2';
	const userPoolId = options.userPoolId ?? `${region}_EmulatedPool`;
	const clientId = options.clientId ?? 'emulatedclientid0000000001';
	const poolName = userPoolId.slice(userPoolId.indexOf('_') + 1);
	const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
	const lifetime = options.tokenLifetimeSec ?? 3600;
	const refreshLifetime = options.refreshTokenLifetimeSec ?? 365 * 24 * 3600;
	const tolerance = options.timestampToleranceMs ?? 5 * 60 * 1000;
	const baseNow = options.now ?? (() => Date.now());
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const kid = randomBytes(8).toString('hex');

	let manualNow: number | undefined;
	let offset = 0;
	const now = () => (manualNow !== undefined ? manualNow : baseNow() + offset);

	const users = new Map<string, User>(); // by lower-case email
	const pending = new Map<string, { user: User; A: bigint; B: bigint; b: bigint; expiresAt: number }>();
	const mfaSessions = new Set<string>();
	const refreshTokens = new Map<string, { user: User; expiresAt: number }>();
	const requestLog: CognitoRequestLogEntry[] = [];
	const counters = { srpSignIns: 0, refreshes: 0, failures: 0, idTokensIssued: 0 };

	const addUser = (def: CognitoUserDef) => {
		const username = randomUUID();
		users.set(def.email.toLowerCase(), { ...def, username, ...makeVerifier(poolName, username, def.password) });
	};
	for (const u of options.users ?? []) addUser(u);

	const sign = (claims: Record<string, unknown>) => {
		const head = b64url(JSON.stringify({ kid, alg: 'RS256' }));
		const body = b64url(JSON.stringify(claims));
		const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(privateKey);
		return `${head}.${body}.${b64url(signature)}`;
	};

	const issueTokens = (user: User, withRefreshToken: boolean) => {
		const iat = Math.floor(now() / 1000);
		const exp = iat + lifetime;
		const common = { sub: user.username, iss: issuer, iat, exp, auth_time: iat, jti: randomUUID(), origin_jti: randomUUID() };
		const idToken = sign({
			...common,
			aud: clientId,
			token_use: 'id',
			email: user.email,
			email_verified: true,
			'cognito:username': user.username,
		});
		const accessToken = sign({ ...common, client_id: clientId, token_use: 'access', scope: 'aws.cognito.signin.user.admin', username: user.username });
		counters.idTokensIssued++;
		const result: Record<string, unknown> = { AccessToken: accessToken, ExpiresIn: lifetime, IdToken: idToken, TokenType: 'Bearer' };
		if (withRefreshToken) {
			// Real refresh tokens are opaque encrypted JWEs; any unguessable opaque string will do here.
			const refreshToken = `eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.${randomBytes(48).toString('base64url')}`;
			refreshTokens.set(refreshToken, { user, expiresAt: now() + refreshLifetime * 1000 });
			result.RefreshToken = refreshToken;
		}
		return { AuthenticationResult: result, ChallengeParameters: {} };
	};

	const param = (obj: unknown, name: string): string => {
		const v = (obj as Record<string, unknown> | undefined)?.[name];
		if (typeof v !== 'string' || v === '') throw new AwsError('InvalidParameterException', `Missing required parameter ${name}`);
		return v;
	};

	const checkClient = (body: Record<string, unknown>) => {
		const id = body.ClientId;
		if (typeof id !== 'string' || id === '') throw new AwsError('InvalidParameterException', 'Missing required parameter ClientId');
		if (id !== clientId) throw new AwsError('ResourceNotFoundException', `User pool client ${id} does not exist.`);
	};

	const unknownUser = () =>
		options.preventUserExistenceErrors
			? new AwsError('NotAuthorizedException', 'Incorrect username or password.')
			: new AwsError('UserNotFoundException', 'User does not exist.');

	const initiateAuth = (body: Record<string, unknown>, log: CognitoRequestLogEntry) => {
		checkClient(body);
		const flow = body.AuthFlow;
		log.authFlow = typeof flow === 'string' ? flow : undefined;
		const params = body.AuthParameters;
		if (flow === 'USER_SRP_AUTH') {
			const email = param(params, 'USERNAME');
			const aHex = param(params, 'SRP_A');
			if (!/^[0-9a-f]+$/i.test(aHex)) throw new AwsError('InvalidParameterException', 'SRP_A is not a hex number.');
			const A = BigInt('0x' + aHex);
			if (A % N === 0n) throw new AwsError('InvalidParameterException', 'Invalid SRP_A.');
			const user = users.get(email.toLowerCase());
			if (!user) throw unknownUser();
			if (user.confirmed === false) throw new AwsError('UserNotConfirmedException', 'User is not confirmed.');
			const { b, B } = serverEphemeral(user.verifier);
			const secretBlock = randomBytes(64).toString('base64');
			pending.set(secretBlock, { user, A, B, b, expiresAt: now() + 3 * 60 * 1000 });
			return {
				ChallengeName: 'PASSWORD_VERIFIER',
				ChallengeParameters: {
					SALT: user.salt.toString(16),
					SECRET_BLOCK: secretBlock,
					SRP_B: B.toString(16),
					USERNAME: user.username,
					USER_ID_FOR_SRP: user.username,
				},
			};
		}
		if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') {
			const token = param(params, 'REFRESH_TOKEN');
			const found = refreshTokens.get(token);
			if (!found || found.expiresAt <= now()) throw new AwsError('NotAuthorizedException', 'Invalid Refresh Token');
			counters.refreshes++;
			const answer = issueTokens(found.user, options.rotateRefreshTokens === true);
			if (options.rotateRefreshTokens) refreshTokens.delete(token);
			return answer;
		}
		if (typeof flow !== 'string' || flow === '') throw new AwsError('InvalidParameterException', 'Missing required parameter AuthFlow');
		throw new AwsError('InvalidParameterException', `${flow} flow not enabled for this client`);
	};

	const respondToAuthChallenge = (body: Record<string, unknown>, log: CognitoRequestLogEntry) => {
		checkClient(body);
		const name = body.ChallengeName;
		log.challengeName = typeof name === 'string' ? name : undefined;
		const responses = body.ChallengeResponses;
		if (name === 'PASSWORD_VERIFIER') {
			const userId = param(responses, 'USERNAME');
			const secretBlock = param(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
			const timestamp = param(responses, 'TIMESTAMP');
			const signature = param(responses, 'PASSWORD_CLAIM_SIGNATURE');
			const state = pending.get(secretBlock);
			pending.delete(secretBlock);
			if (!state || state.expiresAt <= now()) throw new AwsError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
			if (userId !== state.user.username && userId.toLowerCase() !== state.user.email.toLowerCase()) {
				throw new AwsError('NotAuthorizedException', 'Incorrect username or password.');
			}
			if (!TIMESTAMP.test(timestamp)) throw new AwsError('InvalidParameterException', 'TIMESTAMP format is invalid.');
			if (Math.abs(Date.parse(timestamp.replace(/^\w+ (\w+) (\d+) ([\d:]+) UTC (\d+)$/, '$1 $2 $4 $3 UTC')) - now()) > tolerance) {
				throw new AwsError('NotAuthorizedException', 'Incorrect username or password.');
			}
			const key = serverKey(state.A, state.B, state.b, state.user.verifier);
			if (claimSignature(key, poolName, state.user.username, secretBlock, timestamp) !== signature) {
				throw new AwsError('NotAuthorizedException', 'Incorrect username or password.');
			}
			if (state.user.challenge) {
				const session = randomBytes(96).toString('base64');
				mfaSessions.add(session);
				const parameters: Record<string, string> = { USER_ID_FOR_SRP: state.user.username };
				if (state.user.challenge === 'SMS_MFA') {
					parameters.CODE_DELIVERY_DELIVERY_MEDIUM = 'SMS';
					parameters.CODE_DELIVERY_DESTINATION = '+*******0000';
				}
				log.challenge = state.user.challenge;
				return { ChallengeName: state.user.challenge, ChallengeParameters: parameters, Session: session };
			}
			counters.srpSignIns++;
			return issueTokens(state.user, true);
		}
		if (name === 'SMS_MFA' || name === 'SOFTWARE_TOKEN_MFA') {
			throw new AwsError('CodeMismatchException', 'Invalid code received for user');
		}
		if (typeof name !== 'string' || name === '') throw new AwsError('InvalidParameterException', 'Missing required parameter ChallengeName');
		throw new AwsError('InvalidParameterException', `Unsupported challenge ${name}`);
	};

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const target = String(req.headers['x-amz-target'] ?? '');
			const log: CognitoRequestLogEntry = { target: target.split('.').pop() ?? '', status: 200, at: now() };
			let status = 200;
			let answer: unknown;
			try {
				if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') {
					throw new AwsError('UnknownOperationException', 'Unknown operation', 404);
				}
				const contentType = String(req.headers['content-type'] ?? '');
				if (!/^application\/x-amz-json-1\.[01]\b/i.test(contentType)) {
					throw new AwsError('UnknownOperationException', 'Unknown operation (Content-Type must be application/x-amz-json-1.1)');
				}
				let body: Record<string, unknown>;
				try {
					body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
				} catch {
					throw new AwsError('SerializationException', 'Could not parse the request body as JSON');
				}
				if (target === 'AWSCognitoIdentityProviderService.InitiateAuth') answer = initiateAuth(body, log);
				else if (target === 'AWSCognitoIdentityProviderService.RespondToAuthChallenge') answer = respondToAuthChallenge(body, log);
				else throw new AwsError('UnknownOperationException', 'Unknown operation');
			} catch (e) {
				const error = e instanceof AwsError ? e : new AwsError('InternalErrorException', (e as Error).message, 500);
				status = error.status;
				log.errorType = error.type;
				counters.failures++;
				answer = { __type: error.type, message: error.message };
				res.setHeader('x-amzn-ErrorType', `${error.type}:`);
			}
			log.status = status;
			requestLog.push(log);
			res.statusCode = status;
			res.setHeader('Content-Type', 'application/x-amz-json-1.1');
			res.setHeader('x-amzn-RequestId', randomUUID());
			res.end(JSON.stringify(answer));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}/`,
		region,
		userPoolId,
		clientId,
		requestLog,
		stats: {
			get srpSignIns() {
				return counters.srpSignIns;
			},
			get refreshes() {
				return counters.refreshes;
			},
			get failures() {
				return counters.failures;
			},
			get idTokensIssued() {
				return counters.idTokensIssued;
			},
		},
		now,
		advance: (ms) => {
			if (manualNow !== undefined) manualNow += ms;
			else offset += ms;
		},
		setNow: (at) => {
			manualNow = typeof at === 'number' ? at : at.getTime();
		},
		addUser,
		verifyIdToken: (token, at = now()) => {
			const [head, body, signature] = token.split('.');
			if (!head || !body || !signature) return undefined;
			const valid = createVerify('RSA-SHA256').update(`${head}.${body}`).verify(publicKey, Buffer.from(signature, 'base64url'));
			if (!valid) return undefined;
			const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as IdTokenClaims;
			if (claims.token_use !== 'id' || claims.iss !== issuer || claims.aud !== clientId) return undefined;
			return claims.exp * 1000 > at ? claims : undefined;
		},
		revokeRefreshTokens: (email) => {
			for (const [token, entry] of refreshTokens) if (entry.user.email.toLowerCase() === email.toLowerCase()) refreshTokens.delete(token);
		},
		reset: () => {
			requestLog.length = 0;
			pending.clear();
			mfaSessions.clear();
			counters.srpSignIns = counters.refreshes = counters.failures = counters.idTokensIssued = 0;
		},
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
