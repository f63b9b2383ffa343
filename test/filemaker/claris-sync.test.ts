/**
 * FileMaker Inventory with a Claris ID credential (FileMaker Cloud), run in-process (n8n-core with
 * the test harness's credentials helper, which saves what preAuthentication returns as n8n does):
 * one sign-in and one Data API session for many executions, and an ID token that expires in the
 * middle of a read renewed once with nothing lost.
 */
import type { IDataObject } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { seedCatalogue } from '../emulators/filemaker';
import { CredentialStore, runNode } from '../helpers/n8n-harness';
import type { ClarisEnv } from './claris-support';
import { clarisCredential, cognitoCalls, MINUTE, START, startClarisEnv } from './claris-support';

let env: ClarisEnv;
let creds: CredentialStore;

beforeAll(async () => {
	env = await startClarisEnv();
});

afterAll(async () => {
	await env.close();
});

beforeEach(() => {
	env.reset();
	creds = new CredentialStore();
	creds.set('fileMakerDataApi', clarisCredential(env));
});

const run = async (parameters: IDataObject) =>
	await runNode({ type: 'fileMakerInventory', parameters, credentials: creds });

const fmLogins = () => env.fm.requestLog.filter((l) => l.method === 'POST' && l.path.endsWith('/sessions')).map((l) => `${l.status}/${l.code}`);

describe('FileMaker Inventory with a Claris ID', () => {
	it('10 executions: one Claris ID sign-in, one Data API session', async () => {
		seedCatalogue(env.fm, 20);
		for (let i = 1; i <= 10; i++) {
			const r = await run({ resource: 'stock', operation: 'get', sku: `SKU-${String(i).padStart(6, '0')}` });
			expect(r.error).toBeUndefined();
			expect(r.items).toHaveLength(1);
			env.advance(MINUTE);
		}
		expect(cognitoCalls(env.cognito)).toEqual(['InitiateAuth USER_SRP_AUTH 200', 'RespondToAuthChallenge PASSWORD_VERIFIER 200']);
		expect(fmLogins()).toEqual(['200/0']);
		expect(creds.preAuthCalls.fileMakerDataApi).toBe(1);
		const stored = creds.data('fileMakerDataApi');
		expect(env.cognito.verifyIdToken(String(stored.clarisIdToken))?.email).toBe('ops@example.com');
		expect(stored.sessionToken).toBe(env.fm.requestLog[0].sessionToken);
	});

	it('an ID token that expires in the middle of Get Many is renewed once (refresh token) and nothing is lost', async () => {
		seedCatalogue(env.fm, 2500);
		// Before page 2: an hour and a minute pass (the ID token has expired, and so has the idle Data API session).
		env.fm.onRequest({
			when: (req) => req.method === 'GET' && req.path.endsWith('/layouts/Stock/records'),
			skip: 1,
			times: 1,
			action: () => env.advance(61 * MINUTE),
		});
		const r = await run({ resource: 'stock', operation: 'getMany', options: { pageSize: 1000, pageConcurrency: 1 } }); // pages one after another
		expect(r.error).toBeUndefined();
		expect(r.items).toHaveLength(2500);
		expect(new Set(r.items.map((i) => i.json.sku)).size).toBe(2500);
		expect(cognitoCalls(env.cognito)).toEqual([
			'InitiateAuth USER_SRP_AUTH 200',
			'RespondToAuthChallenge PASSWORD_VERIFIER 200',
			'InitiateAuth REFRESH_TOKEN_AUTH 200',
		]);
		expect(env.cognito.stats.refreshes).toBe(1);
		expect(fmLogins()).toEqual(['200/0', '200/0']);
		const pages = env.fm.requestLog.filter((l) => l.method === 'GET' && l.path.endsWith('/layouts/Stock/records'));
		// Refused, sent again after a short random wait (another run may have renewed meanwhile), then renewed once.
		expect(pages.map((p) => `${p.status}/${p.code}`)).toEqual(['200/0', '401/952', '401/952', '200/0', '200/0']);
		const stored = creds.data('fileMakerDataApi');
		expect(Number(stored.clarisIdExpiresAt)).toBe(START + 121 * MINUTE);
		// The next execution uses the renewed session and token: no sign-in, no login.
		const again = await run({ resource: 'stock', operation: 'get', sku: 'SKU-000001' });
		expect(again.error).toBeUndefined();
		expect(env.cognito.requestLog).toHaveLength(3);
		expect(fmLogins()).toHaveLength(2);
	});

	it('a wrong Claris ID password stops the node with the sign-in message, once', async () => {
		creds.set('fileMakerDataApi', clarisCredential(env, { clarisIdPassword: 'Wrong-Pass-9' }));
		const r = await run({ resource: 'stock', operation: 'get', sku: 'SKU-000001' });
		expect(r.error?.message).toMatch(/^Claris ID sign-in failed: wrong email or password for the Claris ID ops@example\.com \(NotAuthorizedException\)/);
		expect(JSON.stringify(r.run.run.data)).not.toContain('Wrong-Pass-9');
		expect(cognitoCalls(env.cognito).filter((c) => c.startsWith('RespondToAuthChallenge'))).toHaveLength(1);
		expect(fmLogins()).toEqual([]);
	});
});
