/**
 * Several locations set once, in the two credentials (Shopify: Locations / Default Location; FileMaker:
 * Location Field), with the SHIPPED templates loaded unchanged from workflows/: the orders template
 * (trigger → Store → Apply) receives orders fulfilled from each location, a POS sale and a restock to
 * the second location; the sync template then repairs a drift at one location. Both systems end, per
 * location, as Shopify did. With the credential fields empty the templates behave as for one location,
 * and a node's own Locations list wins over the credential's.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { credentialData } from '../filemaker/_support';
import { MULTI_LOCATION_LAYOUTS, startFileMakerEmulator, type FileMakerEmulator } from '../emulators/filemaker';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import {
	CredentialStore,
	loadTemplate,
	runNode,
	runWorkflow,
	startWebhookRunner,
	type WebhookRunner,
	type WorkflowJson,
} from '../helpers/n8n-harness';
import { ORDERS, ORDER_STEPS, SECRET, SINGLE, SYNC, SYNC_STEPS, moveClockForward, setAssignment } from '../workflows/_support';
import { tokenCredentials } from '../shopify/helpers';

const SKUS = ['MUG-RED', 'MUG-BLUE', 'CAP-GREEN'];
const START = 20;
/** Longer than the sync template's hold-back margin: orders placed before are old by then. */
const LATER = 10 * 60 * 1000;

let shop: ShopifyEmulator;
let fm: FileMakerEmulator;
let singleFm: FileMakerEmulator;
const runners: WebhookRunner[] = [];

beforeAll(async () => {
	shop = await startShopifyEmulator({ webhookSecret: SECRET });
	fm = await startFileMakerEmulator({ layouts: MULTI_LOCATION_LAYOUTS });
	singleFm = await startFileMakerEmulator();
});
afterAll(async () => {
	await shop?.close();
	await fm?.close();
	await singleFm?.close();
});
beforeEach(() => {
	shop.reset();
	fm.reset();
	singleFm.reset();
	shop.setOptions({ stockRules: { protectedCustomerDataApproved: true } });
});
afterEach(async () => {
	vi.useRealTimers();
	while (runners.length > 0) await runners.pop()!.close();
});

const warehouse = () => shop.location('Warehouse').id;
const store = () => shop.location('Shop').id;

/** Two locations in Shopify (20 of each SKU at each), the same in FileMaker (one record per SKU and location). */
function seedTwoLocations() {
	shop.seed({
		locations: [{ name: 'Warehouse' }, { name: 'Shop' }],
		items: ['Warehouse', 'Shop'].flatMap((locationName) => SKUS.map((sku) => ({ sku, available: START, locationName }))),
	});
	fm.seed('Stock', ['WH', 'SHOP'].flatMap((Location) => SKUS.map((SKU) => ({ SKU, Location, Quantity: START }))));
}

/**
 * The credentials a merchant with two locations fills in: the Shopify mapping once (one location by
 * its name, one by its id), and the FileMaker Location Field once. Nothing else.
 */
function twoLocationCredentials(shopify: { locationMapping?: string; defaultLocation?: string } = {}): CredentialStore {
	const creds = tokenCredentials(shop, {
		apiVersion: '2026-10',
		webhookSigningSecret: SECRET,
		locationMapping: shopify.locationMapping ?? `# FileMaker value = Shopify location\nWH = Warehouse\nSHOP = ${store()}`,
		defaultLocation: shopify.defaultLocation ?? 'Warehouse',
	});
	creds.set('fileMakerDataApi', credentialData(fm, { locationField: 'Location' }));
	return creds;
}

async function activateOrders(creds: CredentialStore, workflow?: WorkflowJson): Promise<WebhookRunner> {
	const runner = await startWebhookRunner({ workflow: workflow ?? (await loadTemplate(ORDERS)), credentials: creds, triggerNode: ORDER_STEPS.trigger });
	runners.push(runner);
	return runner;
}

/** Per FileMaker location value, per SKU: FileMaker's quantity and Shopify's available. */
function bothSystems() {
	const fileMaker: Record<string, Record<string, unknown>> = { WH: {}, SHOP: {} };
	for (const r of fm.records('Stock')) fileMaker[String(r.fieldData.Location)][String(r.fieldData.SKU)] = r.fieldData.Quantity;
	const shopify: Record<string, Record<string, unknown>> = { WH: {}, SHOP: {} };
	for (const [value, id] of [['WH', warehouse()], ['SHOP', store()]]) {
		for (const [sku, level] of shop.levels(id)) shopify[value][sku] = level.available;
	}
	return { fileMaker, shopify };
}

/** Orders fulfilled from each location, a POS sale at the shop, a refund restocked to the shop: each delivered to the trigger. */
async function sellAndRestock(runner: WebhookRunner) {
	const deliver = async (topic: string, payload: Record<string, unknown>, eventId: string) => {
		const delivery = await shop.sendWebhook({ url: runner.url, topic, payload, eventId });
		await runner.idle();
		return delivery.attempts.map((a) => a.status);
	};
	const fromWarehouse = await shop.placeOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 3 }, { sku: 'CAP-GREEN', quantity: 2 }], locationId: warehouse(), online: true, deliver: false });
	expect(await deliver('orders/create', fromWarehouse.order, 'evt-wh')).toEqual([200]);
	const fromShop = await shop.placeOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 1 }], locationId: store(), online: true, deliver: false });
	expect(await deliver('orders/create', fromShop.order, 'evt-shop')).toEqual([200]);
	const pos = await shop.placeOrder({ lineItems: [{ sku: 'MUG-BLUE', quantity: 4 }], locationId: store(), deliver: false });
	expect(await deliver('orders/create', pos.order, 'evt-pos')).toEqual([200]);
	await shop.fulfilOrder(fromWarehouse.orderId, { deliver: false });
	await shop.fulfilOrder(fromShop.orderId, { deliver: false });
	const refund = await shop.refundOrderEvent(fromWarehouse.orderId, {
		lines: [{ lineItemId: fromWarehouse.lineItemIds[1], quantity: 2, restockType: 'return', locationId: store() }],
		deliver: false,
	});
	expect(await deliver('refunds/create', refund.refund, 'evt-refund')).toEqual([200]);
}

/** Where Shopify ends after sellAndRestock. */
const AS_SHOPIFY_DID = {
	WH: { 'MUG-RED': 17, 'MUG-BLUE': 20, 'CAP-GREEN': 18 },
	SHOP: { 'MUG-RED': 19, 'MUG-BLUE': 16, 'CAP-GREEN': 22 },
};

const inventoryWrites = () => shop.requestLog.filter((r) => r.kind === 'mutation' && /InventorySetQuantities/i.test(r.operationName ?? ''));

describe('two locations configured only in the credentials, shipped templates unchanged', () => {
	it('orders template: each location loses and regains what Shopify moved; sync template: a drift at one location is written back there', async () => {
		seedTwoLocations();
		const creds = twoLocationCredentials();
		const runner = await activateOrders(creds);
		await sellAndRestock(runner);
		for (const execution of runner.executions) expect(execution.result.error).toBeUndefined();
		const stored = runner.executions.flatMap((e) => e.result.outputOf(ORDER_STEPS.store).map((i) => i.json));
		expect(stored.filter((s) => s.status === 'stored').map((s) => `${String(s.sku)}@${String(s.location)}`).sort()).toEqual(
			['CAP-GREEN@SHOP', 'CAP-GREEN@WH', 'MUG-BLUE@SHOP', 'MUG-RED@SHOP', 'MUG-RED@WH'].sort(),
		);
		const afterOrders = bothSystems();
		expect(afterOrders.shopify).toEqual(AS_SHOPIFY_DID);
		expect(afterOrders.fileMaker).toEqual(AS_SHOPIFY_DID);

		// Shopify drifts at the shop only (units lost outside any order): the sync template writes them back there.
		shop.sell('CAP-GREEN', 5, store());
		moveClockForward(LATER);
		const sync = await runWorkflow({ workflow: await loadTemplate(SYNC), credentials: creds, startNode: 'Every hour', triggerItems: [{ json: { timestamp: new Date().toISOString() } }] });
		expect(sync.error).toBeUndefined();
		// The catch-up finds the orders the webhooks delivered: nothing is stored twice.
		expect(sync.outputOf(SYNC_STEPS.store).filter((i) => i.json.status === 'stored')).toEqual([]);
		expect(sync.outputOf(SYNC_STEPS.summary)[0].json).toMatchObject({ dryRun: false, compared: 6, updated: 1, unchanged: 5, failed: 0 });
		expect(inventoryWrites()).toHaveLength(1);
		expect(inventoryWrites()[0].rows).toBe(1);
		const afterSync = bothSystems();
		expect(afterSync.shopify).toEqual(AS_SHOPIFY_DID);
		expect(afterSync.fileMaker).toEqual(AS_SHOPIFY_DID);
	});

	it('single-SKU template: the SKU is compared and written at each location', async () => {
		seedTwoLocations();
		const creds = twoLocationCredentials();
		shop.sell('MUG-RED', 3, warehouse());
		shop.sell('MUG-RED', 1, store());
		shop.sell('MUG-BLUE', 2, store());
		moveClockForward(LATER);
		const workflow = await loadTemplate(SINGLE);
		setAssignment(workflow, 'SKU and Dry Run', 'sku', 'MUG-RED');
		setAssignment(workflow, 'SKU and Dry Run', 'dryRun', false);
		const run = await runWorkflow({ workflow, credentials: creds });
		expect(run.error).toBeUndefined();
		expect(run.outputOf('Read the SKU in FileMaker').map((i) => `${String(i.json.sku)}@${String(i.json.location)}=${String(i.json.quantity)}`).sort()).toEqual([
			`MUG-RED@SHOP=${START}`,
			`MUG-RED@WH=${START}`,
		]);
		expect(inventoryWrites()).toHaveLength(1);
		expect(inventoryWrites()[0].rows).toBe(2);
		const after = bothSystems();
		expect(after.shopify.WH['MUG-RED']).toBe(START);
		expect(after.shopify.SHOP['MUG-RED']).toBe(START);
		expect(after.shopify.SHOP['MUG-BLUE']).toBe(START - 2);
	});

	it('the storing trigger (Respond: After Storing the Changes in FileMaker) → Apply Pending: the same locations from the credentials', async () => {
		seedTwoLocations();
		const creds = twoLocationCredentials();
		// The template's trigger and Apply step, the trigger storing the changes itself.
		const template = await loadTemplate(ORDERS);
		const trigger = structuredClone(template.nodes.find((n) => n.name === ORDER_STEPS.trigger)!);
		const storeNode = template.nodes.find((n) => n.name === ORDER_STEPS.store)!;
		const apply = structuredClone(template.nodes.find((n) => n.name === ORDER_STEPS.apply)!);
		trigger.parameters = {
			topics: trigger.parameters.topics,
			responseMode: 'afterStored',
			eventLayout: storeNode.parameters.eventLayout,
			stockLayout: storeNode.parameters.stockLayout,
			source: 'shopify',
		};
		trigger.credentials = { ...trigger.credentials, ...storeNode.credentials };
		const workflow: WorkflowJson = {
			...template,
			nodes: [trigger, apply],
			connections: { [trigger.name]: { main: [[{ node: apply.name, type: 'main', index: 0 }]] } },
		};
		const runner = await activateOrders(creds, workflow);
		await sellAndRestock(runner);
		for (const execution of runner.executions) expect(execution.result.error).toBeUndefined();
		const stored = runner.executions.flatMap((e) => e.result.outputOf(ORDER_STEPS.trigger).map((i) => i.json));
		expect(stored.filter((s) => s.status === 'stored').map((s) => `${String(s.sku)}@${String(s.location)}`).sort()).toEqual(
			['CAP-GREEN@SHOP', 'CAP-GREEN@WH', 'MUG-BLUE@SHOP', 'MUG-RED@SHOP', 'MUG-RED@WH'].sort(),
		);
		expect(fm.records('StockMovements').map((r) => `${String(r.fieldData.SKU)}@${String(r.fieldData.Location)}:${String(r.fieldData.Change)}`).sort()).toEqual(
			['CAP-GREEN@SHOP:2', 'CAP-GREEN@WH:-2', 'MUG-BLUE@SHOP:-4', 'MUG-RED@SHOP:-1', 'MUG-RED@WH:-3'].sort(),
		);
		expect(bothSystems()).toEqual({ shopify: AS_SHOPIFY_DID, fileMaker: AS_SHOPIFY_DID });
	});

	it('incremental template, nightly chain: no bulk read of one location is started; a drift at one location is written back there', async () => {
		seedTwoLocations();
		const creds = twoLocationCredentials();
		shop.sell('MUG-BLUE', 2, warehouse());
		moveClockForward(LATER);
		const bulkStarts = () => shop.requestLog.filter((r) => r.kind === 'mutation' && /BulkRunQuery|bulkOperationRunQuery/i.test(r.operationName ?? '')).length;
		const startsBefore = bulkStarts();
		const nightly = await runWorkflow({
			workflow: await loadTemplate('filemaker-to-shopify-incremental.json'),
			credentials: creds,
			startNode: 'Every night at 2:00',
			triggerItems: [{ json: { timestamp: new Date().toISOString() } }],
		});
		expect(nightly.error).toBeUndefined();
		expect(nightly.outputOf('Nightly: 4. Start reading Shopify')[0].json).toMatchObject({ bulkOperationId: null });
		expect(nightly.outputOf('Nightly: summary')[0].json).toMatchObject({ updated: 1, failed: 0 });
		// Only what Sync itself reads per location (none started for a single location and left unread).
		expect(bulkStarts() - startsBefore).toBeLessThanOrEqual(2);
		const after = bothSystems();
		expect(after.shopify).toEqual(after.fileMaker);
	});

	it('the catch-up (Order → Get Many) and the trigger give every change the same location', async () => {
		seedTwoLocations();
		const creds = twoLocationCredentials();
		const since = new Date(shop.clock.now() - 2000).toISOString();
		const runner = await activateOrders(creds);
		await sellAndRestock(runner);
		const fromTrigger = runner.executions
			.flatMap((e) => e.triggerItems.map((i) => i.json))
			.filter((c) => c.skipped !== true)
			.map((c) => `${String(c.idempotencyKey)}@${String(c.location)}`);
		const catchUp = await runNode({ type: 'shopifyInventory', parameters: { resource: 'order', operation: 'getMany', updatedSince: since, output: 'stockChanges' }, credentials: creds });
		expect(catchUp.error).toBeUndefined();
		const fromCatchUp = catchUp.items.map((i) => i.json).filter((c) => c.skipped !== true).map((c) => `${String(c.idempotencyKey)}@${String(c.location)}`);
		expect(new Set(fromCatchUp)).toEqual(new Set(fromTrigger));
		expect(fromCatchUp.every((c) => c.endsWith('@WH') || c.endsWith('@SHOP'))).toBe(true);
	});

	it('names cost the trigger no extra call on an order delivery; refunds/create pays one, ids none', async () => {
		seedTwoLocations();
		const order = await shop.placeOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 1 }], locationId: warehouse(), online: true, deliver: false });
		const refund = await shop.refundOrderEvent(order.orderId, { lines: [{ lineItemId: order.lineItemIds[0], quantity: 1, restockType: 'cancel', locationId: warehouse() }], deliver: false });
		const callsPerDelivery = async (creds: CredentialStore, workflow?: WorkflowJson) => {
			const runner = await activateOrders(creds, workflow);
			const count = async (topic: string, payload: Record<string, unknown>, eventId: string) => {
				const before = shop.requestLog.filter((r) => r.kind === 'query').length;
				await shop.sendWebhook({ url: runner.url, topic, payload, eventId });
				await runner.idle();
				expect(runner.executions.at(-1)?.triggerItems.every((i) => i.json.location === 'WH')).toBe(true);
				return shop.requestLog.filter((r) => r.kind === 'query').length - before;
			};
			const calls = { order: await count('orders/create', order.order, `o-${runners.length}`), refund: await count('refunds/create', refund.refund, `r-${runners.length}`) };
			await runner.deactivate();
			return calls;
		};
		// Before: the mapping in the trigger node itself (ids picked from the list).
		const nodeLevel = await loadTemplate(ORDERS);
		const trigger = nodeLevel.nodes.find((n) => n.name === ORDER_STEPS.trigger)!;
		trigger.parameters.locations = {
			mapping: [
				{ fileMakerValue: 'WH', shopifyLocation: { __rl: true, mode: 'id', value: warehouse() } },
				{ fileMakerValue: 'SHOP', shopifyLocation: { __rl: true, mode: 'id', value: store() } },
			],
		};
		const empty = twoLocationCredentials({ locationMapping: '', defaultLocation: '' });
		const before = await callsPerDelivery(empty, nodeLevel);
		const withNames = await callsPerDelivery(twoLocationCredentials({ locationMapping: 'WH = Warehouse\nSHOP = Shop', defaultLocation: '' }));
		const withIds = await callsPerDelivery(twoLocationCredentials({ locationMapping: `WH = ${warehouse()}\nSHOP = ${store()}`, defaultLocation: '' }));
		expect(before.order).toBeGreaterThan(0);
		expect(withNames).toEqual({ order: before.order, refund: before.refund + 1 });
		expect(withIds).toEqual(before);
		expect(before.refund).toBe(0);
	});
});

describe('one location: the credential fields empty', () => {
	it('the shipped templates work as before (records per SKU, no location on the items)', async () => {
		shop.seed({ locations: [{ name: 'Main warehouse' }], items: SKUS.map((sku) => ({ sku, available: START })) });
		singleFm.seed('Stock', SKUS.map((SKU) => ({ SKU, Quantity: START })));
		const creds = tokenCredentials(shop, { apiVersion: '2026-10', webhookSigningSecret: SECRET, locationMapping: '\n# no locations yet\n', defaultLocation: '' });
		creds.set('fileMakerDataApi', credentialData(singleFm, { locationField: '' }));
		const runner = await activateOrders(creds);
		const placed = await shop.placeOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 3 }], deliver: false });
		const delivery = await shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, eventId: 'evt-1' });
		await runner.idle();
		expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
		expect(runner.executions[0].triggerItems[0].json).not.toHaveProperty('location');
		expect(singleFm.records('Stock').map((r) => [r.fieldData.SKU, r.fieldData.Quantity])).toEqual([
			['MUG-RED', 17],
			['MUG-BLUE', 20],
			['CAP-GREEN', 20],
		]);
		shop.sell('CAP-GREEN', 2);
		moveClockForward(LATER);
		const sync = await runWorkflow({ workflow: await loadTemplate(SYNC), credentials: creds, startNode: 'Every hour', triggerItems: [{ json: { timestamp: new Date().toISOString() } }] });
		expect(sync.error).toBeUndefined();
		expect(sync.outputOf(SYNC_STEPS.summary)[0].json).toMatchObject({ compared: 3, updated: 1, unchanged: 2 });
		expect(new Map([...shop.levels().entries()].map(([sku, l]) => [sku, l.available]))).toEqual(new Map([['MUG-RED', 17], ['MUG-BLUE', 20], ['CAP-GREEN', 20]]));
	});
});

describe('the node-level Locations list overrides the credential', () => {
	it('Order → Get Many with its own list uses it, not the credential’s', async () => {
		seedTwoLocations();
		const since = new Date(shop.clock.now() - 2000).toISOString();
		await shop.placeOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 1 }], locationId: warehouse(), online: true, deliver: false });
		const creds = twoLocationCredentials();
		const read = (options: Record<string, unknown>) =>
			runNode({ type: 'shopifyInventory', parameters: { resource: 'order', operation: 'getMany', updatedSince: since, output: 'stockChanges', options }, credentials: creds });
		const fromCredential = await read({});
		expect(fromCredential.items.map((i) => i.json.location)).toEqual(['WH']);
		const own = await read({ locations: { mapping: [{ fileMakerValue: 'Lager', shopifyLocation: { __rl: true, mode: 'id', value: warehouse() } }] } });
		expect(own.error).toBeUndefined();
		expect(own.items.map((i) => i.json.location)).toEqual(['Lager']);
	});

	it('FileMaker Inventory: an operation’s own Location Field wins over the credential’s', async () => {
		fm.seed('Stock', [{ SKU: 'MUG-RED', Location: 'WH', Quantity: 5 }]);
		const creds = new CredentialStore();
		creds.set('fileMakerDataApi', credentialData(fm, { locationField: 'NoSuchField' }));
		const read = (options: Record<string, unknown>) => runNode({ type: 'fileMakerInventory', parameters: { resource: 'stock', operation: 'getMany', options }, credentials: creds });
		const wrong = await read({});
		expect(wrong.error?.message ?? '').toMatch(/NoSuchField/);
		const own = await read({ locationField: 'Location' });
		expect(own.error).toBeUndefined();
		expect(own.items.map((i) => [i.json.sku, i.json.location, i.json.quantity])).toEqual([['MUG-RED', 'WH', 5]]);
	});
});

describe('a location the shop does not have', () => {
	it('is refused by the first node call, naming it and listing the shop’s locations', async () => {
		seedTwoLocations();
		const creds = twoLocationCredentials({ locationMapping: 'WH = Warehose\nSHOP = Shop', defaultLocation: '' });
		const result = await runNode({ type: 'shopifyInventory', parameters: { resource: 'order', operation: 'getMany', output: 'stockChanges' }, credentials: creds });
		expect(result.error?.message).toMatch(/^Locations, line 1 \("WH"\): the shop has no location named "Warehose"\. The shop's locations: /);
		const decimal = (gid: string) => gid.split('/').pop();
		expect(result.error?.message).toContain(`"Warehouse" (${decimal(warehouse())})`);
		expect(result.error?.message).toContain(`"Shop" (${decimal(store())})`);
		expect(result.error?.description).toMatch(/Shopify Inventory API credential/);
	});

	it('the trigger answers 500 (Shopify delivers again) and starts no execution', async () => {
		seedTwoLocations();
		const runner = await activateOrders(twoLocationCredentials({ locationMapping: 'WH = Warehose\nSHOP = Shop', defaultLocation: '' }));
		const placed = await shop.placeOrder({ lineItems: [{ sku: 'MUG-RED', quantity: 1 }], locationId: warehouse(), online: true, deliver: false });
		await shop.sendWebhook({ url: runner.url, topic: 'orders/create', payload: placed.order, eventId: 'evt-typo' });
		await runner.idle();
		expect(runner.responses[0].status).toBe(500);
		expect(runner.executions).toEqual([]);
	});
});
