/**
 * In-memory tables for the FileMaker emulator: records kept in creation order (an array sorted by
 * recordId) plus a Map by recordId, exact-match indexes (always on unique fields, built lazily for
 * other fields the first time an '==' find uses them) and a sort cache keyed by table version.
 */
import type { FileMakerFieldDef } from './types';
import { DEFAULT_TEXT_MATCH, FmError, indexKey, type FieldType, type StoredValue, type TextMatch } from './values';

export interface Rec {
	id: number;
	modId: number;
	values: Record<string, StoredValue>;
}

export interface SortSpec {
	field: string;
	type: FieldType;
	descend: boolean;
	/** Unicode index language: text sorts by code point, case-sensitive. */
	caseSensitive?: boolean;
}

export class Table {
	readonly fields = new Map<string, FileMakerFieldDef>();
	readonly byId = new Map<number, Rec>();
	order: Rec[] = [];
	nextId = 1;
	readonly serials = new Map<string, number>();
	readonly indexes = new Map<string, Map<string, Set<Rec>>>();
	readonly locks = new Map<number, number>(); // recordId → locked until (ms)
	/** Text-match rule per text field (index language, trailing spaces); default: case-insensitive. */
	readonly textMatch = new Map<string, TextMatch>();
	version = 0;
	private sortCache = new Map<string, { version: number; recs: Rec[] }>();

	constructor(readonly name: string) {}

	addField(f: FileMakerFieldDef): void {
		if (this.fields.has(f.name)) return;
		this.fields.set(f.name, { ...f });
		for (const r of this.order) if (!(f.name in r.values)) r.values[f.name] = '';
		if (f.unique) this.ensureIndex(f.name);
	}

	matchOf(field: string): TextMatch {
		return this.textMatch.get(field) ?? DEFAULT_TEXT_MATCH;
	}

	keyOf(field: string, v: StoredValue): string {
		return indexKey(v, this.matchOf(field));
	}

	ensureIndex(field: string): Map<string, Set<Rec>> {
		let idx = this.indexes.get(field);
		if (idx) return idx;
		idx = new Map();
		for (const r of this.order) addToIndex(idx, this.keyOf(field, r.values[field] ?? ''), r);
		this.indexes.set(field, idx);
		return idx;
	}

	rebuildIndexes(): void {
		const names = [...this.indexes.keys()];
		this.indexes.clear();
		for (const n of names) if (this.fields.has(n)) this.ensureIndex(n);
		for (const f of this.fields.values()) if (f.unique) this.ensureIndex(f.name);
	}

	clear(): void {
		this.byId.clear();
		this.order = [];
		this.nextId = 1;
		this.serials.clear();
		this.locks.clear();
		for (const idx of this.indexes.values()) idx.clear();
		this.touch();
	}

	touch(): void {
		this.version++;
	}

	nextSerial(field: string): number {
		const n = (this.serials.get(field) ?? 0) + 1;
		this.serials.set(field, n);
		return n;
	}

	/** Throws 504 when a unique field would hold a value another record already has. */
	checkUnique(values: Record<string, StoredValue>, self?: Rec): void {
		for (const f of this.fields.values()) {
			if (!f.unique) continue;
			const v = values[f.name];
			if (v === undefined || v === '') continue;
			const set = this.ensureIndex(f.name).get(this.keyOf(f.name, v));
			if (!set) continue;
			for (const r of set) {
				if (r !== self) throw new FmError('504', 'Value in field is not unique', 500);
			}
		}
	}

	insert(values: Record<string, StoredValue>): Rec {
		const rec: Rec = { id: this.nextId++, modId: 0, values };
		for (const f of this.fields.keys()) if (!(f in values)) values[f] = '';
		this.byId.set(rec.id, rec);
		this.order.push(rec);
		for (const [field, idx] of this.indexes) addToIndex(idx, this.keyOf(field, values[field] ?? ''), rec);
		this.touch();
		return rec;
	}

	/** Applies changes to a record, keeping indexes right. */
	update(rec: Rec, changes: Record<string, StoredValue>): void {
		for (const [field, v] of Object.entries(changes)) {
			const idx = this.indexes.get(field);
			if (idx) {
				const oldKey = this.keyOf(field, rec.values[field] ?? '');
				const newKey = this.keyOf(field, v);
				if (oldKey !== newKey) {
					removeFromIndex(idx, oldKey, rec);
					addToIndex(idx, newKey, rec);
				}
			}
			rec.values[field] = v;
		}
		this.touch();
	}

	remove(rec: Rec): void {
		this.byId.delete(rec.id);
		const i = this.positionOf(rec.id);
		if (i >= 0) this.order.splice(i, 1);
		for (const [field, idx] of this.indexes) removeFromIndex(idx, this.keyOf(field, rec.values[field] ?? ''), rec);
		this.locks.delete(rec.id);
		this.touch();
	}

	/** Binary search: `order` is sorted by recordId (ids only grow). */
	positionOf(id: number): number {
		let lo = 0,
			hi = this.order.length - 1;
		while (lo <= hi) {
			const mid = (lo + hi) >>> 1;
			const v = this.order[mid].id;
			if (v === id) return mid;
			if (v < id) lo = mid + 1;
			else hi = mid - 1;
		}
		return -1;
	}

	isLocked(id: number, now: number): boolean {
		const until = this.locks.get(id);
		if (until === undefined) return false;
		if (until <= now) {
			this.locks.delete(id);
			return false;
		}
		return true;
	}

	/** All records sorted (cached until the table changes). */
	sortedAll(spec: SortSpec[]): Rec[] {
		if (spec.length === 0) return this.order;
		const key = JSON.stringify(spec);
		const hit = this.sortCache.get(key);
		if (hit && hit.version === this.version) return hit.recs;
		const recs = sortRecords(this.order, spec);
		this.sortCache.set(key, { version: this.version, recs });
		return recs;
	}
}

function addToIndex(idx: Map<string, Set<Rec>>, key: string, rec: Rec): void {
	let set = idx.get(key);
	if (!set) {
		set = new Set();
		idx.set(key, set);
	}
	set.add(rec);
}

function removeFromIndex(idx: Map<string, Set<Rec>>, key: string, rec: Rec): void {
	const set = idx.get(key);
	if (!set) return;
	set.delete(rec);
	if (set.size === 0) idx.delete(key);
}

/**
 * Stable sort. Empty values sort first when ascending (last when descending); text is compared
 * case-insensitively; number fields holding text sort after numbers.
 */
export function sortRecords(recs: Rec[], spec: SortSpec[]): Rec[] {
	if (spec.length === 0) return recs.slice();
	const keyed = recs.map((r, i) => ({
		r,
		i,
		k: spec.map((s) => sortKey(s.type, r.values[s.field] ?? '', s.caseSensitive === true)),
	}));
	keyed.sort((a, b) => {
		for (let j = 0; j < spec.length; j++) {
			const c = compareKeys(a.k[j], b.k[j]);
			if (c !== 0) return spec[j].descend ? -c : c;
		}
		return a.i - b.i;
	});
	return keyed.map((x) => x.r);
}

type SortKey = [rank: number, value: number | string];

function sortKey(type: FieldType, v: StoredValue, caseSensitive: boolean): SortKey {
	if (v === '') return [0, 0];
	if (typeof v === 'number') return [1, v];
	const text = caseSensitive ? v : v.toLowerCase();
	return type === 'text' ? [1, text] : [2, text];
}

function compareKeys(a: SortKey, b: SortKey): number {
	if (a[0] !== b[0]) return a[0] - b[0];
	const x = a[1],
		y = b[1];
	if (x < y) return -1;
	if (x > y) return 1;
	return 0;
}
