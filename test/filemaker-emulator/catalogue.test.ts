import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { apparelCatalogue, seedCatalogue, startFileMakerEmulator, type FileMakerEmulator } from '../emulators/filemaker';
import { FmClient } from './helpers';

let fm: FileMakerEmulator;
let c: FmClient;
const N = 50_000;

beforeAll(async () => {
	fm = await startFileMakerEmulator();
	c = new FmClient(fm);
	await c.login();
});
afterAll(() => fm.close());

describe('seedCatalogue', () => {
	it('is deterministic: SKU-000001 … with the same quantities for the same options', () => {
		const a = apparelCatalogue(700);
		expect(a.slice(0, 3).map((x) => x.sku)).toEqual(['TSHIRT-RED-XS', 'TSHIRT-RED-S', 'TSHIRT-RED-M']);
		expect(new Set(a.map((x) => x.sku)).size).toBe(700);
		expect(apparelCatalogue(700)).toEqual(a);
	});

	it(`seeds ${N.toLocaleString('en')} rows; a 1,000-record page deep in the table and == finds work`, async () => {
		const items = seedCatalogue(fm, N);
		expect(items[0].sku).toBe('SKU-000001');
		expect(items[N - 1].sku).toBe('SKU-050000');
		expect(items.every((x) => Number.isInteger(x.quantity) && x.quantity >= 0)).toBe(true);
		expect(items.some((x) => x.quantity === 0)).toBe(true);
		const e2 = await startFileMakerEmulator();
		try {
			expect(seedCatalogue(e2, 1000)).toEqual(items.slice(0, 1000));
		} finally {
			await e2.close();
		}

		const page = await c.range('Stock', '_offset=40001&_limit=1000');
		expect(page.status).toBe(200);
		expect(page.json.response.dataInfo).toMatchObject({ totalRecordCount: N, foundCount: N, returnedCount: 1000 });
		expect(page.json.response.data[0].fieldData.SKU).toBe('SKU-040001');
		expect(page.json.response.data[999].fieldData.Quantity).toBe(items[40999].quantity);

		const one = await c.find('Stock', { query: [{ SKU: '==SKU-012345' }] });
		expect(one.json.response.data[0]).toMatchObject({ recordId: '12345', fieldData: { Quantity: items[12344].quantity } });

		// 250 OR-ed exact requests (a batch lookup by SKU)
		const wanted = Array.from({ length: 250 }, (_, i) => items[i * 199].sku);
		const batch = await c.skus('Stock', wanted.map((sku) => ({ SKU: `==${sku}` })));
		expect(batch).toEqual(wanted);

		// sorted paging through the whole table uses the sort cache
		const sort = encodeURIComponent(JSON.stringify([{ fieldName: 'SKU', sortOrder: 'descend' }]));
		let seen = 0;
		for (let offset = 1; offset <= N; offset += 5000) {
			const p = await c.range('Stock', `_offset=${offset}&_limit=5000&_sort=${sort}`);
			if (offset === 1) expect(p.json.response.data[0].fieldData.SKU).toBe('SKU-050000');
			seen += p.json.response.dataInfo.returnedCount as number;
		}
		expect(seen).toBe(N);

		// an edit after a cached sort is visible
		await c.edit('Stock', 50000, { fieldData: { SKU: 'AAA-FIRST' } });
		const first = await c.range('Stock', `_limit=1&_sort=${encodeURIComponent(JSON.stringify([{ fieldName: 'SKU' }]))}`);
		expect(first.json.response.data[0].fieldData.SKU).toBe('AAA-FIRST');
		expect((await c.find('Stock', { query: [{ SKU: '==SKU-050000' }] })).code).toBe('401');
	});
});
