// Starts the TypeScript emulators (scripts/lib/emulators-runner.ts) in a vite-node child process
// with an IPC channel, for scripts that run under plain Node (demo, screenshots).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, stopGroup, trackGroup } from './n8n.mjs';

/**
 * @param {{ size?: number, fileMakerPort?: number, shopifyPort?: number, timeoutMs?: number, onLog?: (s: string) => void }} o
 * @returns {Promise<{ ready: any, request: (cmd: string, args?: object, timeoutMs?: number) => Promise<any>, stop: () => Promise<void>, pid: number, output: () => string }>}
 */
export async function startEmulators(o = {}) {
	const viteNode = path.join(REPO_ROOT, 'node_modules', 'vite-node', 'vite-node.mjs');
	if (!fs.existsSync(viteNode)) throw new Error(`vite-node not found at ${viteNode}: run npm install first`);
	const env = { ...process.env };
	delete env.NODE_OPTIONS;
	env.EMULATORS_RUNNER_CONFIG = JSON.stringify({
		size: o.size ?? 300,
		fileMakerPort: o.fileMakerPort ?? 0,
		shopifyPort: o.shopifyPort ?? 0,
	});
	const child = spawn(process.execPath, [viteNode, path.join('scripts', 'lib', 'emulators-runner.ts')], {
		cwd: REPO_ROOT,
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
	});
	trackGroup(child.pid);
	let output = '';
	const onOut = (d) => {
		output += d;
		if (output.length > 200_000) output = output.slice(-50_000);
		o.onLog?.(String(d));
	};
	child.stdout.on('data', onOut);
	child.stderr.on('data', onOut);
	const pending = new Map();
	let nextId = 1;
	let readyResolve;
	let readyReject;
	const ready = new Promise((res, rej) => {
		readyResolve = res;
		readyReject = rej;
	});
	child.on('message', (msg) => {
		if (msg?.type === 'ready') readyResolve(msg);
		else if (msg?.type === 'error') readyReject(new Error(`emulators failed to start:\n${msg.error}`));
		else if (msg && pending.has(msg.id)) {
			const p = pending.get(msg.id);
			pending.delete(msg.id);
			if (msg.ok) p.resolve(msg.result);
			else p.reject(new Error(msg.error));
		}
	});
	child.on('exit', (code, signal) => {
		const err = new Error(`emulators process exited (code ${code}, signal ${signal})\n${output.slice(-3000)}`);
		readyReject(err);
		for (const p of pending.values()) p.reject(err);
		pending.clear();
	});
	const timeoutMs = o.timeoutMs ?? 60_000;
	let timer;
	try {
		const info = await Promise.race([
			ready,
			new Promise((_, rej) => {
				timer = setTimeout(() => rej(new Error(`emulators not ready after ${timeoutMs} ms\n${output.slice(-3000)}`)), timeoutMs);
			}),
		]);
		clearTimeout(timer);
		const request = (cmd, args = {}, ms = 60_000) =>
			new Promise((resolve, reject) => {
				if (!child.connected) return reject(new Error('emulators process is gone'));
				const id = nextId++;
				const t = setTimeout(() => {
					pending.delete(id);
					reject(new Error(`emulators: ${cmd} timed out after ${ms} ms`));
				}, ms);
				pending.set(id, {
					resolve: (v) => {
						clearTimeout(t);
						resolve(v);
					},
					reject: (e) => {
						clearTimeout(t);
						reject(e);
					},
				});
				child.send({ id, cmd, args });
			});
		const stop = async () => {
			if (child.exitCode === null && child.connected) {
				await request('close', {}, 5_000).catch(() => undefined);
			}
			await stopGroup(child.pid, 5_000);
		};
		return { ready: info, request, stop, pid: child.pid, output: () => output };
	} catch (e) {
		clearTimeout(timer);
		await stopGroup(child.pid, 2_000);
		throw e;
	}
}
