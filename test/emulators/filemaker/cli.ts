/**
 * Standalone FileMaker Data API emulator.
 *
 *   npx vite-node test/emulators/filemaker/cli.ts -- --port 8101 --seed 300
 *
 * Options: --port N (default 8101; 0 = free port)  --host H (default 127.0.0.1)
 *          --seed N (seed N catalogue rows into Stock)  --style apparel|numbered (default apparel)
 *          --database NAME (default Inventory)  --user NAME --password PW (default admin / secret)
 *          --latency MS | MIN-MAX  --idle-timeout MS  --session-cap N  --numbers-as-strings
 * Prints the URL and account, then a line `FILEMAKER_EMULATOR {json}` for scripts; runs until
 * SIGINT / SIGTERM.
 */
import { seedCatalogue } from './catalogue';
import { startFileMakerEmulator } from './server';
import type { FileMakerEmulatorOptions } from './types';

function parseArgs(argv: string[]): Map<string, string | true> {
	const out = new Map<string, string | true>();
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--' || !a.startsWith('--')) continue;
		const eq = a.indexOf('=');
		if (eq > 0) {
			out.set(a.slice(2, eq), a.slice(eq + 1));
			continue;
		}
		const next = argv[i + 1];
		if (next !== undefined && !next.startsWith('--')) {
			out.set(a.slice(2), next);
			i++;
		} else out.set(a.slice(2), true);
	}
	return out;
}

function num(v: string | true | undefined, name: string): number | undefined {
	if (v === undefined) return undefined;
	const n = Number(v);
	if (v === true || !Number.isFinite(n)) throw new Error(`--${name} needs a number`);
	return n;
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const user = String(args.get('user') ?? 'admin');
	const password = String(args.get('password') ?? 'secret');
	const opts: FileMakerEmulatorOptions = {
		host: String(args.get('host') ?? '127.0.0.1'),
		port: num(args.get('port'), 'port') ?? 8101,
		database: String(args.get('database') ?? 'Inventory'),
		accounts: [{ username: user, password }],
		numbersAsStrings: args.has('numbers-as-strings'),
	};
	const idle = num(args.get('idle-timeout'), 'idle-timeout');
	if (idle !== undefined) opts.idleTimeoutMs = idle;
	const cap = num(args.get('session-cap'), 'session-cap');
	if (cap !== undefined) opts.sessionCap = cap;
	const latency = args.get('latency');
	if (typeof latency === 'string') {
		const m = /^(\d+)-(\d+)$/.exec(latency);
		opts.latencyMs = m ? { min: Number(m[1]), max: Number(m[2]) } : Number(latency);
	}
	const fm = await startFileMakerEmulator(opts);
	const n = num(args.get('seed'), 'seed') ?? 0;
	const style = args.get('style') === 'numbered' ? 'numbered' : 'apparel';
	if (n > 0) seedCatalogue(fm, n, { style, extra: { AppliedKeys: '' } });

	process.stdout.write(
		[
			`FileMaker Data API emulator listening on ${fm.url}`,
			`  database: ${fm.database}   account: ${user} / ${password}`,
			`  login:    POST ${fm.url}/fmi/data/vLatest/databases/${fm.database}/sessions`,
			`  layouts:  Stock (${n} records, ${style} SKUs), StockMovements`,
			`FILEMAKER_EMULATOR ${JSON.stringify({ url: fm.url, port: fm.port, database: fm.database, username: user, password, seeded: n })}`,
			'',
		].join('\n'),
	);

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		process.stdout.write(`\n${signal}: stopping (${fm.stats.logins} logins, ${fm.stats.logouts} logouts)\n`);
		void fm.close().then(() => process.exit(0));
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
	process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
	process.exit(1);
});
