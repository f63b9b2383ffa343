/**
 * `npm run bench`: the sync template (ours) against what a user would otherwise build (baseline)
 * and against the floor Shopify's cost model allows, on the same emulators, in one run.
 * Method, formula and measured figures: bench/README.md.
 *
 * This process owns the emulators: Shopify (the Standard plan's leaky bucket and, where stated, a
 * faster clock) in this process, FileMaker (a per-request latency) in a child process of its own
 * (bench/lib/filemaker-process.ts), so neither waits on the other's CPU. Each measurement runs in its
 * own child process (bench/lib/child.ts) so its peak RSS is the n8n process's own.
 */
// First: graphql (the Shopify emulator) must see NODE_ENV=production when it is imported.
import { MEASURED_NODE_ENV, measuredEnv } from './lib/emulator-env';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startShopifyEmulator, type ShopifyEmulator } from '../test/emulators/shopify';
import { seedCatalogue as seedShopify } from '../test/emulators/shopify/catalogue';
import { parseArgs, PLAN_BUCKETS, speedUpFor, type BenchOptions } from './lib/args';
import { skuSearchCost } from '../nodes/ShopifyInventory/transport/inventory';
import { bundleSides, REPO_ROOT, runSide } from './lib/child';
import { computeFloor, FLOOR_FORMULA, type FloorPlan } from './lib/floor';
import { describeMachine } from './lib/machine';
import {
	averagePoints,
	fileMakerFigures,
	shopifyFigures,
	type FileMakerFigures,
	type ShopifyFigures,
} from './lib/metrics';
import { bundleFileMakerChild, startFileMakerProcess, type FileMakerProcess } from './lib/filemaker-process';
import type { FileMakerRequestLogEntry } from '../test/emulators/filemaker';
import { probeFileMaker, probeShopify, type FileMakerRtt, type ShopifyRtt } from './lib/probe';
import type { SideConfig, SideResult } from './lib/protocol';
import { makeIncrementalScenario, makeScenario, type Scenario } from './lib/scenario';
import { startTlsFront, type TlsFront } from './lib/tls-front';

const SHIPPED_TEMPLATE = path.join(REPO_ROOT, 'workflows', 'filemaker-to-shopify-sync.json');
let TEMPLATE = SHIPPED_TEMPLATE;
/** The incremental chain of this template runs for the incremental scenarios (its Manual Trigger). */
const INCREMENTAL_TEMPLATE = path.join(REPO_ROOT, 'workflows', 'filemaker-to-shopify-incremental.json');
/** The trigger of the incremental template's nightly chain (`--nightly`). */
const NIGHTLY_TRIGGER = 'Every night at 2:00';
/** FileMaker pages the template's Get Many reads at a time (its Parallel Page Reads default). */
const FILEMAKER_PAGES_IN_FLIGHT = 4;
const FM_ACCOUNT = { username: 'admin', password: 'secret' };
const SHOPIFY_TOKEN = 'shpat_test_token';
const SHOPIFY_API_VERSION = '2026-10';
const LAYOUT = 'Stock';
/** Shopify-clock ms the emulator takes to run a bulk query (its default, set explicitly so the floor knows it). */
const BULK_DURATION_MS = 500;
/** Catalogue size of the untimed warm-up run each measured process does first. */
const WARM_UP_SKUS = 20;

interface SideReport {
	side: 'ours' | 'baseline';
	ok: boolean;
	error?: string;
	wallSeconds: number;
	/** wallSeconds × speedUp: the seconds that passed on the Shopify emulator's clock. */
	shopifyClockSeconds: number;
	peakRssMB: number;
	processSeconds: number;
	shopify: ShopifyFigures;
	filemaker: FileMakerFigures;
	/** SKUs whose Shopify available differs from FileMaker after the sync (0 = correct). */
	mismatchesAfter: number;
	phasesMs: Record<string, number>;
	/**
	 * When each request finished, ms after the sync started (FileMaker: arrival; record reads
	 * summarised). Shopify-clock times are converted back to real time. Not for REST-heavy runs.
	 */
	timeline?: [number, string][];
	details: Record<string, unknown>;
}

interface SizeReport {
	/** full: the sync template; incremental: the incremental chain after `changed` FileMaker changes. */
	kind: 'full' | 'incremental';
	plan: string;
	size: number;
	changed: number;
	speedUp: number;
	fmLatencyMs: number;
	bucket: { maximumAvailable: number; initiallyAvailable: number; restoreRate: number };
	/** Round trips measured for the floor (bench/lib/probe.ts). */
	rtt?: { shopify: ShopifyRtt; filemaker: FileMakerRtt };
	ours?: SideReport;
	baseline?: SideReport;
	floor?: FloorPlan & { inputs: Record<string, unknown> };
	ratios: { oursOverBaseline?: number; baselineOverOurs?: number; oursOverFloor?: number; oursOverOverlapFloor?: number };
	targets: Record<string, { target: string; value: string; met: boolean | null }>;
}

const MB = 1024 * 1024;
const round = (n: number, d = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : n);

function log(line = '') {
	process.stdout.write(`${line}\n`);
}

async function startEmulators(options: BenchOptions, speedUp: number) {
	const fm = await startFileMakerProcess({ latencyMs: options.fmLatencyMs, accounts: [FM_ACCOUNT] });
	const shop = await startShopifyEmulator({ clock: { speedUp }, bulkDurationMs: BULK_DURATION_MS, bucket: PLAN_BUCKETS[options.plan] });
	return { fm, shop };
}

async function closeEmulators(e: { fm: FileMakerProcess; shop: ShopifyEmulator }) {
	await e.shop.close();
	await e.fm.close();
}

async function seed(e: { fm: FileMakerProcess; shop: ShopifyEmulator }, scenario: Scenario) {
	if (scenario.recentlyModified) {
		// Incremental: every record last modified an hour ago, the changed ones a second ago.
		await e.fm.seedModifiedCatalogue(LAYOUT, scenario.fileMaker, [...scenario.recentlyModified], 60 * 60_000, 1000);
	} else await e.fm.seedCatalogue(LAYOUT, scenario.size);
	seedShopify(e.shop, scenario.size, { available: (i) => scenario.shopify[i - 1] });
	const fmQuantities = await e.fm.quantities(LAYOUT, 'Quantity');
	for (let i = 0; i < scenario.size; i++) {
		if (fmQuantities[i] !== scenario.fileMaker[i]) {
			throw new Error('The FileMaker catalogue is not the one the scenario expects (seedCatalogue changed?)');
		}
	}
}

function mismatches(shop: ShopifyEmulator, locationId: string, scenario: Scenario): number {
	const levels = shop.levels(locationId);
	let wrong = 0;
	for (let i = 0; i < scenario.size; i++) {
		const sku = `SKU-${String(i + 1).padStart(6, '0')}`;
		if (levels.get(sku)?.available !== scenario.fileMaker[i]) wrong++;
	}
	return wrong;
}

/** Round trips for the floor, on a third pair of emulators set up like the measured ones. */
async function probeRoundTrips(
	options: BenchOptions,
	scenario: Scenario,
	speedUp: number,
	filemakerPage: number,
): Promise<{ shopify: ShopifyRtt; filemaker: FileMakerRtt }> {
	const emulators = await startEmulators(options, speedUp);
	try {
		const { fm, shop } = emulators;
		await seed(emulators, scenario);
		const location = shop.location();
		const filemaker = await probeFileMaker({
			url: fm.url,
			database: fm.database,
			layout: LAYOUT,
			...FM_ACCOUNT,
			pageSize: filemakerPage,
			records: scenario.size,
		});
		const items = [...shop.levels(location.id).values()].map((l) => ({ inventoryItemId: l.inventoryItemId, available: l.available }));
		const shopify = await probeShopify({
			url: shop.url,
			accessToken: SHOPIFY_TOKEN,
			apiVersion: SHOPIFY_API_VERSION,
			locationId: location.id,
			items,
			writeRows: scenario.changed,
			sleepUntilBulkDone: () => new Promise((resolve) => setTimeout(resolve, Math.ceil(BULK_DURATION_MS / speedUp) + 10)),
		});
		const r3 = (n: number) => round(n, 3);
		return {
			filemaker: { ...filemaker, minMs: r3(filemaker.minMs), pageMs: r3(filemaker.pageMs) },
			shopify: {
				...shopify,
				minMs: r3(shopify.minMs),
				writeMs: r3(shopify.writeMs),
				leanPageMs: r3(shopify.leanPageMs),
				bulkRunMs: r3(shopify.bulkRunMs),
				bulkDownloadMs: r3(shopify.bulkDownloadMs),
			},
		};
	} finally {
		await closeEmulators(emulators);
	}
}

/** Emulators of one measurement, seeded with the scenario, as the side's config sees them. */
async function setUp(
	side: 'ours' | 'baseline',
	scenario: Scenario,
	options: BenchOptions,
	speedUp: number,
): Promise<{
	fm: FileMakerProcess;
	shop: ShopifyEmulator;
	tls?: TlsFront;
	target: Pick<SideConfig, 'size' | 'filemaker' | 'shopify' | 'baseline'>;
	close(): Promise<void>;
}> {
	const emulators = await startEmulators(options, speedUp);
	const { fm, shop } = emulators;
	await seed(emulators, scenario);
	const location = shop.location();
	const tls = side === 'baseline' ? await startTlsFront(fm.url) : undefined;
	const target: Pick<SideConfig, 'size' | 'filemaker' | 'shopify' | 'baseline'> = {
		size: scenario.size,
		filemaker: {
			url: fm.url,
			httpsHost: tls?.hostPort ?? '',
			database: fm.database,
			layout: LAYOUT,
			...FM_ACCOUNT,
		},
		shopify: {
			url: shop.url,
			accessToken: SHOPIFY_TOKEN,
			apiVersion: SHOPIFY_API_VERSION,
			locationId: location.id,
			locationName: location.name,
		},
	};
	if (side === 'baseline') {
		const mapping: Record<string, number> = {};
		for (const [sku, level] of shop.levels(location.id)) mapping[sku] = Number(level.inventoryItemId.split('/').pop());
		target.baseline = { mapping, locationNumericId: Number(location.id.split('/').pop()) };
	}
	return {
		fm,
		shop,
		tls,
		target,
		async close() {
			await tls?.close();
			await closeEmulators(emulators);
		},
	};
}

async function measure(
	side: 'ours' | 'baseline',
	scenario: Scenario,
	options: BenchOptions,
	speedUp: number,
	bundles: Record<'ours' | 'baseline', string>,
): Promise<{ report: SideReport; bucket: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } }> {
	const main = await setUp(side, scenario, options, speedUp);
	const warm = options.warmUp ? await setUp(side, makeScenario(WARM_UP_SKUS, options.changedFraction), options, speedUp) : undefined;
	try {
		const { fm, shop } = main;
		const location = shop.location();
		const config: SideConfig = {
			side,
			speedUp,
			baselineFmPage: options.baselineFmPage,
			templatePath: scenario.recentlyModified || options.nightly ? INCREMENTAL_TEMPLATE : TEMPLATE,
			...(options.nightly && !scenario.recentlyModified ? { startNode: NIGHTLY_TRIGGER } : {}),
			...main.target,
			warmUp: warm?.target,
		};
		const bucket = shop.bucketState(SHOPIFY_TOKEN);
		await fm.clearRequestLog();
		shop.requestLog.length = 0;
		const clockAt = { real: Date.now(), shopify: shop.clock.now() };
		const child = await runSide(bundles[side], config, {
			verbose: options.verbose,
			profile: options.profile,
			baseEnv: measuredEnv(),
			env: side === 'baseline' ? { NODE_TLS_REJECT_UNAUTHORIZED: '0', NODE_NO_WARNINGS: '1' } : {},
		});
		const result: SideResult = child.result;
		const fmLog = await fm.requestLog();
		const shopify = shopifyFigures(shop.requestLog);
		const filemaker = fileMakerFigures(fmLog, await fm.stats());
		const report: SideReport = {
			side,
			ok: result.ok,
			error: result.error,
			wallSeconds: round(result.wallMs / 1000, 3),
			shopifyClockSeconds: round((result.wallMs / 1000) * speedUp, 2),
			peakRssMB: round(result.peakRssBytes / MB, 1),
			processSeconds: round(child.processMs / 1000, 2),
			shopify,
			filemaker,
			mismatchesAfter: mismatches(shop, location.id, scenario),
			phasesMs: result.phases,
			timeline: result.startedAtEpochMs ? timeline(fmLog, shop, clockAt, speedUp, result.startedAtEpochMs) : undefined,
			details: result.details,
		};
		if (!result.ok) {
			log(`  ! ${side} failed: ${result.error?.split('\n').slice(0, 6).join('\n    ')}`);
			if (!options.verbose && child.stderr.trim()) log(`    stderr (tail):\n${child.stderr.slice(-2000)}`);
		}
		return { report, bucket };
	} finally {
		await warm?.close();
		await main.close();
	}
}

function timeline(
	fmLog: FileMakerRequestLogEntry[],
	shop: ShopifyEmulator,
	clockAt: { real: number; shopify: number },
	speedUp: number,
	syncStart: number,
): [number, string][] | undefined {
	if (shop.requestLog.length > 200) return undefined;
	const events: [number, string][] = [];
	const reads = fmLog.filter((e) => /\/(records|_find)$/.test(e.path));
	for (const e of fmLog) if (!reads.includes(e)) events.push([e.at - syncStart, `FileMaker ${e.method} ${e.path.split('/').slice(-1)[0]}`]);
	if (reads.length) {
		events.push([reads[0].at - syncStart, `FileMaker first record read (${reads.length} reads)`]);
		events.push([reads[reads.length - 1].at - syncStart, 'FileMaker last record read']);
	}
	for (const e of shop.requestLog) {
		const real = clockAt.real + (e.at - clockAt.shopify) / speedUp;
		events.push([real - syncStart, `Shopify ${e.operationName ?? e.path.replace(/^\/admin\/api\/[^/]+\//, '')} done`]);
	}
	return events.sort((a, b) => a[0] - b[0]).map(([t, label]) => [Math.round(t), label]);
}

function evaluate(report: SizeReport, options: BenchOptions) {
	const { ours, baseline } = report;
	const writesNeeded = Math.ceil(report.changed / 250);
	if (ours?.ok && baseline?.ok) {
		report.ratios.oursOverBaseline = round(ours.wallSeconds / baseline.wallSeconds, 5);
		const faster = baseline.wallSeconds / ours.wallSeconds;
		report.ratios.baselineOverOurs = round(faster, faster < 10 ? 2 : 1);
	}
	if (ours?.ok) {
		const write = averagePoints(ours.shopify, 'InventorySetQuantities') ?? 10;
		const bulkRun = averagePoints(ours.shopify, 'BulkRunQuery') ?? 10;
		const bulkPoll = ours.shopify.byOperation.BulkOperationStatus
			? (averagePoints(ours.shopify, 'BulkOperationStatus') ?? 1)
			: 1;
		const inputs = {
			items: report.size,
			changed: report.changed,
			bucket: { initiallyAvailable: report.bucket.initiallyAvailable, restoreRate: report.bucket.restoreRate },
			speedUp: report.speedUp,
			costs: { write: round(write, 2), bulkRun: round(bulkRun, 2), bulkPoll: round(bulkPoll, 2) },
			rtt: report.rtt!,
			bulkDurationMs: BULK_DURATION_MS,
			filemakerConcurrency: FILEMAKER_PAGES_IN_FLIGHT,
		};
		const plan = computeFloor(inputs);
		report.floor = { ...plan, inputs };
		report.ratios.oursOverFloor = round(ours.wallSeconds / plan.seconds, 2);
		report.ratios.oursOverOverlapFloor = round(ours.wallSeconds / plan.overlapSeconds, 2);
	}
	const t = report.targets;
	t.speedup = {
		target: '≥ 50× faster than the baseline',
		value: report.ratios.baselineOverOurs !== undefined ? `${report.ratios.baselineOverOurs}×` : 'n/a',
		met: report.ratios.baselineOverOurs !== undefined ? report.ratios.baselineOverOurs >= 50 : null,
	};
	t.writes = {
		target: `Shopify write calls = ⌈changed/250⌉ = ${writesNeeded}`,
		value: ours ? String(ours.shopify.writes) : 'n/a',
		met: ours?.ok ? ours.shopify.writes === writesNeeded : null,
	};
	t.floor = {
		target: '≤ 2× the floor',
		value: report.ratios.oursOverFloor !== undefined ? `${report.ratios.oursOverFloor}×` : 'n/a',
		met: report.ratios.oursOverFloor !== undefined ? report.ratios.oursOverFloor <= 2 : null,
	};
	const rssLimit = report.size > 50_000 ? 600 : 400;
	t.rss = {
		target: `peak RSS < ${rssLimit} MB`,
		value: ours?.ok ? `${ours.peakRssMB} MB` : 'n/a',
		met: ours?.ok ? ours.peakRssMB < rssLimit : null,
	};
	if (report.size > 50_000) {
		t.overlapFloor = {
			target: '≤ 1.3× the overlapping floor',
			value: report.ratios.oursOverOverlapFloor !== undefined ? `${report.ratios.oursOverOverlapFloor}×` : 'n/a',
			met: report.ratios.oursOverOverlapFloor !== undefined ? report.ratios.oursOverOverlapFloor <= 1.3 : null,
		};
	}
	t.sessions = {
		target: 'one FileMaker session per sync',
		value: ours
			? `${ours.filemaker.logins} login(s), ${ours.filemaker.maxActiveSessions} at most open at once, ${ours.filemaker.openAtEnd} left open for the next run`
			: 'n/a',
		met: ours?.ok ? ours.filemaker.logins === 1 : null,
	};
	t.correct = {
		target: 'Shopify equals FileMaker afterwards',
		value: [ours && `ours ${ours.mismatchesAfter} wrong`, baseline && `baseline ${baseline.mismatchesAfter} wrong`]
			.filter(Boolean)
			.join(', '),
		met: [ours, baseline].every((s) => !s || (s.ok && s.mismatchesAfter === 0)),
	};
	void options;
}

/**
 * Requests of one incremental run with k SKUs changed in FileMaker (none of them in a pending event or a
 * recent order), as the template sends them. Shopify searches cost 5 points per SKU: when they would
 * cost more than the bucket holds (k > about 400 on Standard), Sync reads the location with one bulk
 * operation instead (a few points, but proportional to the catalogue's size in JSONL).
 */
const SKUS_PER_SEARCH = 50;
const FILEMAKER_PAGE = 1000;
const INCREMENTAL_FORMULA =
	'Shopify = 1 (catch-up orders page) + ⌈k/50⌉ (exact SKU searches, + 1 per extra page of near misses) + 1 (hold-back orders page) + ⌈d/250⌉ (writes, d = SKUs that differ); ' +
	'FileMaker = 1 (apply pending: find of pending events) + 1 (pending sales: the same find) + ⌈k/1000⌉ (modified-since find pages) (+ 1 login without a valid session); ' +
	'so 4 + ⌈k/50⌉ + ⌈k/250⌉ requests in all for k changed SKUs, whatever the catalogue size';

function incrementalShopifyCalls(k: number, differing: number): number {
	return 1 + Math.ceil(k / SKUS_PER_SEARCH) + 1 + Math.ceil(differing / 250);
}

/** Whether Sync reads k SKUs with searches (else one bulk read): the searches' points fit the bucket. */
function incrementalUsesSearches(k: number, bucket: number): boolean {
	return skuSearchCost(Array.from({ length: k }, (_, i) => `SKU-${i}`)) <= bucket;
}

/** Shopify requests of the bulk plan, p status polls: catch-up, bulk run, p polls, JSONL, hold-back, writes. */
function incrementalBulkShopifyCalls(differing: number, polls: number): number {
	return 1 + 1 + polls + 1 + 1 + Math.ceil(differing / 250);
}

function evaluateIncremental(report: SizeReport) {
	const ours = report.ours;
	const t = report.targets;
	const k = report.changed;
	const searches = ours?.shopify.byOperation.InventoryItemsBySkusPage?.calls ?? 0;
	const polls = ours?.shopify.byOperation.BulkOperationStatus?.calls ?? 0;
	// The issue states the time target for 100 changed SKUs; larger runs are reported, not judged.
	const timed = k <= 100;
	t.wall = {
		target: timed ? 'incremental run < 2 s (FileMaker latency 20 ms)' : 'incremental run time (the < 2 s target is stated for 100 changed)',
		value: ours?.ok ? `${ours.wallSeconds} s` : 'n/a',
		met: ours?.ok && timed ? ours.wallSeconds < 2 : null,
	};
	const bySearch = incrementalUsesSearches(k, report.bucket.initiallyAvailable);
	const expectedShopify = bySearch ? incrementalShopifyCalls(k, k) : incrementalBulkShopifyCalls(k, Math.max(1, polls));
	t.requests = {
		target: bySearch
			? `Shopify requests = 2 + ⌈k/50⌉ + ⌈k/250⌉ = ${expectedShopify} (searches ${Math.ceil(k / SKUS_PER_SEARCH)}), FileMaker requests 2 + ⌈k/1000⌉ = ${2 + Math.ceil(k / FILEMAKER_PAGE)} (+ login)`
			: `searches would exceed the ${report.bucket.initiallyAvailable}-point bucket, so one bulk read: Shopify requests = 4 + polls + ⌈k/250⌉ = ${expectedShopify} (no search), FileMaker requests 2 + ⌈k/1000⌉ = ${2 + Math.ceil(k / FILEMAKER_PAGE)} (+ login)`,
		value: ours
			? `Shopify ${ours.shopify.calls} (searches ${searches}, writes ${ours.shopify.writes}, bulk ${ours.shopify.byOperation.BulkRunQuery?.calls ?? 0}, polls ${polls}), FileMaker ${ours.filemaker.requests} (${ours.filemaker.reads} reads)`
			: 'n/a',
		met: ours?.ok
			? ours.shopify.calls === expectedShopify &&
				(bySearch ? searches === Math.ceil(k / SKUS_PER_SEARCH) : searches === 0) &&
				ours.filemaker.reads === 2 + Math.ceil(k / FILEMAKER_PAGE)
			: null,
	};
	t.writes = {
		target: `Shopify write calls = ⌈changed/250⌉ = ${Math.ceil(k / 250)}`,
		value: ours ? String(ours.shopify.writes) : 'n/a',
		met: ours?.ok ? ours.shopify.writes === Math.ceil(k / 250) : null,
	};
	t.sessions = {
		target: 'one FileMaker session',
		value: ours ? `${ours.filemaker.logins} login(s)` : 'n/a',
		met: ours?.ok ? ours.filemaker.logins === 1 : null,
	};
	t.correct = {
		target: 'Shopify equals FileMaker afterwards',
		value: ours ? `${ours.mismatchesAfter} wrong` : 'n/a',
		met: ours ? ours.ok && ours.mismatchesAfter === 0 : null,
	};
}

function fmtInt(n: number | undefined): string {
	return n === undefined || !Number.isFinite(n) ? 'n/a' : Math.round(n).toLocaleString('en-US');
}

function fmtSec(n: number | undefined): string {
	if (n === undefined || !Number.isFinite(n)) return 'n/a';
	return n >= 100 ? n.toFixed(1) : n >= 10 ? n.toFixed(2) : n.toFixed(3);
}

function printSize(r: SizeReport) {
	const o = r.ours;
	const b = r.baseline;
	const f = r.floor;
	const pct = Math.round((r.changed / r.size) * 1000) / 10;
	log('');
	log(
		`== ${r.kind === 'incremental' ? 'incremental run: ' : ''}${r.size.toLocaleString('en-US')} SKUs, ${r.changed.toLocaleString('en-US')} changed (${pct} %) · Shopify ${r.plan} · FileMaker latency ${r.fmLatencyMs} ms · Shopify clock ×${r.speedUp}${r.speedUp !== 1 ? ' (both sides)' : ''} ==`,
	);
	const rows: [string, string, string, string][] = [['', 'ours', 'baseline', 'floor']];
	const side = (s: SideReport | undefined, fn: (s: SideReport) => string) => (s ? (s.ok ? fn(s) : 'FAILED') : '—');
	rows.push(['wall time, measured (s)', side(o, (s) => fmtSec(s.wallSeconds)), side(b, (s) => fmtSec(s.wallSeconds)), f ? fmtSec(f.seconds) : '—']);
	if (r.speedUp !== 1) {
		rows.push([
			`  × ${r.speedUp} = Shopify-clock s`,
			side(o, (s) => fmtSec(s.shopifyClockSeconds)),
			side(b, (s) => fmtSec(s.shopifyClockSeconds)),
			f ? fmtSec(f.seconds * r.speedUp) : '—',
		]);
	}
	const calls = (s: SideReport) => {
		const parts = [];
		if (s.shopify.graphqlQueries) parts.push(`${s.shopify.graphqlQueries} q`);
		if (s.shopify.graphqlMutations) parts.push(`${s.shopify.graphqlMutations} m`);
		if (s.shopify.rest) parts.push(`${s.shopify.rest} REST`);
		if (s.shopify.bulkDownloads) parts.push(`${s.shopify.bulkDownloads} dl`);
		return `${fmtInt(s.shopify.calls)} (${parts.join(', ')})`;
	};
	rows.push(['Shopify calls', side(o, calls), side(b, calls), f ? fmtInt(f.shopifyRoundTrips) : '—']);
	rows.push(['  write calls', side(o, (s) => fmtInt(s.shopify.writes)), side(b, (s) => fmtInt(s.shopify.writes)), f ? fmtInt(f.writes) : '—']);
	rows.push(['  throttled answers', side(o, (s) => fmtInt(s.shopify.throttled)), side(b, (s) => fmtInt(s.shopify.throttled)), '0']);
	rows.push([
		'Shopify points used',
		side(o, (s) => fmtInt(s.shopify.pointsUsed)),
		side(b, (s) => (s.shopify.rest ? `n/a (REST: ${fmtInt(s.shopify.rest)} calls)` : fmtInt(s.shopify.pointsUsed))),
		f ? fmtInt(f.points) : '—',
	]);
	rows.push(['FileMaker requests', side(o, (s) => fmtInt(s.filemaker.requests)), side(b, (s) => fmtInt(s.filemaker.requests)), f ? fmtInt(f.filemakerRoundTrips) : '—']);
	const sessions = (s: SideReport) =>
		`${s.filemaker.logins} (${s.filemaker.logouts} logged out${s.filemaker.openAtEnd ? `, ${s.filemaker.openAtEnd} kept for the next run` : ''})`;
	rows.push(['FileMaker sessions', side(o, sessions), side(b, sessions), '1']);
	rows.push(['peak RSS of the n8n process (MB)', side(o, (s) => s.peakRssMB.toFixed(0)), side(b, (s) => s.peakRssMB.toFixed(0)), '']);
	rows.push(['Shopify = FileMaker afterwards', side(o, (s) => (s.mismatchesAfter === 0 ? 'yes' : `${s.mismatchesAfter} wrong`)), side(b, (s) => (s.mismatchesAfter === 0 ? 'yes' : `${s.mismatchesAfter} wrong`)), '']);
	const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i].length)));
	for (const row of rows) {
		log(`  ${row[0].padEnd(widths[0])}  ${row[1].padStart(widths[1])}  ${row[2].padStart(widths[2])}  ${row[3].padStart(widths[3])}`);
	}
	if (r.ratios.oursOverBaseline !== undefined) {
		const x = r.ratios.baselineOverOurs!;
		log(
			`  ratio ours/baseline  ${r.ratios.oursOverBaseline} (${x >= 1 ? `${x}× faster` : `${round(1 / x, 1)}× slower`}, same clock)`,
		);
	}
	if (r.ratios.oursOverFloor !== undefined && f) {
		const rtt = r.rtt!;
		log(
			`  ratio ours/floor     ${r.ratios.oursOverFloor}   floor = ${fmtSec(f.pointsSeconds)} s for ${fmtInt(f.points)} points beyond the ${fmtInt(r.bucket.initiallyAvailable)} credit` +
				` ÷ ${r.speedUp} + Shopify round trips ${fmtSec(f.shopifyRoundTripSeconds)} s + FileMaker round trips ${fmtSec(f.filemakerRoundTripSeconds)} s`,
		);
		log(
			`                       (${f.read} read; rtt ms: Shopify min ${rtt.shopify.minMs}, bulk run ${rtt.shopify.bulkRunMs} (bulk time ${f.bulkSeconds * 1000} ms ÷ ${r.speedUp}), JSONL ${rtt.shopify.bulkDownloadMs}, write ${rtt.shopify.writeMs}, page ${rtt.shopify.leanPageMs}; FileMaker min ${rtt.filemaker.minMs}, ${rtt.filemaker.pageSize}-record page ${rtt.filemaker.pageMs})`,
		);
	}
	if (r.ratios.oursOverOverlapFloor !== undefined && f) {
		log(
			`  ratio ours/overlapping floor  ${r.ratios.oursOverOverlapFloor}   overlapping floor ${fmtSec(f.overlapSeconds)} s = max(FileMaker read ${fmtSec(f.filemakerReadSeconds)} s with ${FILEMAKER_PAGES_IN_FLIGHT} pages in flight, Shopify read ${fmtSec(f.shopifyReadSeconds)} s) + writes + points`,
		);
	}
	for (const [, t] of Object.entries(r.targets)) {
		log(`  ${t.met === null ? '·' : t.met ? '✓' : '✗'} ${t.target}: ${t.value}`);
	}
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	if (options.template) TEMPLATE = path.resolve(options.template);
	if (options.nightly && options.sides.includes('ours')) log(`ours: the nightly chain of ${path.relative(REPO_ROOT, INCREMENTAL_TEMPLATE)} (from "${NIGHTLY_TRIGGER}")`);
	const machine = describeMachine();
	const startedAt = new Date();
	log(`n8n-nodes-filemaker-shopify benchmark · ${startedAt.toISOString()}`);
	log(`machine: ${machine.cpuModel} × ${machine.cpuCount}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}`);
	log(
		`sizes ${options.sizes.join(', ')} · ${options.changedFraction * 100} % changed · FileMaker latency ${options.fmLatencyMs} ms · Shopify ${options.plan === 'plus' ? 'Plus' : 'Standard'} plan (GraphQL bucket ${PLAN_BUCKETS[options.plan].maximumAvailable}, restore ${PLAN_BUCKETS[options.plan].restoreRate}/s; REST bucket 40, 2/s)`,
	);
	if (options.sides.includes('ours') && !fs.existsSync(TEMPLATE)) throw new Error(`The sync template is missing: ${path.relative(REPO_ROOT, TEMPLATE)}`);
	const [bundles] = await Promise.all([bundleSides(), bundleFileMakerChild()]);

	const reports: SizeReport[] = [];
	for (const size of options.sizes) {
		const speedUp = speedUpFor(options, size);
		const scenario = makeScenario(size, options.changedFraction);
		const report: SizeReport = {
			kind: 'full',
			plan: options.plan,
			size,
			changed: scenario.changed,
			speedUp,
			fmLatencyMs: options.fmLatencyMs,
			bucket: { maximumAvailable: NaN, initiallyAvailable: NaN, restoreRate: NaN },
			ratios: {},
			targets: {},
		};
		for (const side of options.sides) {
			log(`  … ${size.toLocaleString('en-US')} SKUs: ${side}`);
			const { report: sideReport, bucket } = await measure(side, scenario, options, speedUp, bundles);
			report[side] = sideReport;
			report.bucket = {
				maximumAvailable: bucket.maximumAvailable,
				initiallyAvailable: bucket.currentlyAvailable,
				restoreRate: bucket.restoreRate,
			};
		}
		const oursReads = report.ours?.filemaker.reads ?? 0;
		const filemakerPage = oursReads > 0 ? Math.ceil(size / oursReads) : 1000;
		report.rtt = await probeRoundTrips(options, scenario, speedUp, filemakerPage);
		evaluate(report, options);
		printSize(report);
		reports.push(report);
	}

	for (const changed of options.incremental) {
		const scenario = makeIncrementalScenario(options.incrementalSize, changed);
		const report: SizeReport = {
			kind: 'incremental',
			plan: options.plan,
			size: scenario.size,
			changed,
			speedUp: 1,
			fmLatencyMs: options.fmLatencyMs,
			bucket: { maximumAvailable: NaN, initiallyAvailable: NaN, restoreRate: NaN },
			ratios: {},
			targets: {},
		};
		log(`  … incremental: ${changed.toLocaleString('en-US')} changed in ${scenario.size.toLocaleString('en-US')} SKUs: ours`);
		const { report: sideReport, bucket } = await measure('ours', scenario, options, 1, bundles);
		report.ours = sideReport;
		report.bucket = { maximumAvailable: bucket.maximumAvailable, initiallyAvailable: bucket.currentlyAvailable, restoreRate: bucket.restoreRate };
		evaluateIncremental(report);
		printSize(report);
		reports.push(report);
	}

	log('');
	log(`floor formula: ${FLOOR_FORMULA}`);
	log(`incremental requests: ${INCREMENTAL_FORMULA}`);
	if (reports.some((r) => r.speedUp !== 1)) {
		log(
			'clock speed-up: the Shopify emulator clock (bucket refill, REST leak, bulk completion) runs ×speedUp for BOTH sides of that size; FileMaker latency and CPU are real time. Wall times are measured, not extrapolated; "Shopify-clock s" = measured × speedUp.',
		);
	}
	if (!options.noWrite) {
		const file =
			options.out ||
			path.join(
				REPO_ROOT,
				'bench',
				'results',
				`${startedAt.toISOString().slice(0, 10)}-${os.hostname().replace(/[^A-Za-z0-9_.-]/g, '_')}.json`,
			);
		fs.mkdirSync(path.dirname(file), { recursive: true });
		const json = {
			generatedAt: startedAt.toISOString(),
			durationSeconds: round((Date.now() - startedAt.getTime()) / 1000, 1),
			machine,
			options: {
				sizes: options.sizes,
				changedFraction: options.changedFraction,
				fmLatencyMs: options.fmLatencyMs,
				speedUp: Object.fromEntries(options.sizes.map((s) => [s, speedUpFor(options, s)])),
				baselineFmPage: options.baselineFmPage,
				sides: options.sides,
				warmUp: options.warmUp ? `one untimed run of the same side on a ${WARM_UP_SKUS}-SKU catalogue (own emulators) in the measured process first` : 'none',
				shopifyPlan: `${options.plan === 'plus' ? 'Plus' : 'Standard'}: GraphQL bucket ${PLAN_BUCKETS[options.plan].maximumAvailable} points, restore ${PLAN_BUCKETS[options.plan].restoreRate} points/s; REST bucket 40, leak 2/s`,
				incremental: options.incremental.length ? { changed: options.incremental, catalogue: options.incrementalSize, template: 'workflows/filemaker-to-shopify-incremental.json (its incremental chain)' } : 'none',
				shopifyApiVersion: SHOPIFY_API_VERSION,
				processes: `Shopify emulator in the bench's process, FileMaker emulator in its own process, both with NODE_ENV=production; each measured n8n process with NODE_ENV=${MEASURED_NODE_ENV ?? '(unset)'}`,
			},
			floorFormula: FLOOR_FORMULA,
			incrementalFormula: INCREMENTAL_FORMULA,
			sizes: reports,
		};
		fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
		log(`results: ${path.relative(REPO_ROOT, file)}`);
	}
	const failed = reports.some((r) => (r.ours && !r.ours.ok) || (r.baseline && !r.baseline.ok));
	process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
	process.exit(1);
});
