/**
 * The change log Inventory → Adjust keeps per inventory item (pure part): which caller changes (change
 * keys) were sent to Shopify, with what, and whether Shopify confirmed them. It lives in a JSON metafield
 * of the item's variant and is written with compare-and-set (metafieldsSet + compareDigest), so two runs
 * never both think they own a change. Shopify has no query that finds an adjustment by its reference
 * document, and its `@idempotent` replay is not reliable for delta writes (FACTS: a repeated key was
 * reported applied again), so this log is what makes a re-run apply each change at most once.
 */
import { createHash } from 'node:crypto';

export const LEDGER_NAMESPACE = 'n8n_filemaker_sync';
export const LEDGER_KEY = 'applied_changes';
export const LEDGER_TYPE = 'json';
/** Newest entries kept per item; a change key older than that many newer changes is forgotten. */
export const LEDGER_MAX_ENTRIES = 100;
export const LEDGER_VERSION = 1;

export type LedgerState = 'pending' | 'applied';

/** One change sent (or about to be sent) to Shopify. Short field names keep the metafield small. */
export interface LedgerEntry {
	/** Hash of the caller's change key. */
	k: string;
	/** Location gid. */
	l: string;
	/** Quantity name. */
	n: string;
	/** Delta. */
	d: number;
	/** changeFromQuantity sent with the change. */
	f: number;
	/** Idempotency key of the mutation that carries it. */
	i: string;
	s: LedgerState;
	/** ISO time the entry was written. */
	t: string;
	/** Reason, reference document URI, ledger document URI (the rest of the mutation's input). */
	r: string;
	u?: string;
	g?: string;
	/** Position of this change in its mutation, and how many changes the mutation carried. */
	p: number;
	c: number;
}

export interface Ledger {
	v: number;
	entries: LedgerEntry[];
}

/** Short, fixed-length form of a caller's change key (what the log stores). */
export function hashChangeKey(changeKey: string): string {
	return createHash('sha256').update(changeKey).digest('hex').slice(0, 32);
}

/**
 * The change key of an input row: the caller's key, else one derived from what the caller gave (SKU,
 * delta, the configured reference document), else — with no configured reference — scoped to this
 * execution (protects Retry On Fail, not a later re-run). Never derived from a quantity read.
 */
export function changeKeyOf(parts: {
	callerKey: unknown;
	sku: string;
	delta: number;
	locationId: string;
	configuredReference?: string;
	executionScope: string;
}): { changeKey: string; derived: 'caller' | 'reference' | 'execution' } {
	const caller = typeof parts.callerKey === 'number' ? String(parts.callerKey) : parts.callerKey;
	if (typeof caller === 'string' && caller.trim() !== '') return { changeKey: caller.trim(), derived: 'caller' };
	if (parts.configuredReference)
		return {
			changeKey: `sku:${parts.sku}|delta:${parts.delta}|location:${parts.locationId}|reference:${parts.configuredReference}`,
			derived: 'reference',
		};
	return {
		changeKey: `sku:${parts.sku}|delta:${parts.delta}|location:${parts.locationId}|execution:${parts.executionScope}`,
		derived: 'execution',
	};
}

function isEntry(x: unknown): x is LedgerEntry {
	if (!x || typeof x !== 'object') return false;
	const e = x as Record<string, unknown>;
	return (
		typeof e.k === 'string' &&
		typeof e.l === 'string' &&
		typeof e.n === 'string' &&
		typeof e.d === 'number' &&
		typeof e.f === 'number' &&
		typeof e.i === 'string' &&
		(e.s === 'pending' || e.s === 'applied') &&
		typeof e.t === 'string' &&
		typeof e.r === 'string' &&
		typeof e.p === 'number' &&
		typeof e.c === 'number'
	);
}

/**
 * Parses a stored log; no value → empty. A malformed log is reported (`problem`), never silently
 * treated as empty (that would forget applied changes).
 */
export function parseLedger(value: string | null | undefined): Ledger & { problem?: string } {
	if (value === null || value === undefined || value === '') return { v: LEDGER_VERSION, entries: [] };
	let parsed: unknown;
	try {
		parsed = JSON.parse(value);
	} catch {
		return { v: LEDGER_VERSION, entries: [], problem: 'the change log metafield is not valid JSON' };
	}
	const entries = (parsed as { entries?: unknown } | null)?.entries;
	if (!Array.isArray(entries)) return { v: LEDGER_VERSION, entries: [], problem: 'the change log metafield has no entries list' };
	return { v: LEDGER_VERSION, entries: entries.filter(isEntry) };
}

export function findEntry(ledger: Ledger, keyHash: string, locationId: string, quantityName: string): LedgerEntry | undefined {
	return ledger.entries.find((e) => e.k === keyHash && e.l === locationId && e.n === quantityName);
}

/**
 * The log with `put` entries written over the entries of the same change (key, location, name) and
 * `remove` entries dropped, bounded to the newest LEDGER_MAX_ENTRIES (pending entries are never dropped).
 */
export function updateLedger(ledger: Ledger, put: LedgerEntry[], remove: LedgerEntry[] = []): Ledger {
	const same = (a: LedgerEntry, b: LedgerEntry) => a.k === b.k && a.l === b.l && a.n === b.n;
	let entries = ledger.entries.filter((e) => !put.some((p) => same(p, e)) && !remove.some((r) => same(r, e)));
	entries = [...entries, ...put];
	if (entries.length > LEDGER_MAX_ENTRIES) {
		const pending = entries.filter((e) => e.s === 'pending');
		const applied = entries
			.filter((e) => e.s === 'applied')
			.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0))
			.slice(-Math.max(0, LEDGER_MAX_ENTRIES - pending.length));
		const keep = new Set([...pending, ...applied]);
		entries = entries.filter((e) => keep.has(e));
	}
	return { v: LEDGER_VERSION, entries };
}

export function serializeLedger(ledger: Ledger): string {
	return JSON.stringify(ledger);
}

export type RowDecision =
	| { kind: 'new' }
	| { kind: 'alreadyApplied'; entry: LedgerEntry }
	| { kind: 'pending'; entry: LedgerEntry }
	| { kind: 'conflict'; entry: LedgerEntry };

/** What to do with a row, given the log entry of its change key (if any). */
export function decideRow(entry: LedgerEntry | undefined, delta: number): RowDecision {
	if (!entry) return { kind: 'new' };
	if (entry.d !== delta) return { kind: 'conflict', entry };
	return entry.s === 'applied' ? { kind: 'alreadyApplied', entry } : { kind: 'pending', entry };
}

/**
 * Pending entries grouped by the mutation that carried them. A group is complete when all `c` changes
 * of that mutation are present (same settings), so the identical mutation can be sent again.
 */
export function pendingGroups<T extends { entry: LedgerEntry }>(
	rows: T[],
): { complete: T[][]; partial: T[] } {
	const byKey = new Map<string, T[]>();
	for (const row of rows) {
		const g = byKey.get(row.entry.i);
		if (g) g.push(row);
		else byKey.set(row.entry.i, [row]);
	}
	const complete: T[][] = [];
	const partial: T[] = [];
	for (const group of byKey.values()) {
		const first = group[0].entry;
		const positions = new Set(group.map((r) => r.entry.p));
		const consistent = group.every(
			(r) => r.entry.c === first.c && r.entry.l === first.l && r.entry.n === first.n && r.entry.r === first.r && r.entry.u === first.u && r.entry.g === first.g,
		);
		if (consistent && group.length === first.c && positions.size === first.c) {
			complete.push([...group].sort((a, b) => a.entry.p - b.entry.p));
		} else partial.push(...group);
	}
	return { complete, partial };
}
