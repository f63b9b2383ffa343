import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFileMakerEmulator, type FileMakerEmulator } from '../emulators/filemaker';
import { FmClient } from './helpers';

let fm: FileMakerEmulator;
let c: FmClient;

const ROWS = [
	{ SKU: 'TSHIRT-RED-M', Name: 'T-Shirt Red M', Quantity: 12, When: '11/24/2026 05:00:00', Day: '11/24/2026' },
	{ SKU: 'TSHIRT-RED-MEDIUM', Name: 'T-Shirt Red Medium', Quantity: 0, When: '11/24/2026 04:59:59', Day: '11/23/2026' },
	{ SKU: 'TSHIRT-BLUE-M', Name: 'T-Shirt Blue M', Quantity: 5, When: '2026-11-25T10:30:00', Day: '2026-11-25' },
	{ SKU: 'HOODIE-RED-L', Name: 'Hoodie Red L', Quantity: 40, When: '', Day: '' },
	{ SKU: 'CAP-BLACK', Name: '', Quantity: '', When: '12/01/2026 00:00:00', Day: '12/01/2026' },
	{ SKU: 'SKU-000001', Name: 'Item 1', Quantity: 7.5, When: '01/02/2027 13:14:15', Day: '01/02/2027' },
	{ SKU: 'SKU-000010', Name: 'Item 10', Quantity: -3, When: '01/02/2027 13:14:16', Day: '01/02/2027' },
];

beforeAll(async () => {
	fm = await startFileMakerEmulator({
		layouts: {
			Items: {
				table: 'ItemTable',
				fields: [
					{ name: 'SKU', type: 'text', unique: true },
					{ name: 'Name', type: 'text' },
					{ name: 'Quantity', type: 'number' },
					{ name: 'When', type: 'timestamp' },
					{ name: 'Day', type: 'date' },
				],
			},
			ItemsNarrow: { table: 'ItemTable', fields: [{ name: 'SKU', type: 'text', unique: true }] },
		},
	});
	fm.seed('Items', ROWS);
	c = new FmClient(fm);
	await c.login();
});
afterAll(() => fm.close());

const q = (query: Record<string, string>[]) => c.skus('Items', query);

describe('find operators (text)', () => {
	it('a bare value matches word starts, in any order, case-insensitively', async () => {
		expect(await q([{ SKU: 'TSHIRT-RED-M' }])).toEqual(['TSHIRT-RED-M', 'TSHIRT-RED-MEDIUM']);
		expect(await q([{ SKU: 'red' }])).toEqual(['TSHIRT-RED-M', 'TSHIRT-RED-MEDIUM', 'HOODIE-RED-L']);
		expect(await q([{ Name: 'red shirt' }])).toEqual(['TSHIRT-RED-M', 'TSHIRT-RED-MEDIUM']);
		expect(await q([{ SKU: 'SKU-000001' }])).toEqual(['SKU-000001']);
		expect(await q([{ SKU: 'SKU-00001' }])).toEqual(['SKU-000010']);
		expect(await q([{ SKU: 'IRT' }])).toEqual([]);
	});

	it('== matches the whole field exactly (case-insensitive), also through the unique index', async () => {
		expect(await q([{ SKU: '==TSHIRT-RED-M' }])).toEqual(['TSHIRT-RED-M']);
		expect(await q([{ SKU: '==tshirt-red-m' }])).toEqual(['TSHIRT-RED-M']);
		expect(await q([{ Name: '==T-Shirt Red M' }])).toEqual(['TSHIRT-RED-M']);
		expect(await q([{ SKU: '==TSHIRT-RED' }])).toEqual([]);
		expect(await q([{ SKU: '==TSHIRT-*-M' }])).toEqual(['TSHIRT-RED-M', 'TSHIRT-BLUE-M']);
	});

	it('= matches whole words; "=" alone finds empty fields; "*" alone finds non-empty ones', async () => {
		expect(await q([{ SKU: '=M' }])).toEqual(['TSHIRT-RED-M', 'TSHIRT-BLUE-M']);
		expect(await q([{ Name: '=' }])).toEqual(['CAP-BLACK']);
		expect(await q([{ Quantity: '=' }])).toEqual(['CAP-BLACK']);
		expect(await q([{ When: '=' }])).toEqual(['HOODIE-RED-L']);
		expect((await q([{ Name: '*' }])).length).toBe(ROWS.length - 1);
	});

	it('wildcards *, @ and #, quoted phrases, escapes', async () => {
		expect(await q([{ SKU: 'T*BLUE' }])).toEqual(['TSHIRT-BLUE-M']);
		expect(await q([{ SKU: 'C@P' }])).toEqual(['CAP-BLACK']);
		expect(await q([{ SKU: '==SKU-00000#' }])).toEqual(['SKU-000001']);
		expect(await q([{ Name: '"Red M"' }])).toEqual(['TSHIRT-RED-M', 'TSHIRT-RED-MEDIUM']);
		expect(await q([{ Name: '\\=Item' }])).toEqual(['SKU-000001', 'SKU-000010']);
	});

	it('text comparisons and ranges', async () => {
		expect(await q([{ SKU: '<D' }])).toEqual(['CAP-BLACK']);
		expect(await q([{ SKU: '>=TSHIRT-RED' }])).toEqual(['TSHIRT-RED-M', 'TSHIRT-RED-MEDIUM']);
		expect(await q([{ SKU: 'H...S' }])).toEqual(['HOODIE-RED-L', 'SKU-000001', 'SKU-000010']);
	});
});

describe('find operators (numbers, dates, timestamps)', () => {
	it('numbers compare numerically', async () => {
		expect(await q([{ Quantity: '12' }])).toEqual(['TSHIRT-RED-M']);
		expect(await q([{ Quantity: '==7.5' }])).toEqual(['SKU-000001']);
		expect(await q([{ Quantity: '>5' }])).toEqual(['TSHIRT-RED-M', 'HOODIE-RED-L', 'SKU-000001']);
		expect(await q([{ Quantity: '<=0' }])).toEqual(['TSHIRT-RED-MEDIUM', 'SKU-000010']);
		expect(await q([{ Quantity: '5...12' }])).toEqual(['TSHIRT-RED-M', 'TSHIRT-BLUE-M', 'SKU-000001']);
		expect(await q([{ Quantity: '≥40' }])).toEqual(['HOODIE-RED-L']);
	});

	it('timestamp finds accept MM/dd/yyyy HH:mm:ss and ISO, at the precision written', async () => {
		const since = ['TSHIRT-RED-M', 'TSHIRT-BLUE-M', 'CAP-BLACK', 'SKU-000001', 'SKU-000010'];
		expect(await q([{ When: '>=11/24/2026 05:00:00' }])).toEqual(since);
		expect(await q([{ When: '>=2026-11-24T05:00:00' }])).toEqual(since);
		expect(await q([{ When: '>=11/24/2026 5:00 AM' }])).toEqual(since);
		expect(await q([{ When: '>11/24/2026 04:59:59' }])).toEqual(since);
		expect(await q([{ When: '<11/24/2026 05:00:00' }])).toEqual(['TSHIRT-RED-MEDIUM']);
		expect(await q([{ When: '11/24/2026' }])).toEqual(['TSHIRT-RED-M', 'TSHIRT-RED-MEDIUM']);
		expect(await q([{ When: '01/02/2027 13:14:15' }])).toEqual(['SKU-000001']);
		expect(await q([{ When: '11/24/2026...11/25/2026' }])).toEqual(['TSHIRT-RED-M', 'TSHIRT-RED-MEDIUM', 'TSHIRT-BLUE-M']);
		expect(await q([{ When: '2026-11-25T00:00:00...' }])).toEqual(['TSHIRT-BLUE-M', 'CAP-BLACK', 'SKU-000001', 'SKU-000010']);
	});

	it('date finds and an unparseable date criterion (500)', async () => {
		expect(await q([{ Day: '11/24/2026' }])).toEqual(['TSHIRT-RED-M']);
		expect(await q([{ Day: '>2026-12-01' }])).toEqual(['SKU-000001', 'SKU-000010']);
		const bad = await c.find('Items', { query: [{ Day: 'yesterday' }] });
		expect({ s: bad.status, c: bad.code }).toEqual({ s: 500, c: '500' });
	});
});

describe('multiple requests and omit', () => {
	it('fields in one request are AND-ed, requests are OR-ed', async () => {
		expect(await q([{ SKU: 'TSHIRT', Quantity: '>0' }])).toEqual(['TSHIRT-RED-M', 'TSHIRT-BLUE-M']);
		expect(await q([{ SKU: '==CAP-BLACK' }, { SKU: '==HOODIE-RED-L' }])).toEqual(['HOODIE-RED-L', 'CAP-BLACK']);
	});

	it('omit requests remove records from the found set', async () => {
		expect(await q([{ SKU: 'TSHIRT' }, { SKU: 'BLUE', omit: 'true' }])).toEqual(['TSHIRT-RED-M', 'TSHIRT-RED-MEDIUM']);
		expect(
			await c.skus('Items', [{ SKU: 'TSHIRT' }, { SKU: 'RED' }, { Quantity: '0', omit: true }]),
		).toEqual(['TSHIRT-RED-M', 'TSHIRT-BLUE-M', 'HOODIE-RED-L']);
		// a first omit request starts from all records
		expect(await q([{ SKU: 'SKU', omit: 'true' }, { SKU: 'TSHIRT', omit: 'true' }])).toEqual(['HOODIE-RED-L', 'CAP-BLACK']);
		expect(await q([{ SKU: 'TSHIRT', omit: 'false' }])).toHaveLength(3);
	});
});

describe('sorting, paging, formats', () => {
	it('sort ascend/descend, several fields, and paging with 1-based offset', async () => {
		const sorted = await c.skus('Items', [{ SKU: '*' }], { sort: [{ fieldName: 'Quantity', sortOrder: 'descend' }] });
		expect(sorted).toEqual(['HOODIE-RED-L', 'TSHIRT-RED-M', 'SKU-000001', 'TSHIRT-BLUE-M', 'TSHIRT-RED-MEDIUM', 'SKU-000010', 'CAP-BLACK']);
		const page = await c.find('Items', { query: [{ SKU: '*' }], sort: [{ fieldName: 'SKU', sortOrder: 'ascend' }], offset: 2, limit: 2 });
		expect(page.json.response.dataInfo).toMatchObject({ foundCount: 7, returnedCount: 2, totalRecordCount: 7 });
		expect(page.json.response.data.map((d: { fieldData: { SKU: string } }) => d.fieldData.SKU)).toEqual(['HOODIE-RED-L', 'SKU-000001']);
		const two = await c.skus('Items', [{ SKU: 'TSHIRT' }], {
			sort: [{ fieldName: 'Day', sortOrder: 'ascend' }, { fieldName: 'SKU', sortOrder: 'descend' }],
		});
		expect(two).toEqual(['TSHIRT-RED-MEDIUM', 'TSHIRT-RED-M', 'TSHIRT-BLUE-M']);
	});

	it('records range: _offset/_limit paging in creation order, _limit default 100, _sort', async () => {
		const all = await c.range('Items');
		expect(all.json.response.dataInfo).toMatchObject({ foundCount: 7, returnedCount: 7 });
		const p = await c.range('Items', '_offset=3&_limit=2');
		expect(p.json.response.data.map((d: { recordId: string }) => d.recordId)).toEqual(['3', '4']);
		const s = encodeURIComponent(JSON.stringify([{ fieldName: 'SKU', sortOrder: 'descend' }]));
		const sd = await c.range('Items', `_sort=${s}&_limit=2`);
		expect(sd.json.response.data.map((d: { fieldData: { SKU: string } }) => d.fieldData.SKU)).toEqual(['TSHIRT-RED-MEDIUM', 'TSHIRT-RED-M']);
		const last = await c.range('Items', '_offset=7&_limit=5');
		expect(last.json.response.dataInfo.returnedCount).toBe(1);
	});

	it('dates come back as MM/dd/yyyy HH:mm:ss, or ISO with dateformats=2', async () => {
		const us = await c.get('Items', 1);
		expect(us.json.response.data[0].fieldData).toMatchObject({ When: '11/24/2026 05:00:00', Day: '11/24/2026' });
		const iso = await c.get('Items', 1, 'dateformats=2');
		expect(iso.json.response.data[0].fieldData).toMatchObject({ When: '2026-11-24T05:00:00', Day: '2026-11-24' });
		const f = await c.find('Items', { query: [{ SKU: '==TSHIRT-BLUE-M' }], dateformats: 2 });
		expect(f.json.response.data[0].fieldData.When).toBe('2026-11-25T10:30:00');
		const r = await c.range('Items', '_limit=1&dateformats=2');
		expect(r.json.response.data[0].fieldData.When).toBe('2026-11-24T05:00:00');
	});

	it('numbersAsStrings serialises number fields as strings; empty stays ""', async () => {
		fm.setOptions({ numbersAsStrings: true });
		try {
			const r = await c.range('Items');
			const fd = r.json.response.data.map((d: { fieldData: { Quantity: unknown } }) => d.fieldData.Quantity);
			expect(fd).toEqual(['12', '0', '5', '40', '', '7.5', '-3']);
			expect(r.json.response.dataInfo.foundCount).toBe(7); // counts stay numbers
			expect(fm.records('Items')[0].fieldData.Quantity).toBe(12); // raw API unaffected
		} finally {
			fm.setOptions({ numbersAsStrings: false });
		}
		expect((await c.get('Items', 1)).json.response.data[0].fieldData.Quantity).toBe(12);
	});

	it('a layout shows only its own fields; layout.response picks the output layout', async () => {
		const n = await c.range('ItemsNarrow', '_limit=1');
		expect(n.json.response.data[0].fieldData).toEqual({ SKU: 'TSHIRT-RED-M' });
		expect(n.json.response.dataInfo.table).toBe('ItemTable');
		const w = await c.find('Items', { query: [{ SKU: '==CAP-BLACK' }], 'layout.response': 'ItemsNarrow' });
		expect(w.json.response.data[0].fieldData).toEqual({ SKU: 'CAP-BLACK' });
		expect(w.json.response.dataInfo.layout).toBe('ItemsNarrow');
		const bad = await c.edit('ItemsNarrow', 1, { fieldData: { Quantity: 3 } });
		expect(bad.code).toBe('102');
	});
});

describe('writes', () => {
	it('PATCH changes only the sent fields and bumps modId and the modification timestamp', async () => {
		let t = Date.UTC(2026, 10, 24, 12, 0, 0);
		const e = await startFileMakerEmulator({ now: () => t });
		try {
			e.seed('Stock', [{ SKU: 'A', Quantity: 1, Name: 'Alpha', AppliedKeys: 'k1' }]);
			const k = new FmClient(e);
			await k.login();
			const before = e.records('Stock')[0];
			t += 65_000;
			const r = await k.edit('Stock', 1, { fieldData: { Quantity: 2 } });
			expect(r.json.response.modId).toBe('1');
			const after = e.records('Stock')[0];
			expect(after.fieldData).toMatchObject({ SKU: 'A', Quantity: 2, Name: 'Alpha', AppliedKeys: 'k1' });
			expect(after.fieldData.ModifiedAt).not.toBe(before.fieldData.ModifiedAt);
			const created = await k.create('StockMovements', { fieldData: { SKU: 'A', Change: 1, QuantityAfter: 2 } });
			const mv = (await k.get('StockMovements', created.json.response.recordId)).json.response.data[0].fieldData;
			expect(mv.CreatedAt).toMatch(/^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
			expect(mv).toMatchObject({ SKU: 'A', Change: 1, QuantityAfter: 2, Reason: '', Reference: '', Source: '' });
		} finally {
			await e.close();
		}
	});

	it('delete removes the record from ranges, finds and the unique index', async () => {
		const e = await startFileMakerEmulator();
		try {
			e.seed('Stock', [{ SKU: 'A' }, { SKU: 'B' }, { SKU: 'C' }]);
			const k = new FmClient(e);
			await k.login();
			expect((await k.del('Stock', 2)).code).toBe('0');
			expect((await k.range('Stock')).json.response.data.map((d: { recordId: string }) => d.recordId)).toEqual(['1', '3']);
			expect((await k.find('Stock', { query: [{ SKU: '==B' }] })).code).toBe('401');
			expect((await k.create('Stock', { fieldData: { SKU: 'B' } })).json.response.recordId).toBe('4');
			const dup = await k.raw('POST', k.db('/layouts/StockMovements/records/1'));
			expect(dup.code).toBe('101');
		} finally {
			await e.close();
		}
	});
});
