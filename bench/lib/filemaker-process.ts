/**
 * The bench's FileMaker emulator in a child process of its own (bench/lib/filemaker-child.ts), driven
 * over IPC. In the real world FileMaker Server and Shopify are separate machines: with both emulators
 * in the bench's process, FileMaker's pages waited behind the Shopify emulator's CPU (GraphQL, the bulk
 * JSONL build). The Shopify emulator stays in the parent.
 *
 * The child is bundled with esbuild (like the measured sides) and runs with plain `node`, with
 * NODE_ENV=production (an emulator process; see bench/README.md, Method).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import type { FileMakerRequestLogEntry, FileMakerStats } from '../../test/emulators/filemaker';
import { bundleForNode, REPO_ROOT } from './child';

const BUNDLE = path.join(REPO_ROOT, '.cache', 'bench', 'emulators', 'filemaker.cjs');

export interface FileMakerChildStart {
	latencyMs: number;
	accounts: { username: string; password: string }[];
}

export type FileMakerChildRequest = { id: number; op: string; args?: unknown };

type Answer = { id: number; ok: boolean; value?: unknown; error?: string };

/** Bundles the child once per run (call before the first startFileMakerProcess). */
export async function bundleFileMakerChild(): Promise<void> {
	await bundleForNode(path.join(REPO_ROOT, 'bench', 'lib', 'filemaker-child.ts'), BUNDLE);
}

/** What the bench asks of a FileMaker emulator running in its own process. */
export interface FileMakerProcess {
	url: string;
	database: string;
	/** Seeds the emulator's deterministic numbered catalogue of `size` records (SKU, Quantity, Name). */
	seedCatalogue(layout: string, size: number): Promise<void>;
	/**
	 * Seeds the numbered catalogue with these quantities and a ModifiedAt timestamp: `othersAgoMs` before
	 * FileMaker's now, `recentAgoMs` before it for the records at the `recent` indexes.
	 */
	seedModifiedCatalogue(layout: string, quantities: number[], recent: number[], othersAgoMs: number, recentAgoMs: number): Promise<void>;
	/** The number in `field` of every record of the layout, in record order. */
	quantities(layout: string, field: string): Promise<number[]>;
	requestLog(): Promise<FileMakerRequestLogEntry[]>;
	clearRequestLog(): Promise<void>;
	stats(): Promise<FileMakerStats>;
	close(): Promise<void>;
}

export async function startFileMakerProcess(options: FileMakerChildStart): Promise<FileMakerProcess> {
	if (!fs.existsSync(BUNDLE)) await bundleFileMakerChild();
	const child: ChildProcess = fork(BUNDLE, [], {
		cwd: REPO_ROOT,
		env: { ...process.env, NODE_ENV: 'production' },
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		serialization: 'advanced',
	});
	const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
	let nextId = 1;
	let exited = false;
	child.on('message', (answer: Answer) => {
		const waiting = pending.get(answer.id);
		if (!waiting) return;
		pending.delete(answer.id);
		if (answer.ok) waiting.resolve(answer.value);
		else waiting.reject(new Error(`FileMaker emulator process: ${answer.error}`));
	});
	child.on('exit', (code) => {
		exited = true;
		for (const waiting of pending.values()) waiting.reject(new Error(`the FileMaker emulator process exited (code ${code})`));
		pending.clear();
	});
	const call = <T>(op: string, args?: unknown): Promise<T> =>
		new Promise<T>((resolve, reject) => {
			if (exited) return reject(new Error('the FileMaker emulator process has exited'));
			const id = nextId++;
			pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
			child.send({ id, op, args } satisfies FileMakerChildRequest);
		});
	const { url, database } = await call<{ url: string; database: string }>('start', options);
	return {
		url,
		database,
		seedCatalogue: (layout, size) => call('seedCatalogue', [layout, size]),
		seedModifiedCatalogue: (layout, quantities, recent, othersAgoMs, recentAgoMs) =>
			call('seedModifiedCatalogue', [layout, quantities, recent, othersAgoMs, recentAgoMs]),
		quantities: (layout, field) => call('quantities', [layout, field]),
		requestLog: () => call('requestLog'),
		clearRequestLog: () => call('clearRequestLog'),
		stats: () => call('stats'),
		async close() {
			if (exited) return;
			const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
			await call('close').catch(() => undefined);
			child.disconnect();
			await gone;
		},
	};
}
