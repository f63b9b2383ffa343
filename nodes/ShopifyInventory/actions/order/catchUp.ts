/**
 * Pure helpers of Order → Get Many (the catch-up): time window, search query, page sizes and their
 * requested cost, merging of follow-up pages. No n8n imports.
 */
import type { Json } from '../../../shared/orders/model';
import { connectionNodes } from '../../../shared/orders/normalizeGraphql';
import { requestedQueryCost, SINGLE_QUERY_MAX_COST } from '../../logic/queryCost';
import {
	ORDER_LINE_ITEMS_PAGE_QUERY,
	ORDER_REFUND_IDS_QUERY,
	ORDERS_UPDATED_SINCE_QUERY,
	REFUND_LINE_ITEMS_PAGE_QUERY,
} from './order.documents';

/** Shopify refuses a single query above this requested cost (MAX_COST_EXCEEDED). */
export const MAX_REQUESTED_COST = SINGLE_QUERY_MAX_COST;

/** Page sizes of ORDERS_UPDATED_SINCE_QUERY. Requested cost: see ordersPageCost (< 1000). */
export const ORDERS_PAGE = {
	first: 8,
	lineItemsFirst: 20,
	refundsFirst: 2,
	refundLineItemsFirst: 10,
} as const;

/** Page sizes of the follow-up documents. */
export const LINE_ITEMS_PAGE = 200;
export const REFUND_IDS_PAGE = 250;
export const REFUND_LINES_PAGE = 200;

export const DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;

/*
 * Requested cost of each document of order.documents.ts, computed from the document itself by the
 * package's calculator of Shopify's documented rules (logic/queryCost.ts).
 */
export function ordersPageCost(p: {
	first: number;
	lineItemsFirst: number;
	refundsFirst: number;
	refundLineItemsFirst: number;
}): number {
	return requestedQueryCost(ORDERS_UPDATED_SINCE_QUERY, p);
}

export function lineItemsPageCost(first: number): number {
	return requestedQueryCost(ORDER_LINE_ITEMS_PAGE_QUERY, { first });
}

export function refundIdsCost(first: number): number {
	return requestedQueryCost(ORDER_REFUND_IDS_QUERY, { first });
}

export function refundLinesPageCost(first: number): number {
	return requestedQueryCost(REFUND_LINE_ITEMS_PAGE_QUERY, { first });
}

/** Offset (ms) of `timeZone` from UTC at the instant `ms`. */
function zoneOffsetMs(ms: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(ms));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return asUtc - Math.floor(ms / 1000) * 1000;
}

/** A wall-clock time without offset ("2026-11-24T08:00:00", as n8n's date picker gives it) in `timeZone`. */
export function wallClockToDate(text: string, timeZone: string): Date | undefined {
	const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/.exec(text);
	if (!m) return undefined;
	const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = m;
	const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0')));
	if (Number.isNaN(wall)) return undefined;
	let zone: number;
	try {
		zone = zoneOffsetMs(wall, timeZone);
		// Second pass: the offset at the resulting instant (DST changes in between).
		zone = zoneOffsetMs(wall - zone, timeZone);
	} catch {
		zone = 0;
	}
	return new Date(wall - zone);
}

/**
 * The start of the window. Empty → now − 24 h. Accepts ISO strings (a time without offset is read in
 * `timeZone`, the workflow's time zone), epoch milliseconds, Date and Luxon DateTime-like values.
 */
export function resolveUpdatedSince(value: unknown, now: Date, timeZone = 'UTC'): Date {
	if (value === undefined || value === null || value === '') return new Date(now.getTime() - DEFAULT_WINDOW_MS);
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) throw new RangeError('Updated Since is not a valid date');
		return value;
	}
	if (typeof value === 'object') {
		const v = value as { toJSDate?: () => Date; toISO?: () => string };
		if (typeof v.toJSDate === 'function') return resolveUpdatedSince(v.toJSDate(), now, timeZone);
		if (typeof v.toISO === 'function') return resolveUpdatedSince(v.toISO(), now, timeZone);
	}
	if (typeof value === 'number' && Number.isFinite(value)) return new Date(value);
	if (typeof value === 'string') {
		const text = value.trim();
		if (text === '') return new Date(now.getTime() - DEFAULT_WINDOW_MS);
		if (/^\d{10,}$/.test(text)) {
			const n = Number(text);
			return new Date(text.length <= 10 ? n * 1000 : n);
		}
		const wall = wallClockToDate(text, timeZone);
		if (wall) return wall;
		const t = Date.parse(text);
		if (!Number.isNaN(t)) return new Date(t);
	}
	throw new RangeError(`Updated Since "${String(value)}" is not a date. Use an ISO 8601 time such as 2026-11-24T08:00:00Z`);
}

/** Shopify search query for orders changed at or after `since` (UTC, second precision). */
export function updatedSinceQuery(since: Date): string {
	const iso = new Date(Math.floor(since.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
	return `updated_at:>='${iso}'`;
}

export interface PageInfo {
	hasNextPage: boolean;
	endCursor: string | null;
}

export function pageInfoOf(connection: unknown): PageInfo {
	const pi = (connection as { pageInfo?: { hasNextPage?: unknown; endCursor?: unknown } } | null)?.pageInfo;
	return {
		hasNextPage: pi?.hasNextPage === true,
		endCursor: typeof pi?.endCursor === 'string' ? pi.endCursor : null,
	};
}

/** Appends nodes to a connection (keeping `nodes`), and marks it complete / with the next cursor. */
export function appendToConnection(connection: unknown, more: Json[], pageInfo: PageInfo): Json {
	return {
		pageInfo,
		nodes: [...connectionNodes(connection), ...more],
	};
}
