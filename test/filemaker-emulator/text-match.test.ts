/**
 * Text comparison as FileMaker's index language does it: the default language folds case (finds,
 * unique checks, sort); the Unicode language compares code points. Trailing spaces in `==` are a switch.
 */
import { afterEach, describe, expect, it } from 'vitest';

import {
	DEFAULT_LAYOUTS,
	startFileMakerEmulator,
	type FileMakerEmulator,
	type FileMakerEmulatorOptions,
} from '../emulators/filemaker';
import { FmClient } from './helpers';

let fm: FileMakerEmulator;
let c: FmClient;

async function start(opts: FileMakerEmulatorOptions = {}): Promise<void> {
	fm = await startFileMakerEmulator(opts);
	c = new FmClient(fm);
	await c.login();
}
afterEach(() => fm.close());

const SEED = [{ SKU: 'ABC-1' }, { SKU: 'abc-2' }, { SKU: 'B-1' }, { SKU: 'a-1' }];

describe('default index language (case-insensitive)', () => {
	it('==abc-1 finds ABC-1; word and range finds ignore case too', async () => {
		await start();
		fm.seed('Stock', SEED);
		expect(await c.skus('Stock', [{ SKU: '==abc-1' }])).toEqual(['ABC-1']);
		expect(await c.skus('Stock', [{ SKU: '==ABC-2' }])).toEqual(['abc-2']);
		expect(await c.skus('Stock', [{ SKU: '=ABC' }])).toEqual(['ABC-1', 'abc-2']);
		expect(await c.skus('Stock', [{ SKU: 'abc-*' }])).toEqual(['ABC-1', 'abc-2']);
		expect(await c.skus('Stock', [{ SKU: 'A...ABC-1' }])).toEqual(['ABC-1', 'a-1']);
	});

	it('unique validation treats ABC-1 and abc-1 as the same value (504)', async () => {
		await start();
		fm.seed('Stock', SEED);
		const r = await c.create('Stock', { fieldData: { SKU: 'abc-1', Quantity: 1 } });
		expect([r.status, r.code]).toEqual([500, '504']);
	});

	it('text sorts ignoring case (stable for equal keys)', async () => {
		await start();
		fm.seed('Stock', [{ SKU: 'b' }, { SKU: 'B2' }, { SKU: 'A' }, { SKU: 'a2' }]);
		const r = await c.find('Stock', { query: [{ SKU: '*' }], sort: [{ fieldName: 'SKU', sortOrder: 'ascend' }] });
		expect(r.json.response.data.map((d: { fieldData: { SKU: string } }) => d.fieldData.SKU)).toEqual(['A', 'a2', 'b', 'B2']);
	});
});

describe('Unicode index language (case-sensitive)', () => {
	it('file-wide switch textCollation: "unicode": ==abc-1 does not find ABC-1', async () => {
		await start({ textCollation: 'unicode' });
		fm.seed('Stock', SEED);
		expect(await c.skus('Stock', [{ SKU: '==abc-1' }])).toEqual([]);
		expect(await c.skus('Stock', [{ SKU: '==ABC-1' }])).toEqual(['ABC-1']);
		expect(await c.skus('Stock', [{ SKU: '=abc' }])).toEqual(['abc-2']);
		expect(await c.skus('Stock', [{ SKU: 'abc-*' }])).toEqual(['abc-2']);
		const created = await c.create('Stock', { fieldData: { SKU: 'abc-1' } });
		expect(created.status).toBe(200);
		const dup = await c.create('Stock', { fieldData: { SKU: 'abc-1' } });
		expect([dup.status, dup.code]).toEqual([500, '504']);
	});

	it('per field: collation "unicode" on SKU only; other text fields keep folding case', async () => {
		const stock = DEFAULT_LAYOUTS.Stock.fields.map((f) => (f.name === 'SKU' ? { ...f, collation: 'unicode' as const } : f));
		await start({ layouts: { ...DEFAULT_LAYOUTS, Stock: { table: 'Stock', fields: stock } } });
		fm.seed('Stock', [{ SKU: 'ABC-1', Name: 'Red Shirt' }]);
		expect(await c.skus('Stock', [{ SKU: '==abc-1' }])).toEqual([]);
		expect(await c.skus('Stock', [{ Name: '==red shirt' }])).toEqual(['ABC-1']);
	});

	it('sorts by code point (upper case first)', async () => {
		await start({ textCollation: 'unicode' });
		fm.seed('Stock', [{ SKU: 'b' }, { SKU: 'B2' }, { SKU: 'A' }, { SKU: 'a2' }]);
		const r = await c.range('Stock', `_sort=${encodeURIComponent(JSON.stringify([{ fieldName: 'SKU' }]))}`);
		expect(r.json.response.data.map((d: { fieldData: { SKU: string } }) => d.fieldData.SKU)).toEqual(['A', 'B2', 'a2', 'b']);
	});

	it('setOptions switches the language at runtime (indexes rebuilt)', async () => {
		await start();
		fm.seed('Stock', SEED);
		expect(await c.skus('Stock', [{ SKU: '==abc-1' }])).toEqual(['ABC-1']);
		fm.setOptions({ textCollation: 'unicode' });
		expect(await c.skus('Stock', [{ SKU: '==abc-1' }])).toEqual([]);
		fm.setOptions({ textCollation: undefined });
		expect(await c.skus('Stock', [{ SKU: '==abc-1' }])).toEqual(['ABC-1']);
	});
});

describe('trailing spaces in == (assumed, switch exactMatchTrailingSpaces)', () => {
	it('default "significant": ==ABC-1 does not find "ABC-1 ", and "ABC-1 " is no duplicate of ABC-1', async () => {
		await start();
		fm.seed('Stock', [{ SKU: 'ABC-1 ' }]);
		expect(await c.skus('Stock', [{ SKU: '==ABC-1' }])).toEqual([]);
		expect(await c.skus('Stock', [{ SKU: 'ABC-1' }])).toEqual(['ABC-1 ']);
		expect((await c.create('Stock', { fieldData: { SKU: 'ABC-1' } })).status).toBe(200);
	});

	it('"ignored": ==ABC-1 finds "ABC-1 ", and a create of ABC-1 is a duplicate (504)', async () => {
		await start({ exactMatchTrailingSpaces: 'ignored' });
		fm.seed('Stock', [{ SKU: 'ABC-1 ' }]);
		expect(await c.skus('Stock', [{ SKU: '==ABC-1' }])).toEqual(['ABC-1 ']);
		expect(await c.skus('Stock', [{ SKU: '==abc-#' }])).toEqual(['ABC-1 ']);
		const r = await c.create('Stock', { fieldData: { SKU: 'ABC-1' } });
		expect([r.status, r.code]).toEqual([500, '504']);
	});
});
