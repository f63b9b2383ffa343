/**
 * Inventory → Adjust with a change log (logic/changeLedger.ts): each row is a caller change (change key)
 * that Shopify applies at most once, across re-runs and n8n's Retry On Fail.
 *
 * 1. Read every row's item: its quantity at the location and its variant's change log (with digest).
 * 2. A change the log marks `applied` is skipped (alreadyApplied). A `pending` one was sent before
 *    without a confirmation: the identical mutation (same idempotency key, same changeFromQuantity) is
 *    sent again. Confirmed → applied. IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED → it was not applied: start
 *    over. CHANGE_FROM_QUANTITY_STALE → unknown whether it was applied: never re-applied automatically,
 *    reported `needsCheck`. (If Shopify wrongly applies a repeated key again, the quantity check still
 *    refuses it once the first copy moved the quantity away from `from`.)
 * 3. New changes: record them `pending` with a fresh key and `from` (compare-and-set on the log), send
 *    the mutation with that key and changeFromQuantity `from`, then mark them `applied`.
 */
import { randomUUID } from 'node:crypto';

import type { IExecuteFunctions } from 'n8n-workflow';

import type { CostBudget } from '../../../shared/shopify/cost';
import { chunk, MAX_ROWS_PER_MUTATION } from '../../logic/batching';
import {
	decideRow,
	findEntry,
	hashChangeKey,
	parseLedger,
	pendingGroups,
	serializeLedger,
	updateLedger,
	type Ledger,
	type LedgerEntry,
} from '../../logic/changeLedger';
import { classifyUserErrors, IDEMPOTENCY_RETRY_NEW_KEY, STALE_CODES, type UserError } from '../../logic/userErrors';
import {
	readItemLedgers,
	sendAdjust,
	writeItemLedgers,
	type AdjustAnswer,
	type AdjustSettings,
	type ItemLedgerState,
} from '../../transport/changeLedger';

export interface ChangeRow {
	itemIndex: number;
	sku: string;
	inventoryItemId: string;
	delta: number;
	changeKey: string;
}

export type ChangeStatus = 'updated' | 'alreadyApplied' | 'needsCheck' | 'failed';

export interface ChangeResult {
	row: ChangeRow;
	status: ChangeStatus;
	from?: number;
	to?: number;
	message?: string;
	code?: string;
	/** A later run can settle it by itself. */
	retryable?: boolean;
	/** Confirmed from an earlier run's unconfirmed send (the same mutation sent again). */
	confirmedLater?: boolean;
	/** Applied, but the change log could not be marked: the next run confirms it. */
	logNotUpdated?: boolean;
}

interface Work {
	row: ChangeRow;
	keyHash: string;
	/** Send with this changeFromQuantity instead of the current quantity (an earlier unconfirmed send). */
	forcedFrom?: number;
}

interface ItemState {
	state: ItemLedgerState;
	ledger: Ledger;
	/** The stored log could not be read (such an item is never written). */
	broken?: string;
}

const IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED = 'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED';

function needsCheckMessage(row: ChangeRow, entry: Pick<LedgerEntry, 'f' | 'd' | 't' | 'u'>, locationName: string): string {
	return (
		`SKU "${row.sku}": the change "${row.changeKey}" (delta ${entry.d}) was sent to Shopify at ${entry.t} without a confirmation, ` +
		`and the quantity is no longer ${entry.f}, so whether Shopify applied it is unknown; it was not sent again. ` +
		`Check the item's inventory history at ${locationName} in Shopify` +
		(entry.u ? ` for reference document ${entry.u}` : '') +
		`: if the change is there, nothing is left to do; if not, send it again with a new change key.`
	);
}

export async function adjustWithChangeLog(
	this: IExecuteFunctions,
	budget: CostBudget,
	settings: AdjustSettings,
	rows: ChangeRow[],
	{ maxStaleRetries }: { maxStaleRetries: number },
): Promise<ChangeResult[]> {
	const results = new Map<number, ChangeResult>();
	const nowIso = () => new Date().toISOString();
	const quantityOf = (s: ItemLedgerState) => s.quantities[settings.name];
	const items = new Map<string, ItemState>();
	const locationName = settings.locationId;
	/** Final log changes: entries to mark applied, entries to drop (definitely not applied). */
	const toMark = new Map<string, LedgerEntry[]>();
	const toDrop = new Map<string, LedgerEntry[]>();
	const addTo = (m: Map<string, LedgerEntry[]>, itemId: string, e: LedgerEntry) => {
		const list = m.get(itemId);
		if (list) list.push(e);
		else m.set(itemId, [e]);
	};
	let stopped: Error | undefined;

	const load = async (ids: string[]) => {
		const read = await readItemLedgers.call(this, budget, settings.locationId, ids);
		for (const id of ids) {
			const state = read.get(id);
			if (!state) {
				items.delete(id);
				continue;
			}
			const { problem, ...ledger } = parseLedger(state.value);
			items.set(id, { state, ledger, broken: problem });
		}
	};
	const fail = (row: ChangeRow, message: string, extra: Partial<ChangeResult> = {}) =>
		results.set(row.itemIndex, { row, status: 'failed', message: `SKU "${row.sku}": ${message}`, ...extra });

	await load(rows.map((r) => r.inventoryItemId));

	// 1. Decide each row from its log.
	const fresh: Work[] = [];
	const pending: Array<{ row: ChangeRow; keyHash: string; entry: LedgerEntry }> = [];
	for (const row of rows) {
		const item = items.get(row.inventoryItemId);
		if (!item) {
			fail(row, 'Shopify no longer has this inventory item (or its variant)');
			continue;
		}
		if (item.broken) {
			fail(row, `${item.broken} (metafield n8n_filemaker_sync.applied_changes of variant ${item.state.variantId}); delete it in Shopify only if no change is in flight`);
			continue;
		}
		const keyHash = hashChangeKey(row.changeKey);
		const decision = decideRow(findEntry(item.ledger, keyHash, settings.locationId, settings.name), row.delta);
		if (decision.kind === 'alreadyApplied') {
			results.set(row.itemIndex, { row, status: 'alreadyApplied', from: decision.entry.f, to: decision.entry.f + decision.entry.d });
		} else if (decision.kind === 'conflict') {
			fail(row, `the change key "${row.changeKey}" was already used for a change of ${decision.entry.d} (this row asks for ${row.delta}); nothing was written. Give this change its own key.`, { code: 'CHANGE_KEY_REUSED' });
		} else if (decision.kind === 'pending') {
			pending.push({ row, keyHash, entry: decision.entry });
		} else fresh.push({ row, keyHash });
	}

	// 2. Unconfirmed sends of earlier runs: the identical mutation again.
	const { complete, partial } = pendingGroups(pending);
	for (const p of partial) fresh.push({ row: p.row, keyHash: p.keyHash, forcedFrom: p.entry.f });
	for (const group of complete) {
		const e0 = group[0].entry;
		if (stopped) {
			for (const g of group) fail(g.row, 'not sent: an earlier request failed; run again', { retryable: true });
			continue;
		}
		const groupSettings: AdjustSettings = { locationId: e0.l, name: e0.n, reason: e0.r, referenceDocumentUri: e0.u, ledgerDocumentUri: e0.g };
		let answer: AdjustAnswer;
		try {
			answer = await sendAdjust.call(this, budget, groupSettings, group.map((g) => ({ inventoryItemId: g.row.inventoryItemId, delta: g.entry.d, changeFromQuantity: g.entry.f })), e0.i);
		} catch (error) {
			stopped = error as Error;
			for (const g of group) fail(g.row, `sending the unconfirmed change again failed (${(error as Error).message}); it is still unconfirmed, the next run checks it again`, { retryable: true });
			continue;
		}
		if (answer.kind === 'applied') {
			for (const g of group) {
				results.set(g.row.itemIndex, { row: g.row, status: 'updated', from: g.entry.f, to: g.entry.f + g.entry.d, confirmedLater: true });
				addTo(toMark, g.row.inventoryItemId, { ...g.entry, s: 'applied', t: nowIso() });
			}
			continue;
		}
		if (answer.kind === 'retryLater') {
			for (const g of group) fail(g.row, `${answer.error.message} Shopify asked to try again; the change is still unconfirmed, the next run sends it again`, { code: answer.error.code ?? undefined, retryable: true });
			continue;
		}
		const errors = answer.errors;
		const codes = errors.map((e) => e.code ?? '');
		if (codes.includes(IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED)) {
			// Shopify says the earlier attempt failed: nothing applied, start over with a new key.
			for (const g of group) fresh.push({ row: g.row, keyHash: g.keyHash });
			continue;
		}
		if (codes.some((c) => STALE_CODES.has(c) || c === 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH')) {
			// Unknown whether the first send was applied (the mutation is all or nothing): check, never re-apply.
			for (const g of group) {
				results.set(g.row.itemIndex, { row: g.row, status: 'needsCheck', from: g.entry.f, message: needsCheckMessage(g.row, g.entry, locationName), code: 'CHANGE_UNCONFIRMED' });
			}
			continue;
		}
		const classified = classifyUserErrors(errors, 'changes', group.length);
		if (classified.failedRows.size === 0) {
			for (const g of group) {
				fail(g.row, describe(errors));
				addTo(toDrop, g.row.inventoryItemId, g.entry);
			}
			continue;
		}
		group.forEach((g, i) => {
			const e = classified.failedRows.get(i);
			if (e) {
				fail(g.row, `${e.message}${e.code ? ` (${e.code})` : ''}`, { code: e.code });
				addTo(toDrop, g.row.inventoryItemId, g.entry);
			} else fresh.push({ row: g.row, keyHash: g.keyHash });
		});
	}

	// 3. New changes: record pending, send, (marked applied at the end).
	let work = fresh;
	for (let round = 0; work.length > 0; round++) {
		const next: Work[] = [];
		for (const batch of chunk(work, MAX_ROWS_PER_MUTATION)) {
			if (stopped) {
				for (const w of batch) fail(w.row, 'not sent: an earlier request failed; nothing of this change was written, run again', { retryable: true });
				continue;
			}
			const key = randomUUID();
			const t = nowIso();
			const planned: Array<{ w: Work; entry: LedgerEntry; item: ItemState }> = [];
			for (const w of batch) {
				const item = items.get(w.row.inventoryItemId);
				const from = w.forcedFrom ?? (item ? quantityOf(item.state) : undefined);
				if (!item || from === undefined) {
					fail(w.row, `Shopify did not return the ${settings.name} quantity (not stocked at this location?)`);
					continue;
				}
				const entry: LedgerEntry = {
					k: w.keyHash,
					l: settings.locationId,
					n: settings.name,
					d: w.row.delta,
					f: from,
					i: key,
					s: 'pending',
					t,
					r: settings.reason,
					...(settings.referenceDocumentUri ? { u: settings.referenceDocumentUri } : {}),
					...(settings.ledgerDocumentUri && settings.name !== 'available' ? { g: settings.ledgerDocumentUri } : {}),
					p: planned.length,
					c: 0,
				};
				planned.push({ w, entry, item });
			}
			for (const p of planned) p.entry.c = planned.length;
			let recorded;
			try {
				recorded = await writeItemLedgers.call(
					this,
					budget,
					planned.map((p) => ({ variantId: p.item.state.variantId, value: serializeLedger(updateLedger(p.item.ledger, [p.entry])), digest: p.item.state.digest })),
				);
			} catch (error) {
				stopped = error as Error;
				for (const p of planned) fail(p.w.row, `the change could not be recorded before sending (${(error as Error).message}); nothing of it was written, run again`, { retryable: true });
				continue;
			}
			const sendable: typeof planned = [];
			for (const p of planned) {
				const variantId = p.item.state.variantId;
				const digest = recorded.written.get(variantId);
				if (digest !== undefined) {
					p.item.ledger = updateLedger(p.item.ledger, [p.entry]);
					p.item.state.digest = digest;
					sendable.push(p);
				} else if (recorded.stale.has(variantId)) {
					fail(p.w.row, 'another run changed this item’s change log at the same moment; nothing was written, run again', { retryable: true, code: 'CHANGE_LOG_BUSY' });
				} else {
					fail(p.w.row, `the change could not be recorded (${recorded.failed.get(variantId) ?? 'no answer'}); nothing was written`);
				}
			}
			if (sendable.length === 0) continue;
			let answer: AdjustAnswer;
			try {
				answer = await sendAdjust.call(this, budget, settings, sendable.map((p) => ({ inventoryItemId: p.w.row.inventoryItemId, delta: p.w.row.delta, changeFromQuantity: p.entry.f })), key);
			} catch (error) {
				stopped = error as Error;
				for (const p of sendable) fail(p.w.row, `Shopify did not confirm the change (${(error as Error).message}); it is recorded as unconfirmed and the next run checks it (it is never applied twice)`, { retryable: true, code: 'CHANGE_UNCONFIRMED' });
				continue;
			}
			if (answer.kind === 'applied') {
				for (const p of sendable) {
					results.set(p.w.row.itemIndex, { row: p.w.row, status: 'updated', from: p.entry.f, to: p.entry.f + p.w.row.delta });
					addTo(toMark, p.w.row.inventoryItemId, { ...p.entry, s: 'applied' });
				}
				continue;
			}
			if (answer.kind === 'retryLater') {
				for (const p of sendable) {
					fail(p.w.row, `${answer.error.message} Shopify still asked to try again after ${answer.error.code ? 'several attempts' : 'retries'}; nothing of this batch was written, run again`, { code: answer.error.code ?? undefined, retryable: true });
					addTo(toDrop, p.w.row.inventoryItemId, p.entry);
				}
				continue;
			}
			const classified = classifyUserErrors(answer.errors, 'changes', sendable.length);
			const general = classified.general.map((e) => e.code ?? '');
			if (answer.resent && classified.staleRows.size > 0) {
				// Delivered more than once and now stale: an earlier delivery may have been applied (all or nothing).
				for (const p of sendable) {
					results.set(p.w.row.itemIndex, { row: p.w.row, status: 'needsCheck', from: p.entry.f, message: needsCheckMessage(p.w.row, p.entry, locationName), code: 'CHANGE_UNCONFIRMED' });
				}
				continue;
			}
			if (classified.staleRows.size === 0 && classified.failedRows.size === 0) {
				// The fresh key is spent without anything applied (previous attempt failed / used with other input): a new key.
				if (general.some((c) => IDEMPOTENCY_RETRY_NEW_KEY.has(c)) && round < maxStaleRetries + 2) {
					for (const p of sendable) next.push({ row: p.w.row, keyHash: p.w.keyHash, forcedFrom: p.w.forcedFrom });
					continue;
				}
				for (const p of sendable) {
					fail(p.w.row, describe(answer.errors), { code: classified.general[0]?.code ?? undefined });
					addTo(toDrop, p.w.row.inventoryItemId, p.entry);
				}
				continue;
			}
			// Shopify refused the whole mutation: nothing of it was applied.
			sendable.forEach((p, i) => {
				const failed = classified.failedRows.get(i);
				if (classified.staleRows.has(i)) {
					if (p.w.forcedFrom !== undefined) {
						// An earlier unconfirmed send, and the quantity moved: its entry stays pending (checked again next run).
						results.set(p.w.row.itemIndex, { row: p.w.row, status: 'needsCheck', from: p.entry.f, message: needsCheckMessage(p.w.row, p.entry, locationName), code: 'CHANGE_UNCONFIRMED' });
					} else if (round >= maxStaleRetries) {
						fail(p.w.row, `the quantity kept changing in Shopify while it was written (${maxStaleRetries + 1} attempts); nothing was written, run again`, { code: 'CHANGE_FROM_QUANTITY_STALE', retryable: true });
						addTo(toDrop, p.w.row.inventoryItemId, p.entry);
					} else next.push({ row: p.w.row, keyHash: p.w.keyHash });
				} else if (failed) {
					fail(p.w.row, `${failed.message}${failed.code ? ` (${failed.code})` : ''}`, { code: failed.code });
					addTo(toDrop, p.w.row.inventoryItemId, p.entry);
				} else next.push({ row: p.w.row, keyHash: p.w.keyHash, forcedFrom: p.w.forcedFrom });
			});
		}
		work = next;
		if (work.length > 0) await load(work.map((w) => w.row.inventoryItemId));
	}

	// 4. Mark applied changes, drop the ones Shopify definitely did not apply (a log changed meanwhile: re-read, again).
	let remaining = [...new Set([...toMark.keys(), ...toDrop.keys()])];
	for (let attempt = 0; attempt < 3 && remaining.length > 0; attempt++) {
		try {
			if (attempt > 0) await load(remaining);
			const writes = remaining
				.map((id) => items.get(id))
				.filter((x): x is ItemState => x !== undefined)
				.map((item) => {
					const id = item.state.inventoryItemId;
					const value = serializeLedger(updateLedger(item.ledger, toMark.get(id) ?? [], toDrop.get(id) ?? []));
					return { variantId: item.state.variantId, inventoryItemId: id, value, digest: item.state.digest };
				});
			const written = await writeItemLedgers.call(this, budget, writes);
			for (const w of writes) {
				if (!written.written.has(w.variantId) && !written.stale.has(w.variantId)) flagLogNotUpdated(results, rows, w.inventoryItemId);
			}
			remaining = writes.filter((w) => written.stale.has(w.variantId)).map((w) => w.inventoryItemId);
		} catch {
			break;
		}
	}
	for (const id of remaining) flagLogNotUpdated(results, rows, id);
	return rows.map((row) => results.get(row.itemIndex) ?? { row, status: 'failed', message: `SKU "${row.sku}": not processed` });
}

function flagLogNotUpdated(results: Map<number, ChangeResult>, rows: ChangeRow[], inventoryItemId: string): void {
	for (const row of rows) {
		const r = results.get(row.itemIndex);
		if (row.inventoryItemId === inventoryItemId && r?.status === 'updated') r.logNotUpdated = true;
	}
}

function describe(errors: UserError[]): string {
	return errors.map((e) => `${e.message}${e.code ? ` (${e.code})` : ''}`).join('; ');
}
