/**
 * What the bench parent (bench/run.ts, which owns the emulators) tells a measured child process
 * (bench/sides/*.ts, one process per measurement) and what the child reports back. Both are JSON
 * files whose paths are the child's two arguments.
 */

export interface SideConfig {
	side: 'ours' | 'baseline';
	size: number;
	filemaker: {
		/** Base URL of the FileMaker emulator (plain HTTP; ours). */
		url: string;
		/** host:port of the HTTPS front of the same emulator (the built-in FileMaker node only speaks https://). */
		httpsHost: string;
		database: string;
		layout: string;
		username: string;
		password: string;
	};
	shopify: {
		url: string;
		accessToken: string;
		apiVersion: string;
		locationId: string;
		locationName: string;
	};
	/** Baseline only: records per request for the built-in FileMaker node. */
	baselineFmPage: number;
	/** Shopify emulator clock speed-up of this measurement (the same for both sides). */
	speedUp: number;
	/** The shipped template (workflow JSON), ours only. */
	templatePath?: string;
	/** Trigger node the template is run from (default: its Manual Trigger), ours only. */
	startNode?: string;
	/** Baseline only. */
	baseline?: {
		/** sku → numeric inventory_item_id: the map the old service kept (see bench/sides/baseline.ts). */
		mapping: Record<string, number>;
		locationNumericId: number;
	};
	/**
	 * A run of the same side, untimed, before the timed one, against separate small emulators (a
	 * long-running n8n instance has loaded its modules and compiled its hot paths already).
	 */
	warmUp?: Pick<SideConfig, 'size' | 'filemaker' | 'shopify' | 'baseline'>;
}

export interface SideResult {
	ok: boolean;
	error?: string;
	/** Wall time of the sync itself (module loading excluded), ms. */
	wallMs: number;
	/** process.resourceUsage().maxRSS at the end, bytes. */
	peakRssBytes: number;
	/** Heap used at the end (diagnostic). */
	heapUsedBytes: number;
	/** Phases inside the sync, ms (diagnostic). */
	phases: Record<string, number>;
	/** Side-specific figures (e.g. items written, REST 429s seen). */
	details: Record<string, unknown>;
	/** Date.now() when the sync started. */
	startedAtEpochMs?: number;
}
