/**
 * Applying one stock change (Adjust: signed delta, Set: absolute) safely under concurrency.
 * The design is described in ../CONSISTENCY.md. In short:
 *  - read the stock record (with its modId), write {quantity, appliedKeys} with that modId;
 *    a 306 (someone changed it in between) → wait a random, growing time, read again, retry;
 *    a 301 (record open in FileMaker) → wait longer, retry; bounded attempts.
 *  - the stock record is the commit point: quantity and idempotency key change in the same
 *    guarded edit, so a key is either applied with its change or not at all.
 *  - then one movement row is written. If that write is lost (n8n stopped), the next delivery with
 *    the same key sees the key on the stock record, does not apply again, and writes the row.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { messageOf } from '../../shared/errors';
import type { FileMakerRecord } from '../../shared/filemaker/transport';

import {
	appendAppliedKey,
	compactIso,
	entryAgeSeconds,
	findAppliedKey,
	idempotencyKeyProblem,
	parseAppliedKeys,
} from '../logic/appliedKeys';
import type { AppliedKeyEntry } from '../logic/appliedKeys';
import { LOCKED_BACKOFF, backoffDelayMs, conflictBackoff } from '../logic/backoff';
import { invalidQuantityMessage, parseWholeNumber } from '../logic/quantity';
import type { MovementConfig, StockConfig } from './parameters';
import { itemProblem } from './problems';
import type { NodeContext, RecordClient } from './inventoryRecords';
import { createMovement, findMovementsByKey, requireFields, requireStock } from './inventoryRecords';

export interface ChangeRequest {
	sku: string;
	/** delta: add `amount`; absolute: set the quantity to `amount`. */
	mode: 'delta' | 'absolute';
	amount: number;
	idempotencyKey: string;
	reason: string;
	reference: string;
	source: string;
}

/** Time as the algorithm sees it: the real clock in the node, a fake one in unit tests. */
export interface StockChangeClock {
	now(): number;
	sleep(ms: number): Promise<void>;
	/** A number in [0, 1) for the backoff jitter. */
	random(): number;
}

const REAL_CLOCK: StockChangeClock = { now: () => Date.now(), sleep, random: Math.random };

export interface ChangeOptions {
	maxAttempts: number;
	appliedKeysToKeep: number;
	repairAfterSeconds: number;
	recordMovement: boolean;
}

/** Reads and validates the quantity of a stock record (clear per-record message when invalid). */
export function quantityOf(
	this: NodeContext,
	record: FileMakerRecord,
	stock: StockConfig,
	sku: string,
	itemIndex: number,
): number {
	const raw = record.fieldData[stock.quantityField];
	const parsed = parseWholeNumber(raw);
	if (!parsed.ok) {
		throw itemProblem(
			this.getNode(),
			invalidQuantityMessage({ recordId: record.recordId, sku, raw, field: stock.quantityField, reason: parsed.reason }),
			itemIndex,
		);
	}
	return parsed.value;
}

export async function applyStockChange(
	this: NodeContext,
	client: RecordClient,
	stock: StockConfig,
	movement: MovementConfig,
	request: ChangeRequest,
	options: ChangeOptions,
	itemIndex: number,
	clock: StockChangeClock = REAL_CLOCK,
): Promise<IDataObject> {
	const { sku, idempotencyKey: key } = request;
	const useKeys = key !== '' && stock.appliedKeysField !== '';
	const useMovementLookup = key !== '' && options.recordMovement !== false && movement.referenceField !== '';
	if (key !== '') {
		const problem = idempotencyKeyProblem(key);
		if (problem) throw itemProblem(this.getNode(), `${problem} (SKU '${sku}')`, itemIndex);
		if (!useKeys && !useMovementLookup) {
			throw new NodeOperationError(
				this.getNode(),
				`An idempotency key was given for SKU '${sku}', but there is nowhere to check it: set 'Applied Keys Field' on the stock layout or the movement 'Reference Field' (with 'Record Movement' on).`,
				{ itemIndex },
			);
		}
	}

	let movementChecked = false;
	let lastFailure: 'conflict' | 'locked' | undefined;
	let lastRecordId = '';
	for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
		const cycleStart = clock.now();
		const record = await requireStock.call(this, client, stock, sku, itemIndex);
		lastRecordId = record.recordId;
		requireFields.call(
			this,
			record,
			stock.layout,
			[
				{ name: stock.quantityField, setting: 'Quantity Field' },
				...(useKeys ? [{ name: stock.appliedKeysField, setting: 'Applied Keys Field' }] : []),
			],
			itemIndex,
		);
		const before = quantityOf.call(this, record, stock, sku, itemIndex);
		const base: IDataObject = { sku, recordId: record.recordId };
		if (key !== '') base.idempotencyKey = key;

		// 1. Was this key applied already?
		const entries: AppliedKeyEntry[] = useKeys ? parseAppliedKeys(record.fieldData[stock.appliedKeysField]) : [];
		if (useKeys) {
			const hit = findAppliedKey(entries, key);
			if (hit) {
				return await reportDuplicate(client, movement, request, options, clock, {
					record,
					hit,
					current: before,
					// Seen only after we lost a write race: the winner is writing its movement row now.
					concurrent: attempt > 1,
					itemIndex,
					base,
				});
			}
		}
		if (useMovementLookup && (!movementChecked || !useKeys)) {
			const rows = await findMovementsByKey(client, movement, sku, key, itemIndex);
			movementChecked = true;
			if (rows.length > 0) {
				return {
					...base,
					applied: false,
					duplicate: true,
					detectedBy: 'movement',
					change: request.mode === 'delta' ? request.amount : null,
					quantity: before,
					modId: record.modId,
					movementRecordId: rows[0].recordId,
					movementRepaired: false,
				};
			}
		}

		// 2. Compute the new quantity.
		const after = request.mode === 'delta' ? before + request.amount : request.amount;
		const change = after - before;
		if (!Number.isSafeInteger(after)) {
			throw itemProblem(this.getNode(), `The new quantity for SKU '${sku}' would be too large (${after}).`, itemIndex);
		}
		if (change === 0) {
			return {
				...base,
				applied: false,
				duplicate: false,
				unchanged: true,
				change: 0,
				quantityBefore: before,
				quantityAfter: after,
				modId: record.modId,
			};
		}

		// 3. Write quantity (+ key) guarded by the modId we read.
		const fieldData: IDataObject = { [stock.quantityField]: after };
		const appliedAt = compactIso(new Date(clock.now()));
		if (useKeys) {
			fieldData[stock.appliedKeysField] = appendAppliedKey(
				entries,
				{ key, change, quantityAfter: after, appliedAt },
				options.appliedKeysToKeep,
			);
		}
		const result = await client.tryUpdateRecord(stock.layout, record.recordId, fieldData, record.modId);
		if (result.ok) {
			const modId = result.modId;
			const output: IDataObject = {
				...base,
				applied: true,
				duplicate: false,
				change,
				quantityBefore: before,
				quantityAfter: after,
				modId,
				attempts: attempt,
			};
			if (options.recordMovement !== false) {
				output.movementRecordId = await writeMovementAfterCommit.call(
					this,
					client,
					movement,
					{ sku, change, quantityAfter: after, reason: request.reason, reference: key || request.reference, source: request.source },
					{ key, keyed: useKeys, recordId: record.recordId },
					itemIndex,
				);
			}
			return output;
		}

		const code = result.info.code;
		if (code === '306' || code === '101') {
			// 306: changed since we read it; 101: the record went away (e.g. replaced). Read again.
			lastFailure = 'conflict';
			if (attempt < options.maxAttempts) {
				await clock.sleep(backoffDelayMs(attempt, conflictBackoff(clock.now() - cycleStart), clock.random));
			}
			continue;
		}
		if (code === '301') {
			lastFailure = 'locked';
			if (attempt < options.maxAttempts) await clock.sleep(backoffDelayMs(attempt, LOCKED_BACKOFF, clock.random));
			continue;
		}
		const context = {
			layout: stock.layout,
			fields: Object.keys(fieldData),
			recordId: record.recordId,
			sku,
			action: `changing the stock of SKU '${sku}'`,
			missingFields: [] as string[],
		};
		if (code === '102') {
			context.missingFields = await client.findMissingFields(stock.layout, context.fields);
		}
		const error = client.error(result.info, context, itemIndex);
		if (code === undefined) {
			// No FileMaker answer (network): the edit may or may not have been applied.
			error.description = `${error.description ?? ''} The stock of SKU '${sku}' may or may not have changed.${
				key !== '' ? ' Run the change again with the same idempotency key: it will not be applied twice.' : ''
			}`.trim();
		}
		throw error;
	}
	const why =
		lastFailure === 'locked'
			? `record ${lastRecordId} stayed in use by another user (FileMaker 301)`
			: `record ${lastRecordId} kept being changed by others between reading and writing (FileMaker 306)`;
	throw new NodeOperationError(
		this.getNode(),
		`Could not change the stock of SKU '${sku}' after ${options.maxAttempts} attempts: the ${why}. Nothing was changed by this item. Try again later or raise 'Max Attempts'.`,
		{ itemIndex },
	);
}

/** Writes the movement row of a committed change; explains how to repair when it fails. */
async function writeMovementAfterCommit(
	this: NodeContext,
	client: RecordClient,
	movement: MovementConfig,
	row: { sku: string; change: number; quantityAfter: number; reason: string; reference: string; source: string },
	info: { key: string; keyed: boolean; recordId: string },
	itemIndex: number,
): Promise<string> {
	try {
		const created = await createMovement(client, movement, row, itemIndex);
		return created.recordId;
	} catch (error) {
		const repair = info.keyed
			? `Run the same change again with the same idempotency key ('${info.key}'): it will not change the stock again and will write the missing movement row.`
			: 'Add the movement row by hand (Movement → Record), or use an idempotency key so a retry can repair it.';
		const reason = messageOf(error);
		throw new NodeApiError(
			this.getNode(),
			{ message: reason },
			{
				message: `The stock of SKU '${row.sku}' was changed by ${row.change} to ${row.quantityAfter} (record ${info.recordId}), but the movement row could not be written: ${reason}`,
				description: repair,
				itemIndex,
			},
		);
	}
}

/** The key is on the stock record already: report, and write the movement row if it went missing. */
async function reportDuplicate(
	client: RecordClient,
	movement: MovementConfig,
	request: ChangeRequest,
	options: ChangeOptions,
	clock: StockChangeClock,
	args: {
		record: FileMakerRecord;
		hit: AppliedKeyEntry;
		current: number;
		concurrent: boolean;
		itemIndex: number;
		base: IDataObject;
	},
): Promise<IDataObject> {
	const { record, hit, current, concurrent, itemIndex, base } = args;
	const change = hit.change ?? (request.mode === 'delta' ? request.amount : null);
	const output: IDataObject = {
		...base,
		applied: false,
		duplicate: true,
		detectedBy: 'appliedKeys',
		change,
		quantity: current,
		quantityAfter: hit.quantityAfter ?? null,
		appliedAt: hit.appliedAt ?? null,
		modId: record.modId,
		movementRepaired: false,
	};
	const canCheck = options.recordMovement !== false && movement.referenceField !== '';
	if (!canCheck || concurrent) return output;
	const rows = await findMovementsByKey(client, movement, request.sku, request.idempotencyKey, itemIndex);
	if (rows.length > 0) {
		output.movementRecordId = rows[0].recordId;
		return output;
	}
	if (entryAgeSeconds(hit, new Date(clock.now())) < options.repairAfterSeconds) {
		// Applied moments ago: its own run is probably still writing the row.
		output.movementPending = true;
		return output;
	}
	if (typeof change !== 'number') return output;
	const created = await createMovement(
		client,
		movement,
		{
			sku: request.sku,
			change,
			quantityAfter: hit.quantityAfter,
			reason: request.reason,
			reference: request.idempotencyKey,
			source: request.source,
		},
		itemIndex,
	);
	output.movementRepaired = true;
	output.movementRecordId = created.recordId;
	return output;
}

