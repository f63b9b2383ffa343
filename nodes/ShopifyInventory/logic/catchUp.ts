/**
 * Pure helpers of Order → Get Many (the catch-up): time window, search query, merging of follow-up
 * pages. No n8n imports. The paging itself is in transport/orders.ts.
 */
import type { Json } from '../../shared/orders/model';
import { connectionNodes } from '../../shared/orders/normalizeGraphql';
import { wallClockToDate } from '../../shared/time';

export const DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;

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
