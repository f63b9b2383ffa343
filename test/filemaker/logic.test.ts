import { describe, expect, it } from 'vitest';

import {
	MAX_KEY_LENGTH,
	applyInOrder,
	formatLastBatch,
	idempotencyKeyProblem,
	mapWithConcurrency,
	matchSku,
	nearMatchMessage,
	parseLastBatch,
	pendingSalesBySku,
	randomEventKey,
} from '../../nodes/FileMakerInventory/logic/events';
import {
	CONFLICT_BACKOFF,
	STOCK_CHANGE_MAX_ATTEMPTS,
	conflictBackoff,
	LOCKED_BACKOFF,
	backoffCeilings,
	backoffDelayMs,
	renewalLookAgainMs,
} from '../../nodes/shared/backoff';
import { databaseBaseUrl, normalizeHost } from '../../nodes/shared/filemaker/url';
import { DateInputError, toFileMakerDate, toFileMakerTimestamp } from '../../nodes/FileMakerInventory/logic/dates';
import {
	describeFileMakerError,
	describeLoginFailure,
	extractFailure,
	fileMakerMessage,
} from '../../nodes/shared/filemaker/errors';
import {
	FindQueryError,
	buildFindQuery,
	criterionExpression,
	escapeFindValue,
	exactMatch,
} from '../../nodes/FileMakerInventory/logic/findQuery';
import { flattenLayouts, flattenScripts } from '../../nodes/shared/filemaker/lists';
import { DEFAULT_PAGE_SIZE, expectedPageRequests, shouldFetchNextPage } from '../../nodes/shared/filemaker/paging';
import {
	invalidInputNumberMessage,
	invalidQuantityMessage,
	parseWholeNumber,
} from '../../nodes/FileMakerInventory/logic/quantity';
import { buildScriptParam, parseScriptOutcome } from '../../nodes/FileMakerInventory/logic/scriptResult';
import { InvalidQuantityError, markDuplicateSkus, toStockRows } from '../../nodes/FileMakerInventory/logic/stockRows';
import { DEFAULTS, changeOptions, pageSizeOption, stockFieldsCollection } from '../../nodes/FileMakerInventory/actions/common.descriptions';

import layoutsFixture from '../fixtures/filemaker/layouts-list.json';
import scriptsFixture from '../fixtures/filemaker/scripts-list.json';
import error102 from '../fixtures/filemaker/error-102-field-missing.json';
import error401 from '../fixtures/filemaker/error-401-no-records-match.json';
import error952 from '../fixtures/filemaker/error-952-invalid-token.json';

describe('quantity parsing', () => {
	it('accepts numbers and numeric strings', () => {
		expect(parseWholeNumber(12)).toEqual({ ok: true, value: 12 });
		expect(parseWholeNumber('12')).toEqual({ ok: true, value: 12 });
		expect(parseWholeNumber(' -3 ')).toEqual({ ok: true, value: -3 });
		expect(parseWholeNumber('+7')).toEqual({ ok: true, value: 7 });
		expect(parseWholeNumber('12.0')).toEqual({ ok: true, value: 12 });
		expect(parseWholeNumber(0)).toEqual({ ok: true, value: 0 });
		expect(parseWholeNumber(-0)).toEqual({ ok: true, value: 0 });
		expect(parseWholeNumber('1e3')).toEqual({ ok: true, value: 1000 });
	});

	it('refuses empty, text, fractions and huge values', () => {
		expect(parseWholeNumber('')).toEqual({ ok: false, reason: 'empty' });
		expect(parseWholeNumber('  ')).toEqual({ ok: false, reason: 'empty' });
		expect(parseWholeNumber(undefined)).toEqual({ ok: false, reason: 'empty' });
		expect(parseWholeNumber(null)).toEqual({ ok: false, reason: 'empty' });
		expect(parseWholeNumber('n/a')).toEqual({ ok: false, reason: 'notNumber' });
		expect(parseWholeNumber('1,200')).toEqual({ ok: false, reason: 'notNumber' });
		expect(parseWholeNumber('12abc')).toEqual({ ok: false, reason: 'notNumber' });
		expect(parseWholeNumber(true)).toEqual({ ok: false, reason: 'notNumber' });
		expect(parseWholeNumber({})).toEqual({ ok: false, reason: 'notNumber' });
		expect(parseWholeNumber(NaN)).toEqual({ ok: false, reason: 'notNumber' });
		expect(parseWholeNumber(1.5)).toEqual({ ok: false, reason: 'notWhole' });
		expect(parseWholeNumber('2.5')).toEqual({ ok: false, reason: 'notWhole' });
		expect(parseWholeNumber(2 ** 60)).toEqual({ ok: false, reason: 'tooLarge' });
	});

	it('builds the messages the node shows', () => {
		expect(invalidQuantityMessage({ recordId: '12', sku: 'ABC', raw: 'n/a', field: 'Quantity', reason: 'notNumber' })).toBe(
			"Record 12 (SKU 'ABC') has quantity 'n/a' in field 'Quantity', which is not a whole number. Fix the record in FileMaker.",
		);
		expect(invalidQuantityMessage({ recordId: '3', sku: 'X', raw: '', field: 'Qty', reason: 'empty' })).toBe(
			"Record 3 (SKU 'X') has an empty quantity in field 'Qty', which is not a whole number. Fix the record in FileMaker.",
		);
		expect(invalidInputNumberMessage({ what: 'change', sku: 'ABC', raw: 1.5, reason: 'notWhole' })).toBe(
			"The change for SKU 'ABC' must be a whole number such as -1 or 5 (got '1.5').",
		);
	});
});

describe('stock events', () => {
	it('checks keys: no line breaks or tabs, at most 100 characters', () => {
		expect(idempotencyKeyProblem('shopify:order:1:line:2:sale')).toBeUndefined();
		expect(idempotencyKeyProblem('a\nb')).toMatch(/line breaks/);
		expect(idempotencyKeyProblem('a\tb')).toMatch(/tabs/);
		expect(idempotencyKeyProblem('x'.repeat(100))).toBeUndefined();
		expect(idempotencyKeyProblem('x'.repeat(101))).toMatch(/^The change key is 101 characters long; use at most 100/);
		expect(MAX_KEY_LENGTH).toBe(100);
		const keys = new Set(Array.from({ length: 1000 }, () => randomEventKey()));
		expect(keys.size).toBe(1000);
		for (const k of keys) expect(k.length).toBeLessThanOrEqual(MAX_KEY_LENGTH);
	});

	it('writes and reads LastBatch; anything else is no batch', () => {
		const text = formatLastBatch({ batchId: 'bxyz1', quantityBefore: -3, recordIds: ['12', '15'] });
		expect(text).toBe('bxyz1:-3:12,15');
		expect(parseLastBatch(text)).toEqual({ batchId: 'bxyz1', quantityBefore: -3, recordIds: ['12', '15'] });
		expect(parseLastBatch('')).toBeUndefined();
		expect(parseLastBatch('k1\t-1\t9')).toBeUndefined();
		expect(parseLastBatch(undefined)).toBeUndefined();
	});

	it('applies a batch one event at a time: changes add, sets replace', () => {
		const events = [
			{ recordId: '1', serial: 1, change: -2 },
			{ recordId: '2', serial: 2, change: 0, setTo: 50 },
			{ recordId: '3', serial: 3, change: -1 },
		];
		expect(applyInOrder(10, events)).toEqual({ after: [8, 50, 49], final: 49 });
		expect(applyInOrder(10, [])).toEqual({ after: [], final: 10 });
	});

	it('matches SKUs exactly and reports other spellings', () => {
		const recs = [{ s: 'abc' }, { s: 'ABC' }, { s: 'ABC ' }];
		expect(matchSku(recs, 'ABC', (r) => r.s)).toEqual({ exact: [{ s: 'ABC' }], near: ['abc', 'ABC '] });
		expect(matchSku(recs, 'Abc', (r) => r.s)).toEqual({ exact: [], near: ['abc', 'ABC', 'ABC '] });
		expect(matchSku(recs, 'X', (r) => r.s)).toEqual({ exact: [], near: [] });
		expect(nearMatchMessage('abc-1', ['ABC-1'], 'Stock')).toMatch(/^No record with SKU 'abc-1' in layout 'Stock': FileMaker has 'ABC-1'/);
	});

	it('sums pending sales per SKU (negative changes only)', () => {
		const sums = pendingSalesBySku([
			{ sku: 'A', change: -2, setTo: undefined },
			{ sku: 'A', change: 3, setTo: undefined },
			{ sku: 'A', change: -1, setTo: undefined },
			{ sku: 'B', change: undefined, setTo: 4 },
			{ sku: 'a', change: -5, setTo: undefined },
		]);
		expect([...sums.entries()]).toEqual([
			['A', -3],
			['a', -5],
		]);
	});

	it('runs work with bounded concurrency, results in order', async () => {
		let running = 0;
		let most = 0;
		const out = await mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
			running++;
			most = Math.max(most, running);
			await new Promise((r) => setTimeout(r, 1));
			running--;
			return n * 2;
		});
		expect(out).toEqual([2, 4, 6, 8, 10, 12, 14]);
		expect(most).toBe(3);
	});
});

describe('find queries', () => {
	it('escapes find operators', () => {
		expect(escapeFindValue('ABC-123')).toBe('ABC-123');
		expect(escapeFindValue('A*B@C#"=<>!~\\')).toBe('A\\*B\\@C\\#\\"\\=\\<\\>\\!\\~\\\\');
		expect(escapeFindValue('1...5')).toBe('1\\.\\.\\.5');
		// Two periods are a range too: every period of a run is escaped, a single one is left alone.
		expect(escapeFindValue('A..B')).toBe('A\\.\\.B');
		expect(escapeFindValue('v1.2....x')).toBe('v1.2\\.\\.\\.\\.x');
		expect(escapeFindValue('a//b')).toBe('a\\/\\/b');
		expect(exactMatch('SKU-1')).toBe('==SKU-1');
	});

	it('maps operators', () => {
		const e = (operator: Parameters<typeof criterionExpression>[0]['operator'], value = 'v') =>
			criterionExpression({ field: 'F', operator, value });
		expect(e('equals')).toBe('==v');
		expect(e('contains')).toBe('*v*');
		expect(e('beginsWith')).toBe('==v*');
		expect(e('lessThan', '5')).toBe('<5');
		expect(e('lessOrEqual', '5')).toBe('<=5');
		expect(e('greaterThan', '5')).toBe('>5');
		expect(e('greaterOrEqual', '5')).toBe('>=5');
		expect(e('isEmpty')).toBe('=');
		expect(e('isNotEmpty')).toBe('*');
		expect(e('raw', '5...10')).toBe('5...10');
	});

	it('ANDs criteria in one request, adds omits and the required conditions', () => {
		expect(
			buildFindQuery(
				[
					{ field: 'Name', operator: 'contains', value: 'red' },
					{ field: 'SKU', operator: 'notEquals', value: 'X-1' },
				],
				{ ModifiedAt: '>=11/24/2026 10:00:00' },
			),
		).toEqual([{ ModifiedAt: '>=11/24/2026 10:00:00', Name: '*red*' }, { SKU: '==X-1', omit: 'true' }]);
	});

	it('finds "every record except" with only omit criteria', () => {
		expect(buildFindQuery([{ field: 'SKU', operator: 'notEquals', value: 'A' }])).toEqual([
			{ SKU: '*' },
			{ SKU: '=' },
			{ SKU: '==A', omit: 'true' },
		]);
		expect(buildFindQuery([])).toEqual([]);
	});

	it('refuses a field used twice', () => {
		expect(() =>
			buildFindQuery([
				{ field: 'Quantity', operator: 'greaterThan', value: 1 },
				{ field: 'Quantity', operator: 'lessThan', value: 9 },
			]),
		).toThrow(FindQueryError);
	});
});

describe('FileMaker dates', () => {
	it('formats ISO instants in a time zone', () => {
		expect(toFileMakerTimestamp('2026-11-24T09:30:05Z', 'UTC')).toBe('11/24/2026 09:30:05');
		expect(toFileMakerTimestamp('2026-11-24T09:30:05Z', 'Europe/Berlin')).toBe('11/24/2026 10:30:05');
		expect(toFileMakerTimestamp('2026-07-01T00:00:00+02:00', 'America/New_York')).toBe('06/30/2026 18:00:00');
		expect(toFileMakerTimestamp('2026-11-24T09:30:05.999+0100', 'UTC')).toBe('11/24/2026 08:30:05');
		expect(toFileMakerTimestamp(new Date('2026-01-02T03:04:05Z'), 'UTC')).toBe('01/02/2026 03:04:05');
	});

	it('keeps wall-clock times without an offset', () => {
		expect(toFileMakerTimestamp('2026-11-24T09:30', 'Asia/Tokyo')).toBe('11/24/2026 09:30:00');
		expect(toFileMakerTimestamp('2026-11-24', 'Asia/Tokyo')).toBe('11/24/2026 00:00:00');
		expect(toFileMakerDate('2026-11-24T23:30:00Z', 'Asia/Tokyo')).toBe('11/25/2026');
		expect(toFileMakerTimestamp({ toISO: () => '2026-11-24T09:30:05.000Z' }, 'UTC')).toBe('11/24/2026 09:30:05');
	});

	it('refuses non-dates', () => {
		expect(() => toFileMakerTimestamp('yesterday', 'UTC')).toThrow(DateInputError);
		expect(() => toFileMakerTimestamp('2026-02-30', 'UTC')).toThrow(DateInputError);
		expect(() => toFileMakerTimestamp('2026-11-24T10:00:00Z', 'Not/AZone')).toThrow(DateInputError);
	});
});

describe('retry schedule', () => {
	it('is exponential with full jitter and a cap', () => {
		expect(backoffDelayMs(1, CONFLICT_BACKOFF, () => 0.999)).toBe(49);
		expect(backoffDelayMs(3, CONFLICT_BACKOFF, () => 0.5)).toBe(100);
		expect(backoffDelayMs(20, CONFLICT_BACKOFF, () => 0.5)).toBe(5000);
		expect(backoffDelayMs(2, LOCKED_BACKOFF, () => 0)).toBe(0);
		expect(backoffCeilings(STOCK_CHANGE_MAX_ATTEMPTS, CONFLICT_BACKOFF)).toEqual([50, 100, 200, 400, 800, 1600, 3200, 6400, 10000]);
		expect(backoffCeilings(STOCK_CHANGE_MAX_ATTEMPTS, LOCKED_BACKOFF)).toEqual([250, 500, 1000, 2000, 4000, 8000, 10000, 10000, 10000]);
		// scale follows the read-and-write cycle: 8 cycles base, 100 cycles cap (at least 50 ms / 10 s)
		expect(conflictBackoff(3)).toEqual({ baseMs: 50, maxMs: 10_000 });
		expect(conflictBackoff(30)).toEqual({ baseMs: 240, maxMs: 10_000 });
		expect(conflictBackoff(250)).toEqual({ baseMs: 2000, maxMs: 25_000 });
		expect(conflictBackoff(NaN)).toEqual(CONFLICT_BACKOFF);
		for (let i = 0; i < 100; i++) {
			const d = backoffDelayMs(4, CONFLICT_BACKOFF);
			expect(d).toBeGreaterThanOrEqual(0);
			expect(d).toBeLessThan(400);
		}
	});
});

describe('paging', () => {
	it('asks for exactly ceil(N / size) pages', () => {
		const simulate = (total: number, size: number) => {
			let offset = 1;
			let requests = 0;
			for (;;) {
				requests++;
				const returned = Math.max(0, Math.min(size, total - (offset - 1)));
				if (!shouldFetchNextPage({ offset, limit: size, returned, foundCount: total })) break;
				offset += returned;
			}
			return requests;
		};
		for (const [n, size] of [
			[0, 1000],
			[1, 1000],
			[999, 1000],
			[1000, 1000],
			[1001, 1000],
			[50_000, 1000],
			[30, 7],
		]) {
			expect(simulate(n, size)).toBe(expectedPageRequests(n, size));
		}
		expect(DEFAULT_PAGE_SIZE).toBe(1000);
	});

	it('continues on a full page when the server sends no count', () => {
		expect(shouldFetchNextPage({ offset: 1, limit: 10, returned: 10 })).toBe(true);
		expect(shouldFetchNextPage({ offset: 1, limit: 10, returned: 9 })).toBe(false);
	});
});

describe('errors', () => {
	it('extracts the FileMaker code from an axios-like error wrapped by n8n', () => {
		const axiosError = Object.assign(new Error('Request failed with status code 500'), {
			response: { status: 500, data: error102 },
		});
		const wrapped = Object.assign(new Error('The service was not able to process your request'), {
			cause: axiosError,
			httpCode: '500',
		});
		expect(extractFailure(wrapped)).toMatchObject({ httpStatus: 500, code: '102', fmMessage: 'Field missing' });
		expect(extractFailure({ context: { data: error401 }, httpCode: '500' })).toMatchObject({ code: '401', httpStatus: 500 });
		expect(extractFailure({ response: { status: 401, data: JSON.stringify(error952) } })).toMatchObject({ code: '952' });
		const network = extractFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
		expect(network.networkCode).toBe('ECONNREFUSED');
		expect(network.httpStatus).toBeUndefined();
		expect(extractFailure({ response: { status: 404, data: '<html>' } })).toMatchObject({ httpStatus: 404, foreignBody: true });
		expect(fileMakerMessage({ messages: [{ code: 0, message: 'OK' }] })).toEqual({ code: '0', message: 'OK' });
	});

	it('maps login failures to host / database / account', () => {
		const ctx = { host: 'https://fms.example.com', database: 'Inventory', username: 'admin' };
		expect(describeLoginFailure({ rawMessage: '', httpStatus: 401, code: '212' }, ctx).message).toMatch(/account name or password/);
		expect(describeLoginFailure({ rawMessage: '', httpStatus: 500, code: '802' }, ctx).message).toMatch(/Database name/);
		expect(describeLoginFailure({ rawMessage: '', httpStatus: 500, code: '812' }, ctx).message).toMatch(/no room/);
		expect(describeLoginFailure({ rawMessage: '', httpStatus: 500, code: '956' }, ctx).message).toMatch(/no room/);
		expect(describeLoginFailure({ rawMessage: 'x', networkCode: 'ENOTFOUND' }, ctx).message).toMatch(/Could not reach.*Check the Host/);
		expect(describeLoginFailure({ rawMessage: 'x', networkCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, ctx).message).toMatch(
			/Ignore TLS Errors/,
		);
		expect(describeLoginFailure({ rawMessage: '', httpStatus: 404, foreignBody: true }, ctx).message).toMatch(
			/not as a FileMaker Data API/,
		);
		for (const code of ['212', '802', '812']) {
			const m = describeLoginFailure({ rawMessage: '', httpStatus: 500, code }, ctx);
			expect(`${m.message} ${m.description}`).not.toMatch(/secret/);
		}
		// n8n replaces messages naming raw network codes: ours must not contain them.
		expect(describeLoginFailure({ rawMessage: 'x', networkCode: 'ECONNREFUSED' }, ctx).message).not.toMatch(/ECONNREFUSED/);
	});

	it('maps data-call codes to actionable messages', () => {
		const ctx = { layout: 'Stock', database: 'Inventory', fields: ['SKU', 'Qty'] };
		expect(describeFileMakerError({ rawMessage: '', code: '102' }, { ...ctx, missingFields: ['Qty'] }).message).toBe(
			"The field 'Qty' is not on layout 'Stock' in database 'Inventory' (code 102). Add it to the layout in FileMaker or correct the field name in the node.",
		);
		expect(describeFileMakerError({ rawMessage: '', code: '102' }, ctx).message).toMatch(/one of 'SKU', 'Qty'/);
		expect(describeFileMakerError({ rawMessage: '', code: '105' }, ctx).message).toMatch(/layout 'Stock' does not exist/);
		expect(describeFileMakerError({ rawMessage: '', code: '504' }, ctx).kind).toBe('validation');
		expect(describeFileMakerError({ rawMessage: '', code: '507' }, ctx).message).toMatch(/validation rule/);
		expect(describeFileMakerError({ rawMessage: '', code: '306' }, { sku: 'A', recordId: '4' }).kind).toBe('conflict');
		expect(describeFileMakerError({ rawMessage: '', code: '301' }, {}).kind).toBe('locked');
		expect(describeFileMakerError({ rawMessage: '', code: '401' }, {}).kind).toBe('noRecords');
		expect(describeFileMakerError({ rawMessage: '', code: '812' }, {}).kind).toBe('capacity');
		expect(describeFileMakerError({ rawMessage: '', code: '802' }, ctx).message).toMatch(/Database name/);
		expect(describeFileMakerError({ rawMessage: '', code: '212' }, ctx).message).toMatch(/account name or password/);
		expect(describeFileMakerError({ rawMessage: '', httpStatus: 502 }, ctx).message).toMatch(/Data API engine/);
	});
});

describe('script results', () => {
	it('builds the parameter and reads the result', () => {
		expect(JSON.parse(buildScriptParam({ sku: 'A', delta: -1, key: 'k', reason: 'r', source: 's', reference: '' }))).toEqual({
			sku: 'A',
			delta: -1,
			key: 'k',
			reason: 'r',
			source: 's',
			reference: '',
		});
		expect(parseScriptOutcome('Adjust', '0', '{"applied":true,"quantityAfter":"41","duplicate":false}')).toMatchObject({
			ok: true,
			applied: true,
			duplicate: false,
			quantityAfter: 41,
		});
		expect(parseScriptOutcome('Adjust', 0, '{"applied":0,"duplicate":"true"}')).toMatchObject({ ok: true, applied: false, duplicate: true });
		expect(parseScriptOutcome('Adjust', '104', undefined)).toMatchObject({ ok: false, message: expect.stringMatching(/error 104/) });
		expect(parseScriptOutcome('Adjust', '0', 'done')).toMatchObject({ ok: false, message: expect.stringMatching(/not a JSON object/) });
		expect(parseScriptOutcome('Adjust', '0', '')).toMatchObject({ ok: false, message: expect.stringMatching(/no result/) });
		expect(parseScriptOutcome('Adjust', '0', '{"error":"unknown SKU"}')).toMatchObject({
			ok: false,
			message: expect.stringMatching(/refused the change: unknown SKU/),
		});
	});
});

describe('stock rows for Get Many', () => {
	const records = [
		{ recordId: '1', modId: '0', fieldData: { SKU: 'A', Quantity: '5', Name: 'a' } },
		{ recordId: '2', modId: '3', fieldData: { SKU: 'B', Quantity: 'n/a', Name: 'b' } },
		{ recordId: '3', modId: '0', fieldData: { SKU: 'A', Quantity: 2, Name: 'a2' } },
	];
	const config = { skuField: 'SKU', quantityField: 'Quantity', extraFields: ['Name'] };

	it('fails, skips or flags invalid quantities', () => {
		expect(() => toStockRows(records, { ...config, invalidQuantities: 'fail' })).toThrow(InvalidQuantityError);
		expect(() => toStockRows(records, { ...config, invalidQuantities: 'fail' })).toThrow(
			"Record 2 (SKU 'B') has quantity 'n/a' in field 'Quantity', which is not a whole number. Fix the record in FileMaker.",
		);
		const skipped = toStockRows(records, { ...config, invalidQuantities: 'skip' });
		expect(skipped.rows.map((r) => r.recordId)).toEqual(['1', '3']);
		expect(skipped.skipped).toEqual([{ recordId: '2', sku: 'B', message: expect.stringMatching(/Record 2/) }]);
		const flagged = toStockRows(records, { ...config, invalidQuantities: 'flag' });
		expect(flagged.rows[1]).toMatchObject({ sku: 'B', quantity: 'n/a', invalidQuantity: true });
		expect(flagged.rows[0]).toEqual({ sku: 'A', quantity: 5, recordId: '1', modId: '0', Name: 'a' });
	});

	it('reports duplicate SKUs', () => {
		const { rows } = toStockRows(records, { ...config, invalidQuantities: 'skip' });
		const problems = markDuplicateSkus(rows);
		expect(problems).toHaveLength(1);
		expect(problems[0].message).toMatch(/2 records have SKU 'A' \(record IDs 1, 3\)/);
		expect(rows[0]).toMatchObject({ duplicateSku: true, duplicateRecordIds: ['1', '3'] });
	});
});

describe('connection and lists', () => {
	it('normalises the host', () => {
		expect(normalizeHost('fms.example.com')).toBe('https://fms.example.com');
		expect(normalizeHost('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
		expect(normalizeHost(' https://fms.example.com/fmi/data/vLatest/databases/X ')).toBe('https://fms.example.com');
		expect(databaseBaseUrl({ host: 'fms.example.com', database: 'My Shop.fmp12' })).toBe(
			'https://fms.example.com/fmi/data/vLatest/databases/My%20Shop',
		);
		expect(databaseBaseUrl({ host: 'h', database: 'D', apiVersion: 'v1' })).toBe('https://h/fmi/data/v1/databases/D');
	});

	it('flattens layout and script folders (real bodies)', () => {
		expect(flattenLayouts(layoutsFixture.response.layouts)).toEqual(['Customers', 'Details', 'Mark as sent', 'Find Unsent']);
		expect(flattenScripts(scriptsFixture.response.scripts)).toEqual(['GotoFirst', 'script1', 'script2', 'script3', 'script4']);
	});
});

describe('parameter defaults', () => {
	it('match the documented defaults', () => {
		const byName = (name: string) => (stockFieldsCollection.options ?? []).find((o) => 'name' in o && o.name === name) as { default: unknown };
		expect(byName('skuField').default).toBe(DEFAULTS.stock.skuField);
		expect(byName('quantityField').default).toBe(DEFAULTS.stock.quantityField);
		expect(byName('lastBatchField').default).toBe(DEFAULTS.stock.lastBatchField);
		expect(pageSizeOption.default).toBe(DEFAULT_PAGE_SIZE);
		const options = Object.fromEntries(changeOptions().map((o) => [o.name, o.default]));
		expect(options).toEqual({ maxAttempts: STOCK_CHANGE_MAX_ATTEMPTS, locationField: "", location: "={{ $json.location }}" });
	});
});

describe('renewalLookAgainMs (the wait before a refused request looks again)', () => {
	it('stays within the window, √-shaped', () => {
		expect(renewalLookAgainMs(1000, () => 0)).toBe(0);
		expect(renewalLookAgainMs(1000, () => 0.25)).toBe(500);
		expect(renewalLookAgainMs(1000, () => 0.999999)).toBe(999);
	});

	it('leaves fewer runs waking close behind the first than an even spread (seeded: 20 runs, renewal 100 ms of a 1 s window)', () => {
		let seed = 42;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
		const closeBehindFirst = (draw: () => number) => {
			let total = 0;
			for (let trial = 0; trial < 2000; trial++) {
				const waits = Array.from({ length: 20 }, draw).sort((a, b) => a - b);
				total += waits.filter((w, i) => i > 0 && w - waits[0] < 100).length;
			}
			return total / 2000;
		};
		const shaped = closeBehindFirst(() => renewalLookAgainMs(1000, random));
		const even = closeBehindFirst(() => Math.floor(1000 * random()));
		expect(even).toBeGreaterThan(1.5);
		// About half as many (simulated: 1.04 against 2.07 on average).
		expect(shaped).toBeLessThan(even * 0.6);
	});
});
