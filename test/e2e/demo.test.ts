/**
 * Smoke test of `npm run demo` (scripts/demo.mjs) with DEMO_EXIT_AFTER_RUN=1: the whole demo runs
 * against a real n8n and exits, leaving nothing running.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { REPO_ROOT, freePort, portIsFree, stopGroup, tail } from '../../scripts/lib/n8n.mjs';

interface DemoResult {
	syncOk: boolean;
	syncExecutionId: string | null;
	before: Record<string, number>;
	after: Record<string, number>;
	subscriptions: number;
	order: { sku: string; quantity: number; fileMakerBefore: number[]; fileMakerAfter: number[] }[];
	orderExecutions: string[];
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-demo-'));
let ok = false;

afterAll(() => {
	if (ok) fs.rmSync(workDir, { recursive: true, force: true });
	else console.log(`kept ${workDir} (n8n log: ${path.join(workDir, 'n8n.log')})`);
});

describe('npm run demo (DEMO_EXIT_AFTER_RUN=1)', () => {
	it('syncs, applies the demo order, prints the login and exits cleanly', async () => {
		const port = await freePort();
		const env: NodeJS.ProcessEnv = { ...process.env, DEMO_EXIT_AFTER_RUN: '1', DEMO_PORT: String(port), DEMO_WORK_DIR: workDir };
		delete env.NODE_OPTIONS;
		const t0 = Date.now();
		const child = spawn(process.execPath, [path.join('scripts', 'demo.mjs')], { cwd: REPO_ROOT, env, detached: true });
		let output = '';
		child.stdout.on('data', (d) => (output += d));
		child.stderr.on('data', (d) => (output += d));
		const code = await new Promise<number | null>((resolve) => {
			const timer = setTimeout(() => {
				void stopGroup(child.pid).then(() => resolve(null));
			}, 600_000);
			child.on('exit', (c) => {
				clearTimeout(timer);
				resolve(c);
			});
		});
		console.log(`[demo] finished in ${((Date.now() - t0) / 1000).toFixed(1)} s (exit ${code})\n${tail(output, 40)}`);
		expect(code, tail(output, 80)).toBe(0);

		const line = output.split('\n').find((l) => l.startsWith('DEMO_RESULT '));
		expect(line, 'DEMO_RESULT line').toBeDefined();
		const result = JSON.parse(line!.slice('DEMO_RESULT '.length)) as DemoResult;
		expect(result.syncOk).toBe(true);
		expect(result.before.differs).toBeGreaterThan(0);
		expect(result.after.differs ?? 0).toBe(0);
		expect(result.subscriptions).toBeGreaterThan(0);
		for (const l of result.order) expect(l.fileMakerAfter).toEqual([l.fileMakerBefore[0] - l.quantity]);
		expect(result.orderExecutions.length).toBeGreaterThan(0);
		expect(result.orderExecutions.every((s) => s === 'success')).toBe(true);

		expect(output).toContain(`n8n editor: http://127.0.0.1:${port}`);
		expect(output).toMatch(/login: +\S+@\S+ \/ \S+/);
		// Everything it started is stopped.
		expect(await portIsFree(port)).toBe(true);
		ok = true;
	});
});
