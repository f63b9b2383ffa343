/**
 * FileMaker Cloud on a REAL n8n 2.x: the shipped sync and orders templates, unchanged, with a
 * FileMaker Data API credential that signs in with a Claris ID (Cognito SRP). The Cognito emulator
 * issues the ID token; the FileMaker emulator takes `Authorization: FMID <id token>` on login.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';

import { startCognitoEmulator, type CognitoEmulator } from '../emulators/cognito';
import { startFileMakerEmulator, type FileMakerEmulator } from '../emulators/filemaker';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { OPS } from '../filemaker/claris-support';
import {
	N8n,
	N8nApi,
	bindTemplates,
	buildAndPack,
	freePort,
	installCommunityPackage,
	installN8n,
	sleep,
	type ExecutionLike,
} from '../../scripts/lib/n8n.mjs';
import {
	CREDENTIAL_IDS,
	FILEMAKER_CREDENTIAL_ID,
	buildScenario,
	fileMakerOptions,
	scenarioCredentials,
	seedScenario,
	shopifyOptions,
	stockSnapshot,
	type Scenario,
} from '../../scripts/lib/scenario';

const SYNC = 'filemaker-to-shopify-sync.json';
const ORDERS = 'shopify-orders-to-filemaker.json';

let tmp = '';
let n8n: N8n | undefined;
let api: N8nApi | undefined;
let fm: FileMakerEmulator | undefined;
let shop: ShopifyEmulator | undefined;
let cognito: CognitoEmulator | undefined;
let scenario: Scenario;
const ids: { sync?: string; orders?: string } = {};
let failed = false;

function printLogTailOnFailure(): void {
	onTestFailed(() => {
		failed = true;
		if (n8n) console.log(`--- n8n log, last 80 lines (${n8n.logFile}) ---\n${n8n.logTail(80)}`);
	});
}

const fmLogins = () => fm!.requestLog.filter((l) => l.method === 'POST' && l.path.endsWith('/sessions'));

beforeAll(async () => {
	try {
		const install = await installN8n({ onLog: (l) => console.log(l) });
		tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-claris-'));
		const userFolder = path.join(tmp, 'n8n');
		const tarball = await buildAndPack({ outDir: path.join(tmp, 'pack') });
		await installCommunityPackage({ tarball, userFolder });

		scenario = buildScenario(60);
		cognito = await startCognitoEmulator({ users: [OPS] });
		fm = await startFileMakerEmulator(fileMakerOptions());
		fm.setOptions({ clarisId: { verifyIdToken: (token, at) => cognito!.verifyIdToken(token, at), accounts: [OPS.email] } });
		shop = await startShopifyEmulator(shopifyOptions());
		seedScenario(fm, shop, scenario);

		n8n = new N8n({ install, userFolder, port: await freePort(), owner: { email: 'e2e@example.com', password: 'E2e-Password-1' } });
		// The same credential ids as the templates are bound to; the FileMaker one signs in with a Claris ID.
		const credentials = scenarioCredentials(fm, shop).map((c) =>
			c.id !== FILEMAKER_CREDENTIAL_ID
				? c
				: {
						...c,
						data: {
							host: fm!.url,
							database: fm!.database,
							signInWith: 'clarisId',
							clarisIdEmail: OPS.email,
							clarisIdPassword: OPS.password,
							cognitoUserPoolId: cognito!.userPoolId,
							cognitoClientId: cognito!.clientId,
							cognitoEndpoint: cognito!.url,
							apiVersion: 'vLatest',
							allowUnauthorizedCerts: false,
							sessionToken: '',
						},
					},
		);
		await n8n.importCredentials(credentials);
		const bound = bindTemplates({ files: [SYNC, ORDERS], outDir: path.join(tmp, 'workflows'), credentialIds: CREDENTIAL_IDS });
		await n8n.importWorkflowDir(path.join(tmp, 'workflows'));
		const listed = bound.some((b) => !b.workflow.id) ? await n8n.listWorkflows() : [];
		const idOf = (file: string) => {
			const b = bound.find((x) => path.basename(x.file) === file)!;
			const id = b.workflow.id ?? listed.find((w) => w.name === b.workflow.name)?.id;
			if (!id) throw new Error(`imported workflow "${b.workflow.name}" not found`);
			return id;
		};
		ids.sync = idOf(SYNC);
		ids.orders = idOf(ORDERS);
		await n8n.publishWorkflow(ids.orders);
		await n8n.start();
		api = new N8nApi(n8n.url);
		await api.login(n8n.owner.email, n8n.owner.password);
		await api.createApiKey('e2e-claris');
	} catch (e) {
		failed = true;
		if (n8n) console.log(`--- n8n log, last 80 lines ---\n${n8n.logTail(80)}`);
		throw e;
	}
});

afterAll(async () => {
	await Promise.allSettled([n8n?.stop(), fm?.close(), shop?.close(), cognito?.close()]);
	if (tmp && !failed) fs.rmSync(tmp, { recursive: true, force: true });
	else if (tmp) console.log(`kept ${tmp} for inspection (n8n log: ${n8n?.logFile})`);
});

describe('real n8n 2.x with a FileMaker Cloud (Claris ID) credential', () => {
	it('runs the sync template unchanged: Claris ID sign-in, FMID login, Shopify equals FileMaker', async () => {
		printLogTailOnFailure();
		const run = await n8n!.executeWorkflow(ids.sync!);
		expect(run.ok, run.output.split('\n').slice(-40).join('\n')).toBe(true);
		for (const row of stockSnapshot(fm!, shop!).values()) {
			if (row.status === 'duplicate in FileMaker' || row.status === 'only in FileMaker' || row.status === 'only in Shopify') continue;
			expect(row.shopify, `Shopify stock of ${row.sku}`).toBe(row.fileMaker[0]);
		}
		expect(cognito!.stats.srpSignIns).toBeGreaterThanOrEqual(1);
		expect(fmLogins().length).toBeGreaterThanOrEqual(1);
		expect(fmLogins().every((l) => l.status === 200)).toBe(true);
	});

	it('stores and applies a signed order webhook through the orders template with the same credential', async () => {
		printLogTailOnFailure();
		const sub = shop!.subscriptions().find((x) => x.topic === 'ORDERS_CREATE');
		expect(sub, 'the orders/create subscription made at publish').toBeDefined();
		const quantity = (sku: string) => Number(fm!.records('Stock').find((r) => String(r.fieldData.SKU) === sku)?.fieldData.Quantity);
		const sku = scenario.inStep.find((s) => quantity(s) >= 3)!;
		const before = quantity(sku);
		const { order } = await shop!.createOrder({ lineItems: [{ sku, quantity: 2 }], deliver: false });
		const r = await shop!.sendWebhook({ url: sub!.uri, topic: sub!.topic, payload: order, retries: 0 });
		expect(r.attempts.map((x) => x.status)).toEqual([200]);
		const deadline = Date.now() + 20_000;
		while (quantity(sku) !== before - 2 && Date.now() < deadline) await sleep(200);
		expect(quantity(sku)).toBe(before - 2);
		const executions: ExecutionLike[] = await api!.listExecutions({ workflowId: ids.orders! });
		expect(executions.filter((e) => e.status === 'error')).toEqual([]);
	});
});
