import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { seedCatalogue } from '../emulators/shopify/catalogue';
import { gql, startReceiver } from './helpers';

let emu: ShopifyEmulator;
beforeAll(async () => {
	emu = await startShopifyEmulator({ bulkDurationMs: 1000 });
});
afterAll(() => emu.close());
afterEach(() => emu.reset());

function seed() {
	emu.seed({
		locations: [{ name: 'Warehouse' }, { name: 'Store' }],
		items: [
			{ sku: 'A', available: 10, locationName: 'Warehouse' },
			{ sku: 'B', available: 5, locationName: 'Warehouse' },
			{ sku: 'C', available: 3, locationName: 'Warehouse' },
			{ sku: 'GIFT', available: 0, locationName: 'Warehouse' },
			{ sku: 'A', available: 4, locationName: 'Store' },
		],
	});
}

const level = (sku: string, loc = 'Warehouse') => {
	const l = emu.levels(emu.location(loc).id).get(sku)!;
	return { available: l.available, committed: l.committed, on_hand: l.on_hand };
};

type Line = { id: number; sku: string | null; current_quantity: number; fulfillable_quantity: number; variant_inventory_management: string | null; gift_card: boolean };
const lines = (order: Record<string, unknown>) => order.line_items as Line[];

describe('stock commitment', () => {
	it('an order placed (paid or pending) commits stock at its location; paying moves nothing', async () => {
		seed();
		const loc = emu.location('Warehouse').id;
		const paid = await emu.placeOrder({ lineItems: [{ sku: 'A', quantity: 3 }], locationId: loc });
		expect(paid.events.map((e) => e.topic)).toEqual(['orders/create', 'orders/paid']);
		expect(level('A')).toEqual({ available: 7, committed: 3, on_hand: 10 });
		expect(level('A', 'Store')).toEqual({ available: 4, committed: 0, on_hand: 4 });

		const pending = await emu.placeOrder({ lineItems: [{ sku: 'A', quantity: 2 }], locationId: loc, financialStatus: 'pending' });
		expect(pending.events.map((e) => e.topic)).toEqual(['orders/create']);
		expect(pending.order.financial_status).toBe('pending');
		expect(level('A')).toEqual({ available: 5, committed: 5, on_hand: 10 });

		const pay = await emu.payOrder(pending.orderId);
		expect(pay.events.map((e) => e.topic)).toEqual(['orders/paid', 'orders/updated']);
		expect(pay.order.financial_status).toBe('paid');
		expect(level('A')).toEqual({ available: 5, committed: 5, on_hand: 10 });
	});

	it('untracked items, gift cards and custom lines move nothing; payloads say so', async () => {
		seed();
		emu.configureItem('B', { tracked: false });
		emu.configureItem('GIFT', { giftCard: true });
		const { order } = await emu.placeOrder({
			lineItems: [
				{ sku: 'A', quantity: 1 },
				{ sku: 'B', quantity: 2 },
				{ sku: 'GIFT', quantity: 1 },
				{ sku: null, quantity: 1, title: 'Gift wrap' },
			],
			locationId: emu.location('Warehouse').id,
		});
		expect(level('A').committed).toBe(1);
		expect(level('B')).toEqual({ available: 5, committed: 0, on_hand: 5 });
		expect(level('GIFT')).toEqual({ available: 0, committed: 0, on_hand: 0 });
		expect(lines(order).map((l) => [l.sku, l.variant_inventory_management, l.gift_card])).toEqual([
			['A', 'shopify', false],
			['B', null, false],
			['GIFT', null, true],
			[null, null, false],
		]);
	});

	it('lines by inventory item id; fulfilment lowers committed and on_hand; partial fulfilment', async () => {
		seed();
		const itemA = emu.levels(emu.location('Warehouse').id).get('A')!.inventoryItemId;
		const placed = await emu.placeOrder({
			lineItems: [{ inventoryItemId: itemA, quantity: 4 }, { sku: 'B', quantity: 2 }],
			locationId: emu.location('Warehouse').id,
		});
		const [la, lb] = placed.lineItemIds;
		const part = await emu.fulfilOrder(placed.orderId, { lines: [{ lineItemId: la, quantity: 3 }] });
		expect(part.events.map((e) => e.topic)).toEqual(['orders/partially_fulfilled', 'orders/updated']);
		expect(level('A')).toEqual({ available: 6, committed: 1, on_hand: 7 });
		expect(lines(part.order).map((l) => l.fulfillable_quantity)).toEqual([1, 2]);
		const rest = await emu.fulfilOrder(placed.orderId);
		expect(rest.events[0].topic).toBe('orders/fulfilled');
		expect(level('A')).toEqual({ available: 6, committed: 0, on_hand: 6 });
		expect(level('B')).toEqual({ available: 3, committed: 0, on_hand: 3 });
		expect(lb).toBeGreaterThan(la);
	});

	it('cancellation of an unpaid order gives its units back once', async () => {
		seed();
		const p = await emu.placeOrder({ lineItems: [{ sku: 'C', quantity: 2 }], financialStatus: 'pending', locationId: emu.location('Warehouse').id });
		expect(level('C')).toEqual({ available: 1, committed: 2, on_hand: 3 });
		const c = await emu.cancelOrderEvent(p.orderId);
		expect(c.events.map((e) => e.topic)).toEqual(['refunds/create', 'orders/cancelled', 'orders/updated']);
		expect(level('C')).toEqual({ available: 3, committed: 0, on_hand: 3 });
		const again = await emu.cancelOrderEvent(p.orderId);
		expect(again.events.map((e) => e.topic)).toEqual(['orders/cancelled', 'orders/updated']);
		expect(level('C')).toEqual({ available: 3, committed: 0, on_hand: 3 });
		expect(c.order.financial_status).toBe('voided');
	});

	it('cancellation of a partly fulfilled order restocks only the unfulfilled units (restock_type cancel)', async () => {
		seed();
		const p = await emu.placeOrder({ lineItems: [{ sku: 'A', quantity: 5 }], locationId: emu.location('Warehouse').id });
		await emu.fulfilOrder(p.orderId, { lines: [{ lineItemId: p.lineItemIds[0], quantity: 2 }] });
		expect(level('A')).toEqual({ available: 5, committed: 3, on_hand: 8 });
		const c = await emu.cancelOrderEvent(p.orderId);
		const refund = c.events[0].payload as { refund_line_items: { quantity: number; restock_type: string; location_id: number }[] };
		expect(refund.refund_line_items.map((r) => [r.quantity, r.restock_type])).toEqual([[3, 'cancel']]);
		expect(level('A')).toEqual({ available: 8, committed: 0, on_hand: 8 });
		expect(lines(c.order)[0]).toMatchObject({ current_quantity: 2, fulfillable_quantity: 0 });
	});

	it('refunds: cancel of unfulfilled units, return of fulfilled units, no_restock', async () => {
		seed();
		const p = await emu.placeOrder({ lineItems: [{ sku: 'A', quantity: 6 }], locationId: emu.location('Warehouse').id });
		const id = p.lineItemIds[0];
		await emu.fulfilOrder(p.orderId, { lines: [{ lineItemId: id, quantity: 3 }] });
		expect(level('A')).toEqual({ available: 4, committed: 3, on_hand: 7 });
		const r1 = await emu.refundOrderEvent(p.orderId, { lines: [{ lineItemId: id, quantity: 1, restockType: 'cancel' }] });
		expect(r1.events.map((e) => e.topic)).toEqual(['refunds/create', 'orders/updated']);
		expect(level('A')).toEqual({ available: 5, committed: 2, on_hand: 7 });
		await emu.refundOrderEvent(p.orderId, { lines: [{ lineItemId: id, quantity: 2, restockType: 'return' }] });
		expect(level('A')).toEqual({ available: 7, committed: 2, on_hand: 9 });
		const r3 = await emu.refundOrderEvent(p.orderId, { lines: [{ lineItemId: id, quantity: 1, restockType: 'no_restock' }] });
		// default switch unfulfilledNoRestock 'consume': the unfulfilled unit leaves committed and on_hand
		expect(level('A')).toEqual({ available: 7, committed: 1, on_hand: 8 });
		expect((r3.refund.refund_line_items as { restock_type: string; location_id: unknown }[])[0]).toMatchObject({ restock_type: 'no_restock', location_id: null });
		expect(lines(r3.order)[0].current_quantity).toBe(2);
		await expect(emu.refundOrderEvent(p.orderId, { lines: [{ lineItemId: id, quantity: 2, restockType: 'cancel' }] })).rejects.toThrow(/unfulfilled/);
	});

	it('order edit: remove one unit, add a line → orders/edited with additions/removals, current_quantity', async () => {
		seed();
		const p = await emu.placeOrder({ lineItems: [{ sku: 'A', quantity: 3 }], locationId: emu.location('Warehouse').id });
		const e = await emu.editOrder(p.orderId, { changes: [{ lineItemId: p.lineItemIds[0], quantity: 2 }], additions: [{ sku: 'B', quantity: 2 }] });
		expect(e.events.map((x) => x.topic)).toEqual(['orders/edited', 'orders/updated']);
		const edit = (e.events[0].payload as { order_edit: { order_id: number; line_items: { additions: { id: number; delta: number }[]; removals: { id: number; delta: number }[] } } }).order_edit;
		expect(edit.order_id).toBe(p.orderId);
		expect(edit.line_items.removals).toEqual([{ id: p.lineItemIds[0], delta: 1 }]);
		expect(edit.line_items.additions).toEqual([{ id: e.addedLineItemIds[0], delta: 2 }]);
		expect(level('A')).toEqual({ available: 8, committed: 2, on_hand: 10 });
		expect(level('B')).toEqual({ available: 3, committed: 2, on_hand: 5 });
		const updated = lines(e.events[1].payload);
		expect(updated.map((l) => [l.sku, l.current_quantity])).toEqual([
			['A', 2],
			['B', 2],
		]);
		const g = await gql(emu, `query($id: ID!) { order(id: $id) { lineItems(first: 5) { nodes { sku quantity currentQuantity unfulfilledQuantity } } } }`, { id: `gid://shopify/Order/${p.orderId}` });
		expect(g.body.data.order.lineItems.nodes).toEqual([
			{ sku: 'A', quantity: 3, currentQuantity: 2, unfulfilledQuantity: 2 },
			{ sku: 'B', quantity: 2, currentQuantity: 2, unfulfilledQuantity: 2 },
		]);
	});

	it('returns flow: RESTOCKED disposition raises available and on_hand, no refund restock_type needed', async () => {
		seed();
		const p = await emu.placeOrder({ lineItems: [{ sku: 'A', quantity: 2 }], locationId: emu.location('Warehouse').id });
		await emu.fulfilOrder(p.orderId);
		expect(level('A')).toEqual({ available: 8, committed: 0, on_hand: 8 });
		const r = await emu.createReturn(p.orderId, { lines: [{ lineItemId: p.lineItemIds[0], quantity: 2 }] });
		expect(r.events.map((x) => x.topic)).toEqual(['returns/approve']);
		const d = await emu.disposeReturn(r.returnId, {
			items: [
				{ lineItemId: p.lineItemIds[0], quantity: 1, disposition: 'RESTOCKED' },
				{ lineItemId: p.lineItemIds[0], quantity: 1, disposition: 'NOT_RESTOCKED' },
			],
		});
		expect(d.events.map((x) => x.topic)).toEqual(['reverse_fulfillment_orders/dispose', 'orders/updated']);
		const disp = d.events[0].payload as { dispositions: { type: string; quantity: number; location: { id: number } | null; reverse_fulfillment_order_line_item: { fulfillment_line_item: { line_item: { id: number } } } }[] };
		expect(disp.dispositions.map((x) => [x.type, x.quantity, x.reverse_fulfillment_order_line_item.fulfillment_line_item.line_item.id])).toEqual([
			['restocked', 1, p.lineItemIds[0]],
			['not_restocked', 1, p.lineItemIds[0]],
		]);
		expect(level('A')).toEqual({ available: 9, committed: 0, on_hand: 9 });
		// refund of the returned units without restock moves nothing more
		await emu.refundOrderEvent(p.orderId, { lines: [{ lineItemId: p.lineItemIds[0], quantity: 2, restockType: 'no_restock' }] });
		expect(level('A')).toEqual({ available: 9, committed: 0, on_hand: 9 });
		const closed = await emu.closeReturn(r.returnId);
		expect(closed.events.map((x) => [x.topic, (x.payload as { status: string }).status])).toEqual([['returns/close', 'closed']]);
		const g = await gql(
			emu,
			`query($id: ID!) { order(id: $id) { returns(first: 5) { nodes { status reverseFulfillmentOrders(first: 5) { nodes { lineItems(first: 5) { nodes { dispositions { type quantity } } } } } } } } }`,
			{ id: `gid://shopify/Order/${p.orderId}` },
		);
		expect(g.body.errors).toBeUndefined();
		const ret = g.body.data.order.returns.nodes[0];
		expect(ret.status).toBe('CLOSED');
		expect(ret.reverseFulfillmentOrders.nodes[0].lineItems.nodes[0].dispositions).toEqual([
			{ type: 'RESTOCKED', quantity: 1 },
			{ type: 'NOT_RESTOCKED', quantity: 1 },
		]);
	});

	it('webhooks of order actions reach subscriptions; orders are visible to the updated_at catch-up query', async () => {
		seed();
		const rx = await startReceiver();
		try {
			for (const topic of ['ORDERS_CREATE', 'ORDERS_EDITED', 'ORDERS_CANCELLED'])
				await gql(emu, `mutation($t: WebhookSubscriptionTopic!, $u: String!) { webhookSubscriptionCreate(topic: $t, webhookSubscription: { uri: $u }) { userErrors { message } } }`, { t: topic, u: rx.url });
			const since = new Date(emu.clock.now()).toISOString();
			emu.clock.advance(1000);
			const p = await emu.placeOrder({ lineItems: [{ sku: 'A', quantity: 1 }], financialStatus: 'pending' });
			await emu.editOrder(p.orderId, { additions: [{ sku: 'B', quantity: 1 }] });
			await emu.cancelOrderEvent(p.orderId);
			expect(rx.received.map((r) => r.headers['x-shopify-topic'])).toEqual(['orders/create', 'orders/edited', 'orders/cancelled']);
			const g = await gql(emu, `query($q: String!) { orders(first: 5, query: $q, sortKey: UPDATED_AT) { nodes { id cancelledAt displayFinancialStatus lineItems(first: 5) { nodes { sku currentQuantity } } } } }`, { q: `updated_at:>'${since}'` });
			expect(g.body.data.orders.nodes).toHaveLength(1);
			expect(g.body.data.orders.nodes[0].cancelledAt).not.toBeNull();
			expect(g.body.data.orders.nodes[0].displayFinancialStatus).toBe('VOIDED');
			expect(g.body.data.orders.nodes[0].lineItems.nodes).toEqual([
				{ sku: 'A', currentQuantity: 0 },
				{ sku: 'B', currentQuantity: 0 },
			]);
		} finally {
			await rx.close();
		}
	});
});

describe('onRequest hooks', () => {
	const READ = `query ReadLevels { inventoryItems(first: 5, query: "sku:A") { nodes { sku inventoryLevels(first: 5) { nodes { quantities(names: ["available"]) { quantity } } } } } }`;

	it("'received' runs before the answer is computed, 'answered' after it (the answer does not see it)", async () => {
		seed();
		emu.onRequest(
			(r) => r.operationName === 'ReadLevels',
			async () => {
				await emu.placeOrder({ lineItems: [{ sku: 'A', quantity: 2 }], locationId: emu.location('Warehouse').id });
			},
		);
		const first = await gql(emu, READ);
		expect(first.body.data.inventoryItems.nodes[0].inventoryLevels.nodes[0].quantities[0].quantity).toBe(8);
		emu.onRequest(
			(r) => r.fields.includes('inventoryItems'),
			() => void emu.placeOrder({ lineItems: [{ sku: 'A', quantity: 1 }], locationId: emu.location('Warehouse').id }),
			{ phase: 'answered' },
		);
		const second = await gql(emu, READ);
		expect(second.body.data.inventoryItems.nodes[0].inventoryLevels.nodes[0].quantities[0].quantity).toBe(8);
		expect(level('A').available).toBe(7);
		// times: consumed
		await gql(emu, READ);
		expect(level('A').available).toBe(7);
	});

	it('a sale while inventorySetQuantities is answered makes its changeFromQuantity stale (nothing applied)', async () => {
		seed();
		const loc = emu.location('Warehouse').id;
		const item = emu.levels(loc).get('A')!.inventoryItemId;
		emu.onRequest(
			(r) => r.fields.includes('inventorySetQuantities'),
			async () => {
				await emu.placeOrder({ lineItems: [{ sku: 'A', quantity: 1 }], locationId: loc, deliver: false });
			},
		);
		const r = await gql(
			emu,
			`mutation Set($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) @idempotent(key: "cas-1") { userErrors { code } } }`,
			{ input: { name: 'available', reason: 'correction', quantities: [{ inventoryItemId: item, locationId: loc, quantity: 20, changeFromQuantity: 10 }] } },
		);
		expect(r.body.data.inventorySetQuantities.userErrors).toEqual([{ code: 'CHANGE_FROM_QUANTITY_STALE' }]);
		expect(level('A')).toEqual({ available: 9, committed: 1, on_hand: 10 });
	});

	it('a 10,000-SKU order placed while a bulk read is polled commits every line', async () => {
		const { skus } = seedCatalogue(emu, 10_000, { available: 5 });
		const run = await gql(emu, `mutation { bulkOperationRunQuery(query: "{ productVariants { edges { node { sku inventoryItem { id } } } } }") { bulkOperation { id } userErrors { message } } }`);
		const opId = run.body.data.bulkOperationRunQuery.bulkOperation.id;
		let placed = 0;
		emu.onRequest(
			(r) => r.fields.includes('currentBulkOperation') || r.fields.includes('node'),
			async () => {
				const o = await emu.placeOrder({ lineItems: skus.map((sku) => ({ sku, quantity: 1 })), deliver: false });
				placed = o.lineItemIds.length;
			},
		);
		await gql(emu, `query($id: ID!) { node(id: $id) { ... on BulkOperation { status } } }`, { id: opId });
		expect(placed).toBe(10_000);
		emu.onRequest(
			(r) => r.kind === 'bulk-download',
			() => void emu.sell('SKU-000001', 1),
		);
		emu.clock.advance(5000);
		const done = await gql(emu, `query($id: ID!) { node(id: $id) { ... on BulkOperation { status url } } }`, { id: opId });
		expect(done.body.data.node.status).toBe('COMPLETED');
		const file = await fetch(done.body.data.node.url);
		expect((await file.text()).trim().split('\n')).toHaveLength(10_000);
		const levels = emu.levels();
		let wrong = 0;
		for (const sku of skus) {
			const l = levels.get(sku)!;
			const expected = sku === 'SKU-000001' ? { available: 3, committed: 2 } : { available: 4, committed: 1 };
			if (l.available !== expected.available || l.committed !== expected.committed || l.on_hand !== 5) wrong++;
		}
		expect(wrong).toBe(0);
	});
});

describe('bulk reads and sales while they run', () => {
	const INNER = '{ inventoryItems { edges { node { id sku inventoryLevels { edges { node { quantities(names: [\\"available\\"]) { quantity } } } } } } } }';
	async function readDuringSale(): Promise<number> {
		seed();
		const run = await gql(emu, `mutation { bulkOperationRunQuery(query: "${INNER}") { bulkOperation { id } userErrors { message } } }`);
		expect(run.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
		const id = run.body.data.bulkOperationRunQuery.bulkOperation.id;
		emu.onRequest(
			(r) => r.fields.includes('node'),
			() => void emu.placeOrder({ lineItems: [{ sku: 'C', quantity: 2 }], locationId: emu.location('Warehouse').id, deliver: false }),
		);
		await gql(emu, `query($id: ID!) { node(id: $id) { ... on BulkOperation { status } } }`, { id });
		emu.clock.advance(5000);
		const done = await gql(emu, `query($id: ID!) { node(id: $id) { ... on BulkOperation { status url } } }`, { id });
		const rows = (await (await fetch(done.body.data.node.url)).text())
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l) as { sku?: string; quantities?: { quantity: number }[]; __parentId?: string; id?: string });
		const item = rows.find((r) => r.sku === 'C') as { id?: string } | undefined;
		const levelRow = rows.find((r) => r.quantities && r.__parentId === item?.id);
		return levelRow!.quantities![0].quantity;
	}

	it("default 'start': the result is the data when the operation was created", async () => {
		expect(await readDuringSale()).toBe(3);
		expect(level('C').available).toBe(1);
	});

	it("switch bulkReadsAt 'completion': a sale made while it runs is in the result", async () => {
		emu.setOptions({ bulkReadsAt: 'completion' });
		try {
			expect(await readDuringSale()).toBe(1);
		} finally {
			emu.setOptions({ bulkReadsAt: 'start' });
		}
	});
});

describe('rows Shopify never accepts, retryable userErrors, ledger documents', () => {
	const SET = `mutation Set($input: InventorySetQuantitiesInput!, $key: String!) { inventorySetQuantities(input: $input) @idempotent(key: $key) { inventoryAdjustmentGroup { changes { name delta } } userErrors { field code message } } }`;
	const ADJUST = `mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) { inventoryAdjustQuantities(input: $input) @idempotent(key: $key) { inventoryAdjustmentGroup { changes { name delta } } userErrors { field code message } } }`;

	function rows() {
		emu.seed({ locations: [{ name: 'Warehouse' }, { name: 'Store' }], items: [] });
		seedCatalogue(emu, 5, { available: 10, locationName: 'Warehouse' });
		const ids = new Map([...emu.levels(emu.location('Warehouse').id)].map(([sku, l]) => [sku, l.inventoryItemId]));
		emu.configureItem('SKU-000002', { requiresComponents: true });
		emu.configureItem('SKU-000003', { tracked: false });
		emu.configureItem('SKU-000005', { deleted: true });
		emu.seed({ items: [{ sku: 'ONLY-STORE', available: 1, locationName: 'Store' }] });
		const storeOnly = emu.levels(emu.location('Store').id).get('ONLY-STORE')!.inventoryItemId;
		const loc = emu.location('Warehouse').id;
		const set = [...ids.values(), storeOnly].map((inventoryItemId) => ({ inventoryItemId, locationId: loc, quantity: 7, changeFromQuantity: null }));
		return { set, loc, ids };
	}

	for (const version of ['2026-01', '2026-10']) {
		it(`${version}: bundle parent, untracked, unstocked and deleted rows → userErrors; nothing applied (all-or-nothing)`, async () => {
			const { set } = rows();
			const r = await gql(emu, SET, { input: { name: 'available', reason: 'correction', quantities: set }, key: 'k1' }, { version });
			const codes = r.body.data.inventorySetQuantities.userErrors.map((e: { field: string[]; code: string }) => [e.field[2], e.code]);
			const expected = [
				['1', 'NON_MUTABLE_INVENTORY_ITEM'],
				['2', 'NON_MUTABLE_INVENTORY_ITEM'],
				['4', 'INVALID_INVENTORY_ITEM'],
			];
			// 2026-10's enum has no ITEM_NOT_STOCKED_AT_LOCATION (the item is activated there instead)
			if (version === '2026-01') expected.push(['5', 'ITEM_NOT_STOCKED_AT_LOCATION']);
			expect(codes).toEqual(expected);
			expect(r.body.data.inventorySetQuantities.inventoryAdjustmentGroup).toBeNull();
			expect(level('SKU-000001').available).toBe(10);
		});
	}

	it('switch allOrNothing:false applies the good rows and reports the others', async () => {
		const { set } = rows();
		emu.setOptions({ stockRules: { allOrNothing: false } });
		try {
			const r = await gql(emu, SET, { input: { name: 'available', reason: 'correction', quantities: set }, key: 'k2' }, { version: '2026-01' });
			expect(r.body.data.inventorySetQuantities.userErrors).toHaveLength(4);
			expect(r.body.data.inventorySetQuantities.inventoryAdjustmentGroup.changes).toHaveLength(4);
			expect(level('SKU-000001').available).toBe(7);
			expect(level('SKU-000004').available).toBe(7);
			expect(level('SKU-000002').available).toBe(10);
		} finally {
			emu.setOptions({ stockRules: { allOrNothing: true } });
		}
	});

	it('injected ADJUST_QUANTITIES_FAILED / SERVICE_UNAVAILABLE: nothing applied, a retry with the same key applies once', async () => {
		const { ids, loc } = rows();
		const changes = [{ inventoryItemId: ids.get('SKU-000001'), locationId: loc, delta: -2, changeFromQuantity: null }];
		emu.injectInventoryUserError({ code: 'ADJUST_QUANTITIES_FAILED', mutation: 'adjust' });
		emu.injectInventoryUserError({ code: 'SERVICE_UNAVAILABLE', mutation: 'adjust' });
		const input = { name: 'available', reason: 'correction', changes };
		const a = await gql(emu, ADJUST, { input, key: 'r1' });
		expect(a.body.data.inventoryAdjustQuantities.userErrors).toEqual([{ field: null, code: 'ADJUST_QUANTITIES_FAILED', message: "The quantities couldn't be adjusted. Try again." }]);
		const b = await gql(emu, ADJUST, { input, key: 'r1' });
		expect(b.body.data.inventoryAdjustQuantities.userErrors[0].code).toBe('SERVICE_UNAVAILABLE');
		expect(level('SKU-000001').available).toBe(10);
		const c = await gql(emu, ADJUST, { input, key: 'r1' });
		expect(c.body.data.inventoryAdjustQuantities.userErrors).toEqual([]);
		await gql(emu, ADJUST, { input, key: 'r1' });
		expect(level('SKU-000001').available).toBe(8);
	});

	it('a code the mutation enum lacks is never injected (inventorySetQuantities has no SERVICE_UNAVAILABLE)', async () => {
		const { ids, loc } = rows();
		emu.injectInventoryUserError({ code: 'SERVICE_UNAVAILABLE', mutation: 'set' });
		const r = await gql(emu, SET, { input: { name: 'available', reason: 'correction', quantities: [{ inventoryItemId: ids.get('SKU-000001'), locationId: loc, quantity: 4, changeFromQuantity: 10 }] }, key: 's1' });
		expect(r.body.data.inventorySetQuantities.userErrors).toEqual([]);
		expect(level('SKU-000001').available).toBe(4);
	});

	it('on_hand adjustments need a ledgerDocumentUri (INVALID_QUANTITY_DOCUMENT); with one they apply', async () => {
		const { ids, loc } = rows();
		const row = { inventoryItemId: ids.get('SKU-000001'), locationId: loc, delta: 3, changeFromQuantity: null };
		const bad = await gql(emu, ADJUST, { input: { name: 'on_hand', reason: 'received', changes: [row] }, key: 'l1' });
		expect(bad.body.data.inventoryAdjustQuantities.userErrors.map((e: { code: string }) => e.code)).toEqual(['INVALID_QUANTITY_DOCUMENT']);
		const good = await gql(emu, ADJUST, { input: { name: 'on_hand', reason: 'received', changes: [{ ...row, ledgerDocumentUri: 'gid://filemaker-sync/Receipt/1' }] }, key: 'l2' });
		expect(good.body.data.inventoryAdjustQuantities.userErrors).toEqual([]);
		expect(level('SKU-000001')).toEqual({ available: 13, committed: 0, on_hand: 13 });
	});

	it('damaged needs a ledger document too and moves on_hand, not available', async () => {
		const { ids, loc } = rows();
		const row = { inventoryItemId: ids.get('SKU-000001'), locationId: loc, delta: 2, changeFromQuantity: null };
		const bad = await gql(emu, ADJUST, { input: { name: 'damaged', reason: 'damaged', changes: [row] }, key: 'd1' });
		expect(bad.body.data.inventoryAdjustQuantities.userErrors.map((e: { code: string }) => e.code)).toEqual(['INVALID_QUANTITY_DOCUMENT']);
		const good = await gql(emu, ADJUST, { input: { name: 'damaged', reason: 'damaged', changes: [{ ...row, ledgerDocumentUri: 'https://example.com/damage/1' }] }, key: 'd2' });
		expect(good.body.data.inventoryAdjustQuantities.inventoryAdjustmentGroup.changes).toEqual([
			{ name: 'damaged', delta: 2 },
			{ name: 'on_hand', delta: 2 },
		]);
		expect(level('SKU-000001')).toEqual({ available: 10, committed: 0, on_hand: 12 });
	});

	it('switch reapplyRepeatedAdjustKey: the same key is applied again (default: replayed)', async () => {
		const { ids, loc } = rows();
		const input = { name: 'available', reason: 'correction', changes: [{ inventoryItemId: ids.get('SKU-000001'), locationId: loc, delta: -1, changeFromQuantity: null }] };
		await gql(emu, ADJUST, { input, key: 'same' });
		await gql(emu, ADJUST, { input, key: 'same' });
		expect(level('SKU-000001').available).toBe(9);
		emu.setOptions({ stockRules: { reapplyRepeatedAdjustKey: true } });
		try {
			await gql(emu, ADJUST, { input, key: 'same' });
			await gql(emu, ADJUST, { input, key: 'same' });
			expect(level('SKU-000001').available).toBe(7);
		} finally {
			emu.setOptions({ stockRules: { reapplyRepeatedAdjustKey: false } });
		}
	});
});

describe('protected customer data', () => {
	const SUB = `mutation($t: WebhookSubscriptionTopic!, $u: String!) { webhookSubscriptionCreate(topic: $t, webhookSubscription: { uri: $u }) { webhookSubscription { id } userErrors { field message } } }`;
	const ORDERS = `{ orders(first: 5) { nodes { id } } }`;

	it('not approved: ORDERS_* subscriptions refused with the documented text; orders empty or ACCESS_DENIED', async () => {
		seed();
		await emu.placeOrder({ lineItems: [{ sku: 'A', quantity: 1 }] });
		emu.setOptions({ stockRules: { protectedCustomerDataApproved: false, unapprovedOrderReads: 'empty' } });
		try {
			const s = await gql(emu, SUB, { t: 'ORDERS_CREATE', u: 'https://example.com/h' });
			expect(s.body.data.webhookSubscriptionCreate.webhookSubscription).toBeNull();
			expect(s.body.data.webhookSubscriptionCreate.userErrors[0].message).toMatch(/is not approved to subscribe to webhook topics containing protected customer data/);
			const inv = await gql(emu, SUB, { t: 'INVENTORY_LEVELS_UPDATE', u: 'https://example.com/h' });
			expect(inv.body.data.webhookSubscriptionCreate.userErrors).toEqual([]);
			expect((await gql(emu, ORDERS)).body.data.orders.nodes).toEqual([]);
			emu.setOptions({ stockRules: { unapprovedOrderReads: 'access-denied' } });
			const denied = await gql(emu, ORDERS);
			expect(denied.body.errors[0].extensions.code).toBe('ACCESS_DENIED');
			expect(denied.body.errors[0].message).toMatch(/not approved to access the Order object/);
		} finally {
			emu.setOptions({ stockRules: { protectedCustomerDataApproved: true, unapprovedOrderReads: 'empty' } });
		}
		expect((await gql(emu, ORDERS)).body.data.orders.nodes).toHaveLength(1);
	});
});
