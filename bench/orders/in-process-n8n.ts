/**
 * The in-process "n8n" of the order-bursts section, run as its own Node process (bundled with
 * esbuild like bench/sides/*): n8n-core's WorkflowExecute through test/helpers/n8n-harness.ts's
 * webhook runner, which serves each workflow's production webhook on a loopback port and answers as
 * n8n 2.41 does (responseMode "responseNode": the Respond to Webhook node answers; the execution
 * goes on after it). Usage: node in-process-n8n.cjs <config.json> <ready.json>; runs until SIGTERM.
 */
import fs from 'node:fs';

import { FileMakerDataApi } from '../../credentials/FileMakerDataApi.credentials';
import { ShopifyInventoryApi } from '../../credentials/ShopifyInventoryApi.credentials';
import { FileMakerInventory } from '../../nodes/FileMakerInventory/FileMakerInventory.node';
import { ShopifyInventory } from '../../nodes/ShopifyInventory/ShopifyInventory.node';
import { ShopifyInventoryTrigger } from '../../nodes/ShopifyInventoryTrigger/ShopifyInventoryTrigger.node';
import { CredentialStore, PACKAGE_NAME, registerTypes, startWebhookRunner, type WorkflowJson } from '../../test/helpers/n8n-harness';

export interface InProcessConfig {
	workflows: Record<string, WorkflowJson>;
	credentials: Record<string, Record<string, unknown>>;
}

async function main() {
	const [configPath, readyPath] = process.argv.slice(2);
	const config = JSON.parse(fs.readFileSync(configPath, 'utf8')) as InProcessConfig;
	await registerTypes({
		nodes: {
			[`${PACKAGE_NAME}.fileMakerInventory`]: new FileMakerInventory(),
			[`${PACKAGE_NAME}.shopifyInventory`]: new ShopifyInventory(),
			[`${PACKAGE_NAME}.shopifyInventoryTrigger`]: new ShopifyInventoryTrigger(),
		},
		credentials: { fileMakerDataApi: new FileMakerDataApi(), shopifyInventoryApi: new ShopifyInventoryApi() },
	});
	const credentials = new CredentialStore();
	for (const [type, data] of Object.entries(config.credentials)) credentials.set(type, data as never);
	const urls: Record<string, string> = {};
	const runners = [];
	for (const [key, workflow] of Object.entries(config.workflows)) {
		const runner = await startWebhookRunner({ workflow, credentials });
		runners.push(runner);
		urls[key] = runner.url;
	}
	fs.writeFileSync(readyPath, JSON.stringify({ urls }));
	// Stopped by the bench once FileMaker has been quiet; executions still backing off are dropped.
	const stop = () => process.exit(0);
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
	process.exit(1);
});
