/**
 * Every measurement runs in its own Node process so that its peak RSS is the n8n process's own
 * (the emulators stay in the parent). The sides are TypeScript: they are bundled once per run with
 * esbuild (our TypeScript sources inlined, every npm package left external and loaded by Node from
 * node_modules, like n8n loads a compiled community package) and run with plain `node`, so the
 * measured process holds n8n-core, n8n-workflow, the nodes and nothing of vite.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import type { SideConfig, SideResult } from './protocol';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Output folder of the bundles. It must sit two levels below a folder that is NOT the repository
 * root: test/helpers/n8n-harness.ts imports the package's .ts sources from `<bundle dir>/../..`
 * when it finds them there (vitest), and the bundles register the (bundled) node classes instead.
 */
const BUNDLE_DIR = path.join(REPO_ROOT, '.cache', 'bench', 'sides');

/** Bundles one TypeScript entry of the bench into a CommonJS file Node runs as a child process. */
export async function bundleForNode(entry: string, outfile: string, sourcemap = false): Promise<void> {
	const esbuild = await import('esbuild');
	fs.mkdirSync(path.dirname(outfile), { recursive: true });
	await esbuild.build({
		entryPoints: [entry],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		packages: 'external',
		...(sourcemap ? { sourcemap: 'inline' as const } : {}),
		logLevel: 'error',
	});
}

export async function bundleSides(): Promise<Record<'ours' | 'baseline', string>> {
	const esbuild = await import('esbuild');
	fs.mkdirSync(BUNDLE_DIR, { recursive: true });
	await esbuild.build({
		entryPoints: {
			ours: path.join(REPO_ROOT, 'bench', 'sides', 'ours.ts'),
			baseline: path.join(REPO_ROOT, 'bench', 'sides', 'baseline.ts'),
		},
		outdir: BUNDLE_DIR,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		packages: 'external',
		sourcemap: 'inline',
		logLevel: 'error',
		outExtension: { '.js': '.cjs' },
	});
	return {
		ours: path.join(BUNDLE_DIR, 'ours.cjs'),
		baseline: path.join(BUNDLE_DIR, 'baseline.cjs'),
	};
}

export interface ChildRun {
	result: SideResult;
	stdout: string;
	stderr: string;
	exitCode: number | null;
	/** Wall time of the whole child process (start-up included), ms. */
	processMs: number;
}

/** Runs one measurement in a fresh Node process and returns what it reported. */
export async function runSide(
	bundle: string,
	config: SideConfig,
	opts: {
		verbose?: boolean;
		/** The child's environment (default: this process's), before `env`. */
		baseEnv?: NodeJS.ProcessEnv;
		env?: NodeJS.ProcessEnv;
		timeoutMs?: number;
		profile?: boolean;
	} = {},
): Promise<ChildRun> {
	const dir = path.join(REPO_ROOT, '.cache', 'bench', 'runs');
	fs.mkdirSync(dir, { recursive: true });
	const stamp = `${config.side}-${config.size}-${process.pid}-${Date.now()}`;
	const configPath = path.join(dir, `${stamp}.config.json`);
	const resultPath = path.join(dir, `${stamp}.result.json`);
	fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
	const started = Date.now();
	const nodeArgs = ['--enable-source-maps'];
	if (opts.profile) {
		const profiles = path.join(REPO_ROOT, '.cache', 'bench', 'profiles');
		fs.mkdirSync(profiles, { recursive: true });
		nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profiles}`, `--cpu-prof-name=${stamp}.cpuprofile`);
	}
	const child = spawn(process.execPath, [...nodeArgs, bundle, configPath, resultPath], {
		cwd: REPO_ROOT,
		env: { ...(opts.baseEnv ?? process.env), ...opts.env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (c: Buffer) => {
		stdout += c.toString();
		if (opts.verbose) process.stdout.write(`    [${config.side}] ${c.toString()}`);
	});
	child.stderr.on('data', (c: Buffer) => {
		stderr += c.toString();
		if (opts.verbose) process.stderr.write(`    [${config.side}] ${c.toString()}`);
	});
	const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30 * 60_000);
	const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
	clearTimeout(timer);
	const processMs = Date.now() - started;
	let result: SideResult;
	try {
		result = JSON.parse(fs.readFileSync(resultPath, 'utf8')) as SideResult;
	} catch {
		result = {
			ok: false,
			error: `the ${config.side} process exited with code ${exitCode} without a result:\n${stderr.slice(-4000)}`,
			wallMs: NaN,
			peakRssBytes: NaN,
			heapUsedBytes: NaN,
			phases: {},
			details: {},
		};
	}
	fs.rmSync(configPath, { force: true });
	fs.rmSync(resultPath, { force: true });
	return { result, stdout, stderr, exitCode, processMs };
}
