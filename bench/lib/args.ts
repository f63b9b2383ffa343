/** Command-line options of `npm run bench -- …` (parsed by bench/run.ts). */

export interface BenchOptions {
	/** Catalogue sizes (SKUs). */
	sizes: number[];
	/** Fraction of quantities that differ between FileMaker and Shopify. */
	changedFraction: number;
	/** FileMaker emulator latency per request (ms). */
	fmLatencyMs: number;
	/** Emulator clock speed-up per size (the same for both sides of one size). */
	speedUp: Map<number, number>;
	/** Records per FileMaker read request for the baseline's built-in FileMaker node (`limit`). */
	baselineFmPage: number;
	/** Which sides to run. */
	sides: ('ours' | 'baseline')[];
	/** Where the JSON goes ('' = bench/results/<date>-<host>.json). */
	out: string;
	/** Do not write the JSON file. */
	noWrite: boolean;
	/** Print child process output. */
	verbose: boolean;
	/** Workflow JSON run as "ours" ('' = the shipped workflows/filemaker-to-shopify-sync.json). */
	template: string;
	/** Write a V8 CPU profile of every measured process to .cache/bench/profiles/. */
	profile: boolean;
	/** Each measured process first runs its side once, untimed, on a small separate catalogue. */
	warmUp: boolean;
	/** Shopify plan of the emulator: Standard (bucket 2,000, restore 100/s) or Plus (20,000, 1,000/s). */
	plan: ShopifyPlan;
	/** Incremental runs: SKUs changed in FileMaker since the last run (ours only, unsped clock). */
	incremental: number[];
	/** Catalogue size of the incremental runs. */
	incrementalSize: number;
	/**
	 * Full sizes run the nightly chain of workflows/filemaker-to-shopify-incremental.json (Shopify's read
	 * started before the FileMaker read) instead of the sync template.
	 */
	nightly: boolean;
}

export type ShopifyPlan = 'standard' | 'plus';

/** The GraphQL bucket of each plan (FACTS: restore 100/s Standard, 1,000/s Plus; bucket seen at 20× the restore rate). */
export const PLAN_BUCKETS: Record<ShopifyPlan, { maximumAvailable: number; restoreRate: number }> = {
	standard: { maximumAvailable: 2000, restoreRate: 100 },
	plus: { maximumAvailable: 20_000, restoreRate: 1000 },
};

export const DEFAULTS = {
	sizes: [1000, 10_000, 50_000],
	changedFraction: 0.05,
	fmLatencyMs: 20,
	/** size → speed-up; sizes not listed use the entry of the next smaller listed size. */
	speedUp: '1000:1,10000:2,50000:3',
	baselineFmPage: 1000,
	incrementalSize: 250_000,
};

export const USAGE = `npm run bench -- [options]
  --sizes 1000,10000,50000      catalogue sizes (SKUs)
  --changed 0.05                fraction of quantities changed in FileMaker
  --fm-latency 20               FileMaker emulator latency per request, ms
  --speedup 1000:1,10000:2,50000:3
                                Shopify emulator clock speed-up per size (one number = every size);
                                both sides of a size run on the same clock
  --baseline-fm-page 1000       records per request for the built-in FileMaker node (baseline)
  --only ours|baseline          run one side only (no ratios)
  --out <file>                  JSON output path (default bench/results/<date>-<host>.json)
  --no-write                    do not write the JSON file
  --template <file>             run this workflow as "ours" (default workflows/filemaker-to-shopify-sync.json)
  --no-warm-up                  time the first run of a fresh process (default: one untimed warm-up run
                                on a 20-SKU catalogue first, as a long-running n8n instance is warm)
  --plan standard|plus          Shopify plan of the emulator: Standard (GraphQL bucket 2,000, restore 100/s,
                                default) or Plus (bucket 20,000, restore 1,000/s)
  --incremental 100,2500        also run the incremental template (ours only, clock ×1) with this many SKUs
                                changed in FileMaker since the last run
  --incremental-size 250000     catalogue size of the incremental runs
  --nightly                     full sizes run the nightly chain of the incremental template (Shopify's
                                bulk read started before the FileMaker read) instead of the sync template
  --sizes none                  no full-sync sizes (e.g. with --incremental only)
  --profile                     write a CPU profile of each measured process to .cache/bench/profiles/
  --verbose                     show the child processes' output`;

/**
 * Walks `--flag value` and `--flag=value` options (a lone `--` is skipped); `--help` prints `usage`
 * and exits. `handle` reads the flag's value with `value()` and returns false for a flag it does not know.
 */
export function walkOptions(argv: string[], usage: string, handle: (flag: string, value: () => string) => boolean): void {
	const args = argv.filter((a) => a !== '--');
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
		const value = () => {
			const v = inline ?? args[++i];
			if (v === undefined) throw new Error(`${flag} needs a value`);
			return v;
		};
		if (flag === '--help' || flag === '-h') {
			console.log(usage);
			process.exit(0);
		}
		if (!handle(flag, value)) throw new Error(`Unknown option ${arg}\n${usage}`);
	}
}

function parseSpeedUp(spec: string): Map<number, number> {
	const map = new Map<number, number>();
	const parts = spec.split(',').map((p) => p.trim()).filter(Boolean);
	if (parts.length === 1 && !parts[0].includes(':')) {
		map.set(0, Number(parts[0]));
		return map;
	}
	for (const part of parts) {
		const [size, factor] = part.split(':').map((v) => Number(v.replace(/_/g, '')));
		if (!(size >= 0) || !(factor > 0)) throw new Error(`--speedup: cannot read "${part}" (expected size:factor)`);
		map.set(size, factor);
	}
	return map;
}

export function speedUpFor(options: BenchOptions, size: number): number {
	let best = 1;
	let bestSize = -1;
	for (const [s, f] of options.speedUp) {
		if (s <= size && s > bestSize) {
			best = f;
			bestSize = s;
		}
	}
	return best;
}

export function parseArgs(argv: string[]): BenchOptions {
	const options: BenchOptions = {
		sizes: DEFAULTS.sizes,
		changedFraction: DEFAULTS.changedFraction,
		fmLatencyMs: DEFAULTS.fmLatencyMs,
		speedUp: parseSpeedUp(DEFAULTS.speedUp),
		baselineFmPage: DEFAULTS.baselineFmPage,
		sides: ['ours', 'baseline'],
		out: '',
		noWrite: false,
		verbose: false,
		template: '',
		profile: false,
		warmUp: true,
		plan: 'standard',
		incremental: [],
		incrementalSize: DEFAULTS.incrementalSize,
		nightly: false,
	};
	walkOptions(argv, USAGE, (flag, value) => {
		switch (flag) {
			case '--sizes': {
				const raw = value();
				options.sizes = raw === 'none' ? [] : raw
					.split(',')
					.map((s) => Number(s.trim().replace(/_/g, '')))
					.filter((n) => n > 0);
				return true;
			}
			case '--plan': {
				const plan = value();
				if (plan !== 'standard' && plan !== 'plus') throw new Error('--plan takes standard or plus');
				options.plan = plan;
				return true;
			}
			case '--incremental':
				options.incremental = value()
					.split(',')
					.map((s) => Number(s.trim().replace(/_/g, '')))
					.filter((n) => n > 0);
				return true;
			case '--nightly':
				options.nightly = true;
				return true;
			case '--incremental-size':
				options.incrementalSize = Number(value().replace(/_/g, ''));
				return true;
			case '--changed':
				options.changedFraction = Number(value());
				return true;
			case '--fm-latency':
				options.fmLatencyMs = Number(value());
				return true;
			case '--speedup':
			case '--speed-up':
				options.speedUp = parseSpeedUp(value());
				return true;
			case '--baseline-fm-page':
				options.baselineFmPage = Number(value());
				return true;
			case '--only': {
				const side = value();
				if (side !== 'ours' && side !== 'baseline') throw new Error('--only takes ours or baseline');
				options.sides = [side];
				return true;
			}
			case '--out':
				options.out = value();
				return true;
			case '--no-write':
				options.noWrite = true;
				return true;
			case '--template':
				options.template = value();
				return true;
			case '--no-warm-up':
				options.warmUp = false;
				return true;
			case '--profile':
				options.profile = true;
				return true;
			case '--verbose':
				options.verbose = true;
				return true;
			default:
				return false;
		}
	});
	if (!(options.changedFraction > 0 && options.changedFraction <= 1)) throw new Error('--changed must be in (0, 1]');
	if (!(options.fmLatencyMs >= 0)) throw new Error('--fm-latency must be >= 0');
	if (!options.sizes.length && !options.incremental.length) throw new Error('--sizes is empty (and no --incremental)');
	if (options.incremental.some((k) => k > options.incrementalSize)) throw new Error('--incremental: more changed SKUs than --incremental-size');
	return options;
}
