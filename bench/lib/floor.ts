/**
 * The floor: the least time Shopify's cost model allows for the reads and writes a sync needs,
 * plus the round trips it cannot avoid, computed from figures of the same run.
 *
 *   P        = P_read + W × C_write                       points needed
 *   W        = ⌈changed / 250⌉                            inventorySetQuantities calls (250 rows max per call)
 *   T_points = max(0, P − B) / R                          Shopify seconds the leaky bucket imposes
 *              (B = bucket credit at the start, R = restore rate; both as the emulator reports them)
 *   T_rt     = RT_shopify × rtt_shopify + RT_fm × rtt_fm  one request at a time
 *   T_bulk   = the time Shopify takes to run a bulk query (bulk plan only; the emulator's modelled
 *              duration, on its clock)
 *   floor    = (T_points + T_bulk) / speedUp + T_rt       seconds on the run's clock
 *
 * P_read and RT_shopify come from the cheaper of the two documented ways to read every level:
 *  - bulk:  bulkOperationRunQuery (a mutation, C_bulk points) + one currentBulkOperation/node poll
 *           (C_poll) + the JSONL download (no points): 3 round trips, plus T_bulk.
 *  - paged: ⌈N / 250⌉ pages of inventoryLevels(first: 250) asking for the least a diff needs
 *           (item id, sku, the "available" quantity), priced by Shopify's rules: 2 + 250 × 3 + 1
 *           (location) per full page.
 * RT_fm = login + ⌈N / L⌉ record reads + logout, with L the records per request the node used.
 * rtt_* = median round trip of a minimal request measured on the same emulators in the same run.
 */

export interface FloorInput {
	items: number;
	changed: number;
	bucket: { initiallyAvailable: number; restoreRate: number };
	speedUp: number;
	costs: {
		/** Points of one inventorySetQuantities call (measured; Shopify: 10 per mutation field). */
		write: number;
		/** Points of bulkOperationRunQuery (measured or 10). */
		bulkRun: number;
		/** Points of one bulk status poll (measured or 1). */
		bulkPoll: number;
	};
	rttMs: { shopify: number; filemaker: number };
	/** Shopify-clock ms a bulk query takes to complete (the emulator's bulkDurationMs). */
	bulkDurationMs: number;
	/** Records per FileMaker read request (the node's page size). */
	filemakerPage: number;
}

export interface FloorPlan {
	read: 'bulk' | 'paged';
	readPoints: number;
	writePoints: number;
	points: number;
	writes: number;
	shopifyRoundTrips: number;
	filemakerRoundTrips: number;
	/** max(0, P − B) / R in Shopify seconds (emulated clock). */
	pointsSeconds: number;
	/** Bulk query run time in Shopify seconds (0 for paged). */
	bulkSeconds: number;
	/** Round-trip time, real seconds. */
	roundTripSeconds: number;
	/** The floor on the run's clock (what the measured wall time is compared with), seconds. */
	seconds: number;
}

export const PAGE = 250;
/** Cost of one full lean inventoryLevels page by Shopify's rules: location 1 + connection 2 + 250 × (node 1 + item 1 + quantities(names: 1) 1). */
export const LEAN_PAGE_COST = 1 + 2 + PAGE * 3;

export const FLOOR_FORMULA =
	'floor = (max(0, P − B) / R + T_bulk) / speedUp + RT_shopify × rtt_shopify + RT_fm × rtt_fm; ' +
	'P = P_read + ⌈changed/250⌉ × C_write; P_read and RT_shopify from the cheaper of a bulk read ' +
	'(C_bulkRun + C_poll points, 3 round trips, T_bulk = the bulk query run time the emulator models) and a paged read (T_bulk = 0) (⌈N/250⌉ pages × (1 + 2 + 250 × 3) points, ⌈N/250⌉ round trips) ' +
	'plus ⌈changed/250⌉ write round trips; RT_fm = 2 + ⌈N/L⌉ (login, reads of L records, logout); ' +
	'B = bucket credit at the start, R = restore rate (points/s), rtt = median minimal round trip measured in the same run.';

export function computeFloor(input: FloorInput): FloorPlan {
	const writes = Math.ceil(input.changed / PAGE);
	const writePoints = writes * input.costs.write;
	const pages = Math.ceil(input.items / PAGE);
	const plans = [
		{ read: 'bulk' as const, readPoints: input.costs.bulkRun + input.costs.bulkPoll, readRoundTrips: 3, bulkSeconds: input.bulkDurationMs / 1000 },
		{ read: 'paged' as const, readPoints: pages * LEAN_PAGE_COST, readRoundTrips: pages, bulkSeconds: 0 },
	];
	const filemakerRoundTrips = 2 + Math.ceil(input.items / Math.max(1, input.filemakerPage));
	let best: FloorPlan | undefined;
	for (const plan of plans) {
		const points = plan.readPoints + writePoints;
		const pointsSeconds = Math.max(0, points - input.bucket.initiallyAvailable) / input.bucket.restoreRate;
		const shopifyRoundTrips = plan.readRoundTrips + writes;
		const roundTripSeconds =
			(shopifyRoundTrips * input.rttMs.shopify + filemakerRoundTrips * input.rttMs.filemaker) / 1000;
		const seconds = (pointsSeconds + plan.bulkSeconds) / input.speedUp + roundTripSeconds;
		const candidate: FloorPlan = {
			read: plan.read,
			readPoints: plan.readPoints,
			writePoints,
			points,
			writes,
			shopifyRoundTrips,
			filemakerRoundTrips,
			pointsSeconds,
			bulkSeconds: plan.bulkSeconds,
			roundTripSeconds,
			seconds,
		};
		if (!best || candidate.seconds < best.seconds) best = candidate;
	}
	return best!;
}
