import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { FileMakerDataApi } from '../../credentials/FileMakerDataApi.credentials';
import type { FileMakerEmulator } from '../emulators/filemaker';
import { startFileMakerEmulator } from '../emulators/filemaker';
import { CredentialStore, runNode, testCredential } from '../helpers/n8n-harness';
import { credentialData, n8nHttpHelpers } from './_support';

const credential = new FileMakerDataApi();

let fm: FileMakerEmulator;
let notFileMaker: http.Server;
let notFileMakerUrl: string;
let closedPortUrl: string;

beforeAll(async () => {
	fm = await startFileMakerEmulator();
	notFileMaker = http.createServer((_req, res) => {
		res.statusCode = 404;
		res.setHeader('Content-Type', 'text/html');
		res.end('<html><body>Not Found</body></html>');
	});
	await new Promise<void>((resolve) => notFileMaker.listen(0, '127.0.0.1', resolve));
	notFileMakerUrl = `http://127.0.0.1:${(notFileMaker.address() as AddressInfo).port}`;
	// A port nobody listens on: open and close a server.
	const tmp = http.createServer();
	await new Promise<void>((resolve) => tmp.listen(0, '127.0.0.1', resolve));
	closedPortUrl = `http://127.0.0.1:${(tmp.address() as AddressInfo).port}`;
	await new Promise<void>((resolve) => tmp.close(() => resolve()));
});

afterAll(async () => {
	await fm.close();
	await new Promise<void>((resolve) => notFileMaker.close(() => resolve()));
});

beforeEach(() => {
	fm.setOptions({ sessionCap: undefined, sessionCapCode: undefined });
	fm.reset();
});

async function preAuth(patch: Record<string, unknown> = {}) {
	const data = { apiVersion: 'vLatest', allowUnauthorizedCerts: false, sessionToken: '', ...credentialData(fm), ...patch };
	return await credential.preAuthentication.call(n8nHttpHelpers() as never, data as never);
}

describe('preAuthentication (login)', () => {
	it('logs in once and returns the session token', async () => {
		const out = await preAuth();
		expect(typeof out.sessionToken).toBe('string');
		expect(out.sessionToken).not.toBe('');
		expect(fm.stats.logins).toBe(1);
		expect(fm.requestLog[0]).toMatchObject({ method: 'POST', path: '/fmi/data/vLatest/databases/Inventory/sessions', status: 200 });
		expect(fm.requestLog[0].sessionToken).toBe(out.sessionToken);
	});

	it('accepts a host without scheme parts it does not need (trailing slash, pasted Data API path)', async () => {
		const out = await preAuth({ host: `${fm.url}/fmi/data/vLatest/databases/Inventory/`, database: 'Inventory.fmp12' });
		expect(out.sessionToken).toBeTruthy();
	});

	it('says the host is wrong when nothing answers', async () => {
		await expect(preAuth({ host: closedPortUrl })).rejects.toThrow(
			`Could not reach the FileMaker host ${closedPortUrl} (connection refused). Check the Host: it should be the address of FileMaker Server, e.g. https://fms.example.com.`,
		);
	});

	it('says the host is wrong when it is not a FileMaker Data API', async () => {
		await expect(preAuth({ host: notFileMakerUrl })).rejects.toThrow(
			new RegExp(`^The host ${notFileMakerUrl} answered, but not as a FileMaker Data API \\(HTTP 404\\)\\. Check the Host`),
		);
	});

	it('says the database name is wrong on 802', async () => {
		await expect(preAuth({ database: 'Inventroy' })).rejects.toThrow(
			`The FileMaker host ${fm.url} does not have an open database named 'Inventroy' (code 802). Check the Database name.`,
		);
	});

	it('says the account or password is wrong on 212, without the password and without a second try', async () => {
		const error = await preAuth({ password: 'wrong-pass-123' }).catch((e: Error) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(/^FileMaker rejected the account name or password for database 'Inventory' \(code 212\)\. Check Username and Password\./);
		expect((error as Error).message).not.toContain('wrong-pass-123');
		expect(JSON.stringify(error)).not.toContain('wrong-pass-123');
		expect(fm.stats.failedLogins).toBe(1);
	});

	it('explains host capacity (812 and 956)', async () => {
		fm.setOptions({ sessionCap: 0 });
		await expect(preAuth()).rejects.toThrow(/has no room for another Data API session \(code 812: exceeded host's capacity\)\. Wait a few minutes/);
		fm.setOptions({ sessionCapCode: '956' });
		await expect(preAuth()).rejects.toThrow(/has no room for another Data API session \(code 956: too many sessions\)/);
	});

	it('refuses an empty host or database before sending anything', async () => {
		await expect(preAuth({ host: '' })).rejects.toThrow(/has no Host/);
		await expect(preAuth({ database: ' ' })).rejects.toThrow(/has no Database/);
		expect(fm.requestLog).toHaveLength(0);
	});
});

describe('credential Test button (preAuthentication + test request)', () => {
	it('is OK with the right settings', async () => {
		expect(await testCredential('fileMakerDataApi', credentialData(fm))).toEqual({
			status: 'OK',
			message: 'Connection tested successfully',
		});
		// login + GET layouts with the new token
		expect(fm.requestLog.map((l) => `${l.method} ${l.path} ${l.status}`)).toEqual([
			'POST /fmi/data/vLatest/databases/Inventory/sessions 200',
			'GET /fmi/data/vLatest/databases/Inventory/layouts 200',
		]);
	});

	it('names the wrong part', async () => {
		const host = await testCredential('fileMakerDataApi', credentialData(fm, { host: closedPortUrl }));
		expect(host.status).toBe('Error');
		expect(host.message).toMatch(/^Could not reach the FileMaker host .* Check the Host/);

		const foreign = await testCredential('fileMakerDataApi', credentialData(fm, { host: notFileMakerUrl }));
		expect(foreign.message).toMatch(/not as a FileMaker Data API \(HTTP 404\)\. Check the Host/);

		const db = await testCredential('fileMakerDataApi', credentialData(fm, { database: 'Nope' }));
		expect(db).toMatchObject({ status: 'Error', message: expect.stringMatching(/database named 'Nope' \(code 802\)\. Check the Database name/) });

		const account = await testCredential('fileMakerDataApi', credentialData(fm, { username: 'nobody' }));
		expect(account).toMatchObject({ status: 'Error', message: expect.stringMatching(/account name or password .*\(code 212\)/) });

		fm.setOptions({ sessionCap: 0 });
		const full = await testCredential('fileMakerDataApi', credentialData(fm));
		expect(full).toMatchObject({ status: 'Error', message: expect.stringMatching(/no room for another Data API session \(code 812/) });
	});
});

describe('login failures seen from the node', () => {
	it('stop with the clear message and try the login only once', async () => {
		const creds = new CredentialStore();
		creds.set('fileMakerDataApi', credentialData(fm, { password: 'bad' }));
		const r = await runNode({
			type: 'fileMakerInventory',
			parameters: { resource: 'stock', operation: 'get', sku: 'X' },
			credentials: creds,
		});
		expect(r.error?.message).toMatch(/^FileMaker rejected the account name or password for database 'Inventory' \(code 212\)/);
		expect(fm.stats.failedLogins).toBe(1);
		expect(creds.preAuthCalls.fileMakerDataApi).toBe(1);
	});
});
