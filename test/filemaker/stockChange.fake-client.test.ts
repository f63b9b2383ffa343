/**
 * The direct mode of Adjust / Set (store the event, then apply the SKU's pending events with a
 * modId-guarded edit) run against an in-memory FileMaker client and a fake clock: no server, no waiting.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { beforeEach, describe, expect, it } from 'vitest';

import type { FailureInfo } from '../../nodes/shared/filemaker/errors';
import type { CallOptions, CreateResult, FindRequestBody, FoundSet, ReadAllPagesArgs, UpdateResult } from '../../nodes/shared/filemaker/client';
import type { FileMakerRecord } from '../../nodes/shared/filemaker/transport';
import type { ApplyClock, EventClient, EventStoreConfig } from '../../nodes/FileMakerInventory/helpers/eventStore';
import type { ChangeOptions } from '../../nodes/FileMakerInventory/helpers/parameters';
import type { ChangeRequest } from '../../nodes/FileMakerInventory/helpers/stockChange';
import { applyStockChange } from '../../nodes/FileMakerInventory/helpers/stockChange';

const node: INode = {
	id: 'fake',
	name: 'FileMaker Inventory',
	type: 'fileMakerInventory',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const nodeContext = { getNode: () => node };

const config: EventStoreConfig = {
	stock: { layout: 'Stock', skuField: 'SKU', quantityField: 'Quantity', lastBatchField: 'LastBatch' },
	events: {
		layout: 'StockMovements',
		skuField: 'SKU',
		changeField: 'Change',
		quantityAfterField: 'QuantityAfter',
		reasonField: 'Reason',
		referenceField: 'Reference',
		sourceField: 'Source',
		eventKeyField: 'EventKey',
		serialField: 'Serial',
		setToField: 'SetTo',
		appliedBatchField: 'AppliedBatch',
		createdAtField: 'CreatedAt',
	},
};
const options: ChangeOptions = { maxAttempts: 5 };

/** The criteria the algorithm uses: `==value` (case-insensitive, like FileMaker's default index) and `=` (empty). */
function matches(value: unknown, criterion: string): boolean {
	const text = String(value ?? '');
	if (criterion === '=') return text === '';
	return text.toLowerCase() === criterion.replace(/^==/, '').replace(/\\(.)/g, '$1').toLowerCase();
}

/** An in-memory Data API: records per layout, modIds that grow on every edit, a unique EventKey, faults on demand. */
class FakeFileMaker implements EventClient {
	readonly layouts = new Map<string, FileMakerRecord[]>();
	private nextId = 1;
	private serial = 0;
	calls: string[] = [];
	/** Runs just before an update of a stock record is checked: another writer can change it here. */
	beforeStockUpdate?: (record: FileMakerRecord, attempt: number) => void;
	/** FileMaker code to answer the next stock updates with (e.g. 301), one entry per update. */
	stockUpdateFaults: string[] = [];
	private stockUpdates = 0;

	add(layout: string, fieldData: IDataObject): FileMakerRecord {
		const record: FileMakerRecord = { recordId: String(this.nextId++), modId: '0', fieldData: { ...fieldData } };
		const records = this.layouts.get(layout) ?? [];
		records.push(record);
		this.layouts.set(layout, records);
		return record;
	}

	records(layout: string): FileMakerRecord[] {
		return this.layouts.get(layout) ?? [];
	}

	async find(layout: string, request: FindRequestBody, _call?: CallOptions): Promise<FoundSet> {
		this.calls.push(`find ${layout}`);
		let found = this.records(layout).filter((r) =>
			request.query.some((criteria) => Object.entries(criteria).every(([field, c]) => matches(r.fieldData[field], c))),
		);
		const sortField = request.sort?.[0]?.fieldName;
		if (sortField) found = [...found].sort((a, b) => Number(a.fieldData[sortField]) - Number(b.fieldData[sortField]));
		const limited = found.slice(0, request.limit ?? found.length);
		return { records: limited.map((r) => structuredClone(r)), foundCount: found.length };
	}

	async readAllPages(args: ReadAllPagesArgs): Promise<{ requests: number; foundCount?: number }> {
		const page = await this.find(args.layout, { query: args.query ?? [{}] });
		args.onPage(page.records);
		return { requests: 1, foundCount: page.foundCount };
	}

	async tryCreateRecord(layout: string, fieldData: IDataObject): Promise<CreateResult> {
		this.calls.push(`create ${layout}`);
		const key = String(fieldData.EventKey ?? '').toLowerCase();
		if (this.records(layout).some((r) => String(r.fieldData.EventKey).toLowerCase() === key)) {
			return { ok: false, info: { code: '504', rawMessage: 'Value in field is not unique' } };
		}
		const record = this.add(layout, { AppliedBatch: '', SetTo: '', Change: '', QuantityAfter: '', ...fieldData, Serial: ++this.serial });
		return { ok: true, recordId: record.recordId, modId: record.modId };
	}

	async tryUpdateRecord(layout: string, recordId: string, fieldData: IDataObject, modId?: string): Promise<UpdateResult> {
		this.calls.push(`update ${layout}/${recordId}`);
		const record = this.records(layout).find((r) => r.recordId === recordId);
		if (!record) return { ok: false, info: { code: '101', rawMessage: 'Record is missing' } };
		if (layout === 'Stock') {
			this.stockUpdates++;
			this.beforeStockUpdate?.(record, this.stockUpdates);
			const fault = this.stockUpdateFaults.shift();
			if (fault) return { ok: false, info: { code: fault, rawMessage: `FileMaker ${fault}` } };
		}
		if (modId !== undefined && record.modId !== modId) return { ok: false, info: { code: '306', rawMessage: 'Record modification ID does not match' } };
		Object.assign(record.fieldData, fieldData);
		record.modId = String(Number(record.modId) + 1);
		return { ok: true, modId: record.modId };
	}

	async findMissingFields(): Promise<string[]> {
		return [];
	}

	error(info: FailureInfo, _context: unknown, itemIndex?: number): NodeApiError {
		return new NodeApiError(node, { message: `FileMaker ${info.code}` }, { message: `FileMaker ${info.code}`, itemIndex });
	}
}

/** Time stands still unless the algorithm sleeps; jitter is always 0.5. */
class FakeClock implements ApplyClock {
	ms = Date.parse('2026-11-24T10:00:00Z');
	waits: number[] = [];
	now(): number {
		return this.ms;
	}
	async sleep(ms: number): Promise<void> {
		this.waits.push(ms);
		this.ms += ms;
	}
	random(): number {
		return 0.5;
	}
}

function change(overrides: Partial<ChangeRequest> = {}): ChangeRequest {
	return {
		sku: 'TEE-M',
		mode: 'delta',
		amount: -2,
		idempotencyKey: 'order-1001',
		reason: 'sale',
		reference: '',
		source: 'shop',
		...overrides,
	};
}

let fm: FakeFileMaker;
let clock: FakeClock;

async function apply(request: ChangeRequest, changeOptions: ChangeOptions = options): Promise<IDataObject> {
	return await applyStockChange.call(nodeContext, fm, config, request, changeOptions, 0, clock);
}

function stockRecord(): FileMakerRecord {
	return fm.records('Stock')[0];
}

beforeEach(() => {
	fm = new FakeFileMaker();
	clock = new FakeClock();
	fm.add('Stock', { SKU: 'TEE-M', Quantity: 10, LastBatch: '' });
});

describe('direct mode against an in-memory client', () => {
	it('stores the event, applies it with one guarded edit and marks its row', async () => {
		const result = await apply(change());
		expect(result).toEqual({
			sku: 'TEE-M',
			recordId: '1',
			idempotencyKey: 'order-1001',
			applied: true,
			duplicate: false,
			change: -2,
			quantityBefore: 10,
			quantityAfter: 8,
			quantity: 8,
			eventRecordId: '2',
			appliedEvents: 1,
			attempts: 1,
		});
		expect(stockRecord().fieldData.Quantity).toBe(8);
		expect(stockRecord().fieldData.LastBatch).toMatch(/^b\w+:10:2$/);
		const batchId = String(stockRecord().fieldData.LastBatch).split(':')[0];
		expect(fm.records('StockMovements').map((r) => r.fieldData)).toEqual([
			{ SKU: 'TEE-M', EventKey: 'order-1001', Change: -2, SetTo: '', Reason: 'sale', Reference: '', Source: 'shop', Serial: 1, AppliedBatch: batchId, QuantityAfter: 8 },
		]);
		expect(fm.calls).toEqual(['find Stock', 'create StockMovements', 'find Stock', 'find StockMovements', 'find StockMovements', 'update Stock/1', 'update StockMovements/2']);
		expect(clock.waits).toEqual([]);
	});

	it('sets an absolute quantity; the row records the difference', async () => {
		const result = await apply(change({ mode: 'absolute', amount: 4, idempotencyKey: '' }));
		expect(result).toMatchObject({ applied: true, change: -6, quantityBefore: 10, quantityAfter: 4 });
		expect(stockRecord().fieldData.Quantity).toBe(4);
		expect(fm.records('StockMovements').map((r) => [r.fieldData.SetTo, r.fieldData.Change])).toEqual([[4, -6]]);
	});

	it('on a 306 (another writer in between) reads again and applies on top of the other change', async () => {
		fm.beforeStockUpdate = (record, update) => {
			if (update !== 1) return;
			// Someone else takes 3 out between our read and our write.
			record.fieldData.Quantity = Number(record.fieldData.Quantity) - 3;
			record.modId = String(Number(record.modId) + 1);
		};
		const result = await apply(change());
		expect(result).toMatchObject({ applied: true, attempts: 2, quantityBefore: 7, quantityAfter: 5, change: -2 });
		expect(stockRecord().fieldData.Quantity).toBe(5);
		expect(fm.records('StockMovements').map((r) => [r.fieldData.Change, r.fieldData.QuantityAfter])).toEqual([[-2, 5]]);
		// One retry: half (random 0.5) of the first conflict ceiling, 50 ms.
		expect(clock.waits).toEqual([25]);
		expect(fm.calls.filter((c) => c.startsWith('update Stock/'))).toHaveLength(2);
	});

	it('gives up after Max Attempts of 306 with doubling waits; the event stays stored, pending', async () => {
		fm.beforeStockUpdate = (record) => {
			record.fieldData.Quantity = Number(record.fieldData.Quantity) - 1;
			record.modId = String(Number(record.modId) + 1);
		};
		const error = await apply(change(), { maxAttempts: 3 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toBe(
			"Could not apply the pending stock events of SKU 'TEE-M' after 3 attempts: the record 1 kept being changed by others between reading and writing (FileMaker 306). The events stay stored; the next Apply Pending applies them once. Try again later or raise 'Max Attempts'.",
		);
		expect((error as NodeOperationError).description).toMatch(/same change key \('order-1001'\) is safe/);
		// Only the other writer's three changes: 10 - 3.
		expect(stockRecord().fieldData.Quantity).toBe(7);
		expect(stockRecord().fieldData.LastBatch).toBe('');
		expect(fm.records('StockMovements').map((r) => r.fieldData.AppliedBatch)).toEqual(['']);
		expect(clock.waits).toEqual([25, 50]);
	});

	it('waits longer on a 301 (record open in FileMaker) and then applies', async () => {
		fm.stockUpdateFaults = ['301', '301'];
		const result = await apply(change());
		expect(result).toMatchObject({ applied: true, attempts: 3, quantityAfter: 8 });
		expect(clock.waits).toEqual([125, 250]);
		expect(stockRecord().fieldData.Quantity).toBe(8);
	});

	it('reports a repeated key as duplicate without changing the stock again', async () => {
		await apply(change());
		clock.ms += 60_000;
		const again = await apply(change());
		expect(again).toMatchObject({ applied: false, duplicate: true, change: -2, quantityAfter: 8, quantity: 8, appliedEvents: 0 });
		expect(stockRecord().fieldData.Quantity).toBe(8);
		expect(fm.records('StockMovements')).toHaveLength(1);
	});

	it('a keyed Set that changes nothing stores its key; replayed after a sale it changes nothing', async () => {
		expect(await apply(change({ mode: 'absolute', amount: 10, idempotencyKey: 'count-1' }))).toMatchObject({ applied: true, unchanged: true, change: 0 });
		await apply(change({ idempotencyKey: 'sale-1', amount: -1 }));
		expect(await apply(change({ mode: 'absolute', amount: 10, idempotencyKey: 'count-1' }))).toMatchObject({ duplicate: true, quantity: 9 });
		expect(stockRecord().fieldData.Quantity).toBe(9);
	});
});
