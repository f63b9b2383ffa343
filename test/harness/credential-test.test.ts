/**
 * The harness's `testCredential` evaluates a credential's Test like n8n's CLI
 * (packages/cli/src/services/credentials-tester.service.ts): responseCode rules on failed answers,
 * responseSuccessBody rules (lodash key path, strict equality, first match wins) on successful ones,
 * the error code when nothing answered, preAuthentication always run. Then the FileMaker credential
 * cases that test/filemaker/credential.test.ts does not cover yet.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type {
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import { startFileMakerEmulator, type FileMakerEmulator } from '../emulators/filemaker';
import { registerTypes, testCredential } from '../helpers/n8n-harness';

// ------------------------------------------------------------------ a server answering per path

let server: http.Server;
let baseUrl: string;
let closedUrl: string;
const seen: { path: string; authorization?: string }[] = [];
let logins = 0;

beforeAll(async () => {
	server = http.createServer((req, res) => {
		seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
		const send = (status: number, body: unknown, statusText?: string) => {
			if (statusText !== undefined) res.writeHead(status, statusText, { 'Content-Type': 'application/json' });
			else res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		switch (req.url) {
			case '/login':
				logins++;
				return send(200, { token: `session-${logins}` });
			case '/needs-session':
				return req.headers.authorization === `Bearer session-${logins}` ? send(200, { ok: true }) : send(401, { error: 'no session' });
			case '/ok':
				return send(200, { data: { shop: { name: 'x' } }, count: '1' });
			case '/unauthorized':
				return send(401, { errors: 'nope' });
			case '/forbidden':
				return send(403, { errors: 'nope' });
			case '/maintenance':
				return send(503, {}, 'Down for maintenance');
			case '/no-status-text':
				return send(599, {}, '');
			case '/access-denied':
				return send(200, {
					data: { shop: { name: 'x' }, order: null },
					errors: [{ message: 'Access denied', path: ['order'], extensions: { code: 'ACCESS_DENIED' } }],
				});
			case '/two-errors':
				return send(200, {
					data: {},
					errors: [
						{ path: ['location'], extensions: { code: 'ACCESS_DENIED' } },
						{ path: ['order'], extensions: { code: 'ACCESS_DENIED' } },
					],
				});
			default:
				return send(404, {});
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const tmp = http.createServer();
	await new Promise<void>((resolve) => tmp.listen(0, '127.0.0.1', resolve));
	closedUrl = `http://127.0.0.1:${(tmp.address() as AddressInfo).port}`;
	await new Promise<void>((resolve) => tmp.close(() => resolve()));

	await registerTypes({ credentials: { rulesTestApi: new RulesTestApi(), sessionTestApi: new SessionTestApi() } });
});

afterAll(async () => {
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
	seen.length = 0;
});

// ------------------------------------------------------------------ credential doubles

const commonProperties: INodeProperties[] = [
	{ displayName: 'URL', name: 'url', type: 'string', default: '' },
	{ displayName: 'Path', name: 'path', type: 'string', default: '/ok' },
];

class RulesTestApi implements ICredentialType {
	name = 'rulesTestApi';

	displayName = 'Rules Test API';

	properties: INodeProperties[] = [
		...commonProperties,
		{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
	];

	authenticate = {
		type: 'generic' as const,
		properties: { headers: { Authorization: '=Bearer {{$credentials.token}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.url}}', url: '={{$credentials.path}}' },
		rules: [
			{ type: 'responseCode', properties: { value: 401, message: 'Rule: the token is wrong' } },
			// never used on a successful answer: responseCode rules only apply to failed requests
			{ type: 'responseCode', properties: { value: 200, message: 'Rule: 200 must not match' } },
			{ type: 'responseSuccessBody', properties: { key: 'errors[0].path[0]', value: 'location', message: 'Rule: first error is location' } },
			{ type: 'responseSuccessBody', properties: { key: 'errors[0].extensions.code', value: 'ACCESS_DENIED', message: 'Rule: access denied' } },
			{ type: 'responseSuccessBody', properties: { key: 'errors[1].path[0]', value: 'order', message: 'Rule: second error is order' } },
			// strict equality: the body has count "1" (a string)
			{ type: 'responseSuccessBody', properties: { key: 'count', value: 1, message: 'Rule: count is the number 1' } },
			// n8n types `rules` as an array of one kind; credentials mix both kinds (the CLI checks each by type)
		] as unknown as IAuthenticateRuleResponseSuccessBody[],
	};
}

class SessionTestApi implements ICredentialType {
	name = 'sessionTestApi';

	displayName = 'Session Test API';

	properties: INodeProperties[] = [
		...commonProperties,
		{ displayName: 'Session', name: 'session', type: 'hidden', typeOptions: { expirable: true }, default: '' },
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const body = (await this.helpers.httpRequest({ method: 'POST', url: `${String(credentials.url)}/login`, json: true })) as { token: string };
		return { session: body.token };
	}

	authenticate = {
		type: 'generic' as const,
		properties: { headers: { Authorization: '=Bearer {{$credentials.session}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.url}}', url: '={{$credentials.path}}' },
	};
}

const rules = (path: string, url = baseUrl) => testCredential('rulesTestApi', { url, path, token: 't0ken' });

// ------------------------------------------------------------------ rule semantics

describe('testCredential evaluates the rules like n8n', () => {
	it('OK when the request succeeds and no success-body rule matches (responseCode 200 is not checked on success)', async () => {
		expect(await rules('/ok')).toEqual({ status: 'OK', message: 'Connection tested successfully' });
		expect(seen).toEqual([{ path: '/ok', authorization: 'Bearer t0ken' }]);
	});

	it('a failed request: the responseCode rule with that status gives the message', async () => {
		expect(await rules('/unauthorized')).toEqual({ status: 'Error', message: 'Rule: the token is wrong' });
		// a 401 makes n8n run preAuthentication (none here) and resend once
		expect(seen.map((s) => s.path)).toEqual(['/unauthorized', '/unauthorized']);
	});

	it('a failed request without a matching rule: the status text, or "Received HTTP status code"', async () => {
		expect(await rules('/maintenance')).toEqual({ status: 'Error', message: 'Down for maintenance' });
		expect(await rules('/forbidden')).toEqual({ status: 'Error', message: 'Forbidden' });
		expect(await rules('/no-status-text')).toEqual({ status: 'Error', message: 'Received HTTP status code: 599' });
	});

	it('nothing answering: the error code', async () => {
		expect(await rules('/ok', closedUrl)).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
	});

	it('a successful answer: the first responseSuccessBody rule whose key path holds the value', async () => {
		expect(await rules('/access-denied')).toEqual({ status: 'Error', message: 'Rule: access denied' });
		expect(await rules('/two-errors')).toEqual({ status: 'Error', message: 'Rule: first error is location' });
	});
});

describe('testCredential and preAuthentication', () => {
	it('always runs preAuthentication, even with a session already stored, and tests with the new one', async () => {
		const before = logins;
		const r = await testCredential('sessionTestApi', { url: baseUrl, path: '/needs-session', session: 'stale-session' });
		expect(r).toEqual({ status: 'OK', message: 'Connection tested successfully' });
		expect(logins).toBe(before + 1);
		expect(seen.map((s) => s.path)).toEqual(['/login', '/needs-session']);
		expect(seen[1].authorization).toBe(`Bearer session-${logins}`);
	});
});

// ------------------------------------------------------------------ FileMaker credential

describe('FileMaker Data API credential Test', () => {
	let fm: FileMakerEmulator;
	const data = (patch: Record<string, unknown> = {}) =>
		({ host: fm.url, database: 'Inventory', username: 'admin', password: 'secret', ...patch }) as ICredentialDataDecryptedObject;

	beforeAll(async () => {
		fm = await startFileMakerEmulator();
	});
	afterAll(async () => fm?.close());
	beforeEach(() => fm.reset());

	it('a wrong password names the account problem, not the password', async () => {
		const r = await testCredential('fileMakerDataApi', data({ password: 'not-the-password-42' }));
		expect(r.status).toBe('Error');
		expect(r.message).toMatch(/^FileMaker rejected the account name or password for database 'Inventory' \(code 212\)\. Check Username and Password\./);
		expect(r.message).not.toContain('not-the-password-42');
		expect(fm.stats.failedLogins).toBe(1); // no second login attempt
	});

	it('a stored (possibly expired) session token is not trusted: the test logs in again', async () => {
		const r = await testCredential('fileMakerDataApi', data({ sessionToken: 'expired-token-from-yesterday' }));
		expect(r).toEqual({ status: 'OK', message: 'Connection tested successfully' });
		expect(fm.stats.logins).toBe(1);
		expect(fm.requestLog.map((l) => `${l.method} ${l.path} ${l.status}`)).toEqual([
			'POST /fmi/data/vLatest/databases/Inventory/sessions 200',
			'GET /fmi/data/vLatest/databases/Inventory/layouts 200',
		]);
	});

	it('a wrong host port names the host in words (n8n would hide a message naming ECONNREFUSED)', async () => {
		const r = await testCredential('fileMakerDataApi', data({ host: closedUrl }));
		expect(r.status).toBe('Error');
		expect(r.message).toContain(closedUrl);
		expect(r.message).not.toMatch(/ECONNREFUSED|refused the connection - perhaps/);
	});
});
