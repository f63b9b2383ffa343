/**
 * Ours: the shipped sync template (workflows/filemaker-to-shopify-sync.json, or for the incremental
 * scenarios the incremental chain of workflows/filemaker-to-shopify-incremental.json) run in-process with
 * n8n-core's WorkflowExecute (test/helpers/n8n-harness.ts), its credentials pointed at the emulators.
 * Only what the template leaves to the user is filled in (credentials, the Shopify location); every
 * other parameter is the template's own.
 */
import fs from 'node:fs';

import type { IDataObject, INode } from 'n8n-workflow';

import { FileMakerDataApi } from '../../credentials/FileMakerDataApi.credentials';
import { ShopifyInventoryApi } from '../../credentials/ShopifyInventoryApi.credentials';
import { FileMakerInventory } from '../../nodes/FileMakerInventory/FileMakerInventory.node';
import { ShopifyInventory } from '../../nodes/ShopifyInventory/ShopifyInventory.node';
import { CredentialStore, PACKAGE_NAME, registerTypes, runWorkflow, type WorkflowJson } from '../../test/helpers/n8n-harness';
import { sideMain } from './common';

const SHOPIFY_TYPE = `${PACKAGE_NAME}.shopifyInventory`;
const FILEMAKER_TYPE = `${PACKAGE_NAME}.fileMakerInventory`;

/** Points every Shopify Inventory node of the template at the emulator's location. */
function pointAtLocation(node: INode, locationId: string, locationName: string) {
	const parameters = node.parameters as IDataObject;
	for (const [key, value] of Object.entries(parameters)) {
		if (value && typeof value === 'object' && (value as IDataObject).__rl === true && /location/i.test(key)) {
			parameters[key] = { __rl: true, mode: 'id', value: locationId, cachedResultName: locationName };
		}
	}
}

sideMain(async (config, sw) => {
	await registerTypes({
		nodes: {
			[FILEMAKER_TYPE]: new FileMakerInventory(),
			[SHOPIFY_TYPE]: new ShopifyInventory(),
		},
		credentials: {
			fileMakerDataApi: new FileMakerDataApi(),
			shopifyInventoryApi: new ShopifyInventoryApi(),
		},
	});
	const template = JSON.parse(fs.readFileSync(config.templatePath!, 'utf8')) as WorkflowJson;
	const workflow: WorkflowJson = {
		...template,
		// FileMaker timestamps are the server's wall clock: the workflow's time zone is the emulator's (this machine's).
		settings: { ...template.settings, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone },
		nodes: template.nodes.map((node) => {
			const copy = structuredClone(node);
			if (copy.type === SHOPIFY_TYPE) pointAtLocation(copy, config.shopify.locationId, config.shopify.locationName);
			// As shipped, a run started by hand is a dry run (dryRun computed from the Manual Trigger): the benchmark measures a run that writes.
			const assignments = (copy.parameters.assignments as { assignments?: Array<{ name: string; value: unknown }> } | undefined)?.assignments;
			for (const assignment of assignments ?? []) if (assignment.name === 'dryRun' && typeof assignment.value === 'string') assignment.value = false;
			return copy;
		}),
	};

	const credentials = new CredentialStore();
	credentials.set('fileMakerDataApi', {
		host: config.filemaker.url,
		database: config.filemaker.database,
		username: config.filemaker.username,
		password: config.filemaker.password,
		apiVersion: 'vLatest',
		sessionToken: '',
	});
	credentials.set('shopifyInventoryApi', {
		shop: config.shopify.url,
		authentication: 'accessToken',
		accessToken: config.shopify.accessToken,
		apiVersion: config.shopify.apiVersion,
		sessionToken: '',
	});

	sw.start();
	const run = await runWorkflow({
		workflow,
		credentials,
		...(config.startNode ? { startNode: config.startNode, triggerItems: [{ json: { timestamp: new Date().toISOString() } }] } : {}),
	});
	sw.phase('workflow');
	if (run.error) throw run.error;
	const shopifyNode = workflow.nodes.find(
		(n) => n.type === SHOPIFY_TYPE && !n.disabled && (n.parameters as IDataObject).operation === 'sync' && run.ran(n.name),
	);
	const summary = shopifyNode ? run.outputOf(shopifyNode.name)[0]?.json : undefined;
	// A dry run writes nothing, and the bench would report every changed SKU as wrong: say so instead.
	if (summary?.dryRun === true) {
		throw new Error(`"${shopifyNode?.name}" ran as a dry run (nothing written to Shopify): the benchmark measures a run that writes; check the template's dryRun setting`);
	}
	const perNode: Record<string, number> = {};
	for (const [name, tasks] of Object.entries(run.run.data.resultData.runData)) {
		perNode[name] = Math.round(tasks.reduce((sum, task) => sum + (task.executionTime ?? 0), 0));
	}
	Object.assign(sw.phases, Object.fromEntries(Object.entries(perNode).map(([k, v]) => [`node: ${k}`, v])));
	return {
		status: run.status,
		executionOrder: run.executionOrder,
		syncSummary: summary ?? null,
	};
});
