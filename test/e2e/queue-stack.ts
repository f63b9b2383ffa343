/**
 * n8n 2.x in queue mode for the end-to-end test: PostgreSQL + Redis from scripts/services.sh, one
 * `n8n start` (main), one `n8n webhook` and any number of `n8n worker` processes. Every process has
 * its own user folder with the packed package installed as a community package (as in separate
 * containers), its own task broker port, and the shared encryption key and database.
 * How it is used and what it measured: docs/queue-mode.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {
	N8n,
	REPO_ROOT,
	freePort,
	runOk,
	stopGroup,
	tail,
	trackGroup,
	waitForHttp,
	type N8nInstall,
} from '../../scripts/lib/n8n.mjs';

export interface Services {
	pgHost: string;
	pgPort: number;
	pgUser: string;
	pgPassword: string;
	pgVersion: string;
	pgBin: string;
	redisHost: string;
	redisPort: number;
	redisVersion: string;
}

/** Runs scripts/services.sh (checks, installs, starts PostgreSQL and Redis; idempotent). */
export async function ensureServices(): Promise<Services> {
	const r = await runOk('bash', [path.join(REPO_ROOT, 'scripts', 'services.sh')], { timeoutMs: 600_000 });
	const v = Object.fromEntries(
		r.stdout
			.split('\n')
			.map((l) => l.match(/^([A-Z_]+)=(.*)$/))
			.filter((m): m is RegExpMatchArray => m !== null)
			.map((m) => [m[1], m[2]]),
	);
	return {
		pgHost: v.PG_HOST,
		pgPort: Number(v.PG_PORT),
		pgUser: v.PG_USER,
		pgPassword: v.PG_PASSWORD,
		pgVersion: v.PG_VERSION,
		pgBin: v.PG_BIN,
		redisHost: v.REDIS_HOST,
		redisPort: Number(v.REDIS_PORT),
		redisVersion: v.REDIS_VERSION,
	};
}

/** psql as the services' role (password from the environment, never on the command line). */
export async function psql(s: Services, sql: string, database = 'postgres'): Promise<string> {
	const r = await runOk(path.join(s.pgBin, 'psql'), ['-h', s.pgHost, '-p', String(s.pgPort), '-U', s.pgUser, '-d', database, '-Atc', sql], {
		env: { ...process.env, PGPASSWORD: s.pgPassword },
		timeoutMs: 60_000,
	});
	return r.stdout.trim();
}

/** The environment every queue-mode process shares (database, Redis, queue settings). */
export function queueEnv(s: Services, o: { database: string; bullPrefix: string; webhookUrl: string }): Record<string, string> {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: s.pgHost,
		DB_POSTGRESDB_PORT: String(s.pgPort),
		DB_POSTGRESDB_DATABASE: o.database,
		DB_POSTGRESDB_USER: s.pgUser,
		DB_POSTGRESDB_PASSWORD: s.pgPassword,
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: s.redisHost,
		QUEUE_BULL_REDIS_PORT: String(s.redisPort),
		QUEUE_BULL_PREFIX: o.bullPrefix,
		// n8n's default pool is 2 PostgreSQL connections per process: every webhook call writes an
		// execution, so a burst of deliveries waits for a connection and times out after 20 s.
		DB_POSTGRESDB_POOL_SIZE: '20',
		// Production webhooks go to the webhook process: Shopify subscriptions are registered with this URL.
		N8N_WEBHOOK_URL: o.webhookUrl,
		// "Execute workflow" from the editor (and POST /rest/workflows/:id/run) runs on a worker too.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		// A killed worker's jobs are noticed within seconds instead of a minute (Bull lock + stall check):
		// n8n then fails them ("failed to be processed too many times").
		QUEUE_WORKER_LOCK_DURATION: '15000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '3000',
		QUEUE_WORKER_STALLED_INTERVAL: '5000',
		// Executions the webhook process recorded but never put on the queue (the caller gave up first)
		// stay "new" until the main process's queue recovery marks them crashed: every 30 s here
		// instead of every 3 hours.
		N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '0.5',
		// As docs/queue-mode.md's Compose file: n8n 2.41 builds an expression isolate only when an
		// expression runs (the orders workflows evaluate none per delivery).
		N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true',
		// Figures runs only: more n8n settings for every process, e.g.
		// QUEUE_E2E_N8N_ENV=N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=false for n8n's defaults.
		...n8nSettingsFrom(process.env.QUEUE_E2E_N8N_ENV),
	};
}

/** `N8N_A=1,N8N_B=x` → { N8N_A: '1', N8N_B: 'x' } (only N8N_* names). */
function n8nSettingsFrom(text: string | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const pair of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
		const at = pair.indexOf('=');
		if (at > 0 && pair.startsWith('N8N_')) out[pair.slice(0, at)] = pair.slice(at + 1);
	}
	return out;
}

/** One long-running n8n process (webhook or worker) in its own process group, with its log kept. */
export class N8nProcess {
	readonly lines: string[] = [];
	proc: ChildProcess | undefined;
	exited: string | undefined;
	startMs = 0;

	constructor(
		readonly name: string,
		readonly install: N8nInstall,
		readonly args: string[],
		readonly env: Record<string, string>,
		readonly cwd: string,
		readonly logFile: string,
	) {}

	get pid(): number | undefined {
		return this.proc?.pid;
	}

	private append(text: string): void {
		fs.appendFileSync(this.logFile, text);
		for (const l of text.split('\n')) this.lines.push(l);
		if (this.lines.length > 20_000) this.lines.splice(0, this.lines.length - 15_000);
	}

	logTail(n = 60): string {
		return this.lines.slice(-n).join('\n');
	}

	/** Execution ids this process logged as started ("Worker started execution <id> (job <job>)"). */
	startedExecutions(): Set<string> {
		const out = new Set<string>();
		for (const l of fs.readFileSync(this.logFile, 'utf8').split('\n')) {
			const m = l.match(/Worker started execution (\d+) \(job/);
			if (m) out.add(m[1]);
		}
		return out;
	}

	/** Starts the process; resolves when `readyLine` is logged (and `readyUrl` answers, when given). */
	async start(readyLine: string, o: { readyUrl?: string; timeoutMs?: number } = {}): Promise<number> {
		const t0 = Date.now();
		const child = spawn(this.install.nodeBin, [this.install.n8nBin, ...this.args], {
			cwd: this.cwd,
			env: this.env,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		trackGroup(child.pid!);
		this.proc = child;
		this.exited = undefined;
		this.append(`\n$ n8n ${this.args.join(' ')} (pid ${child.pid})\n`);
		await new Promise<void>((resolve, reject) => {
			let buf = '';
			const timer = setTimeout(
				() => reject(new Error(`${this.name} not ready after ${o.timeoutMs ?? 180_000} ms\n${this.logTail(60)}`)),
				o.timeoutMs ?? 180_000,
			);
			const onData = (d: Buffer) => {
				const s = String(d);
				this.append(s);
				buf = (buf + s).slice(-20_000);
				if (buf.includes(readyLine)) {
					clearTimeout(timer);
					resolve();
				}
			};
			child.stdout!.on('data', onData);
			child.stderr!.on('data', onData);
			child.on('exit', (code, signal) => {
				this.exited = `code ${code} signal ${signal}`;
				this.append(`\n[${this.name} exited: ${this.exited}]\n`);
				clearTimeout(timer);
				reject(new Error(`${this.name} exited before it was ready (${this.exited})\n${this.logTail(60)}`));
			});
		});
		if (o.readyUrl) await waitForHttp(o.readyUrl, 60_000);
		this.startMs = Date.now() - t0;
		return this.startMs;
	}

	/** SIGKILL to the whole process group (a crashed container): no graceful shutdown. */
	kill(): void {
		if (this.proc?.pid) {
			try {
				process.kill(-this.proc.pid, 'SIGKILL');
			} catch {
				/* already gone */
			}
		}
	}

	async stop(): Promise<void> {
		const p = this.proc;
		this.proc = undefined;
		if (p?.pid) await stopGroup(p.pid, 15_000);
	}
}

export interface QueueStack {
	main: N8n;
	webhook: N8nProcess;
	workers: N8nProcess[];
	webhookUrl: string;
}

/**
 * Starts the webhook process or a worker with the main instance's environment (same encryption key,
 * database, Redis), its own user folder (package installed there by the caller), its own broker port.
 */
export async function startQueueProcess(
	kind: 'webhook' | 'worker',
	name: string,
	o: { main: N8n; userFolder: string; port?: number; concurrency?: number },
): Promise<N8nProcess> {
	const brokerPort = await freePort();
	const extra: Record<string, string> = {
		N8N_USER_FOLDER: o.userFolder,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
	};
	let readyUrl: string | undefined;
	if (kind === 'webhook') {
		extra.N8N_PORT = String(o.port);
		readyUrl = `http://127.0.0.1:${o.port}/healthz`;
	} else {
		const healthPort = await freePort();
		extra.QUEUE_HEALTH_CHECK_ACTIVE = 'true';
		extra.QUEUE_HEALTH_CHECK_PORT = String(healthPort);
		extra.N8N_WORKER_SERVER_ADDRESS = '127.0.0.1';
		readyUrl = `http://127.0.0.1:${healthPort}/healthz`;
	}
	const args = kind === 'webhook' ? ['webhook'] : ['worker', `--concurrency=${o.concurrency ?? 10}`];
	const p = new N8nProcess(name, o.main.install, args, o.main.env(extra), o.userFolder, path.join(o.userFolder, `${name}.log`));
	await p.start(kind === 'webhook' ? 'Webhook listener waiting for requests' : 'n8n worker is now ready', { readyUrl });
	return p;
}

export function logTails(stack: Partial<QueueStack>, n = 60): string {
	const parts: string[] = [];
	if (stack.main) parts.push(`--- main (${stack.main.logFile}), last ${n} lines ---\n${stack.main.logTail(n)}`);
	for (const p of [stack.webhook, ...(stack.workers ?? [])]) {
		if (p) parts.push(`--- ${p.name} (${p.logFile}), last ${n} lines ---\n${tail(p.lines.join('\n'), n)}`);
	}
	return parts.join('\n');
}

/** p-th percentile (nearest rank) of a list of numbers. */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
	return sorted[rank - 1];
}
