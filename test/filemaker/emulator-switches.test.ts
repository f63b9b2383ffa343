/**
 * The FileMaker emulator's fidelity switches (readings of the real server the documentation leaves open),
 * each position run through the node and the credential test: the user-facing outcome must not depend on
 * which reading the real server follows.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { testCredential } from '../helpers/n8n-harness';
import type { Env } from './_support';
import { credentialData, startEnv } from './_support';

let env: Env;

beforeAll(async () => {
	env = await startEnv();
});

afterAll(async () => {
	await env.close();
});

beforeEach(() => {
	env.fm.setOptions({
		requireLoginBody: true,
		strictDatabaseCase: true,
		sessionCap: undefined,
		sessionCapHttpStatus: undefined,
		sessionCapCode: undefined,
	});
	env.fm.reset();
	env.creds.set('fileMakerDataApi', credentialData(env.fm));
	env.fm.seed('Stock', [{ SKU: 'A-1', Quantity: 7 }]);
});

const getA1 = { resource: 'stock', operation: 'get', sku: 'A-1' };
const adjustA1 = { resource: 'stock', operation: 'adjust', sku: 'A-1', delta: -2, source: 'test', reason: 'switch check' };

describe('requireLoginBody', () => {
	it.each([true, false])('requireLoginBody: %s → the node logs in once, reads and changes the stock; the credential test passes', async (position) => {
		env.fm.setOptions({ requireLoginBody: position });
		const read = await env.run(getA1);
		expect(read.error).toBeUndefined();
		expect(read.items[0].json).toMatchObject({ sku: 'A-1', quantity: 7 });
		const changed = await env.run(adjustA1);
		expect(changed.error).toBeUndefined();
		expect(changed.items[0].json).toMatchObject({ sku: 'A-1', applied: true, quantityAfter: 5 });
		expect(env.fm.stats.logins).toBe(1);
		expect(env.fm.stats.failedLogins).toBe(0);
		expect(await testCredential('fileMakerDataApi', credentialData(env.fm))).toMatchObject({ status: 'OK' });
	});
});

describe('strictDatabaseCase', () => {
	it.each([true, false])(
		'strictDatabaseCase: %s → a database name typed in another case works for the node and the credential test',
		async (position) => {
			env.fm.setOptions({ strictDatabaseCase: position });
			env.creds.set('fileMakerDataApi', credentialData(env.fm, { database: 'inventory' }));
			const read = await env.run(getA1);
			expect(read.error).toBeUndefined();
			expect(read.items[0].json).toMatchObject({ sku: 'A-1', quantity: 7 });
			const changed = await env.run(adjustA1);
			expect(changed.error).toBeUndefined();
			expect(changed.items[0].json).toMatchObject({ applied: true, quantityAfter: 5 });
			// one session, used with one spelling throughout: never an invalid-token (952) answer
			expect(env.fm.stats.logins).toBe(1);
			expect(env.fm.requestLog.filter((l) => l.code === '952')).toHaveLength(0);
			expect(env.fm.requestLog.every((l) => !l.path.includes('/databases/') || l.path.includes('/databases/inventory/'))).toBe(true);
			expect(await testCredential('fileMakerDataApi', credentialData(env.fm, { database: 'inventory' }))).toMatchObject({ status: 'OK' });
		},
	);
});

describe('sessionCapHttpStatus', () => {
	it.each([500, 503, 401])('host full, refusal with HTTP %s → the node and the credential test say so plainly', async (status) => {
		env.fm.setOptions({ sessionCap: 0, sessionCapHttpStatus: status });
		const r = await env.run(getA1);
		expect(r.error?.message).toMatch(/no room for another Data API session \(code 812/);
		expect(r.error?.message).not.toContain('secret');
		const test = await testCredential('fileMakerDataApi', credentialData(env.fm));
		expect(test.status).toBe('Error');
		expect(test.message).toMatch(/812/);
		expect(test.message).not.toContain('secret');
		expect(env.fm.stats.logins).toBe(0);
	});
});
