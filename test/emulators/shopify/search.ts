/**
 * A small subset of Shopify's search syntax (https://shopify.dev/api/usage/search-syntax):
 *   sku:ABC   sku:"A B"   sku:ABC*   updated_at:>2026-01-01T00:00:00Z   id:>=123   -status:x
 *   term OR term   term AND term (AND is the default between terms)   free text
 * Unknown fields match everything (Shopify ignores unknown filters and warns in extensions.search).
 */
export interface SearchTerm {
	field?: string;
	op: ':' | '>' | '>=' | '<' | '<=';
	value: string;
	negate: boolean;
	prefix: boolean;
}
/** Disjunction of conjunctions. */
export type SearchQuery = SearchTerm[][];

const TOKEN =
	/(-|NOT\s+)?(?:(\w+):(>=|<=|>|<)?("([^"]*)"|'([^']*)'|[^\s()]+))|(\bOR\b)|(\bAND\b)|"([^"]*)"|'([^']*)'|([^\s()]+)/g;

export function parseSearch(q: string | null | undefined): SearchQuery | undefined {
	if (!q || !q.trim()) return undefined;
	const groups: SearchTerm[][] = [[]];
	TOKEN.lastIndex = 0;
	let m: RegExpExecArray | null;
	while ((m = TOKEN.exec(q))) {
		if (m[7]) {
			groups.push([]);
			continue;
		}
		if (m[8]) continue;
		const negate = Boolean(m[1]);
		let field: string | undefined;
		let op: SearchTerm['op'] = ':';
		let raw: string;
		let quoted = false;
		if (m[2]) {
			field = m[2].toLowerCase();
			op = (m[3] as SearchTerm['op']) || ':';
			if (m[5] !== undefined) {
				raw = m[5];
				quoted = true;
			} else if (m[6] !== undefined) {
				raw = m[6];
				quoted = true;
			} else raw = m[4];
		} else if (m[9] !== undefined) {
			raw = m[9];
			quoted = true;
		} else if (m[10] !== undefined) {
			raw = m[10];
			quoted = true;
		} else raw = m[11];
		let prefix = false;
		if (!quoted && raw.endsWith('*')) {
			prefix = true;
			raw = raw.slice(0, -1);
		}
		groups[groups.length - 1].push({ field, op, value: raw, negate, prefix });
	}
	const out = groups.filter((g) => g.length > 0);
	return out.length ? out : undefined;
}

export type FieldAccessor<T> = (rec: T, field: string) => string | number | null | undefined | 'UNKNOWN';

function cmp(a: string | number, b: string, op: SearchTerm['op'], isDate: boolean): boolean {
	let x: number | string = a;
	let y: number | string = b;
	if (isDate) {
		x = typeof a === 'number' ? a : Date.parse(a);
		y = Date.parse(b);
		if (Number.isNaN(y)) return false;
	} else if (typeof a === 'number') {
		y = Number(b);
		if (Number.isNaN(y)) return false;
	} else {
		x = a.toLowerCase();
		y = b.toLowerCase();
	}
	switch (op) {
		case '>':
			return x > y;
		case '>=':
			return x >= y;
		case '<':
			return x < y;
		case '<=':
			return x <= y;
		default:
			return x === y;
	}
}

export function matchesTerm<T>(rec: T, t: SearchTerm, get: FieldAccessor<T>, freeText: (rec: T) => string): boolean {
	let ok: boolean;
	if (!t.field) {
		ok = freeText(rec).toLowerCase().includes(t.value.toLowerCase());
	} else {
		const v = get(rec, t.field);
		if (v === 'UNKNOWN') return true;
		if (v === null || v === undefined) ok = false;
		else if (t.prefix && t.op === ':') ok = String(v).toLowerCase().startsWith(t.value.toLowerCase());
		else ok = cmp(v, t.value, t.op, /_at$/.test(t.field));
	}
	return t.negate ? !ok : ok;
}

export function matches<T>(rec: T, q: SearchQuery | undefined, get: FieldAccessor<T>, freeText: (rec: T) => string): boolean {
	if (!q) return true;
	return q.some((group) => group.every((t) => matchesTerm(rec, t, get, freeText)));
}

/** If the query is only `field:value OR field:value …` (exact, not negated), return the values. */
export function exactValues(q: SearchQuery | undefined, field: string): string[] | undefined {
	if (!q) return undefined;
	const out: string[] = [];
	for (const g of q) {
		if (g.length !== 1) return undefined;
		const t = g[0];
		if (t.field !== field || t.op !== ':' || t.negate || t.prefix) return undefined;
		out.push(t.value);
	}
	return out;
}
