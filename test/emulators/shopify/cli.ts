/**
 * Standalone Shopify emulator:
 *   npx vite-node test/emulators/shopify/cli.ts -- --port 8102 --seed 300
 * Options: --host 127.0.0.1  --port 0  --seed N  --location "Shop location"  --shop demo-shop.myshopify.com
 *          --token shpat_test_token  --client-id ID --client-secret SECRET  --webhook-secret S
 *          --bucket 2000/100  --speed-up 1  --latency 0  --bulk-ms 500
 * Prints the URL and credentials, then runs until SIGINT/SIGTERM.
 */
import { seedCatalogue } from './catalogue';
import { DEFAULT_ACCESS_TOKEN, startShopifyEmulator } from './index';

function args(argv: string[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith('--') || a === '--') continue;
		const [k, inline] = a.slice(2).split('=', 2);
		if (inline !== undefined) out[k] = inline;
		else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[k] = argv[++i];
		else out[k] = 'true';
	}
	return out;
}

async function main(): Promise<void> {
	const a = args(process.argv.slice(2));
	const token = a.token ?? DEFAULT_ACCESS_TOKEN;
	const clientId = a['client-id'] ?? 'emulator-client-id';
	const clientSecret = a['client-secret'] ?? 'emulator-client-secret';
	const [max, rate] = (a.bucket ?? '2000/100').split('/').map(Number);
	const emu = await startShopifyEmulator({
		host: a.host ?? '127.0.0.1',
		port: a.port ? Number(a.port) : 0,
		shopDomain: a.shop,
		accessTokens: [{ token }],
		apps: [{ clientId, clientSecret }],
		webhookSecret: a['webhook-secret'],
		bucket: { maximumAvailable: max, restoreRate: rate },
		clock: { speedUp: a['speed-up'] ? Number(a['speed-up']) : 1 },
		latencyMs: a.latency ? Number(a.latency) : undefined,
		bulkDurationMs: a['bulk-ms'] ? Number(a['bulk-ms']) : undefined,
	});
	const n = a.seed ? Number(a.seed) : 0;
	emu.seed({ locations: a.location ? [{ name: a.location }] : [], items: [] });
	if (n > 0) seedCatalogue(emu, n, { locationName: a.location });
	const out = (s: string) => process.stdout.write(`${s}\n`);
	out(`Shopify emulator listening on ${emu.url}`);
	out(`  shop (credential "shop"):   ${emu.url}   (domain ${emu.shopDomain})`);
	out(`  access token:               ${token}`);
	out(`  client id / secret:         ${clientId} / ${clientSecret}`);
	out(`  webhook signing secret:     ${a['webhook-secret'] ?? clientSecret}`);
	out(`  GraphQL:                    ${emu.url}/admin/api/2026-10/graphql.json`);
	const loc = emu.location(a.location);
	out(`  location:                   ${loc.id} (${loc.name})`);
	out(`  seeded SKUs:                ${n}`);
	const stop = async () => {
		out('Shopify emulator stopping');
		await emu.close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
	// keep the event loop alive even if the server is unref'd by a runner
	setInterval(() => undefined, 1 << 30);
}

main().catch((e: unknown) => {
	process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
	process.exit(1);
});
