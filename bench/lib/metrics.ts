import type { ShopifyEmulator } from '../../test/emulators/shopify';

/** Figures read from the emulators after one measurement. */

/** One entry of the Shopify emulator's request log. */
export type ShopifyLogEntry = ShopifyEmulator['requestLog'][number];

export interface ShopifyFigures {
	/** Every HTTP request the side sent to Shopify (GraphQL, REST, bulk download, OAuth). */
	calls: number;
	graphqlQueries: number;
	graphqlMutations: number;
	/** Rate-limited REST Admin calls (/admin/api/…/*.json except graphql.json). */
	rest: number;
	/** Bulk-operation result downloads (pre-signed URL, not rate-limited). */
	bulkDownloads: number;
	oauth: number;
	/** GraphQL THROTTLED answers + REST 429s. */
	throttled: number;
	/** Inventory writes: inventorySetQuantities calls (ours) or POST inventory_levels/set.json (baseline). */
	writes: number;
	/** Rows carried by the write calls. */
	writeRows: number;
	/** Σ actualQueryCost (GraphQL points used). */
	pointsUsed: number;
	/** Σ requestedQueryCost of the answered GraphQL calls. */
	pointsRequested: number;
	/** calls and points per GraphQL operation name (or REST path). */
	byOperation: Record<string, { calls: number; points: number; throttled: number }>;
	/** Shopify-clock ms between the first and the last request. */
	emulatedSpanMs: number;
}

const WRITE_OPERATIONS = new Set(['InventorySetQuantities']);

export function shopifyFigures(log: readonly ShopifyLogEntry[]): ShopifyFigures {
	const f: ShopifyFigures = {
		calls: log.length,
		graphqlQueries: 0,
		graphqlMutations: 0,
		rest: 0,
		bulkDownloads: 0,
		oauth: 0,
		throttled: 0,
		writes: 0,
		writeRows: 0,
		pointsUsed: 0,
		pointsRequested: 0,
		byOperation: {},
		emulatedSpanMs: log.length ? log[log.length - 1].at - log[0].at : 0,
	};
	for (const e of log) {
		const isBulkDownload = e.path.startsWith('/bulk-results/');
		const isGraphql = e.path.endsWith('/graphql.json');
		if (e.kind === 'oauth') f.oauth++;
		else if (isBulkDownload) f.bulkDownloads++;
		else if (isGraphql && e.kind === 'mutation') f.graphqlMutations++;
		else if (isGraphql) f.graphqlQueries++;
		else f.rest++;
		if (e.throttled || e.status === 429) f.throttled++;
		f.pointsUsed += e.actualCost ?? 0;
		if (e.actualCost !== undefined) f.pointsRequested += e.requestedCost ?? 0;
		const isWrite =
			(isGraphql && e.operationName !== undefined && WRITE_OPERATIONS.has(e.operationName) && e.status === 200 && !e.throttled) ||
			(!isGraphql && e.path.endsWith('/inventory_levels/set.json') && e.status === 200);
		if (isWrite) {
			f.writes++;
			f.writeRows += isGraphql ? (e.rows ?? 0) : 1;
		}
		const key = isGraphql
			? (e.operationName ?? `(anonymous ${e.kind})`)
			: isBulkDownload
				? 'GET bulk result (JSONL)'
				: e.path.replace(/^\/admin\/api\/[^/]+\//, 'REST ');
		const op = (f.byOperation[key] ??= { calls: 0, points: 0, throttled: 0 });
		op.calls++;
		op.points += e.actualCost ?? 0;
		if (e.throttled || e.status === 429) op.throttled++;
	}
	return f;
}

export interface FileMakerLogEntry {
	method: string;
	path: string;
	status: number;
	code: string;
}

export interface FileMakerFigures {
	requests: number;
	/** Record reads (GET …/records, POST …/_find). */
	reads: number;
	logins: number;
	logouts: number;
	/** Sessions still open when the side's process had ended. */
	openAtEnd: number;
	maxActiveSessions: number;
	errors: number;
}

export function fileMakerFigures(
	log: readonly FileMakerLogEntry[],
	stats: { logins: number; logouts: number; activeSessions: number; maxActiveSessions: number },
): FileMakerFigures {
	return {
		requests: log.length,
		reads: log.filter((e) => /\/layouts\/[^/]+\/(records|_find)$/.test(e.path)).length,
		logins: stats.logins,
		logouts: stats.logouts,
		openAtEnd: stats.activeSessions,
		maxActiveSessions: stats.maxActiveSessions,
		errors: log.filter((e) => e.status >= 400 && e.code !== '401').length,
	};
}

/** Shopify points of one operation in a run (average actual cost), or undefined if it was not called. */
export function averagePoints(figures: ShopifyFigures, operationName: string): number | undefined {
	const op = figures.byOperation[operationName];
	if (!op || op.calls === 0) return undefined;
	return op.points / Math.max(1, op.calls - op.throttled);
}
