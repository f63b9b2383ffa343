import { afterEach, describe, expect, it } from 'vitest';

import { startFileMakerEmulator, type FileMakerEmulator } from '../emulators/filemaker';
import { FmClient } from './helpers';

let fm: FileMakerEmulator | undefined;
afterEach(async () => {
	await fm?.close();
	fm = undefined;
});

describe('sessions', () => {
	it('a token idles out after idleTimeoutMs; each call resets the clock (fake clock)', async () => {
		let t = 1_000_000;
		fm = await startFileMakerEmulator({ idleTimeoutMs: 1000, now: () => t });
		fm.seed('Stock', [{ SKU: 'A', Quantity: 1 }]);
		const c = new FmClient(fm);
		await c.login();
		t += 900;
		expect((await c.range('Stock')).status).toBe(200); // resets the clock
		t += 900;
		expect((await c.range('Stock')).status).toBe(200); // 1800 ms after login, 900 after last use
		expect(fm.stats.activeSessions).toBe(1);
		t += 1001;
		expect(fm.stats.activeSessions).toBe(0); // an idle session stops counting as active
		const r = await c.range('Stock');
		expect({ status: r.status, code: r.code }).toEqual({ status: 401, code: '952' });
		// a new login works again
		await c.login();
		expect((await c.range('Stock')).status).toBe(200);
		expect(fm.stats).toMatchObject({ logins: 2, logouts: 0, activeSessions: 1, maxActiveSessions: 1 });
	});

	it('a token idles out with a small real idleTimeoutMs', async () => {
		fm = await startFileMakerEmulator({ idleTimeoutMs: 40 });
		const c = new FmClient(fm);
		await c.login();
		expect((await c.raw('GET', '/validateSession')).status).toBe(200);
		await new Promise((r) => setTimeout(r, 150));
		const r = await c.raw('GET', '/validateSession');
		expect({ status: r.status, code: r.code }).toEqual({ status: 401, code: '952' });
		// setOptions changes the timeout for live sessions
		fm.setOptions({ idleTimeoutMs: 60_000 });
		await c.login();
		await new Promise((r2) => setTimeout(r2, 100));
		expect((await c.raw('GET', '/validateSession')).status).toBe(200);
	});

	it('expireAllSessions(): old tokens get 401 + 952, a new login works', async () => {
		fm = await startFileMakerEmulator();
		const a = new FmClient(fm);
		const b = new FmClient(fm);
		await a.login();
		await b.login();
		expect(fm.stats.activeSessions).toBe(2);
		fm.expireAllSessions();
		expect(fm.stats.activeSessions).toBe(0);
		for (const c of [a, b]) {
			const r = await c.raw('GET', c.db('/layouts'));
			expect({ status: r.status, code: r.code }).toEqual({ status: 401, code: '952' });
		}
		expect((await a.login()).status).toBe(200);
		expect((await a.raw('GET', a.db('/layouts'))).status).toBe(200);
	});

	it('stats count logins, logouts, active and max active sessions, failed logins; reset() clears them', async () => {
		fm = await startFileMakerEmulator();
		const clients = [new FmClient(fm), new FmClient(fm), new FmClient(fm)];
		for (const c of clients) await c.login();
		await clients[0].logout();
		await new FmClient(fm).login('admin', 'bad');
		expect({ ...fm.stats }).toEqual({ logins: 3, logouts: 1, activeSessions: 2, maxActiveSessions: 3, failedLogins: 1 });
		fm.reset();
		expect({ ...fm.stats }).toEqual({ logins: 0, logouts: 0, activeSessions: 0, maxActiveSessions: 0, failedLogins: 0 });
		expect(fm.requestLog).toHaveLength(0);
		const r = await clients[1].raw('GET', '/validateSession');
		expect(r.code).toBe('952');
	});

	it('the session cap counts only live sessions (idle ones free their slot)', async () => {
		let t = 0;
		fm = await startFileMakerEmulator({ sessionCap: 1, idleTimeoutMs: 1000, now: () => t });
		const a = new FmClient(fm);
		await a.login();
		expect((await new FmClient(fm).login()).code).toBe('812');
		t += 5000;
		expect((await new FmClient(fm).login()).status).toBe(200);
	});
});

describe('concurrency with latency', () => {
	it('the modId check runs when the write executes: of 10 parallel edits with modId 0 exactly one wins', async () => {
		fm = await startFileMakerEmulator({ latencyMs: { min: 1, max: 25 } });
		fm.seed('Stock', [{ SKU: 'A', Quantity: 10 }]);
		const c = new FmClient(fm);
		await c.login();
		const results = await Promise.all(
			Array.from({ length: 10 }, (_, i) => c.edit('Stock', 1, { fieldData: { Quantity: 100 + i }, modId: '0' })),
		);
		const codes = results.map((r) => r.code).sort();
		expect(codes.filter((x) => x === '0')).toHaveLength(1);
		expect(codes.filter((x) => x === '306')).toHaveLength(9);
		const rec = fm.records('Stock')[0];
		expect(rec.modId).toBe('1');
		const winner = results.findIndex((r) => r.code === '0');
		expect(rec.fieldData.Quantity).toBe(100 + winner);
	});

	it('optimistic read-modify-write with modId retries loses no update', async () => {
		fm = await startFileMakerEmulator({ latencyMs: { min: 0, max: 10 } });
		fm.seed('Stock', [{ SKU: 'A', Quantity: 0 }]);
		const c = new FmClient(fm);
		await c.login();
		const increment = async () => {
			for (;;) {
				const g = await c.get('Stock', 1);
				const rec = g.json.response.data[0];
				const e = await c.edit('Stock', 1, { fieldData: { Quantity: rec.fieldData.Quantity + 1 }, modId: rec.modId });
				if (e.code === '0') return;
				expect(e.code).toBe('306');
			}
		};
		await Promise.all(Array.from({ length: 15 }, increment));
		expect(fm.records('Stock')[0].fieldData.Quantity).toBe(15);
		expect(fm.records('Stock')[0].modId).toBe('15');
	});
});
