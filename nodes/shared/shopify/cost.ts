/**
 * Cost accounting for the Shopify Admin GraphQL leaky bucket (pure, no n8n imports).
 *
 * A CostBudget is created by the caller for one call chain (one node execution) and passed to every
 * request: nodes are stateless between executions, so this is never module state.
 */

export interface ThrottleStatus {
	maximumAvailable: number;
	currentlyAvailable: number;
	restoreRate: number;
}

export interface CostBudget {
	/** Last throttle status Shopify reported, and when (ms since epoch) we received it. */
	throttle?: ThrottleStatus;
	observedAt?: number;
	/** Last requestedQueryCost seen per document (used to estimate the next call of the same document). */
	requestedByDocument: Record<string, number>;
	/** HTTP requests sent (every attempt counts). */
	calls: number;
	/** Sum of actualQueryCost over all answered requests. */
	costUsed: number;
	/** THROTTLED answers received. */
	throttledWaits: number;
	/** Waits done before sending because the bucket could not afford the request. */
	preemptiveWaits: number;
	/** Total time spent waiting for the bucket or for back-off (ms). */
	waitedMs: number;
	/** Retries after HTTP 429/5xx/network errors. */
	retries: number;
}

export function createCostBudget(): CostBudget {
	return {
		requestedByDocument: {},
		calls: 0,
		costUsed: 0,
		throttledWaits: 0,
		preemptiveWaits: 0,
		waitedMs: 0,
		retries: 0,
	};
}

function toNumber(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
		return Number(value);
	}
	return undefined;
}

export interface CostExtension {
	requestedQueryCost?: number;
	actualQueryCost?: number;
	throttleStatus?: ThrottleStatus;
}

/** Reads `extensions.cost` robustly (numbers may be floats like 1000.0, or strings). */
export function parseCostExtension(extensions: unknown): CostExtension | undefined {
	if (!extensions || typeof extensions !== 'object') return undefined;
	const cost = (extensions as { cost?: unknown }).cost;
	if (!cost || typeof cost !== 'object') return undefined;
	const c = cost as Record<string, unknown>;
	const out: CostExtension = {
		requestedQueryCost: toNumber(c.requestedQueryCost),
		actualQueryCost: toNumber(c.actualQueryCost),
	};
	const ts = c.throttleStatus as Record<string, unknown> | undefined;
	if (ts && typeof ts === 'object') {
		const maximumAvailable = toNumber(ts.maximumAvailable);
		const currentlyAvailable = toNumber(ts.currentlyAvailable);
		const restoreRate = toNumber(ts.restoreRate);
		if (
			maximumAvailable !== undefined &&
			currentlyAvailable !== undefined &&
			restoreRate !== undefined
		) {
			out.throttleStatus = { maximumAvailable, currentlyAvailable, restoreRate };
		}
	}
	return out;
}

/** Records the cost extension of one answer into the budget. */
export function recordCost(
	budget: CostBudget,
	extensions: unknown,
	now: number,
	documentKey?: string,
): CostExtension | undefined {
	const cost = parseCostExtension(extensions);
	if (!cost) return undefined;
	if (cost.throttleStatus) {
		budget.throttle = cost.throttleStatus;
		budget.observedAt = now;
	}
	if (cost.actualQueryCost !== undefined) budget.costUsed += cost.actualQueryCost;
	if (documentKey !== undefined && cost.requestedQueryCost !== undefined) {
		budget.requestedByDocument[documentKey] = cost.requestedQueryCost;
	}
	return cost;
}

/** Points the bucket holds at `now`, from the last known status and the restore rate. */
export function estimateAvailable(budget: CostBudget, now: number): number | undefined {
	const t = budget.throttle;
	if (!t || budget.observedAt === undefined) return undefined;
	const elapsedSeconds = Math.max(0, now - budget.observedAt) / 1000;
	return Math.min(t.maximumAvailable, t.currentlyAvailable + t.restoreRate * elapsedSeconds);
}

/**
 * Milliseconds to wait before a request of `cost` points can be afforded (0 = send now).
 * Unknown state (first call) → 0. A cost above the bucket size can never be afforded by waiting:
 * we wait until the bucket is full (Shopify then decides).
 */
export function msUntilAffordable(budget: CostBudget, cost: number, now: number): number {
	const t = budget.throttle;
	const available = estimateAvailable(budget, now);
	if (!t || available === undefined || !(cost > 0)) return 0;
	const target = Math.min(cost, t.maximumAvailable);
	if (available >= target) return 0;
	if (!(t.restoreRate > 0)) return 0;
	return Math.ceil(((target - available) / t.restoreRate) * 1000);
}

/** Wait after a THROTTLED answer: exactly what the restore rate needs to refill the missing points. */
export function throttledWaitMs(
	requestedCost: number,
	currentlyAvailable: number,
	restoreRate: number,
): number {
	if (!(restoreRate > 0)) return 1000;
	const missing = Math.max(0, requestedCost - currentlyAvailable);
	return Math.ceil((missing / restoreRate) * 1000);
}
