/**
 * The stock-change algorithm (modId-guarded read–modify–write, idempotency keys, movement rows)
 * run against an in-memory FileMaker client and a fake clock: no server, no waiting.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { beforeEach, describe, expect, it } from 'vitest';

import type { FailureInfo } from '../../nodes/shared/filemaker/errors';
import type { CallOptions, FindRequestBody, FoundSet, UpdateResult } from '../../nodes/shared/filemaker/client';
import type { FileMakerRecord } from '../../nodes/shared/filemaker/transport';
import type { MovementConfig, StockConfig } from '../../nodes/FileMakerInventory/helpers/parameters';
import type { RecordClient } from '../../nodes/FileMakerInventory/helpers/inventoryRecords';
import type { ChangeOptions, ChangeRequest, StockChangeClock } from '../../nodes/FileMakerInventory/helpers/stockChange';
import { applyStockChange } from '../../nodes/FileMakerInventory/helpers/stockChange';
import { parseAppliedKeys } from '../../nodes/FileMakerInventory/logic/appliedKeys';

const node: INode = {
	id: 'fake',
	name: 'FileMaker Inventory',
	type: 'fileMakerInventory',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const nodeContext = { getNode: () => node };

const stock: StockConfig = { layout: 'Stock', skuField: 'SKU', quantityField: 'Quantity', appliedKeysField: 'AppliedKeys' };
const movement: MovementConfig = {
	layout: 'StockMovements',
	skuField: 'SKU',
	changeField: 'Change',
	quantityAfterField: 'QuantityAfter',
	reasonField: 'Reason',
	referenceField: 'Reference',
	sourceField: 'Source',
};
const options: ChangeOptions = { maxAttempts: 5, appliedKeysToKeep: 100, repairAfterSeconds: 30, recordMovement: true };

/** `==value` (exactMatch) back to the value; other criteria are not used by the algorithm. */
function exactValue(criterion: string): string {
	return criterion.replace(/^==/, '').replace(/\\(.)/g, '$1');
}

/** An in-memory Data API: records per layout, modIds that grow on every edit, faults on demand. */
class FakeFileMaker implements RecordClient {
	readonly layouts = new Map<string, FileMakerRecord[]>();
	private nextId = 1;
	calls: string[] = [];
	/** Runs just before an update is checked: another writer can change the record here. */
	beforeUpdate?: (record: FileMakerRecord, attempt: number) => void;
	/** FileMaker code to answer the next updates with (e.g. 301), one entry per update. */
	updateFaults: string[] = [];
	/** Error thrown by the next createRecord calls (a lost connection), one entry per call. */
	createFaults: Error[] = [];
	private updates = 0;

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
		const [criteria] = request.query;
		const found = this.records(layout).filter((r) =>
			Object.entries(criteria).every(
				([field, criterion]) => String(r.fieldData[field] ?? '').toLowerCase() === exactValue(criterion).toLowerCase(),
			),
		);
		const limited = found.slice(0, request.limit ?? found.length);
		return { records: limited.map((r) => structuredClone(r)), foundCount: found.length };
	}

	async createRecord(layout: string, fieldData: IDataObject, _call?: CallOptions): Promise<{ recordId: string; modId: string }> {
		this.calls.push(`create ${layout}`);
		const fault = this.createFaults.shift();
		if (fault) throw fault;
		const record = this.add(layout, fieldData);
		return { recordId: record.recordId, modId: record.modId };
	}

	async tryUpdateRecord(layout: string, recordId: string, fieldData: IDataObject, modId: string): Promise<UpdateResult> {
		this.calls.push(`update ${layout}/${recordId}`);
		this.updates++;
		const record = this.records(layout).find((r) => r.recordId === recordId);
		if (!record) return { ok: false, info: { code: '101', rawMessage: 'Record is missing' } };
		this.beforeUpdate?.(record, this.updates);
		const fault = this.updateFaults.shift();
		if (fault) return { ok: false, info: { code: fault, rawMessage: `FileMaker ${fault}` } };
		if (record.modId !== modId) return { ok: false, info: { code: '306', rawMessage: 'Record modification ID does not match' } };
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

/** Time stands still unless the algorithm sleeps or the test advances it; jitter is always 0.5. */
class FakeClock implements StockChangeClock {
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
	return await applyStockChange.call(nodeContext, fm, stock, movement, request, changeOptions, 0, clock);
}

function stockRecord(): FileMakerRecord {
	return fm.records('Stock')[0];
}

beforeEach(() => {
	fm = new FakeFileMaker();
	clock = new FakeClock();
	fm.add('Stock', { SKU: 'TEE-M', Quantity: 10, AppliedKeys: '' });
});

describe('stock change against an in-memory client', () => {
	it('applies a delta, stores the key with it and writes one movement row', async () => {
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
			modId: '1',
			attempts: 1,
			movementRecordId: '2',
		});
		expect(stockRecord().fieldData.Quantity).toBe(8);
		expect(parseAppliedKeys(stockRecord().fieldData.AppliedKeys)).toEqual([
			{ key: 'order-1001', change: -2, quantityAfter: 8, appliedAt: '2026-11-24T10:00:00Z' },
		]);
		expect(fm.records('StockMovements').map((r) => r.fieldData)).toEqual([
			{ SKU: 'TEE-M', Change: -2, QuantityAfter: 8, Reason: 'sale', Reference: 'order-1001', Source: 'shop' },
		]);
		expect(clock.waits).toEqual([]);
	});

	it('sets an absolute quantity and logs the difference', async () => {
		const result = await apply(change({ mode: 'absolute', amount: 4, idempotencyKey: '' }));
		expect(result).toMatchObject({ applied: true, change: -6, quantityBefore: 10, quantityAfter: 4 });
		expect(stockRecord().fieldData.Quantity).toBe(4);
		expect(fm.records('StockMovements').map((r) => r.fieldData.Change)).toEqual([-6]);
	});

	it('on a 306 (another writer in between) reads again and applies on top of the other change', async () => {
		fm.beforeUpdate = (record, update) => {
			if (update !== 1) return;
			// Someone else takes 3 out between our read and our write.
			record.fieldData.Quantity = Number(record.fieldData.Quantity) - 3;
			record.modId = String(Number(record.modId) + 1);
		};
		const result = await apply(change());
		expect(result).toMatchObject({ applied: true, attempts: 2, quantityBefore: 7, quantityAfter: 5, change: -2, modId: '2' });
		expect(stockRecord().fieldData.Quantity).toBe(5);
		expect(fm.records('StockMovements').map((r) => [r.fieldData.Change, r.fieldData.QuantityAfter])).toEqual([[-2, 5]]);
		// One retry: half (random 0.5) of the first conflict ceiling, 50 ms.
		expect(clock.waits).toEqual([25]);
		expect(fm.calls.filter((c) => c.startsWith('update'))).toHaveLength(2);
	});

	it('gives up after Max Attempts of 306, changing nothing itself, with doubling waits', async () => {
		fm.beforeUpdate = (record) => {
			record.fieldData.Quantity = Number(record.fieldData.Quantity) - 1;
			record.modId = String(Number(record.modId) + 1);
		};
		const error = await apply(change(), { ...options, maxAttempts: 3 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toBe(
			"Could not change the stock of SKU 'TEE-M' after 3 attempts: the record 1 kept being changed by others between reading and writing (FileMaker 306). Nothing was changed by this item. Try again later or raise 'Max Attempts'.",
		);
		// Only the other writer's three changes: 10 - 3.
		expect(stockRecord().fieldData.Quantity).toBe(7);
		expect(stockRecord().fieldData.AppliedKeys).toBe('');
		expect(fm.records('StockMovements')).toEqual([]);
		expect(clock.waits).toEqual([25, 50]);
	});

	it('waits longer on a 301 (record open in FileMaker) and then applies', async () => {
		fm.updateFaults = ['301', '301'];
		const result = await apply(change());
		expect(result).toMatchObject({ applied: true, attempts: 3, quantityAfter: 8 });
		expect(clock.waits).toEqual([125, 250]);
		expect(stockRecord().fieldData.Quantity).toBe(8);
	});

	it('reports a repeated key as duplicate without changing the stock again', async () => {
		await apply(change());
		clock.ms += 60_000;
		const again = await apply(change());
		expect(again).toEqual({
			sku: 'TEE-M',
			recordId: '1',
			idempotencyKey: 'order-1001',
			applied: false,
			duplicate: true,
			detectedBy: 'appliedKeys',
			change: -2,
			quantity: 8,
			quantityAfter: 8,
			appliedAt: '2026-11-24T10:00:00Z',
			modId: '1',
			movementRepaired: false,
			movementRecordId: '2',
		});
		expect(stockRecord().fieldData.Quantity).toBe(8);
		expect(fm.records('StockMovements')).toHaveLength(1);
		expect(fm.calls.filter((c) => c.startsWith('update'))).toHaveLength(1);
	});

	it('finds a repeated key in the movement rows when the stock layout keeps no keys', async () => {
		const noKeys: StockConfig = { ...stock, appliedKeysField: '' };
		await applyStockChange.call(nodeContext, fm, noKeys, movement, change(), options, 0, clock);
		const again = await applyStockChange.call(nodeContext, fm, noKeys, movement, change(), options, 0, clock);
		expect(again).toMatchObject({ applied: false, duplicate: true, detectedBy: 'movement', quantity: 8, movementRecordId: '2' });
		expect(stockRecord().fieldData.Quantity).toBe(8);
		expect(fm.records('StockMovements')).toHaveLength(1);
	});

	describe('a crash between the stock write and the movement write', () => {
		beforeEach(() => {
			fm.createFaults = [new Error('socket hang up')];
		});

		it('says the stock changed and how to repair', async () => {
			const error = await apply(change()).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(NodeApiError);
			expect((error as NodeApiError).message).toBe(
				"The stock of SKU 'TEE-M' was changed by -2 to 8 (record 1), but the movement row could not be written: socket hang up",
			);
			expect((error as NodeApiError).description).toBe(
				"Run the same change again with the same idempotency key ('order-1001'): it will not change the stock again and will write the missing movement row.",
			);
			expect(stockRecord().fieldData.Quantity).toBe(8);
			expect(fm.records('StockMovements')).toEqual([]);
		});

		it('a retry with the same key soon after leaves the row to the first run (pending)', async () => {
			await apply(change()).catch(() => undefined);
			clock.ms += 10_000;
			const retry = await apply(change());
			expect(retry).toMatchObject({ applied: false, duplicate: true, movementPending: true, movementRepaired: false, quantity: 8 });
			expect(fm.records('StockMovements')).toEqual([]);
		});

		it('a retry with the same key after Repair After writes the missing row once, stock unchanged', async () => {
			await apply(change()).catch(() => undefined);
			clock.ms += 31_000;
			const retry = await apply(change());
			expect(retry).toMatchObject({ applied: false, duplicate: true, movementRepaired: true, movementRecordId: '2', quantity: 8 });
			expect(stockRecord().fieldData.Quantity).toBe(8);
			expect(fm.records('StockMovements').map((r) => r.fieldData)).toEqual([
				{ SKU: 'TEE-M', Change: -2, QuantityAfter: 8, Reason: 'sale', Reference: 'order-1001', Source: 'shop' },
			]);
			const third = await apply(change());
			expect(third).toMatchObject({ duplicate: true, movementRepaired: false, movementRecordId: '2' });
			expect(fm.records('StockMovements')).toHaveLength(1);
		});
	});
});
