import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startFileMakerEmulator, type FileMakerEmulator } from '../emulators/filemaker';
import { basic, FmClient, fixture, shape } from './helpers';

let fm: FileMakerEmulator;
let c: FmClient;

beforeAll(async () => {
	fm = await startFileMakerEmulator({
		layouts: {
			Stock: {
				fields: [
					{ name: 'SKU', type: 'text', unique: true },
					{ name: 'Quantity', type: 'number' },
					{ name: 'Strict', type: 'number', strictNumeric: true },
					{ name: 'When', type: 'timestamp' },
					{ name: 'Day', type: 'date' },
					{ name: 'ModifiedAt', type: 'timestamp', autoEnter: 'modificationTimestamp' },
				],
			},
			Empty: { fields: [{ name: 'A', type: 'text' }] },
			Required: { fields: [{ name: 'B', type: 'text', notEmpty: true }] },
		},
	});
	c = new FmClient(fm);
});
afterAll(() => fm.close());
beforeEach(async () => {
	fm.reset();
	fm.setOptions({ sessionCap: undefined, sessionCapHttpStatus: undefined, sessionCapCode: undefined });
	fm.seed('Stock', [
		{ SKU: 'A-1', Quantity: 1 },
		{ SKU: 'A-2', Quantity: 2 },
	]);
	await c.login();
});

function expectError(r: { status: number; code: string; json: unknown }, status: number, code: string) {
	expect({ status: r.status, code: r.code }).toEqual({ status, code });
	expect(shape(r.json)).toEqual(shape(fixture('error-401-no-records-match.json')));
	expect((r.json as { response: unknown }).response).toBeTypeOf('object');
}

describe('login errors', () => {
	it('212 + HTTP 401 for a wrong password or unknown account', async () => {
		const k = new FmClient(fm);
		expectError(await k.login('admin', 'wrong'), 401, '212');
		expectError(await k.login('nobody', 'secret'), 401, '212');
		expect(fm.stats.failedLogins).toBe(2);
		expect((await k.login('ADMIN', 'secret')).status).toBe(200); // account names are case-insensitive
	});

	it('code 10 + HTTP 401 when the Authorization header is missing (error-10-authorization-header-missing.json)', async () => {
		const r = await c.raw('POST', c.db('/sessions'), { body: {}, token: null });
		expectError(r, 401, '10');
		expect(r.json.messages[0].message).toBe(fixture('error-10-authorization-header-missing.json').messages[0].message);
	});

	it('802 + HTTP 500 for an unknown database', async () => {
		const k = new FmClient(fm, 'vLatest', 'Nope');
		expectError(await k.login(), 500, '802');
	});

	it('415 without Content-Type: application/json', async () => {
		const r = await c.raw('POST', c.db('/sessions'), {
			rawBody: '{}',
			headers: { Authorization: basic(), 'Content-Type': 'text/plain' },
			token: null,
		});
		expect(r.status).toBe(415);
		const none = await c.raw('POST', c.db('/sessions'), { headers: { Authorization: basic() }, token: null });
		expect(none.status).toBe(415);
	});

	it('refuses a login without a body (switchable with requireLoginBody)', async () => {
		const opts = { headers: { Authorization: basic(), 'Content-Type': 'application/json' }, token: null };
		const r = await c.raw('POST', c.db('/sessions'), opts);
		expectError(r, 400, '960');
		fm.setOptions({ requireLoginBody: false });
		expect((await c.raw('POST', c.db('/sessions'), opts)).status).toBe(200);
		// no body at all: axios sends no Content-Type either; a lenient server accepts that too
		const bare = { headers: { Authorization: basic() }, token: null };
		expect((await c.raw('POST', c.db('/sessions'), bare)).status).toBe(200);
		const textBody = { ...bare, rawBody: '{}', headers: { ...bare.headers, 'Content-Type': 'text/plain' } };
		expect((await c.raw('POST', c.db('/sessions'), textBody)).status).toBe(415);
		fm.setOptions({ requireLoginBody: true });
	});

	it('session cap: 812 (HTTP 500 by default; status and code are switches)', async () => {
		fm.setOptions({ sessionCap: 2 });
		const k = new FmClient(fm);
		expect((await k.login()).status).toBe(200); // 2nd active session (beforeEach made one)
		const r = await new FmClient(fm).login();
		expectError(r, 500, '812');
		expect(r.json.messages[0].message).toBe("Exceeded host's capacity");
		fm.setOptions({ sessionCapHttpStatus: 503, sessionCapCode: '956' });
		expectError(await new FmClient(fm).login(), 503, '956');
		await k.logout();
		expect((await new FmClient(fm).login()).status).toBe(200); // a logout frees a slot
		expect(fm.stats.failedLogins).toBe(2);
	});
});

describe('token errors', () => {
	it('952 + HTTP 401 for an unknown token (error-952-invalid-token.json)', async () => {
		const r = await c.range('Stock', '');
		expect(r.status).toBe(200);
		const bad = await c.raw('GET', c.db('/layouts/Stock/records'), { token: 'deadbeef' });
		expectError(bad, 401, '952');
		expect(bad.json).toEqual({ response: {}, messages: fixture('error-952-invalid-token.json').messages });
	});

	it('code 10 + HTTP 401 without Authorization on data calls (error-10-authorization-parameter-required.json)', async () => {
		const r = await c.raw('GET', c.db('/layouts/Stock/records'), { token: null });
		expectError(r, 401, '10');
		expect(r.json.messages).toEqual(fixture('error-10-authorization-parameter-required.json').messages);
		const v = await c.raw('GET', '/validateSession', { token: null });
		expectError(v, 401, '10');
	});

	it('a token only works with the database name spelled as at login', async () => {
		const lower = new FmClient(fm, 'vLatest', 'inventory');
		await lower.login();
		const wrongCase = await c.raw('GET', `/databases/inventory/layouts`);
		expectError(wrongCase, 401, '952');
		expect((await lower.raw('GET', lower.db('/layouts'))).status).toBe(200);
		fm.setOptions({ strictDatabaseCase: false });
		expect((await c.raw('GET', `/databases/INVENTORY/layouts`)).status).toBe(200);
		fm.setOptions({ strictDatabaseCase: true });
	});

	it('logout of an unknown token → 952', async () => {
		expectError(await c.logout('nope'), 401, '952');
	});
});

describe('record errors', () => {
	it('105 layout missing (error-105-layout-missing.json code)', async () => {
		const r = await c.range('Nope');
		expectError(r, 500, '105');
		for (const rr of [await c.find('Nope', { query: [{ A: '1' }] }), await c.get('Nope', 1), await c.raw('GET', c.db('/layouts/Nope'))]) {
			expectError(rr, 500, '105');
		}
	});

	it('101 record missing on get, edit, delete', async () => {
		expectError(await c.get('Stock', 99), 500, '101');
		expectError(await c.edit('Stock', 99, { fieldData: { Quantity: 1 } }), 500, '101');
		expectError(await c.del('Stock', 99), 500, '101');
		expectError(await c.get('Stock', 'abc'), 500, '101');
	});

	it('102 field missing when writing, finding or sorting', async () => {
		expectError(await c.create('Stock', { fieldData: { Nope: 1 } }), 500, '102');
		expectError(await c.edit('Stock', 1, { fieldData: { Nope: 1 } }), 500, '102');
		expectError(await c.find('Stock', { query: [{ Nope: '1' }] }), 500, '102');
		expectError(await c.find('Stock', { query: [{ SKU: 'A' }], sort: [{ fieldName: 'Nope', sortOrder: 'ascend' }] }), 500, '102');
		const sort = encodeURIComponent(JSON.stringify([{ fieldName: 'Nope' }]));
		expectError(await c.range('Stock', `_sort=${sort}`), 500, '102');
	});

	it('401 no records match: empty find, empty table, offset past the end', async () => {
		const f = await c.find('Stock', { query: [{ SKU: '==ZZZ' }] });
		expectError(f, 500, '401');
		expect(f.json).toEqual(fixture('error-401-no-records-match.json'));
		expectError(await c.range('Empty'), 500, '401');
		expectError(await c.range('Stock', '_offset=3'), 500, '401');
		expectError(await c.find('Stock', { query: [{ SKU: 'A' }], offset: 5 }), 500, '401');
	});

	it('emptyPageAs401: false answers an empty page with 200 and no data (an empty find stays 401)', async () => {
		fm.setOptions({ emptyPageAs401: false });
		try {
			for (const r of [
				await c.range('Empty'),
				await c.range('Stock', '_offset=3'),
				await c.find('Stock', { query: [{ SKU: 'A' }], offset: 5 }),
			]) {
				expect(r.status).toBe(200);
				expect(r.json.response.data).toEqual([]);
				expect(r.json.response.dataInfo.returnedCount).toBe(0);
			}
			expectError(await c.find('Stock', { query: [{ SKU: '==ZZZ' }] }), 500, '401');
		} finally {
			fm.setOptions({ emptyPageAs401: undefined });
		}
	});

	it('400 find criteria are empty', async () => {
		expectError(await c.find('Stock', { query: [] }), 500, '400');
		expectError(await c.find('Stock', { query: [{ SKU: '' }] }), 500, '400');
	});

	it('301 while a record is locked, for edit and delete; reads still work', async () => {
		fm.lockRecord('Stock', '1', 60_000);
		expectError(await c.edit('Stock', 1, { fieldData: { Quantity: 5 } }), 500, '301');
		expectError(await c.del('Stock', 1), 500, '301');
		expect((await c.get('Stock', 1)).status).toBe(200);
		expect((await c.edit('Stock', 2, { fieldData: { Quantity: 5 } })).status).toBe(200);
	});

	it('306 when modId is stale; modId increments on each edit', async () => {
		const e1 = await c.edit('Stock', 1, { fieldData: { Quantity: 5 }, modId: '0' });
		expect(e1.json.response.modId).toBe('1');
		expectError(await c.edit('Stock', 1, { fieldData: { Quantity: 6 }, modId: '0' }), 500, '306');
		expect((await c.edit('Stock', 1, { fieldData: { Quantity: 6 }, modId: 1 })).json.response.modId).toBe('2');
		expect(fm.records('Stock')[0].fieldData.Quantity).toBe(6);
	});

	it('504 value not unique on create and edit (case-insensitive like FileMaker)', async () => {
		expectError(await c.create('Stock', { fieldData: { SKU: 'A-1' } }), 500, '504');
		expectError(await c.create('Stock', { fieldData: { SKU: 'a-1' } }), 500, '504');
		expectError(await c.edit('Stock', 2, { fieldData: { SKU: 'A-1' } }), 500, '504');
		expect((await c.edit('Stock', 1, { fieldData: { SKU: 'A-1' } })).status).toBe(200); // same record is fine
		expect(fm.records('Stock')).toHaveLength(2);
	});

	it('number fields keep text unless strict numeric validation is on (502)', async () => {
		const r = await c.create('Stock', { fieldData: { SKU: 'N-1', Quantity: 'abc' } });
		expect(r.status).toBe(200);
		const got = await c.get('Stock', r.json.response.recordId);
		expect(got.json.response.data[0].fieldData.Quantity).toBe('abc');
		const s = await c.create('Stock', { fieldData: { SKU: 'N-2', Quantity: '7' } });
		expect(fm.records('Stock').find((x) => x.recordId === s.json.response.recordId)?.fieldData.Quantity).toBe(7);
		expectError(await c.create('Stock', { fieldData: { SKU: 'N-3', Strict: 'abc' } }), 500, '502');
		expect((await c.create('Stock', { fieldData: { SKU: 'N-4', Strict: '12.5' } })).status).toBe(200);
	});

	it('500 for an invalid date/timestamp, 509 for an empty not-empty field, 201 for an auto-enter timestamp', async () => {
		expectError(await c.create('Stock', { fieldData: { SKU: 'D-1', When: '31/12/2026' } }), 500, '500');
		expectError(await c.create('Stock', { fieldData: { SKU: 'D-2', Day: 'tomorrow' } }), 500, '500');
		expectError(await c.create('Required', { fieldData: {} }), 500, '509');
		expectError(await c.create('Stock', { fieldData: { SKU: 'D-3', ModifiedAt: '01/01/2026 00:00:00' } }), 500, '201');
	});

	it('1708 for null or object values', async () => {
		expectError(await c.create('Stock', { fieldData: { SKU: null } }), 500, '1708');
		expectError(await c.edit('Stock', 1, { fieldData: { Quantity: { a: 1 } } }), 500, '1708');
	});

	it('missing fieldData → code 10 (HTTP 400); unknown parameters and bad paging → 960', async () => {
		expectError(await c.create('Stock', {}), 400, '10');
		expectError(await c.find('Stock', {}), 400, '10');
		expectError(await c.find('Stock', { query: [{ SKU: 'A' }], limi: 5 }), 500, '960');
		expectError(await c.range('Stock', 'limit=5'), 500, '960');
		expectError(await c.range('Stock', '_limit=abc'), 500, '960');
		expectError(await c.range('Stock', '_offset=0'), 500, '960');
		expectError(await c.range('Stock', `_sort=${encodeURIComponent('not json')}`), 500, '960');
	});

	it('415 for a write without JSON content type', async () => {
		const r = await c.raw('POST', c.db('/layouts/Stock/records'), {
			rawBody: JSON.stringify({ fieldData: { SKU: 'X' } }),
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		});
		expect(r.status).toBe(415);
		const p = await c.raw('PATCH', c.db('/layouts/Stock/records/1'), { rawBody: '{"fieldData":{}}' });
		expect(p.status).toBe(415);
	});

	it('malformed JSON → HTTP 400', async () => {
		const r = await c.raw('POST', c.db('/layouts/Stock/_find'), {
			rawBody: '{"query":[',
			headers: { 'Content-Type': 'application/json' },
		});
		expect(r.status).toBe(400);
	});
});

describe('HTTP-level errors', () => {
	it('404 + code 3 for unknown endpoints, 405 for a wrong method', async () => {
		expectError(await c.raw('GET', c.db('/nothing/here')), 404, '3');
		expectError(await c.raw('GET', `${fm.url}/fmi/data/v9/productInfo`), 404, '3');
		expectError(await c.raw('GET', `${fm.url}/somewhere`), 404, '3');
		expectError(await c.raw('PUT', c.db('/layouts/Stock/records/1'), { body: {} }), 405, '3');
	});

	it('injected faults answer as configured, `times` times, only when `when` matches', async () => {
		fm.injectFault({ when: (r) => r.path.endsWith('/_find'), times: 2, httpStatus: 502, code: '-1', message: 'Bad gateway' });
		expect((await c.range('Stock')).status).toBe(200);
		const f1 = await c.find('Stock', { query: [{ SKU: 'A' }] });
		expect({ s: f1.status, c: f1.code, m: f1.json.messages[0].message }).toEqual({ s: 502, c: '-1', m: 'Bad gateway' });
		expect((await c.find('Stock', { query: [{ SKU: 'A' }] })).status).toBe(502);
		expect((await c.find('Stock', { query: [{ SKU: 'A' }] })).status).toBe(200);
		fm.injectFault({ httpStatus: 500, code: '812' });
		expect((await c.get('Stock', 1)).code).toBe('812');
		expect((await c.get('Stock', 1)).code).toBe('0');
		fm.injectFault({ when: (r) => (r.body as { fieldData?: { SKU?: string } })?.fieldData?.SKU === 'BOOM', httpStatus: 500, code: '301' });
		expect((await c.create('Stock', { fieldData: { SKU: 'OK-1' } })).code).toBe('0');
		expect((await c.create('Stock', { fieldData: { SKU: 'BOOM' } })).code).toBe('301');
		expect(fm.records('Stock').some((r) => r.fieldData.SKU === 'BOOM')).toBe(false);
	});

	it('every request is in the request log with status and code', async () => {
		fm.reset();
		await c.login();
		await c.range('Nope');
		const log = fm.requestLog;
		expect(log).toHaveLength(2);
		expect(log[0]).toMatchObject({ method: 'POST', status: 200, code: '0', sessionToken: c.token });
		expect(log[0].path).toBe('/fmi/data/vLatest/databases/Inventory/sessions');
		expect(log[1]).toMatchObject({ method: 'GET', status: 500, code: '105', sessionToken: c.token });
		expect(typeof log[1].at).toBe('number');
	});
});
