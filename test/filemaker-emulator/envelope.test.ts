import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFileMakerEmulator, type FileMakerEmulator } from '../emulators/filemaker';
import { basic, FmClient, fixture, shape } from './helpers';

let fm: FileMakerEmulator;
let c: FmClient;

beforeAll(async () => {
	fm = await startFileMakerEmulator({
		scripts: { Echo: ({ param }) => ({ scriptResult: `echo:${param ?? ''}` }) },
		scriptFolders: { Tools: ['Echo'] },
	});
	fm.seed('Stock', [
		{ SKU: 'TSHIRT-RED-M', Quantity: 12, Name: 'T-Shirt Red M' },
		{ SKU: 'TSHIRT-RED-L', Quantity: 0, Name: 'T-Shirt Red L' },
	]);
	c = new FmClient(fm);
	await c.login();
});
afterAll(() => fm.close());

const recordShape = (r: unknown) => {
	const { fieldData: _f, ...rest } = r as Record<string, unknown>;
	return shape(rest);
};

describe('envelopes match the real Data API bodies', () => {
	it('url, port and database follow the contract', () => {
		expect(fm.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(fm.url.endsWith(`:${fm.port}`)).toBe(true);
		expect(fm.database).toBe('Inventory');
	});

	it('productInfo has the fixture shape and needs no auth', async () => {
		const r = await c.raw('GET', '/productInfo', { token: null });
		expect(r.status).toBe(200);
		expect(shape(r.json)).toEqual(shape(fixture('product-info.json')));
	});

	it('login returns the token in the header and in the body (login-ok.json)', async () => {
		const k = new FmClient(fm);
		const r = await k.login();
		expect(r.status).toBe(200);
		expect(shape(r.json)).toEqual(shape(fixture('login-ok.json')));
		expect(r.headers.get('x-fm-data-access-token')).toBe(r.json.response.token);
		expect(r.json.messages).toEqual([{ code: '0', message: 'OK' }]);
		await k.logout();
	});

	it('database names are case-insensitive at login; v1 and v2 work too', async () => {
		for (const version of ['v1', 'v2']) {
			const k = new FmClient(fm, version, 'inventory');
			expect((await k.login()).status).toBe(200);
			expect((await k.range('Stock')).status).toBe(200);
			expect((await k.logout()).status).toBe(200);
		}
	});

	it('databases list (Basic auth) has the fixture shape', async () => {
		const r = await c.raw('GET', '/databases', { token: null, headers: { Authorization: basic() } });
		expect(r.status).toBe(200);
		expect(shape(r.json)).toEqual(shape(fixture('databases-list.json')));
		expect(r.json.response.databases).toEqual([{ name: 'Inventory' }]);
	});

	it('layouts list uses the folder form of layouts-list.json', async () => {
		const r = await c.raw('GET', c.db('/layouts'));
		expect(r.status).toBe(200);
		const fx = fixture('layouts-list.json');
		expect(r.json.response.layouts[0]).toEqual({ name: 'Stock' });
		const folder = r.json.response.layouts.find((l: { isFolder?: boolean }) => l.isFolder);
		expect(shape(folder)).toEqual(shape(fx.response.layouts[2]));
		expect(folder.folderLayoutNames).toEqual([{ name: 'StockMovements' }]);
	});

	it('layout metadata has the fieldMetaData keys of layout-metadata.json', async () => {
		const r = await c.raw('GET', c.db('/layouts/Stock'));
		expect(r.status).toBe(200);
		const fxField = { ...fixture('layout-metadata.json').response.fieldMetaData[0] };
		delete fxField.valueList;
		expect(shape(r.json.response.fieldMetaData[0])).toEqual(shape(fxField));
		expect(r.json.response.portalMetaData).toEqual({});
		const byName = Object.fromEntries(
			(r.json.response.fieldMetaData as { name: string; result: string; autoEnter: boolean }[]).map((f) => [f.name, f]),
		);
		expect(byName.Quantity.result).toBe('number');
		expect(byName.ModifiedAt.result).toBe('timeStamp');
		expect(byName.ModifiedAt.autoEnter).toBe(true);
	});

	it('scripts list has the shape of scripts-list.json', async () => {
		const r = await c.raw('GET', c.db('/scripts'));
		expect(r.status).toBe(200);
		expect(r.json.response.scripts).toEqual([
			{ name: 'Tools', isFolder: true, folderScriptNames: [{ name: 'Echo', isFolder: false }] },
		]);
	});

	it('records range has dataInfo and records like find-records-with-dataInfo-and-portals.json', async () => {
		const r = await c.range('Stock');
		expect(r.status).toBe(200);
		const fx = fixture('find-records-with-dataInfo-and-portals.json');
		expect(shape(r.json.response.dataInfo)).toEqual(shape(fx.response.dataInfo));
		const fxRec = { ...fx.response.data[0], portalData: {} };
		expect(recordShape(r.json.response.data[0])).toEqual(recordShape(fxRec));
		expect(r.json.response.dataInfo).toEqual({
			database: 'Inventory',
			layout: 'Stock',
			table: 'Stock',
			totalRecordCount: 2,
			foundCount: 2,
			returnedCount: 2,
		});
		expect(r.json.response.data[0]).toMatchObject({
			fieldData: { SKU: 'TSHIRT-RED-M', Quantity: 12, AppliedKeys: '', Name: 'T-Shirt Red M' },
			portalData: {},
			recordId: '1',
			modId: '0',
		});
		expect(r.json.response.data[0].fieldData.ModifiedAt).toMatch(/^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
	});

	it('get one record returns the same envelope with foundCount 1', async () => {
		const r = await c.get('Stock', 2);
		expect(r.status).toBe(200);
		expect(r.json.response.dataInfo).toMatchObject({ foundCount: 1, returnedCount: 1, totalRecordCount: 2 });
		expect(r.json.response.data[0].recordId).toBe('2');
		expect(r.json.response.data[0].fieldData.Quantity).toBe(0);
	});

	it('create / edit / delete answer like the fixtures', async () => {
		const cr = await c.create('Stock', { fieldData: { SKU: 'CAP-BLUE', Quantity: 3 } });
		expect(cr.status).toBe(200);
		expect(cr.json.response).toEqual({ recordId: '3', modId: '0' });
		const ed = await c.edit('Stock', 3, { fieldData: { Quantity: 4 } });
		expect(shape(ed.json)).toEqual(shape(fixture('edit-record-ok.json')));
		expect(ed.json.response).toEqual({ modId: '1' });
		const de = await c.del('Stock', 3);
		expect(de.json).toEqual(fixture('delete-record-ok.json'));
	});

	it('find has the same envelope as the range', async () => {
		const r = await c.find('Stock', { query: [{ SKU: '==TSHIRT-RED-L' }] });
		expect(r.status).toBe(200);
		expect(r.json.response.dataInfo).toEqual({
			database: 'Inventory',
			layout: 'Stock',
			table: 'Stock',
			totalRecordCount: 2,
			foundCount: 1,
			returnedCount: 1,
		});
	});

	it('validateSession answers like validate-session-ok.json', async () => {
		const r = await c.raw('GET', '/validateSession');
		expect(r.status).toBe(200);
		expect(r.json).toEqual(fixture('validate-session-ok.json'));
	});

	it('run-script endpoint and script params return scriptResult / scriptError strings (run-script-ok.json)', async () => {
		const r = await c.raw('GET', c.db('/layouts/Stock/script/Echo?script.param=hi'));
		expect(r.status).toBe(200);
		expect(shape(r.json)).toEqual(shape(fixture('run-script-ok.json')));
		expect(r.json.response).toEqual({ scriptResult: 'echo:hi', scriptError: '0' });

		const g = await c.range('Stock', 'script=Echo&script.param=x&script.prerequest=Missing');
		expect(g.json.response.scriptResult).toBe('echo:x');
		expect(g.json.response.scriptError).toBe('0');
		expect(g.json.response['scriptError.prerequest']).toBe('104');

		const f = await c.find('Stock', { query: [{ SKU: 'TSHIRT' }], script: 'Echo', 'script.param': 'p', 'script.presort': 'Echo' });
		expect(f.json.response.scriptResult).toBe('echo:p');
		expect(f.json.response['scriptResult.presort']).toBe('echo:');

		const cr = await c.create('StockMovements', { fieldData: { SKU: 'X', Change: 1 }, script: 'Echo', 'script.param': 'c' });
		expect(cr.json.response).toMatchObject({ scriptResult: 'echo:c', scriptError: '0', recordId: '1', modId: '0' });
	});

	it('logout answers OK and the token stops working', async () => {
		const k = new FmClient(fm);
		await k.login();
		const out = await k.logout();
		expect(out.status).toBe(200);
		expect(out.json).toEqual(fixture('delete-record-ok.json'));
		const after = await k.range('Stock');
		expect(after.status).toBe(401);
		expect(after.code).toBe('952');
	});

	it('records() gives raw values with numbers as numbers', () => {
		const rows = fm.records('Stock');
		expect(rows[0]).toMatchObject({ recordId: '1', modId: '0', fieldData: { SKU: 'TSHIRT-RED-M', Quantity: 12 } });
	});
});
