/**
 * The floor: the least time Shopify's cost model allows for the reads and writes a sync needs,
 * plus the round trips it cannot avoid, computed from figures of the same run.
 *
 *   W        = ⌈changed / 250⌉                            inventorySetQuantities calls (250 rows max per call)
 *   P        = P_read + W × C_write                       points needed
 *   T_points = max(0, P − B) / R                          Shopify seconds the leaky bucket imposes
 *              (B = bucket credit at the start, R = restore rate, as the emulator reports them)
 *   T_bulk   = the time Shopify takes to run a bulk query (bulk plan only; the emulator's modelled
 *              duration, on its clock)
 *   T_rt     = Σ round trips, one request at a time, each timed in the same run with the payload it
 *              carries (bench/lib/probe.ts)
 *   floor    = T_points / speedUp + T_rt                  seconds on the run's clock
 *
 * Reads, whichever of Shopify's two documented ways is cheaper:
 *  - bulk:  bulkOperationRunQuery (C_bulk points) + one status poll (C_poll) + the JSONL download
 *           (no points): max(rtt_bulk_run, T_bulk / speedUp) + rtt_min + rtt_download. The emulator
 *           answers bulkOperationRunQuery at once, builds the result in the background and counts
 *           T_bulk from the start; rtt_bulk_run is the probe's time until the result was ready.
 *  - paged: ⌈N / 250⌉ pages of inventoryLevels(first: 250) asking for the least a diff needs
 *           (item id, sku, the "available" quantity), priced by Shopify's rules at 1 + 2 + 250 × 3
 *           points per page; round trips ⌈N / 250⌉ × rtt_page.
 * Writes: W × rtt_write (a write of min(250, changed) rows).
 * FileMaker: login + ⌈N / L⌉ record reads + logout = 2 × rtt_fm_min + ⌈N / L⌉ × rtt_fm_page, L the
 * records per request the node used.
 *
 * The overlapping floor lets the reads that do not depend on each other run at the same time:
 *   T_fm_read   = 2 × rtt_fm_min + (1 + ⌈(⌈N / L⌉ − 1) / c⌉) × rtt_fm_page     the first page alone, then c at a time
 *   T_shop_read = the read's round trips above (bulk: max(rtt_bulk_run, T_bulk / speedUp) + rtt_min + rtt_download)
 *   overlap     = T_points / speedUp + max(T_fm_read, T_shop_read) + W × rtt_write
 * (the writes need both reads; c = FileMaker pages in flight, as the node reads).
 */
import type { FileMakerRtt, ShopifyRtt } from './probe';

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
	rtt: { shopify: ShopifyRtt; filemaker: FileMakerRtt };
	/** Shopify-clock ms a bulk query takes to complete (the emulator's bulkDurationMs). */
	bulkDurationMs: number;
	/** FileMaker pages in flight at once after the first (the node's Parallel Page Reads; default 1). */
	filemakerConcurrency?: number;
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
	/** Bulk query run time the emulator models, Shopify seconds (0 for paged; inside the Shopify round trips). */
	bulkSeconds: number;
	/** Shopify round trips (bulk wait included), real seconds. */
	shopifyRoundTripSeconds: number;
	/** FileMaker round trips, real seconds. */
	filemakerRoundTripSeconds: number;
	/** The floor on the run's clock (what the measured wall time is compared with), seconds. */
	seconds: number;
	/** FileMaker read with `filemakerConcurrency` pages in flight, real seconds. */
	filemakerReadSeconds: number;
	/** Shopify read (round trips, bulk wait included), real seconds. */
	shopifyReadSeconds: number;
	/** The overlapping floor: the two reads at the same time, then the writes (seconds, run's clock). */
	overlapSeconds: number;
}

export const PAGE = 250;
/** Cost of one full lean inventoryLevels page by Shopify's rules: location 1 + connection 2 + 250 × (node 1 + item 1 + quantities(names: 1 name) 1). */
export const LEAN_PAGE_COST = 1 + 2 + PAGE * 3;

export const FLOOR_FORMULA =
	'floor = max(0, P − B) / R / speedUp + T_rt_shopify + T_rt_filemaker; ' +
	'P = P_read + W × C_write, W = ⌈changed/250⌉; reads by the cheaper of bulk (P_read = C_bulkRun + C_poll, ' +
	'T_rt = max(rtt_bulk_run, T_bulk / speedUp) + rtt_min + rtt_jsonl_download, T_bulk = the bulk run time the emulator models) and paged ' +
	'(P_read = ⌈N/250⌉ × (1 + 2 + 250 × 3), T_rt = ⌈N/250⌉ × rtt_page), plus W × rtt_write; ' +
	'T_rt_filemaker = 2 × rtt_fm_min (login, logout) + ⌈N/L⌉ × rtt_fm_page (L records per request, as the node reads); ' +
	'B = bucket credit at the start, R = restore rate (points/s); every rtt is the median of that very request ' +
	'(same payload) timed in the same run by a bare HTTP client. Overlapping floor = T_points / speedUp + ' +
	'max(T_fm_read, T_shop_read) + W × rtt_write, T_fm_read = 2 × rtt_fm_min + (1 + ⌈(⌈N/L⌉ − 1)/c⌉) × rtt_fm_page ' +
	'(c FileMaker pages in flight), T_shop_read = the read round trips of the chosen plan.';

export function computeFloor(input: FloorInput): FloorPlan {
	const { shopify, filemaker } = input.rtt;
	const writes = Math.ceil(input.changed / PAGE);
	const writePoints = writes * input.costs.write;
	const pages = Math.ceil(input.items / PAGE);
	const plans = [
		{
			read: 'bulk' as const,
			readPoints: input.costs.bulkRun + input.costs.bulkPoll,
			readRoundTrips: 3,
			readMs:
				Math.max(shopify.bulkRunMs, input.bulkDurationMs / input.speedUp) + shopify.minMs + shopify.bulkDownloadMs,
			bulkSeconds: input.bulkDurationMs / 1000,
		},
		{
			read: 'paged' as const,
			readPoints: pages * LEAN_PAGE_COST,
			readRoundTrips: pages,
			readMs: pages * shopify.leanPageMs,
			bulkSeconds: 0,
		},
	];
	const filemakerPages = Math.ceil(input.items / Math.max(1, filemaker.pageSize));
	const filemakerRoundTrips = 2 + filemakerPages;
	const filemakerRoundTripSeconds = (2 * filemaker.minMs + filemakerPages * filemaker.pageMs) / 1000;
	const concurrency = Math.max(1, Math.floor(input.filemakerConcurrency ?? 1));
	const filemakerReadSeconds =
		(2 * filemaker.minMs + (1 + Math.ceil(Math.max(0, filemakerPages - 1) / concurrency)) * filemaker.pageMs) / 1000;
	let best: FloorPlan | undefined;
	let overlapSeconds = Infinity;
	for (const plan of plans) {
		const points = plan.readPoints + writePoints;
		const pointsSeconds = Math.max(0, points - input.bucket.initiallyAvailable) / input.bucket.restoreRate;
		const shopifyRoundTripSeconds = (plan.readMs + writes * shopify.writeMs) / 1000;
		const seconds = pointsSeconds / input.speedUp + shopifyRoundTripSeconds + filemakerRoundTripSeconds;
		const shopifyReadSeconds = plan.readMs / 1000;
		const planOverlapSeconds =
			pointsSeconds / input.speedUp + Math.max(filemakerReadSeconds, shopifyReadSeconds) + (writes * shopify.writeMs) / 1000;
		const candidate: FloorPlan = {
			read: plan.read,
			readPoints: plan.readPoints,
			writePoints,
			points,
			writes,
			shopifyRoundTrips: plan.readRoundTrips + writes,
			filemakerRoundTrips,
			pointsSeconds,
			bulkSeconds: plan.bulkSeconds,
			shopifyRoundTripSeconds,
			filemakerRoundTripSeconds,
			seconds,
			filemakerReadSeconds,
			shopifyReadSeconds,
			overlapSeconds: planOverlapSeconds,
		};
		if (!best || candidate.seconds < best.seconds) best = candidate;
		overlapSeconds = Math.min(overlapSeconds, candidate.overlapSeconds);
	}
	// Each floor is the least over the read plans (at the sizes measured both pick the bulk read).
	return { ...best!, overlapSeconds };
}
