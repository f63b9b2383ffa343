/**
 * Runs both emulators seeded with the demo scenario in a child process (started by
 * scripts/lib/emulators.mjs through vite-node, with an IPC channel) and answers requests:
 *   { id, cmd: 'snapshot' | 'createOrder' | 'subscriptions' | 'stats' | 'fixDuplicates' | 'movements' | 'close', args }
 * Config comes from the env var EMULATORS_RUNNER_CONFIG (JSON: { size, fileMakerPort, shopifyPort }).
 * Exits when the parent goes away.
 */
import { startFileMakerEmulator, type FileMakerEmulator } from '../../test/emulators/filemaker';
import { startShopifyEmulator, type ShopifyEmulator } from '../../test/emulators/shopify';
import {
	buildScenario,
	CREDENTIAL_IDS,
	duplicateRecordIds,
	fileMakerEdit,
	fileMakerOptions,
	scenarioCredentials,
	seedScenario,
	shopifyOptions,
	stockSnapshot,
} from './scenario';

interface Request {
	id: number;
	cmd: string;
	args?: Record<string, unknown>;
}

function send(msg: unknown): void {
	if (process.send) process.send(msg);
	else process.stdout.write(`EMULATORS ${JSON.stringify(msg)}\n`);
}

async function main(): Promise<void> {
	const config = JSON.parse(process.env.EMULATORS_RUNNER_CONFIG ?? '{}') as {
		size?: number;
		fileMakerPort?: number;
		shopifyPort?: number;
	};
	const scenario = buildScenario(config.size ?? 300);
	let fm: FileMakerEmulator | undefined;
	let shop: ShopifyEmulator | undefined;
	const closeAll = async () => {
		await Promise.allSettled([fm?.close(), shop?.close()]);
	};
	try {
		fm = await startFileMakerEmulator(fileMakerOptions({ port: config.fileMakerPort ?? 0 }));
		shop = await startShopifyEmulator(shopifyOptions({ port: config.shopifyPort ?? 0 }));
		seedScenario(fm, shop, scenario);
	} catch (e) {
		await closeAll();
		throw e;
	}
	const f = fm;
	const s = shop;

	const handlers: Record<string, (args: Record<string, unknown>) => Promise<unknown> | unknown> = {
		snapshot: () => [...stockSnapshot(f, s).values()],
		createOrder: async (args) =>
			await s.createOrder({
				lineItems: args.lineItems as { sku: string; quantity: number }[],
				deliver: args.deliver !== false,
				topic: (args.topic as string | undefined) ?? undefined,
			}),
		subscriptions: () => s.subscriptions(),
		stats: () => ({
			fileMaker: f.stats,
			fileMakerRequests: f.requestLog.length,
			shopifyRequests: s.requestLog.length,
			shopifyMutations: s.requestLog.filter((r) => r.kind === 'mutation').length,
			movements: f.records('StockMovements').length,
		}),
		/** What a FileMaker user would do about the duplicate: delete the old record (through the Data API). */
		fixDuplicates: async () => {
			const removed: { sku: string; recordId: string }[] = [];
			for (const sku of scenario.duplicateInFileMaker) {
				const ids = duplicateRecordIds(f, sku);
				await fileMakerEdit(f, ids.map((recordId) => ({ recordId, delete: true as const })));
				for (const recordId of ids) removed.push({ sku, recordId });
			}
			return removed;
		},
		movements: () => f.records('StockMovements').map((r) => r.fieldData),
		close: async () => {
			await closeAll();
			setImmediate(() => process.exit(0));
			return true;
		},
	};

	process.on('message', (raw: unknown) => {
		const req = raw as Request;
		const handler = handlers[req.cmd];
		void (async () => {
			try {
				if (!handler) throw new Error(`unknown command ${req.cmd}`);
				const result = await handler(req.args ?? {});
				send({ id: req.id, ok: true, result });
			} catch (e) {
				send({ id: req.id, ok: false, error: (e as Error).message });
			}
		})();
	});
	process.on('disconnect', () => void closeAll().then(() => process.exit(0)));
	for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void closeAll().then(() => process.exit(0)));

	send({
		type: 'ready',
		fileMaker: { url: f.url, database: f.database },
		shopify: { url: s.url, shopDomain: s.shopDomain },
		credentials: scenarioCredentials(f, s),
		credentialIds: CREDENTIAL_IDS,
		scenario: {
			fileMakerRecords: scenario.fileMakerRows.length,
			shopifyItems: scenario.shopifyItems.length,
			outOfStep: scenario.outOfStep,
			missingInShopify: scenario.missingInShopify,
			missingInFileMaker: scenario.missingInFileMaker,
			duplicateInFileMaker: scenario.duplicateInFileMaker,
			inStep: scenario.inStep,
		},
	});
}

main().catch((e: unknown) => {
	send({ type: 'error', error: (e as Error).stack ?? String(e) });
	process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
	setTimeout(() => process.exit(1), 100);
});
