/**
 * Shared set-up of the template tests: both emulators, the credentials n8n would hold, a seeded
 * catalogue, and readers of both systems' stock. The templates are loaded from workflows/ exactly as
 * users import them.
 */
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';

import { credentialData } from '../filemaker/_support';
import { startFileMakerEmulator, type FileMakerEmulator, type FileMakerEmulatorOptions } from '../emulators/filemaker';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { CredentialStore, loadTemplate, startWebhookRunner, type WebhookRunner, type WorkflowJson } from '../helpers/n8n-harness';

export const SECRET = 'whsec_template_tests';
export const SYNC = 'filemaker-to-shopify-sync.json';
export const ORDERS = 'shopify-orders-to-filemaker.json';
export const SINGLE = 'sync-single-sku.json';
export const ORDERS_TRIGGER_STORES = 'shopify-orders-to-filemaker-trigger-stores.json';

/** The sync template's nodes, in the order they must run. */
export const SYNC_STEPS = {
	settings: 'Sync settings',
	catchUp: '1. Orders the webhooks may have missed',
	store: '2. Store missed orders in FileMaker',
	reported: 'Reported problems',
	apply: '3. Apply pending stock events',
	read: '4. Read FileMaker stock',
	sync: '5. Sync to Shopify',
	summary: 'Summary',
	decide: 'Problems to fix?',
	fail: 'Fail the execution with the problems',
	finished: 'Sync finished',
} as const;

export const ORDER_STEPS = {
	trigger: 'Shopify order webhooks',
	store: 'Store in FileMaker',
	answer: 'Answer Shopify: stored (200)',
	apply: 'Apply to FileMaker stock',
	neverTake: 'FileMaker can never take it?',
	reported: 'Lines FileMaker cannot take (reported)',
	fail: 'Fail: Shopify delivers again',
	sweepTrigger: 'Every minute',
	sweep: 'Apply whatever is pending',
} as const;

/** The nodes of the orders template whose trigger stores the changes itself. */
export const TRIGGER_STORES_STEPS = {
	trigger: 'Shopify order webhooks (stores, then answers)',
	apply: 'Apply to FileMaker stock',
	sweepTrigger: 'Every minute',
	sweep: 'Apply whatever is pending',
} as const;

export const sku = (i: number) => `SKU-${String(i).padStart(6, '0')}`;

export interface TemplateEnv {
	fm: FileMakerEmulator;
	shop: ShopifyEmulator;
	creds: CredentialStore;
	/** FileMaker stock by SKU (the emulator's raw records). */
	fileMakerStock(): Map<string, number>;
	shopifyAvailable(): Map<string, number>;
	/** Event rows (the movement log). */
	events(sku?: string): Record<string, unknown>[];
	/** Event rows stored and not applied yet. */
	pendingEvents(): Record<string, unknown>[];
	/**
	 * 40 SKUs on both sides. Shopify is out of step on every 5th SKU (8 rows differ: 3 more units),
	 * SKU-000041 exists only in FileMaker, SKU-000099 only in Shopify.
	 */
	seedBothSides(): void;
	resetCredentials(): void;
	close(): Promise<void>;
}

/**
 * The emulators and credentials of a test file: started once, reset and seeded (both sides) before each
 * test; the webhook runners the test pushed to `runners` are closed after it.
 */
export function useTemplateEnv(use: (env: TemplateEnv) => void, runners: WebhookRunner[], fileMaker: FileMakerEmulatorOptions = {}): void {
	let env: TemplateEnv | undefined;
	beforeAll(async () => {
		env = await startTemplateEnv(fileMaker);
		use(env);
	});
	afterAll(async () => {
		await env?.close();
	});
	beforeEach(() => {
		env!.fm.reset();
		env!.shop.reset();
		env!.resetCredentials();
		env!.seedBothSides();
	});
	afterEach(async () => {
		while (runners.length > 0) await runners.pop()!.close();
	});
}

export async function startTemplateEnv(fileMaker: FileMakerEmulatorOptions = {}): Promise<TemplateEnv> {
	const fm = await startFileMakerEmulator(fileMaker);
	const shop = await startShopifyEmulator({ webhookSecret: SECRET });
	const env: TemplateEnv = {
		fm,
		shop,
		creds: new CredentialStore(),
		fileMakerStock: () => new Map(fm.records('Stock').map((r) => [String(r.fieldData.SKU), Number(r.fieldData.Quantity)])),
		shopifyAvailable: () => new Map([...shop.levels().entries()].map(([s, level]) => [s, level.available])),
		events: (s) => fm.records('StockMovements').map((r) => r.fieldData).filter((f) => s === undefined || f.SKU === s),
		pendingEvents: () => fm.records('StockMovements').map((r) => r.fieldData).filter((f) => f.AppliedBatch === ''),
		seedBothSides() {
			const rows = Array.from({ length: 40 }, (_, k) => ({ SKU: sku(k + 1), Quantity: 10 + k }));
			fm.seed('Stock', [...rows, { SKU: sku(41), Quantity: 5 }]);
			shop.seed({
				locations: [{ name: 'Main warehouse' }],
				items: [
					...rows.map((r, k) => ({ sku: r.SKU, available: k % 5 === 0 ? r.Quantity + 3 : r.Quantity })),
					{ sku: sku(99), available: 7 },
				],
			});
		},
		resetCredentials() {
			env.creds = new CredentialStore();
			env.creds.set('fileMakerDataApi', credentialData(fm));
			env.creds.set('shopifyInventoryApi', {
				shop: shop.url,
				authentication: 'accessToken',
				accessToken: 'shpat_test_token',
				apiVersion: '2026-10',
				webhookSigningSecret: SECRET,
			});
		},
		close: async () => {
			await fm.close();
			await shop.close();
		},
	};
	return env;
}

/** A Set node's assignment, changed as a user would in the editor. */
export function setAssignment(workflow: WorkflowJson, nodeName: string, field: string, value: unknown): void {
	const node = workflow.nodes.find((n) => n.name === nodeName);
	if (!node) throw new Error(`No node ${nodeName}`);
	const assignments = (node.parameters.assignments as { assignments: Array<{ name: string; value: unknown }> }).assignments;
	const assignment = assignments.find((a) => a.name === field);
	if (!assignment) throw new Error(`No field ${field} in ${nodeName}`);
	assignment.value = value;
}

/**
 * The workflow with every node moved to a new place (a user tidying the canvas): a seeded
 * permutation of the positions, mirrored top to bottom so that branches drawn higher end up lower.
 */
export function shufflePositions(workflow: WorkflowJson, seed: number): WorkflowJson {
	const copy = structuredClone(workflow);
	const positions = copy.nodes.map((n) => n.position);
	let state = seed;
	const random = () => {
		state = (state * 1103515245 + 12345) % 2147483648;
		return state / 2147483648;
	};
	for (let i = positions.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[positions[i], positions[j]] = [positions[j], positions[i]];
	}
	copy.nodes.forEach((n, i) => {
		n.position = [positions[i][0], -positions[i][1]];
	});
	return copy;
}

/**
 * Moves the clock of the whole test process forward (n8n's $now, both emulators' clocks): the orders
 * placed so far become that much older, e.g. older than the sync's hold-back window. Time keeps
 * running from there. Undo with `vi.useRealTimers()`.
 */
export function moveClockForward(ms: number): void {
	const now = Date.now();
	if (!vi.isFakeTimers()) vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
	vi.setSystemTime(now + ms);
}

/** A template published in-process (its trigger served on a loopback port); closed after the test. */
export async function publishTemplate(env: TemplateEnv, runners: WebhookRunner[], file: string, triggerNode: string): Promise<WebhookRunner> {
	const runner = await startWebhookRunner({ workflow: await loadTemplate(file), credentials: env.creds, triggerNode });
	runners.push(runner);
	return runner;
}
