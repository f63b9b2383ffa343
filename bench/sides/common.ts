/** Shared plumbing of the measured child processes (bench/sides/*.ts). */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

import type { SideConfig, SideResult } from '../lib/protocol';

export class Stopwatch {
	private t0 = NaN;
	/** Date.now() when the sync started (lines the emulators' request logs up with it). */
	startedAtEpochMs = NaN;
	private last = NaN;
	private end = NaN;
	readonly phases: Record<string, number> = {};

	/** The sync starts now (everything before is process start-up, not measured). */
	start(): void {
		this.t0 = performance.now();
		this.startedAtEpochMs = Date.now();
		this.last = this.t0;
	}

	/** Ends the current phase under `name`. */
	phase(name: string): void {
		const now = performance.now();
		this.phases[name] = (this.phases[name] ?? 0) + (now - this.last);
		this.last = now;
	}

	/** The sync is over. */
	stop(): void {
		this.end = performance.now();
	}

	get wallMs(): number {
		return (Number.isNaN(this.end) ? performance.now() : this.end) - this.t0;
	}
}

/**
 * process.memoryUsage() every `everyMs` while the sync runs (diagnostic: which phase holds the peak).
 * Each sample: [ms since the sync started, rss, heapUsed, external + arrayBuffers] in MB.
 */
export class MemorySampler {
	readonly samples: [number, number, number, number][] = [];
	private timer: NodeJS.Timeout | undefined;

	start(everyMs = 100): void {
		const t0 = Date.now();
		const mb = (n: number) => Math.round(n / 1024 / 1024);
		const sample = () => {
			const m = process.memoryUsage();
			this.samples.push([Date.now() - t0, mb(m.rss), mb(m.heapUsed), mb(m.external + m.arrayBuffers)]);
		};
		sample();
		this.timer = setInterval(sample, everyMs);
		this.timer.unref();
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
	}
}

/** Runs a side: reads its config, runs `fn`, writes the result file the parent reads. */
export function sideMain(fn: (config: SideConfig, sw: Stopwatch) => Promise<Record<string, unknown>>): void {
	const [configPath, resultPath] = process.argv.slice(2);
	const config = JSON.parse(fs.readFileSync(configPath, 'utf8')) as SideConfig;
	const sw = new Stopwatch();
	const finish = (ok: boolean, details: Record<string, unknown>, error?: string) => {
		const usage = process.resourceUsage();
		const result: SideResult = {
			ok,
			error,
			wallMs: sw.wallMs,
			// resourceUsage().maxRSS is in kilobytes.
			peakRssBytes: usage.maxRSS * 1024,
			heapUsedBytes: process.memoryUsage().heapUsed,
			phases: Object.fromEntries(Object.entries(sw.phases).map(([k, v]) => [k, Math.round(v)])),
			details,
			startedAtEpochMs: sw.startedAtEpochMs,
		};
		fs.writeFileSync(resultPath, JSON.stringify(result, null, 2));
	};
	const run = async () => {
		let warmUpMs: number | undefined;
		if (config.warmUp) {
			const warm = new Stopwatch();
			await fn({ ...config, ...config.warmUp }, warm);
			warm.stop();
			warmUpMs = Math.round(warm.wallMs);
		}
		const memory = new MemorySampler();
		memory.start();
		const details = await fn(config, sw);
		memory.stop();
		const withMemory = { ...details, memorySamples: memory.samples };
		return warmUpMs === undefined ? withMemory : { ...withMemory, warmUpMs };
	};
	run()
		.then((details) => {
			sw.stop();
			finish(true, details);
			process.exit(0);
		})
		.catch((error: unknown) => {
			sw.stop();
			const e = error as Error & { description?: string };
			finish(false, {}, `${e?.message ?? String(error)}${e?.description ? ` — ${e.description}` : ''}\n${e?.stack ?? ''}`);
			process.exit(1);
		});
}
