// Shared helpers that drive a real n8n 2.x (e2e test, demo, screenshots).
// Plain ESM JavaScript with no dependencies so that `node scripts/demo.mjs` runs under the
// machine's Node (20+) while n8n itself runs under the cached Node 24 binary.
// Types for TypeScript callers: n8n.d.mts next to this file.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-filemaker-shopify';

/** Every child process group started through this module, so that exit can kill leftovers. */
const liveGroups = new Set();
let exitHookInstalled = false;
export function trackGroup(pid) {
	liveGroups.add(pid);
	if (!exitHookInstalled) {
		exitHookInstalled = true;
		process.on('exit', () => {
			for (const p of liveGroups) {
				try {
					process.kill(-p, 'SIGKILL');
				} catch {
					/* already gone */
				}
			}
		});
	}
}

/** Phase timer: `t.phase('name')` ends the previous phase; `t.summary()` lists them. */
export class PhaseTimer {
	constructor(label = 'timings', out = (line) => console.log(line)) {
		this.label = label;
		this.out = out;
		this.phases = [];
		this.current = undefined;
		this.t0 = Date.now();
	}
	phase(name) {
		this.end();
		this.current = { name, start: Date.now() };
	}
	end() {
		if (this.current) {
			const ms = Date.now() - this.current.start;
			this.phases.push({ name: this.current.name, ms });
			this.out(`[${this.label}] ${this.current.name}: ${(ms / 1000).toFixed(1)} s`);
			this.current = undefined;
		}
	}
	async time(name, fn) {
		this.phase(name);
		try {
			return await fn();
		} finally {
			this.end();
		}
	}
	summary() {
		this.end();
		const total = Date.now() - this.t0;
		const lines = this.phases.map((p) => `  ${p.name.padEnd(44)} ${(p.ms / 1000).toFixed(1).padStart(7)} s`);
		lines.push(`  ${'total'.padEnd(44)} ${(total / 1000).toFixed(1).padStart(7)} s`);
		return `[${this.label}]\n${lines.join('\n')}`;
	}
}

/** Runs a command, resolves with { code, stdout, stderr }; rejects on timeout (kills the group). */
export function run(cmd, args, { cwd = REPO_ROOT, env = process.env, timeoutMs = 600_000, input } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
		trackGroup(child.pid);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => {
			killGroup(child.pid, 'SIGKILL');
			reject(new Error(`${path.basename(cmd)} ${args.join(' ')} timed out after ${timeoutMs} ms\n${tail(stdout + stderr, 40)}`));
		}, timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			liveGroups.delete(child.pid);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			liveGroups.delete(child.pid);
			resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
		});
		if (input !== undefined) child.stdin.end(input);
		else child.stdin.end();
	});
}

export async function runOk(cmd, args, opts) {
	const r = await run(cmd, args, opts);
	if (r.code !== 0) {
		throw new Error(`${path.basename(cmd)} ${args.join(' ')} exited with ${r.code}\n${tail(r.stdout + '\n' + r.stderr, 60)}`);
	}
	return r;
}

/** Keeps the first and last 60 lines of long CLI output (execute prints the whole run data). */
function clip(text, keep = 60) {
	const lines = String(text).split('\n');
	if (lines.length <= keep * 2) return text;
	return [...lines.slice(0, keep), `… ${lines.length - keep * 2} lines left out …`, ...lines.slice(-keep)].join('\n');
}

export function tail(text, lines = 80) {
	const all = String(text).split('\n');
	return all.slice(-lines).join('\n');
}

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false;
	}
}

function groupAlive(pid) {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Stops a process group: SIGTERM, then SIGKILL after graceMs. */
export async function stopGroup(pid, graceMs = 10_000) {
	if (!pid) return;
	killGroup(pid, 'SIGTERM');
	const deadline = Date.now() + graceMs;
	while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
	if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
	const hardDeadline = Date.now() + 5_000;
	while (groupAlive(pid) && Date.now() < hardDeadline) await sleep(50);
	liveGroups.delete(pid);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1 (bind to 0, read it, close). */
export function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/** True when nothing listens on 127.0.0.1:port. */
export function portIsFree(port) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

/**
 * Runs scripts/install-n8n.sh (reuses the cache when present) and returns the binaries.
 * @returns {Promise<{ nodeBin: string, n8nBin: string, n8nDir: string, ms: number }>}
 */
export async function installN8n({ timeoutMs = 1_500_000, onLog } = {}) {
	const t0 = Date.now();
	const script = path.join(REPO_ROOT, 'scripts', 'install-n8n.sh');
	const r = await new Promise((resolve, reject) => {
		const child = spawn('bash', [script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		trackGroup(child.pid);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => {
			stderr += d;
			if (onLog) for (const line of String(d).split('\n')) if (line.startsWith('[install-n8n]')) onLog(line);
		});
		const timer = setTimeout(() => {
			killGroup(child.pid, 'SIGKILL');
			reject(new Error(`install-n8n.sh timed out\n${tail(stderr, 40)}`));
		}, timeoutMs);
		child.on('close', (code) => {
			clearTimeout(timer);
			liveGroups.delete(child.pid);
			if (code === 0) resolve({ stdout, stderr });
			else reject(new Error(`install-n8n.sh exited with ${code}\n${tail(stderr, 60)}`));
		});
	});
	const vars = Object.fromEntries(
		r.stdout
			.split('\n')
			.map((l) => l.match(/^([A-Z0-9_]+)=(.*)$/))
			.filter(Boolean)
			.map((m) => [m[1], m[2]]),
	);
	if (!vars.NODE_BIN || !vars.N8N_BIN) throw new Error(`install-n8n.sh printed no NODE_BIN/N8N_BIN:\n${r.stdout}`);
	return { nodeBin: vars.NODE_BIN, n8nBin: vars.N8N_BIN, n8nDir: vars.N8N_DIR ?? path.resolve(vars.N8N_BIN, '..', '..', '..', '..'), ms: Date.now() - t0 };
}

/** bcrypt hash with the bcryptjs that n8n ships (pure JS, works under any Node). */
export function bcryptHash(n8nDir, password) {
	const req = createRequire(path.join(n8nDir, 'node_modules', 'n8n', 'package.json'));
	const bcrypt = req('bcryptjs');
	return bcrypt.hashSync(password, 10);
}

/** npm that belongs to the current Node (npm_execpath when run from npm, else `npm` on PATH). */
function npmCommand() {
	const execPath = process.env.npm_execpath;
	if (execPath && /npm-cli\.js$/.test(execPath)) return { cmd: process.execPath, pre: [execPath] };
	return { cmd: 'npm', pre: [] };
}

/** Env for npm/tsc children: drop vitest/npm lifecycle noise that could change their behaviour. */
function cleanEnv(extra = {}) {
	const env = { ...process.env };
	for (const k of Object.keys(env)) {
		if (k === 'NODE_OPTIONS' || k.startsWith('VITEST') || k === 'TEST' || k.startsWith('npm_')) delete env[k];
	}
	return { ...env, ...extra };
}

/**
 * `npm run build` then `npm pack` into outDir. Returns the tarball path.
 * npm pack runs with --ignore-scripts: the build already ran, so "prepack" need not build again.
 */
export async function buildAndPack({ outDir, skipBuild = false, timeoutMs = 300_000 } = {}) {
	fs.mkdirSync(outDir, { recursive: true });
	const { cmd, pre } = npmCommand();
	if (!skipBuild) await runOk(cmd, [...pre, 'run', 'build'], { env: cleanEnv(), timeoutMs });
	const r = await runOk(cmd, [...pre, 'pack', '--ignore-scripts', '--json', '--pack-destination', outDir], {
		env: cleanEnv(),
		timeoutMs,
	});
	let filename;
	try {
		const parsed = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
		filename = parsed[0].filename;
	} catch {
		filename = r.stdout.trim().split('\n').pop();
	}
	const tgz = path.join(outDir, path.basename(filename));
	if (!fs.existsSync(tgz)) throw new Error(`npm pack did not produce ${tgz}\n${r.stdout}`);
	return tgz;
}

/**
 * Installs the packed tarball as a community package the way n8n's installer leaves it:
 * <userFolder>/.n8n/nodes/node_modules/<name>, no install scripts, no peer/dev dependencies
 * (the package has no runtime dependencies; n8n-workflow comes from n8n itself).
 */
export async function installCommunityPackage({ tarball, userFolder }) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	await runOk('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], { timeoutMs: 60_000 });
	const pkg = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8'));
	const runtimeDeps = Object.keys(pkg.dependencies ?? {});
	if (runtimeDeps.length > 0) {
		throw new Error(`${PACKAGE_NAME} declares runtime dependencies (${runtimeDeps.join(', ')}); community nodes must have none`);
	}
	// What `npm install` in the nodes folder would leave behind (n8n reads it to list installed packages).
	const manifestPath = path.join(nodesDir, 'package.json');
	const manifest = fs.existsSync(manifestPath)
		? JSON.parse(fs.readFileSync(manifestPath, 'utf8'))
		: { name: 'installed-nodes', private: true };
	manifest.dependencies = { ...(manifest.dependencies ?? {}), [PACKAGE_NAME]: pkg.version };
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	return { dir: target, version: pkg.version, files: listFiles(target) };
}

function listFiles(dir, base = dir) {
	const out = [];
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) out.push(...listFiles(p, base));
		else out.push(path.relative(base, p));
	}
	return out;
}

/**
 * Copies workflow templates into outDir, changing only `credentials.<type>.id` of each node
 * (bound to the ids of the credentials we imported) and, unless `manualRunWrites` is false, the
 * `dryRun` that the templates compute from their Manual Trigger (a run started by hand is a dry run
 * as shipped): automated runs play a user past the first dry run, so a manual run writes too.
 * Everything else stays exactly as shipped.
 * @param {{ templatesDir?: string, files: string[], outDir: string, credentialIds: Record<string,string>, manualRunWrites?: boolean }} o
 * @returns {{ file: string, source: string, workflow: any }[]}
 */
/** A Set node's `dryRun` computed from the Manual Trigger (`={{ $('…').isExecuted }}`) becomes false. */
export function turnOffManualDryRun(node) {
	for (const assignment of node.parameters?.assignments?.assignments ?? []) {
		if (assignment.name === 'dryRun' && typeof assignment.value === 'string' && /\.isExecuted\b/.test(assignment.value)) assignment.value = false;
	}
}

export function bindTemplates({ templatesDir = path.join(REPO_ROOT, 'workflows'), files, outDir, credentialIds, manualRunWrites = true }) {
	fs.mkdirSync(outDir, { recursive: true });
	const out = [];
	for (const name of files) {
		const source = path.isAbsolute(name) ? name : path.join(templatesDir, name);
		const workflow = JSON.parse(fs.readFileSync(source, 'utf8'));
		for (const node of workflow.nodes ?? []) {
			for (const [type, ref] of Object.entries(node.credentials ?? {})) {
				if (credentialIds[type] !== undefined && ref && typeof ref === 'object') ref.id = credentialIds[type];
			}
			if (manualRunWrites) turnOffManualDryRun(node);
		}
		const file = path.join(outDir, path.basename(source));
		fs.writeFileSync(file, JSON.stringify(workflow, null, 2));
		out.push({ file, source, workflow });
	}
	return out;
}

/**
 * One n8n instance: its own user folder (SQLite inside), port, broker port, encryption key, owner.
 * CLI commands (import/publish/execute/list) run against the same user folder, each with its
 * own task broker port.
 */
export class N8n {
	/**
	 * @param {{ install: { nodeBin: string, n8nBin: string, n8nDir: string }, userFolder: string, port?: number,
	 *   owner?: { email: string, password: string }, encryptionKey?: string, env?: Record<string,string>,
	 *   logFile?: string, logLevel?: string }} o
	 */
	constructor(o) {
		this.install = o.install;
		this.userFolder = o.userFolder;
		this.port = o.port;
		this.owner = o.owner ?? { email: 'owner@example.com', password: `Pw-${randomBytes(9).toString('base64url')}1a` };
		this.encryptionKey = o.encryptionKey ?? randomBytes(24).toString('hex');
		this.extraEnv = o.env ?? {};
		this.logFile = o.logFile ?? path.join(this.userFolder, 'n8n.log');
		this.logLevel = o.logLevel ?? 'info';
		this.lines = [];
		this.proc = undefined;
		this.passwordHash = undefined;
		fs.mkdirSync(this.userFolder, { recursive: true });
	}

	get url() {
		return `http://127.0.0.1:${this.port}`;
	}

	env(extra = {}) {
		const base = {};
		// Only the basics from the parent: nothing from vitest/npm, no N8N_* or DB_* leaking in.
		for (const k of ['HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SHELL', 'TERM']) {
			if (process.env[k] !== undefined) base[k] = process.env[k];
		}
		base.PATH = `${path.dirname(this.install.nodeBin)}:${process.env.PATH ?? '/usr/bin:/bin'}`;
		if (!this.passwordHash) this.passwordHash = bcryptHash(this.install.n8nDir, this.owner.password);
		return {
			...base,
			N8N_USER_FOLDER: this.userFolder,
			N8N_PORT: String(this.port ?? 5678),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			// n8n 2.41 reads N8N_WEBHOOK_URL (WEBHOOK_URL still works but logs a deprecation).
			N8N_WEBHOOK_URL: `http://127.0.0.1:${this.port ?? 5678}/`,
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${this.port ?? 5678}/`,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			DB_TYPE: 'sqlite',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_DISABLED_MODULES: 'mcp-registry',
			N8N_SECURE_COOKIE: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true',
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: this.owner.email,
			N8N_INSTANCE_OWNER_FIRST_NAME: 'Demo',
			N8N_INSTANCE_OWNER_LAST_NAME: 'Owner',
			N8N_INSTANCE_OWNER_PASSWORD_HASH: this.passwordHash,
			N8N_LOG_LEVEL: this.logLevel,
			N8N_LOG_OUTPUT: 'console',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			GENERIC_TIMEZONE: 'UTC',
			NO_COLOR: '1',
			...this.extraEnv,
			...extra,
		};
	}

	/** Runs `n8n <args>` (CLI) against this user folder. Resolves { code, stdout, stderr, ms }. */
	async cli(args, { timeoutMs = 180_000, env = {} } = {}) {
		const t0 = Date.now();
		const brokerPort = await freePort();
		const r = await run(this.install.nodeBin, [this.install.n8nBin, ...args], {
			cwd: this.userFolder,
			env: this.env({ N8N_RUNNERS_BROKER_PORT: String(brokerPort), ...env }),
			timeoutMs,
		});
		const ms = Date.now() - t0;
		this.appendLog(`\n$ n8n ${args.join(' ')}  (exit ${r.code}, ${ms} ms)\n${clip(r.stdout)}${clip(r.stderr)}`);
		return { ...r, ms };
	}

	async cliOk(args, opts) {
		const r = await this.cli(args, opts);
		if (r.code !== 0 || /An error occurred|Error executing workflow|Execution was NOT successful/.test(r.stdout + r.stderr)) {
			throw new Error(`n8n ${args.join(' ')} failed (exit ${r.code}):\n${tail(r.stdout + '\n' + r.stderr, 60)}`);
		}
		return r;
	}

	/** import:credentials from an array of { id, name, type, data } (data in clear; n8n encrypts it). */
	async importCredentials(credentials, dir = path.join(this.userFolder, 'import')) {
		fs.mkdirSync(dir, { recursive: true });
		const file = path.join(dir, 'credentials.json');
		fs.writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
		try {
			return await this.cliOk(['import:credentials', `--input=${file}`]);
		} finally {
			fs.rmSync(file, { force: true });
		}
	}

	/** import:workflow --separate for a directory of workflow JSON files. */
	async importWorkflowDir(dir) {
		return await this.cliOk(['import:workflow', '--separate', `--input=${dir}`]);
	}

	/** list:workflow → [{ id, name }] */
	async listWorkflows() {
		const r = await this.cliOk(['list:workflow']);
		return r.stdout
			.split('\n')
			.map((l) => l.match(/^([A-Za-z0-9]{1,21})\|(.*)$/))
			.filter(Boolean)
			.map((m) => ({ id: m[1], name: m[2] }));
	}

	async publishWorkflow(id) {
		return await this.cliOk(['publish:workflow', `--id=${id}`]);
	}

	/** `n8n execute --id=<id> --rawOutput`; returns { ok, code, run (parsed run data when printed), output, ms }. */
	async executeWorkflow(id, { timeoutMs = 600_000 } = {}) {
		const r = await this.cli(['execute', `--id=${id}`, '--rawOutput'], { timeoutMs });
		const output = r.stdout + '\n' + r.stderr;
		let runData;
		const start = r.stdout.search(/^\{/m);
		if (start >= 0) {
			const end = r.stdout.lastIndexOf('\n}');
			try {
				runData = JSON.parse(r.stdout.slice(start, end >= start ? end + 2 : undefined));
			} catch {
				runData = undefined;
			}
		}
		const ok = r.code === 0 && !/Execution was NOT successful|Error executing workflow/.test(output);
		let hint;
		if (!ok && /No active execution found/.test(output)) {
			// n8n 2.41's CLI prints this when the runner refused to start the workflow because a node has
			// parameter issues (WorkflowHasIssuesError: e.g. a required parameter left empty).
			hint =
				'n8n refused to start the workflow: a node has parameter issues (e.g. a required parameter left empty). ' +
				'Open the workflow in the editor to see which node shows a warning.';
		}
		return { ok, code: r.code, run: runData, output, ms: r.ms, hint };
	}

	appendLog(text) {
		fs.appendFileSync(this.logFile, text);
		for (const l of String(text).split('\n')) this.lines.push(l);
		if (this.lines.length > 5000) this.lines.splice(0, this.lines.length - 4000);
	}

	logTail(n = 80) {
		return this.lines.slice(-n).join('\n');
	}

	/** `n8n start`; resolves once "Editor is now accessible via" is printed (workflows activated). */
	async start({ timeoutMs = 180_000 } = {}) {
		if (this.proc) throw new Error('n8n already started');
		if (!this.port) this.port = await freePort();
		const brokerPort = await freePort();
		const t0 = Date.now();
		const child = spawn(this.install.nodeBin, [this.install.n8nBin, 'start'], {
			cwd: this.userFolder,
			env: this.env({ N8N_RUNNERS_BROKER_PORT: String(brokerPort) }),
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		trackGroup(child.pid);
		this.proc = child;
		this.appendLog(`\n$ n8n start (port ${this.port}, broker ${brokerPort}, pid ${child.pid})\n`);
		let exited = false;
		let exitInfo = '';
		const ready = new Promise((resolve, reject) => {
			let buf = '';
			const onData = (d) => {
				const s = String(d);
				this.appendLog(s);
				buf += s;
				if (buf.includes('Editor is now accessible via')) resolve();
				if (buf.length > 100_000) buf = buf.slice(-10_000);
			};
			child.stdout.on('data', onData);
			child.stderr.on('data', onData);
			child.on('exit', (code, signal) => {
				exited = true;
				exitInfo = `exit code ${code} signal ${signal}`;
				liveGroups.delete(child.pid);
				reject(new Error(`n8n start exited before it was ready (${exitInfo})\n${this.logTail(80)}`));
			});
		});
		const timer = sleep(timeoutMs).then(() => {
			throw new Error(`n8n start not ready after ${timeoutMs} ms\n${this.logTail(80)}`);
		});
		try {
			await Promise.race([ready, timer]);
		} catch (e) {
			if (!exited) await this.stop();
			throw e;
		}
		// The HTTP server answers before the message; double-check over HTTP.
		await waitForHttp(`${this.url}/healthz/readiness`, 30_000);
		child.on('exit', (code, signal) => {
			this.appendLog(`\n[n8n exited: code ${code} signal ${signal}]\n`);
			this.proc = undefined;
		});
		this.startMs = Date.now() - t0;
		return this.startMs;
	}

	get pid() {
		return this.proc?.pid;
	}

	async stop() {
		const p = this.proc;
		this.proc = undefined;
		if (p?.pid) await stopGroup(p.pid, 15_000);
	}
}

/** Polls a URL until it answers 2xx (bounded). */
export async function waitForHttp(url, timeoutMs = 30_000) {
	const deadline = Date.now() + timeoutMs;
	let last = '';
	while (Date.now() < deadline) {
		try {
			const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
			if (res.ok) return;
			last = `HTTP ${res.status}`;
		} catch (e) {
			last = e.message;
		}
		await sleep(250);
	}
	throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}

/**
 * Minimal client for n8n's internal REST API (/rest, cookie + browser-id) and public API (/api/v1, API key).
 */
export class N8nApi {
	constructor(baseUrl) {
		this.baseUrl = baseUrl.replace(/\/$/, '');
		this.browserId = randomUUID();
		this.cookie = undefined;
		this.apiKey = undefined;
	}

	/** GET any path of the instance with the session (e.g. /types/nodes.json, which needs a login in 2.41). */
	async get(pathname) {
		const headers = { 'browser-id': this.browserId };
		if (this.cookie) headers.cookie = this.cookie;
		const res = await fetch(`${this.baseUrl}${pathname}`, { headers, signal: AbortSignal.timeout(60_000) });
		const text = await res.text();
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		return { status: res.status, json, text };
	}

	async rest(method, pathname, body, { expectOk = true } = {}) {
		const headers = { 'browser-id': this.browserId, accept: 'application/json' };
		if (this.cookie) headers.cookie = this.cookie;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const res = await fetch(`${this.baseUrl}/rest${pathname}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		const setCookie = res.headers.getSetCookie?.() ?? [];
		for (const c of setCookie) {
			const m = c.match(/^(n8n-auth)=([^;]*)/);
			if (m) this.cookie = `${m[1]}=${m[2]}`;
		}
		const text = await res.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		if (expectOk && !res.ok) throw new Error(`${method} /rest${pathname} → HTTP ${res.status}: ${text.slice(0, 500)}`);
		return { status: res.status, json, data: json?.data, text };
	}

	/** POST /rest/login { emailOrLdapLoginId, password } → sets the n8n-auth cookie (bound to browser-id). */
	async login(email, password) {
		const r = await this.rest('POST', '/login', { emailOrLdapLoginId: email, password });
		if (!this.cookie) throw new Error('POST /rest/login set no n8n-auth cookie');
		return r.data;
	}

	/** POST /rest/api-keys { label, scopes, expiresAt: null } → rawApiKey (kept on the client). */
	async createApiKey(label = 'e2e', scopes) {
		const wanted = scopes ?? (await this.rest('GET', '/api-keys/scopes')).data;
		const r = await this.rest('POST', '/api-keys', { label, scopes: wanted, expiresAt: null });
		this.apiKey = r.data.rawApiKey;
		return this.apiKey;
	}

	async public(method, pathname, body) {
		if (!this.apiKey) throw new Error('no API key: call createApiKey() first');
		const res = await fetch(`${this.baseUrl}/api/v1${pathname}`, {
			method,
			headers: {
				'X-N8N-API-KEY': this.apiKey,
				accept: 'application/json',
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} /api/v1${pathname} → HTTP ${res.status}: ${text.slice(0, 500)}`);
		return text ? JSON.parse(text) : undefined;
	}

	/** All executions (every status) of a workflow via the public API, newest first, following cursors. */
	async listExecutions({ workflowId, includeData = false, status, limit = 250 } = {}) {
		const out = [];
		let cursor;
		for (let page = 0; page < 40; page++) {
			const q = new URLSearchParams({ limit: String(limit) });
			if (workflowId) q.set('workflowId', workflowId);
			if (includeData) q.set('includeData', 'true');
			if (status) q.set('status', status);
			if (cursor) q.set('cursor', cursor);
			const r = await this.public('GET', `/executions?${q}`);
			out.push(...(r.data ?? []));
			cursor = r.nextCursor;
			if (!cursor) break;
		}
		return out;
	}

	async getExecution(id, includeData = true) {
		return await this.public('GET', `/executions/${id}?includeData=${includeData}`);
	}

	/**
	 * The editor's "Test" button for a saved credential: it loads the credential (secrets redacted)
	 * with GET /rest/credentials/:id?includeData=true and posts it back to POST /rest/credentials/test
	 * as { credentials: { id, name, type, data } }; n8n restores the redacted values from the database.
	 * Resolves n8n's answer { status: 'OK' | 'Error', message }.
	 */
	async testCredential(id) {
		const cred = (await this.rest('GET', `/credentials/${id}?includeData=true`)).data;
		const r = await this.rest('POST', '/credentials/test', {
			credentials: { id: cred.id, name: cred.name, type: cred.type, data: cred.data ?? {} },
		});
		return r.data;
	}
}

/** Reads a workflow's execution run data into { nodeName: items[] } (first run, main output 0). */
export function outputsOf(execution) {
	const runData = execution?.data?.resultData?.runData ?? {};
	const out = {};
	for (const [name, runs] of Object.entries(runData)) {
		out[name] = (runs?.[0]?.data?.main?.[0] ?? []).map((i) => i.json);
	}
	return out;
}


