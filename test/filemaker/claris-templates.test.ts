/**
 * The shipped sync and orders templates, unchanged, with a FileMaker Data API credential that signs
 * in with a Claris ID (FileMaker Cloud): Cognito emulator + FileMaker emulator taking FMID logins.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startCognitoEmulator, type CognitoEmulator } from '../emulators/cognito';
import { CredentialStore, loadTemplate, runWorkflow, startWebhookRunner, type WebhookRunner } from '../helpers/n8n-harness';
import { ORDERS, ORDER_STEPS, SECRET, SYNC, SYNC_STEPS, setAssignment, sku, startTemplateEnv, type TemplateEnv } from '../workflows/_support';

/** The sync template past its first (dry) manual run. */
async function writingSyncTemplate() {
	const workflow = await loadTemplate(SYNC);
	setAssignment(workflow, SYNC_STEPS.settings, 'dryRun', false);
	return workflow;
}
import { OPS } from './claris-support';

let env: TemplateEnv;
let cognito: CognitoEmulator;
const runners: WebhookRunner[] = [];

beforeAll(async () => {
	env = await startTemplateEnv();
	cognito = await startCognitoEmulator({ users: [OPS] });
	env.fm.setOptions({ clarisId: { verifyIdToken: (token, at) => cognito.verifyIdToken(token, at), accounts: [OPS.email] } });
});

afterAll(async () => {
	await env?.close();
	await cognito?.close();
});

beforeEach(() => {
	env.fm.reset();
	env.shop.reset();
	cognito.reset();
	env.seedBothSides();
	env.creds = new CredentialStore();
	env.creds.set('fileMakerDataApi', {
		host: env.fm.url,
		database: 'Inventory',
		signInWith: 'clarisId',
		clarisIdEmail: OPS.email,
		clarisIdPassword: OPS.password,
		cognitoUserPoolId: cognito.userPoolId,
		cognitoClientId: cognito.clientId,
		cognitoEndpoint: cognito.url,
	});
	env.creds.set('shopifyInventoryApi', {
		shop: env.shop.url,
		authentication: 'accessToken',
		accessToken: 'shpat_test_token',
		apiVersion: '2026-10',
		webhookSigningSecret: SECRET,
	});
});

afterEach(async () => {
	while (runners.length > 0) await runners.pop()!.close();
});

const fmLogins = () => env.fm.requestLog.filter((l) => l.method === 'POST' && l.path.endsWith('/sessions')).map((l) => `${l.status}/${l.code}`);

describe('templates with a FileMaker Cloud (Claris ID) credential', () => {
	it('sync template: Shopify equals FileMaker, one Claris ID sign-in, one Data API session', async () => {
		const result = await runWorkflow({ workflow: await writingSyncTemplate(), credentials: env.creds });
		expect(result.error).toBeUndefined();
		expect(result.ran(SYNC_STEPS.finished)).toBe(true);
		const fmStock = env.fileMakerStock();
		const available = env.shopifyAvailable();
		for (let k = 1; k <= 40; k++) expect(available.get(sku(k)), sku(k)).toBe(fmStock.get(sku(k)));
		expect(result.outputOf(SYNC_STEPS.summary)[0].json).toMatchObject({ compared: 40, updated: 8, failed: 0 });
		expect(cognito.stats.srpSignIns).toBe(1);
		expect(cognito.stats.refreshes).toBe(0);
		expect(fmLogins()).toEqual(['200/0']);
	});

	it('orders template: an order webhook is stored and applied to FileMaker stock, reusing the sign-in', async () => {
		await runWorkflow({ workflow: await writingSyncTemplate(), credentials: env.creds });
		const runner = await startWebhookRunner({ workflow: await loadTemplate(ORDERS), credentials: env.creds, triggerNode: ORDER_STEPS.trigger });
		runners.push(runner);
		const before = env.fileMakerStock();
		const placed = await env.shop.placeOrder({ lineItems: [{ sku: sku(5), quantity: 2 }], deliver: false });
		const delivery = await env.shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, eventId: 'evt-claris' });
		await runner.idle();
		expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
		expect(runner.executions[0].result.error).toBeUndefined();
		expect(env.fileMakerStock().get(sku(5))).toBe(before.get(sku(5))! - 2);
		expect(cognito.stats.srpSignIns).toBe(1);
		expect(fmLogins()).toEqual(['200/0']);
	});
});
