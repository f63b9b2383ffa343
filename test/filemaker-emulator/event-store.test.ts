/**
 * The movement table as the stock-event store: schema of the default layouts, unique event keys
 * (504 through the Data API), serial order, pending-event finds, and the emulated clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DEFAULT_LAYOUTS, startFileMakerEmulator, type FileMakerEmulator } from '../emulators/filemaker';
import { FmClient } from './helpers';

const DAY = 24 * 60 * 60 * 1000;

let fm: FileMakerEmulator;
let c: FmClient;

beforeEach(async () => {
	fm = await startFileMakerEmulator();
	c = new FmClient(fm);
	await c.login();
});
afterEach(() => fm.close());

async function fieldNames(layout: string): Promise<string[]> {
	const r = await c.raw('GET', c.db(`/layouts/${layout}`));
	expect(r.status).toBe(200);
	return (r.json.response.fieldMetaData as { name: string }[]).map((f) => f.name);
}

function event(key: string, extra: Record<string, unknown> = {}) {
	return { fieldData: { EventKey: key, SKU: 'ABC-1', Change: -1, Reason: 'sale', Source: 'shopify', ...extra } };
}

describe('default layouts', () => {
	it('Stock keeps every old field and gains LastBatch', async () => {
		expect(await fieldNames('Stock')).toEqual(['SKU', 'Quantity', 'AppliedKeys', 'Name', 'ModifiedAt', 'LastBatch']);
	});

	it('StockMovements is the event store: EventKey (unique), Serial (serial), SetTo, AppliedBatch', async () => {
		expect(await fieldNames('StockMovements')).toEqual([
			'SKU',
			'Change',
			'QuantityAfter',
			'Reason',
			'Reference',
			'Source',
			'CreatedAt',
			'EventKey',
			'Serial',
			'SetTo',
			'AppliedBatch',
		]);
		const byName = new Map(DEFAULT_LAYOUTS.StockMovements.fields.map((f) => [f.name, f]));
		expect(byName.get('EventKey')).toEqual({ name: 'EventKey', type: 'text', unique: true });
		expect(byName.get('Serial')).toEqual({ name: 'Serial', type: 'number', autoEnter: 'serial' });
		expect(byName.get('CreatedAt')?.autoEnter).toBe('creationTimestamp');
	});
});

describe('unique EventKey', () => {
	it('a second create with the same key answers 504 (HTTP 500) and stores nothing', async () => {
		const first = await c.create('StockMovements', event('orders/1001:line-1'));
		expect(first.status).toBe(200);
		expect(first.json.response).toEqual({ recordId: '1', modId: '0' });

		const again = await c.create('StockMovements', event('orders/1001:line-1', { Change: -5 }));
		expect(again.status).toBe(500);
		expect(again.json).toEqual({ response: {}, messages: [{ code: '504', message: 'Value in field is not unique' }] });
		expect(fm.records('StockMovements')).toHaveLength(1);
		expect(fm.records('StockMovements')[0].fieldData.Change).toBe(-1);
	});

	it('under the default index language a key differing only in case is a duplicate too', async () => {
		await c.create('StockMovements', event('orders/1001:line-1'));
		const r = await c.create('StockMovements', event('ORDERS/1001:LINE-1'));
		expect([r.status, r.code]).toEqual([500, '504']);
	});

	it('an edit that would duplicate a key answers 504 and leaves the record as it was', async () => {
		await c.create('StockMovements', event('k-1'));
		await c.create('StockMovements', event('k-2'));
		const r = await c.edit('StockMovements', 2, { fieldData: { EventKey: 'k-1', AppliedBatch: 'b-1' } });
		expect([r.status, r.code]).toEqual([500, '504']);
		const row = fm.records('StockMovements')[1];
		expect([row.modId, row.fieldData.EventKey, row.fieldData.AppliedBatch]).toEqual(['0', 'k-2', '']);
		// editing a record to its own key is not a duplicate
		const self = await c.edit('StockMovements', 2, { fieldData: { EventKey: 'k-2', AppliedBatch: 'b-1' } });
		expect([self.status, self.json.response.modId]).toEqual([200, '1']);
	});

	it('empty keys are not checked (events without a key may repeat)', async () => {
		expect((await c.create('StockMovements', event(''))).status).toBe(200);
		expect((await c.create('StockMovements', event(''))).status).toBe(200);
	});

	it('concurrent creates of one key: exactly one succeeds', async () => {
		const results = await Promise.all([1, 2, 3].map(() => c.create('StockMovements', event('dup-key'))));
		expect(results.map((r) => r.code).sort()).toEqual(['0', '504', '504']);
		expect(fm.records('StockMovements')).toHaveLength(1);
	});
});

describe('Serial auto-enter', () => {
	it('numbers rows 1, 2, 3 in creation order; a refused duplicate takes no number', async () => {
		await c.create('StockMovements', event('a'));
		await c.create('StockMovements', event('a'));
		await c.create('StockMovements', event('b'));
		await c.create('StockMovements', event('c'));
		expect(fm.records('StockMovements').map((r) => [r.fieldData.EventKey, r.fieldData.Serial])).toEqual([
			['a', 1],
			['b', 2],
			['c', 3],
		]);
	});

	it('a sent Serial value is kept; layouts sharing a table share the counter', async () => {
		await fm.close();
		const fields = DEFAULT_LAYOUTS.StockMovements.fields;
		fm = await startFileMakerEmulator({
			layouts: {
				...DEFAULT_LAYOUTS,
				EventsNarrow: { table: 'StockMovements', fields: fields.filter((f) => ['EventKey', 'Serial'].includes(f.name)) },
			},
		});
		c = new FmClient(fm);
		await c.login();
		await c.create('StockMovements', event('a'));
		await c.create('EventsNarrow', { fieldData: { EventKey: 'b' } });
		await c.create('StockMovements', event('c'));
		expect(fm.records('EventsNarrow').map((r) => r.fieldData)).toEqual([
			{ EventKey: 'a', Serial: 1 },
			{ EventKey: 'b', Serial: 2 },
			{ EventKey: 'c', Serial: 3 },
		]);
	});
});

describe('pending events: finds for empty fields, omit, number sort', () => {
	beforeEach(() => {
		fm.seed('StockMovements', [
			{ EventKey: 'e1', SKU: 'ABC-1', Change: -1, AppliedBatch: 'b-1', QuantityAfter: 9 },
			{ EventKey: 'e2', SKU: 'ABC-1', Change: -2 },
			{ EventKey: 'e3', SKU: 'XYZ-9', SetTo: 50 },
			{ EventKey: 'e4', SKU: 'ABC-1', Change: 3 },
		]);
		// serials 1..4; give e10 serial 10 to check numeric (not text) order
		fm.seed('StockMovements', [{ EventKey: 'e10', SKU: 'ABC-1', Change: -1, Serial: 10 }]);
	});

	const keys = (r: Awaited<ReturnType<FmClient['find']>>) =>
		(r.json.response.data as { fieldData: { EventKey: string } }[]).map((d) => d.fieldData.EventKey);

	it('"=" finds rows whose AppliedBatch is empty', async () => {
		const r = await c.find('StockMovements', { query: [{ AppliedBatch: '=' }] });
		expect(keys(r)).toEqual(['e2', 'e3', 'e4', 'e10']);
		expect(r.json.response.dataInfo.foundCount).toBe(4);
	});

	it('an omit request removes matches from the found set', async () => {
		const r = await c.find('StockMovements', {
			query: [{ SKU: '==ABC-1', AppliedBatch: '=' }, { Change: '>0', omit: 'true' }],
		});
		expect(keys(r)).toEqual(['e2', 'e10']);
	});

	it('sorts by a number field numerically (10 after 4), both orders', async () => {
		const up = await c.find('StockMovements', { query: [{ AppliedBatch: '=' }], sort: [{ fieldName: 'Serial', sortOrder: 'ascend' }] });
		expect(keys(up)).toEqual(['e2', 'e3', 'e4', 'e10']);
		const down = await c.find('StockMovements', { query: [{ SKU: '*' }], sort: [{ fieldName: 'Serial', sortOrder: 'descend' }] });
		expect(keys(down)).toEqual(['e10', 'e4', 'e3', 'e2', 'e1']);
		const range = await c.range('StockMovements', `_sort=${encodeURIComponent(JSON.stringify([{ fieldName: 'Change', sortOrder: 'ascend' }]))}`);
		expect(keys(range)).toEqual(['e3', 'e2', 'e1', 'e10', 'e4']);
	});

	it('a find for an empty field that nothing matches answers 401', async () => {
		const r = await c.find('StockMovements', { query: [{ EventKey: '=' }] });
		expect([r.status, r.code]).toEqual([500, '401']);
	});
});

describe('emulated clock', () => {
	it('setNow/advance drive creation timestamps; a find range on CreatedAt selects events older than 7 days', async () => {
		const start = new Date(2026, 10, 20, 10, 0, 0).getTime(); // local wall clock, as FileMaker stores it
		fm.setNow(start);
		expect(fm.now()).toBe(start);
		expect(fm.timestampOf()).toBe('11/20/2026 10:00:00');
		await c.login(); // the jump left the first session idle for longer than 15 minutes
		expect((await c.create('StockMovements', event('old-key'))).status).toBe(200);
		fm.advance(8 * DAY);
		expect(fm.timestampOf()).toBe('11/28/2026 10:00:00');
		const expired = await c.create('StockMovements', event('new-key'));
		expect([expired.status, expired.code]).toEqual([401, '952']);
		await c.login();
		expect((await c.create('StockMovements', event('new-key'))).status).toBe(200);

		expect(fm.records('StockMovements').map((r) => [r.fieldData.EventKey, r.fieldData.CreatedAt])).toEqual([
			['old-key', '11/20/2026 10:00:00'],
			['new-key', '11/28/2026 10:00:00'],
		]);
		const older = await c.find('StockMovements', { query: [{ CreatedAt: `<=${fm.timestampOf(fm.now() - 7 * DAY)}` }] });
		expect(older.json.response.data.map((d: { fieldData: { EventKey: string } }) => d.fieldData.EventKey)).toEqual(['old-key']);
		const iso = await c.find('StockMovements', { query: [{ CreatedAt: '2026-11-27T00:00:00...' }] });
		expect(iso.json.response.data.map((d: { fieldData: { EventKey: string } }) => d.fieldData.EventKey)).toEqual(['new-key']);
		// the old key is still refused 8 days later
		const again = await c.create('StockMovements', event('old-key'));
		expect([again.status, again.code]).toEqual([500, '504']);
	});

	it('advance without setNow moves the real clock forward; the session expires after 15 idle minutes', async () => {
		const before = fm.now();
		fm.advance(16 * 60 * 1000);
		expect(fm.now() - before).toBeGreaterThanOrEqual(16 * 60 * 1000);
		const r = await c.range('Stock');
		expect([r.status, r.code]).toEqual([401, '952']);
	});

	it('modification timestamps and the seed use the emulated clock; setOptions({ now }) resets it', async () => {
		fm.setNow(new Date(2027, 0, 2, 3, 4, 5));
		fm.seed('Stock', [{ SKU: 'ABC-1', Quantity: 10 }]);
		expect(fm.records('Stock')[0].fieldData.ModifiedAt).toBe('01/02/2027 03:04:05');
		fm.advance(61_000);
		await c.login();
		const edit = await c.edit('Stock', 1, { fieldData: { Quantity: 9, LastBatch: 'b-1 12 13' } });
		expect(edit.json.response).toEqual({ modId: '1' });
		expect(fm.records('Stock')[0].fieldData).toMatchObject({ ModifiedAt: '01/02/2027 03:05:06', LastBatch: 'b-1 12 13' });
		const fixed = new Date(2030, 5, 1, 0, 0, 0).getTime();
		fm.setOptions({ now: () => fixed });
		expect(fm.timestampOf()).toBe('06/01/2030 00:00:00');
	});
});
