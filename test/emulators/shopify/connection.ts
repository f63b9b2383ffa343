/**
 * Relay connections over pre-sorted arrays: cursors are opaque (base64 of the sort key), `after`/
 * `before` are found by binary search so paging 50 000 items stays O(log n) per page.
 */
import { GraphQLError } from 'graphql';

export type SortKey = (number | string)[];
export const MAX_PAGE_SIZE = 250;

export interface ConnArgs {
	first?: number | null;
	last?: number | null;
	after?: string | null;
	before?: string | null;
	reverse?: boolean | null;
}

export interface Connection<T> {
	edges: { cursor: string; node: T }[];
	nodes: T[];
	pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export function compareKeys(a: SortKey, b: SortKey): number {
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) {
		const x = a[i];
		const y = b[i];
		if (x === y) continue;
		if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
		const xs = String(x);
		const ys = String(y);
		if (xs !== ys) return xs < ys ? -1 : 1;
	}
	return a.length - b.length;
}

export function encodeCursor(key: SortKey): string {
	return Buffer.from(JSON.stringify({ k: key })).toString('base64');
}

export function decodeCursor(cursor: string): SortKey {
	try {
		const v = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { k?: unknown };
		if (Array.isArray(v.k)) return v.k as SortKey;
	} catch {
		// fall through
	}
	throw new GraphQLError(`Invalid cursor: ${cursor}`, { extensions: { code: 'BAD_REQUEST' } });
}

/** First index whose key is >= k. */
function lowerBound<T>(list: readonly T[], keyOf: (t: T) => SortKey, k: SortKey): number {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (compareKeys(keyOf(list[mid]), k) < 0) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}
/** First index whose key is > k. */
function upperBound<T>(list: readonly T[], keyOf: (t: T) => SortKey, k: SortKey): number {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (compareKeys(keyOf(list[mid]), k) <= 0) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

export function checkPageArgs(args: ConnArgs, bulk: boolean): void {
	for (const name of ['first', 'last'] as const) {
		const v = args[name];
		if (v === null || v === undefined) continue;
		if (v < 0)
			throw new GraphQLError(`Argument '${name}' on Field must be a positive integer.`, {
				extensions: { code: 'argumentLiteralsIncompatible' },
			});
		if (v > MAX_PAGE_SIZE && !bulk)
			throw new GraphQLError(
				`The '${name}' argument exceeds the maximum page size of ${MAX_PAGE_SIZE}. Use a smaller value and paginate.`,
				{ extensions: { code: 'MAX_PAGE_SIZE_EXCEEDED', maxPageSize: MAX_PAGE_SIZE } },
			);
	}
	if (!bulk && (args.first === null || args.first === undefined) && (args.last === null || args.last === undefined))
		throw new GraphQLError('you must provide one of first or last', {
			extensions: { code: 'BAD_REQUEST' },
		});
}

/** Edge with a lazily computed cursor (bulk reads of 50 000 nodes rarely ask for cursors). */
function edge<T>(node: T, keyOf: (t: T) => SortKey): { cursor: string; node: T } {
	let c: string | undefined;
	return {
		node,
		get cursor() {
			if (c === undefined) c = encodeCursor(keyOf(node));
			return c;
		},
	};
}

/**
 * `list` must be sorted ascending by `keyOf`. In bulk mode, a missing first/last means "all".
 */
export function connection<T>(
	list: readonly T[],
	keyOf: (t: T) => SortKey,
	args: ConnArgs,
	bulk: boolean,
): Connection<T> {
	checkPageArgs(args, bulk);
	const n = list.length;
	const reverse = Boolean(args.reverse);
	const phys = (i: number) => (reverse ? n - 1 - i : i);
	let lo = 0;
	let hi = n;
	if (args.after) {
		const k = decodeCursor(args.after);
		lo = reverse ? n - lowerBound(list, keyOf, k) : upperBound(list, keyOf, k);
	}
	if (args.before) {
		const k = decodeCursor(args.before);
		hi = reverse ? n - upperBound(list, keyOf, k) : lowerBound(list, keyOf, k);
	}
	if (hi < lo) hi = lo;
	let start = lo;
	let end = hi;
	if (args.first !== null && args.first !== undefined) end = Math.min(end, start + args.first);
	if (args.last !== null && args.last !== undefined) start = Math.max(start, end - args.last);
	const edges: Connection<T>['edges'] = [];
	const nodes: T[] = [];
	for (let i = start; i < end; i++) {
		const node = list[phys(i)];
		nodes.push(node);
		edges.push(edge(node, keyOf));
	}
	return {
		edges,
		nodes,
		pageInfo: {
			hasNextPage: end < n,
			hasPreviousPage: start > 0,
			get startCursor() {
				return edges.length ? edges[0].cursor : null;
			},
			get endCursor() {
				return edges.length ? edges[edges.length - 1].cursor : null;
			},
		},
	};
}
