/**
 * FileMaker Cloud sign-in with a Claris ID: the credential's login (preAuthentication) and Test
 * button against the Cognito and FileMaker emulators; the Cognito emulator against Amazon's SDK.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { FileMakerDataApi } from '../../credentials/FileMakerDataApi.credentials';
import { testCredential } from '../helpers/n8n-harness';
import type { ClarisEnv } from './claris-support';
import { clarisCredential, cognitoCalls, MFA, MINUTE, OPS, OUTSIDER, recordingHelpers, SMS, START, startClarisEnv } from './claris-support';

const credential = new FileMakerDataApi();
let env: ClarisEnv;
let closedPortUrl: string;

beforeAll(async () => {
	env = await startClarisEnv();
	const tmp = http.createServer();
	await new Promise<void>((resolve) => tmp.listen(0, '127.0.0.1', resolve));
	closedPortUrl = `http://127.0.0.1:${(tmp.address() as AddressInfo).port}/`;
	await new Promise<void>((resolve) => tmp.close(() => resolve()));
});

afterAll(async () => {
	await env.close();
});

beforeEach(() => {
	env.reset();
});

type Output = Record<string, string>;

async function preAuth(data: Record<string, unknown>, recorder = recordingHelpers()): Promise<Output> {
	const full = { apiVersion: 'vLatest', allowUnauthorizedCerts: false, sessionToken: '', ...data };
	return (await credential.preAuthentication.call(recorder as never, full as never)) as Output;
}

async function failure(data: Record<string, unknown>): Promise<Error> {
	const error = await preAuth(data).catch((e: Error) => e);
	if (!(error instanceof Error)) throw new Error('expected the login to fail');
	return error;
}

const fmLogins = () => env.fm.requestLog.filter((l) => l.method === 'POST' && l.path.endsWith('/sessions')).map((l) => `${l.status}/${l.code}`);

describe('sign-in with email and password (SRP)', () => {
	it('signs in through SRP, logs in to FileMaker with FMID and keeps the tokens for the next login', async () => {
		const recorder = recordingHelpers();
		const out = await preAuth(clarisCredential(env), recorder);
		expect(cognitoCalls(env.cognito)).toEqual(['InitiateAuth USER_SRP_AUTH 200', 'RespondToAuthChallenge PASSWORD_VERIFIER 200']);
		expect(fmLogins()).toEqual(['200/0']);
		expect(out.sessionToken).toBe(env.fm.requestLog[0].sessionToken);
		expect(env.cognito.verifyIdToken(out.clarisIdToken)?.email).toBe(OPS.email);
		expect(Number(out.clarisIdExpiresAt)).toBe(START + 60 * MINUTE);
		expect(out.clarisIdRefreshToken).not.toBe('');
		expect(out.clarisIdSignedInAs).toMatch(/^[0-9a-f]{32}$/);
		// The FileMaker login carries the ID token; the password never leaves n8n.
		const fmLogin = recorder.sent.find((o) => String(o.url).endsWith('/sessions'))!;
		expect(fmLogin.headers?.Authorization).toBe(`FMID ${out.clarisIdToken}`);
		expect(JSON.stringify(recorder.sent)).not.toContain(OPS.password);
		const cognitoRequests = recorder.sent.filter((o) => o.url === env.cognito.url);
		expect(cognitoRequests.map((o) => o.headers?.['X-Amz-Target'])).toEqual([
			'AWSCognitoIdentityProviderService.InitiateAuth',
			'AWSCognitoIdentityProviderService.RespondToAuthChallenge',
		]);
		expect(cognitoRequests.every((o) => o.headers?.['Content-Type'] === 'application/x-amz-json-1.1')).toBe(true);
	});

	it('reuses the stored ID token while it has more than 5 minutes left: no Cognito call', async () => {
		const first = await preAuth(clarisCredential(env));
		env.cognito.reset();
		env.advance(54 * MINUTE);
		const second = await preAuth({ ...clarisCredential(env), ...first, sessionToken: '' });
		expect(cognitoCalls(env.cognito)).toEqual([]);
		expect(second.clarisIdToken).toBeUndefined(); // nothing new to save
		expect(fmLogins()).toEqual(['200/0', '200/0']);
	});

	it('renews the ID token with the refresh token when it has 5 minutes or less left, before it ends', async () => {
		const first = await preAuth(clarisCredential(env));
		env.cognito.reset();
		env.advance(56 * MINUTE); // 4 minutes left: still valid, but renewed now
		const second = await preAuth({ ...clarisCredential(env), ...first, sessionToken: '' });
		expect(cognitoCalls(env.cognito)).toEqual(['InitiateAuth REFRESH_TOKEN_AUTH 200']);
		expect(Number(second.clarisIdExpiresAt)).toBe(START + 116 * MINUTE);
		expect(second.clarisIdRefreshToken).toBe(first.clarisIdRefreshToken);
		expect(second.clarisIdToken).not.toBe(first.clarisIdToken);
	});

	it('signs in again with the password when the stored refresh token was revoked', async () => {
		const first = await preAuth(clarisCredential(env));
		env.cognito.revokeRefreshTokens(OPS.email);
		env.cognito.reset();
		env.advance(2 * 60 * MINUTE);
		const second = await preAuth({ ...clarisCredential(env), ...first, sessionToken: '' });
		expect(cognitoCalls(env.cognito)).toEqual([
			'InitiateAuth REFRESH_TOKEN_AUTH 400 NotAuthorizedException',
			'InitiateAuth USER_SRP_AUTH 200',
			'RespondToAuthChallenge PASSWORD_VERIFIER 200',
		]);
		expect(second.sessionToken).toBeTruthy();
	});

	it('does not reuse tokens stored for another Claris ID (credential edited)', async () => {
		const first = await preAuth(clarisCredential(env));
		env.cognito.reset();
		await preAuth({ ...clarisCredential(env, { clarisIdEmail: MFA.email, clarisIdPassword: 'typo' }), ...first, sessionToken: '' }).catch(() => undefined);
		expect(cognitoCalls(env.cognito)[0]).toBe('InitiateAuth USER_SRP_AUTH 200');
	});

	it('renews once when FileMaker Cloud refuses a stored ID token that has not expired, then logs in', async () => {
		const first = await preAuth(clarisCredential(env));
		env.cognito.reset();
		const forged = `${first.clarisIdToken.slice(0, -4)}AAAA`;
		const second = await preAuth({ ...clarisCredential(env), ...first, clarisIdToken: forged, sessionToken: '' });
		expect(fmLogins()).toEqual(['200/0', '401/212', '200/0']);
		expect(cognitoCalls(env.cognito)).toEqual(['InitiateAuth REFRESH_TOKEN_AUTH 200']);
		expect(second.clarisIdToken).not.toBe(forged);
	});
});

describe('sign-in with a refresh token', () => {
	it('renews the ID token with REFRESH_TOKEN_AUTH only, and keeps no copy of the typed token', async () => {
		const issued = (await preAuth(clarisCredential(env))).clarisIdRefreshToken;
		env.reset();
		const data = clarisCredential(env, { clarisIdSignIn: 'refreshToken', clarisIdRefreshTokenInput: issued, clarisIdEmail: '', clarisIdPassword: '' });
		const recorder = recordingHelpers();
		const out = await preAuth(data, recorder);
		expect(cognitoCalls(env.cognito)).toEqual(['InitiateAuth REFRESH_TOKEN_AUTH 200']);
		expect(fmLogins()).toEqual(['200/0']);
		expect(env.cognito.verifyIdToken(out.clarisIdToken)?.email).toBe(OPS.email);
		expect(out.clarisIdRefreshToken).toBe('');
		// Within the hour: the stored ID token, no Cognito call.
		env.cognito.reset();
		env.advance(30 * MINUTE);
		await preAuth({ ...data, ...out, sessionToken: '' });
		expect(cognitoCalls(env.cognito)).toEqual([]);
	});

	it('says so when Cognito refuses the refresh token', async () => {
		const error = await failure(clarisCredential(env, { clarisIdSignIn: 'refreshToken', clarisIdRefreshTokenInput: 'eyJjdHkiOiJKV1QifQ.revoked' }));
		expect(error.message).toMatch(/^Claris ID sign-in failed: Cognito refused the refresh token \(NotAuthorizedException\)\. Cognito said: "Invalid Refresh Token"\. .*get a new one, or choose 'Email and Password'\.$/);
		expect(error.message).not.toContain('revoked');
		expect(fmLogins()).toEqual([]);
	});
});

describe('clear messages for Claris ID sign-in failures', () => {
	it('wrong password: NotAuthorizedException, without the password, nothing sent to FileMaker', async () => {
		const error = await failure(clarisCredential(env, { clarisIdPassword: 'Wrong-Pass-9' }));
		expect(error.message).toBe(
			'Claris ID sign-in failed: wrong email or password for the Claris ID ops@example.com (NotAuthorizedException). Cognito said: "Incorrect username or password." Check Claris ID Email and Claris ID Password (the ones you use at Claris Customer Console).',
		);
		expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain('Wrong-Pass-9');
		expect(cognitoCalls(env.cognito)).toEqual(['InitiateAuth USER_SRP_AUTH 200', 'RespondToAuthChallenge PASSWORD_VERIFIER 400 NotAuthorizedException']);
		expect(fmLogins()).toEqual([]);
	});

	it('unknown user: UserNotFoundException', async () => {
		const error = await failure(clarisCredential(env, { clarisIdEmail: 'nobody@example.com' }));
		expect(error.message).toBe('Claris ID sign-in failed: there is no Claris ID nobody@example.com (UserNotFoundException). Check Claris ID Email.');
		expect(cognitoCalls(env.cognito)).toEqual(['InitiateAuth USER_SRP_AUTH 400 UserNotFoundException']);
	});

	it.each([
		[MFA, 'SOFTWARE_TOKEN_MFA'],
		[SMS, 'SMS_MFA'],
	])('MFA user %#: not supported, says what to do', async (user, challenge) => {
		const error = await failure(clarisCredential(env, { clarisIdEmail: user.email, clarisIdPassword: user.password }));
		expect(error.message).toBe(
			`Claris ID sign-in failed: the Claris ID ${user.email} has two-step verification (MFA, Cognito challenge ${challenge}), which n8n cannot answer unattended. ` +
				"Use a Claris ID without two-step verification for n8n (an account only for n8n, given access to the file in FileMaker Cloud), or sign in once elsewhere and choose 'Refresh Token' in this credential.",
		);
		expect(cognitoCalls(env.cognito)).toEqual(['InitiateAuth USER_SRP_AUTH 200', `RespondToAuthChallenge PASSWORD_VERIFIER 200 ${challenge}`]);
		expect(fmLogins()).toEqual([]);
	});

	it('a Claris ID that must set a new password first says where to do it', async () => {
		env.cognito.addUser({ email: 'new@example.com', password: 'Temp-Pass-5', challenge: 'NEW_PASSWORD_REQUIRED' });
		const error = await failure(clarisCredential(env, { clarisIdEmail: 'new@example.com', clarisIdPassword: 'Temp-Pass-5' }));
		expect(error.message).toBe(
			'Claris ID sign-in failed: the Claris ID new@example.com must set a new password first (Cognito challenge NEW_PASSWORD_REQUIRED). Sign in once at Claris Customer Console, set the password, then enter it here.',
		);
	});

	it('a Claris ID without an account in the file: FileMaker step, names the privilege', async () => {
		const error = await failure(clarisCredential(env, { clarisIdEmail: OUTSIDER.email, clarisIdPassword: OUTSIDER.password }));
		expect(error.message).toBe(
			`FileMaker Cloud at ${env.fm.url} did not let the Claris ID outsider@example.com open the database 'Inventory' (code 212): the Claris ID sign-in itself worked. ` +
				"In the file, add this Claris ID (or a Claris ID group it belongs to) as an account whose privilege set includes the extended privilege 'Access via FileMaker Data API (fmrest)'.",
		);
		expect(fmLogins()).toEqual(['401/212']);
	});

	it('wrong pool settings and unreachable Cognito', async () => {
		expect((await failure(clarisCredential(env, { cognitoClientId: 'someotherclient' }))).message).toMatch(
			/^Claris ID sign-in failed: Cognito did not accept the pool settings \(ResourceNotFoundException\)\. Cognito said: "User pool client someotherclient does not exist\." Check Cognito Region/,
		);
		expect((await failure(clarisCredential(env, { cognitoEndpoint: closedPortUrl }))).message).toBe(
			`Claris ID sign-in failed: could not reach Amazon Cognito at ${closedPortUrl} (ECONNREFUSED). Check the Cognito Region (and Cognito Endpoint, if set) and that n8n can reach the internet.`,
		);
		expect((await failure(clarisCredential(env, { cognitoEndpoint: `${env.fm.url}/` }))).message).toMatch(
			/^Claris ID sign-in failed: http:\/\/127\.0\.0\.1:\d+\/ did not answer as Amazon Cognito \(HTTP 404\)\. Check the Cognito Region and Cognito Endpoint\.$/,
		);
	});

	it('a missing email or password is named before anything is sent', async () => {
		expect((await failure(clarisCredential(env, { clarisIdEmail: ' ' }))).message).toBe('Claris ID sign-in failed: the credential has no Claris ID Email.');
		expect((await failure(clarisCredential(env, { clarisIdPassword: '' }))).message).toBe('Claris ID sign-in failed: the credential has no Claris ID Password.');
		expect(env.cognito.requestLog).toHaveLength(0);
	});
});

describe('credential Test button with a Claris ID', () => {
	it('is OK with the right settings: SRP, FMID login, layouts', async () => {
		expect(await testCredential('fileMakerDataApi', clarisCredential(env))).toEqual({ status: 'OK', message: 'Connection tested successfully' });
		expect(env.fm.requestLog.map((l) => `${l.method} ${l.path} ${l.status}`)).toEqual([
			'POST /fmi/data/vLatest/databases/Inventory/sessions 200',
			'GET /fmi/data/vLatest/databases/Inventory/layouts 200',
		]);
	});

	it('names the step that failed: Claris ID sign-in, host, database, privilege', async () => {
		const test = async (patch: Record<string, unknown>) => (await testCredential('fileMakerDataApi', clarisCredential(env, patch))).message;
		expect(await test({ clarisIdPassword: 'nope' })).toMatch(/^Claris ID sign-in failed: wrong email or password .*\(NotAuthorizedException\)/);
		expect(await test({ clarisIdEmail: 'nobody@example.com' })).toMatch(/^Claris ID sign-in failed: there is no Claris ID nobody@example\.com \(UserNotFoundException\)/);
		expect(await test({ clarisIdEmail: MFA.email, clarisIdPassword: MFA.password })).toMatch(/^Claris ID sign-in failed: .*two-step verification/);
		expect(await test({ host: closedPortUrl.replace(/\/$/, '') })).toMatch(/^Could not reach the FileMaker host .* Check the Host/);
		expect(await test({ database: 'Nope' })).toMatch(/database named 'Nope' \(code 802\)\. Check the Database name/);
		expect(await test({ clarisIdEmail: OUTSIDER.email, clarisIdPassword: OUTSIDER.password })).toMatch(
			/^FileMaker Cloud at .* did not let the Claris ID outsider@example\.com open the database 'Inventory' \(code 212\).*fmrest/,
		);
	});

	it('a FileMaker Server credential saved before Claris ID existed works unchanged (Basic login)', async () => {
		const old = { host: env.fm.url, database: 'Inventory', username: 'admin', password: 'secret' };
		expect(await testCredential('fileMakerDataApi', old)).toEqual({ status: 'OK', message: 'Connection tested successfully' });
		expect(env.cognito.requestLog).toHaveLength(0);
	});
});

describe('the Cognito emulator against Amazon’s SDK (amazon-cognito-identity-js)', () => {
	const require = createRequire(__filename);
	type Callbacks = {
		onSuccess(session: { getIdToken(): { getJwtToken(): string }; getRefreshToken(): { getToken(): string } }): void;
		onFailure(error: Error & { code?: string }): void;
		mfaRequired?(challenge: string): void;
		totpRequired?(challenge: string): void;
	};
	const sdk = require('amazon-cognito-identity-js') as {
		CognitoUserPool: new (data: { UserPoolId: string; ClientId: string; endpoint: string }) => unknown;
		CognitoUser: new (data: { Username: string; Pool: unknown }) => {
			authenticateUser(details: unknown, callbacks: Callbacks): void;
		};
		AuthenticationDetails: new (data: { Username: string; Password: string }) => unknown;
	};

	function sdkSignIn(email: string, password: string): Promise<{ outcome: string; idToken?: string }> {
		const pool = new sdk.CognitoUserPool({ UserPoolId: env.cognito.userPoolId, ClientId: env.cognito.clientId, endpoint: env.cognito.url });
		const user = new sdk.CognitoUser({ Username: email, Pool: pool });
		return new Promise((resolve) =>
			user.authenticateUser(new sdk.AuthenticationDetails({ Username: email, Password: password }), {
				onSuccess: (session) => resolve({ outcome: 'success', idToken: session.getIdToken().getJwtToken() }),
				onFailure: (error) => resolve({ outcome: error.code ?? error.name }),
				mfaRequired: (challenge) => resolve({ outcome: challenge }),
				totpRequired: (challenge) => resolve({ outcome: challenge }),
			}),
		);
	}

	it('the SDK signs in with SRP against the emulator, and FileMaker takes its ID token', async () => {
		const result = await sdkSignIn(OPS.email, OPS.password);
		expect(result.outcome).toBe('success');
		expect(env.cognito.verifyIdToken(result.idToken!)?.email).toBe(OPS.email);
		const out = await preAuth({
			...clarisCredential(env),
			clarisIdToken: result.idToken!,
			clarisIdExpiresAt: String(START + 60 * MINUTE),
			clarisIdSignedInAs: (await preAuth(clarisCredential(env))).clarisIdSignedInAs,
		});
		expect(out.sessionToken).toBeTruthy();
	});

	it('the SDK gets the same errors and challenges', async () => {
		expect((await sdkSignIn(OPS.email, 'Wrong-Pass-9')).outcome).toBe('NotAuthorizedException');
		expect((await sdkSignIn('nobody@example.com', 'x')).outcome).toBe('UserNotFoundException');
		expect((await sdkSignIn(MFA.email, MFA.password)).outcome).toBe('SOFTWARE_TOKEN_MFA');
		expect((await sdkSignIn(SMS.email, SMS.password)).outcome).toBe('SMS_MFA');
	});
});

describe('Cognito emulator protocol', () => {
	async function post(target: string, body: unknown, contentType = 'application/x-amz-json-1.1') {
		const response = await fetch(env.cognito.url, {
			method: 'POST',
			headers: { 'Content-Type': contentType, 'X-Amz-Target': target },
			body: JSON.stringify(body),
		});
		return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), body: (await response.json()) as Record<string, unknown> };
	}

	it('answers errors in the AWS JSON 1.1 shape', async () => {
		const wrongClient = await post('AWSCognitoIdentityProviderService.InitiateAuth', {
			AuthFlow: 'USER_SRP_AUTH',
			ClientId: 'x',
			AuthParameters: { USERNAME: OPS.email, SRP_A: 'abc' },
		});
		expect(wrongClient).toEqual({
			status: 400,
			errorType: 'ResourceNotFoundException:',
			body: { __type: 'ResourceNotFoundException', message: 'User pool client x does not exist.' },
		});
		const missingA = await post('AWSCognitoIdentityProviderService.InitiateAuth', {
			AuthFlow: 'USER_SRP_AUTH',
			ClientId: env.cognito.clientId,
			AuthParameters: { USERNAME: OPS.email },
		});
		expect(missingA.body).toEqual({ __type: 'InvalidParameterException', message: 'Missing required parameter SRP_A' });
		const passwordFlow = await post('AWSCognitoIdentityProviderService.InitiateAuth', {
			AuthFlow: 'USER_PASSWORD_AUTH',
			ClientId: env.cognito.clientId,
			AuthParameters: { USERNAME: OPS.email, PASSWORD: OPS.password },
		});
		expect(passwordFlow.body.__type).toBe('InvalidParameterException');
		expect((await post('AWSCognitoIdentityProviderService.SignUp', {})).body.__type).toBe('UnknownOperationException');
		expect((await post('AWSCognitoIdentityProviderService.InitiateAuth', {}, 'application/json')).status).toBe(400);
	});

	it('the PASSWORD_VERIFIER challenge names the pool user id, not the email (USER_ID_FOR_SRP)', async () => {
		const answer = await post('AWSCognitoIdentityProviderService.InitiateAuth', {
			AuthFlow: 'USER_SRP_AUTH',
			ClientId: env.cognito.clientId,
			AuthParameters: { USERNAME: OPS.email, SRP_A: 'abcdef' },
		});
		expect(answer.status).toBe(200);
		expect(answer.body.ChallengeName).toBe('PASSWORD_VERIFIER');
		const params = answer.body.ChallengeParameters as Record<string, string>;
		expect(Object.keys(params).sort()).toEqual(['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
		expect(params.USER_ID_FOR_SRP).toMatch(/^[0-9a-f-]{36}$/);
		expect(params.USER_ID_FOR_SRP).not.toBe(OPS.email);
	});
});
