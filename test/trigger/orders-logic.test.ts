/**
 * Pure order → stock change logic (nodes/shared/orders) with Shopify's real example payloads
 * (test/fixtures/shopify/webhooks, API 2026-04). Caveats of those files (see the README there):
 * the three order payloads are the same already-cancelled order, variant_id is null everywhere, the
 * refund is no_restock, and large numeric ids lost precision upstream (admin_graphql_api_id is exact).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import {
	cancelKey,
	computeShopifyHmac,
	filterByLocation,
	isStockChangeKey,
	netBySku,
	normalizeGraphqlOrder,
	normalizeRestOrder,
	orderStockChanges,
	parseJsonKeepingBigIds,
	quoteUnsafeIntegers,
	refundRestockKey,
	saleKey,
	stockChangesFromGraphqlOrder,
	stockChangesFromWebhook,
	toLegacyId,
	topicToGraphqlEnum,
	graphqlEnumToTopic,
	verifyShopifyHmac,
	SKIP_REASONS,
	dispositionRestockKey,
	editRemovedKey,
	orderIdOfReadTopicPayload,
	type StockChange,
} from '../../nodes/shared/orders';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'shopify', 'webhooks');
const raw = (name: string) => readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8');
const fixture = (name: string) => parseJsonKeepingBigIds(raw(name)) as Record<string, unknown>;

// Exact ids (from admin_graphql_api_id) of the docs example order.
const ORDER = '820982911946154508';
const LINES = {
	'SKU2006-001': '487817672276298554',
	'LENS-PROTECT-2YR': '789012345678901234',
	'CASE-LEATHER-PREM': '890123456789012345',
	'SKU2006-020': '976318377106520349',
	'SKU2006-035': '315789986012684393',
} as const;

describe('real webhook fixtures → stock changes', () => {
	for (const [topic, file] of [
		['orders/create', 'orders_create'],
		['orders/paid', 'orders_paid'],
		['orders/cancelled', 'orders_cancelled'],
	] as const) {
		it(`${file}.json: the example's lines are not tracked (variant_inventory_management null) → every change skipped, reported`, () => {
			const { changes } = stockChangesFromWebhook(topic, fixture(file));
			expect(changes).toHaveLength(10);
			for (const c of changes) expect(c).toMatchObject({ skipped: true, quantity: c.kind === 'sale' ? -1 : 1, reason: SKIP_REASONS.untracked });
			expect(netBySku(changes).size).toBe(0);
		});

		it(`${file}.json with tracked lines: one sale per line, and (the example order is cancelled, no refunds) one cancel restock per line`, () => {
			const payload = fixture(file);
			for (const line of payload.line_items as Record<string, unknown>[]) line.variant_inventory_management = 'shopify';
			const { changes } = stockChangesFromWebhook(topic, payload);
			const sales = changes.filter((c) => c.kind === 'sale');
			const cancels = changes.filter((c) => c.kind === 'cancel');
			expect(changes).toHaveLength(10);
			expect(sales.map((c) => [c.sku, c.quantity, c.idempotencyKey])).toEqual(
				Object.entries(LINES)
					.sort((a, b) => (a[1].length - b[1].length) || (a[1] < b[1] ? -1 : 1))
					.map(([sku, line]) => [sku, -1, `shopify:order:${ORDER}:line:${line}:sale`]),
			);
			expect(cancels.map((c) => [c.sku, c.quantity, c.idempotencyKey])).toEqual(
				sales.map((c) => [c.sku, 1, `shopify:order:${ORDER}:line:${c.lineItemId}:cancel`]),
			);
			for (const c of changes) {
				expect(c).toMatchObject({ orderId: ORDER, orderName: '#9999', variantId: null, refundId: null, locationId: null, skipped: false });
				expect(isStockChangeKey(c.idempotencyKey)).toBe(true);
			}
			// A cancelled order nets to zero per SKU.
			expect([...netBySku(changes).values()].every((n) => n === 0)).toBe(true);
		});
	}

	it('a gift card line is skipped with its reason, even when tracked', () => {
		const payload = fixture('orders_paid');
		const lines = payload.line_items as Record<string, unknown>[];
		lines[0].variant_inventory_management = 'shopify';
		lines[0].gift_card = true;
		const sale = stockChangesFromWebhook('orders/paid', payload).changes.find((c) => c.lineItemId === restObjectIdOf(lines[0]))!;
		expect(sale).toMatchObject({ kind: 'sale', skipped: true, reason: SKIP_REASONS.giftCard });
	});

	it('orders/create and orders/paid describe the same sale: identical keys', () => {
		const create = stockChangesFromWebhook('orders/create', fixture('orders_create')).changes;
		const paid = stockChangesFromWebhook('orders/paid', fixture('orders_paid')).changes;
		expect(paid.map((c) => c.idempotencyKey)).toEqual(create.map((c) => c.idempotencyKey));
		expect(paid).toEqual(create);
	});

	it('refunds_create.json (restock_type no_restock on every line) → nothing', () => {
		const result = stockChangesFromWebhook('refunds/create', fixture('refunds_create'));
		expect(result.type).toBe('refund');
		expect(result.changes).toEqual([]);
	});

	it('the same refund with restock_type return → one restock per line, keyed by refund and line', () => {
		const refund = fixture('refunds_create');
		for (const rli of refund.refund_line_items as Record<string, unknown>[]) {
			rli.restock_type = 'return';
			rli.location_id = 905684977;
		}
		const { changes } = stockChangesFromWebhook('refunds/create', refund);
		expect(changes).toHaveLength(5);
		for (const c of changes) {
			expect(c.kind).toBe('refund');
			expect(c.quantity).toBe(1);
			expect(c.locationId).toBe('905684977');
			expect(c.refundId).toBe('890088186047892319');
			expect(c.idempotencyKey).toBe(refundRestockKey('890088186047892319', c.lineItemId));
			expect(c.lineItemId).toBe(LINES[c.sku as keyof typeof LINES]);
		}
	});

	it('keys are stable across deliveries (parsing the same bytes again, or a re-serialised copy)', () => {
		for (const [topic, file] of [
			['orders/paid', 'orders_paid'],
			['orders/cancelled', 'orders_cancelled'],
		] as const) {
			const a = stockChangesFromWebhook(topic, fixture(file)).changes.map((c) => c.idempotencyKey);
			const b = stockChangesFromWebhook(topic, fixture(file)).changes.map((c) => c.idempotencyKey);
			const c = stockChangesFromWebhook(topic, JSON.parse(JSON.stringify(fixture(file)))).changes.map((x) => x.idempotencyKey);
			expect(b).toEqual(a);
			expect(c).toEqual(a);
			expect(new Set(a).size).toBe(a.length);
		}
	});

	it('big ids: the raw body keeps exact digits; admin_graphql_api_id wins over a rounded numeric id', () => {
		const body = raw('refunds_create');
		const parsed = parseJsonKeepingBigIds(body) as { id: unknown; order_id: unknown; note: string };
		expect(parsed.id).toBe('890088186047892400');
		expect(parsed.order_id).toBe('820982911946154500');
		expect(parsed.note).toBe('Things were damaged');
		expect(quoteUnsafeIntegers('{"a":"12345678901234567890","b":12345678901234567890,"c":1.5e300,"d":-9007199254740993,"e":42}')).toBe(
			'{"a":"12345678901234567890","b":"12345678901234567890","c":1.5e300,"d":"-9007199254740993","e":42}',
		);
		expect(toLegacyId('gid://shopify/Order/820982911946154508')).toBe('820982911946154508');
		expect(toLegacyId(450789469)).toBe('450789469');
		expect(toLegacyId('450789469')).toBe('450789469');
		expect(toLegacyId(null)).toBeNull();
	});

	it('topic names ↔ GraphQL enum', () => {
		expect(topicToGraphqlEnum('orders/paid')).toBe('ORDERS_PAID');
		expect(topicToGraphqlEnum('refunds/create')).toBe('REFUNDS_CREATE');
		expect(graphqlEnumToTopic('ORDERS_CANCELLED')).toBe('orders/cancelled');
		expect(graphqlEnumToTopic('REFUNDS_CREATE')).toBe('refunds/create');
	});
});

// ---------------------------------------------------------------------------------------------
// A realistic order in both shapes: REST (webhook) and GraphQL (catch-up)
// ---------------------------------------------------------------------------------------------

const LOC = 905684977;

/** Units still on each line: quantity − units in refunds (no edits, nothing fulfilled in these orders). */
function currentQuantities(o: { lines: { id: number; quantity: number }[]; refunds?: { lines: { lineItemId: number; quantity: number }[] }[] }): Map<number, number> {
	const current = new Map(o.lines.map((l) => [l.id, l.quantity]));
	for (const r of o.refunds ?? []) for (const rl of r.lines) current.set(rl.lineItemId, (current.get(rl.lineItemId) ?? 0) - rl.quantity);
	return current;
}

/** REST payload derived from the real orders_paid.json (same keys), with real ids and values. */
function restOrder(o: {
	id: number;
	lines: { id: number; sku: string | null; quantity: number; variantId: number | null }[];
	refunds?: { id: number; lines: { lineItemId: number; quantity: number; restockType: string; locationId: number | null }[] }[];
	cancelled?: boolean;
}): Record<string, unknown> {
	const base = fixture('orders_paid');
	const liTpl = (base.line_items as Record<string, unknown>[])[0];
	const refundTpl = fixture('refunds_create');
	const rliTpl = (refundTpl.refund_line_items as Record<string, unknown>[])[0];
	const lineById = new Map(o.lines.map((l) => [l.id, l]));
	const current = currentQuantities(o);
	return {
		...base,
		id: o.id,
		admin_graphql_api_id: `gid://shopify/Order/${o.id}`,
		name: `#${o.id % 10000}`,
		location_id: LOC,
		cancelled_at: o.cancelled ? '2026-11-24T10:00:00-00:00' : null,
		line_items: o.lines.map((l) => ({
			...liTpl,
			id: l.id,
			admin_graphql_api_id: `gid://shopify/LineItem/${l.id}`,
			sku: l.sku,
			quantity: l.quantity,
			current_quantity: current.get(l.id),
			fulfillable_quantity: current.get(l.id),
			variant_id: l.variantId,
			variant_inventory_management: l.variantId === null ? null : 'shopify',
			gift_card: false,
		})),
		refunds: (o.refunds ?? []).map((r) => ({
			...refundTpl,
			id: r.id,
			order_id: o.id,
			admin_graphql_api_id: `gid://shopify/Refund/${r.id}`,
			refund_line_items: r.lines.map((rl, i) => ({
				...rliTpl,
				id: r.id * 10 + i,
				line_item_id: rl.lineItemId,
				quantity: rl.quantity,
				restock_type: rl.restockType,
				location_id: rl.locationId,
				line_item: {
					...(rliTpl.line_item as Record<string, unknown>),
					id: rl.lineItemId,
					admin_graphql_api_id: `gid://shopify/LineItem/${rl.lineItemId}`,
					sku: lineById.get(rl.lineItemId)?.sku ?? null,
					variant_id: lineById.get(rl.lineItemId)?.variantId ?? null,
					variant_inventory_management: (lineById.get(rl.lineItemId)?.variantId ?? null) === null ? null : 'shopify',
					gift_card: false,
				},
			})),
		})),
	};
}

/** The same order as the GraphQL Admin API returns it for ORDERS_UPDATED_SINCE_QUERY. */
function graphqlOrder(o: Parameters<typeof restOrder>[0]): Record<string, unknown> {
	const current = currentQuantities(o);
	return {
		id: `gid://shopify/Order/${o.id}`,
		name: `#${o.id % 10000}`,
		cancelledAt: o.cancelled ? '2026-11-24T10:00:00Z' : null,
		updatedAt: '2026-11-24T10:00:00Z',
		retailLocation: { id: `gid://shopify/Location/${LOC}` },
		lineItems: {
			pageInfo: { hasNextPage: false, endCursor: 'x' },
			// GraphQL may list them in another order: the projection sorts.
			nodes: [...o.lines].reverse().map((l) => ({
				id: `gid://shopify/LineItem/${l.id}`,
				sku: l.sku,
				quantity: l.quantity,
				currentQuantity: current.get(l.id),
				fulfillableQuantity: current.get(l.id),
				isGiftCard: false,
				variant: l.variantId === null ? null : { id: `gid://shopify/ProductVariant/${l.variantId}`, inventoryItem: { tracked: true } },
			})),
		},
		...(o.cancelled ? { fulfillments: [] } : {}),
		returns: { nodes: [] },
		refunds: (o.refunds ?? []).map((r) => ({
			id: `gid://shopify/Refund/${r.id}`,
			createdAt: '2026-11-24T09:00:00Z',
			return: null,
			refundLineItems: {
				pageInfo: { hasNextPage: false, endCursor: null },
				edges: r.lines.map((rl) => ({
					node: {
						quantity: rl.quantity,
						restockType: rl.restockType.toUpperCase(),
						location: rl.locationId === null ? null : { id: `gid://shopify/Location/${rl.locationId}` },
						lineItem: { id: `gid://shopify/LineItem/${rl.lineItemId}` },
					},
				})),
			},
		})),
	};
}

const keyOf = (c: StockChange) => c.idempotencyKey;

function restObjectIdOf(line: Record<string, unknown>): string {
	return toLegacyId(line.admin_graphql_api_id) ?? String(line.id);
}

describe('restock rules', () => {
	const order = {
		id: 5001,
		lines: [
			{ id: 11, sku: 'MUG-RED', quantity: 3, variantId: 701 },
			{ id: 12, sku: 'MUG-BLUE', quantity: 2, variantId: 702 },
		],
	};

	it('a paid order: one sale per line, negative quantities', () => {
		const changes = orderStockChanges(normalizeRestOrder(restOrder(order)));
		expect(changes).toEqual([
			{
				idempotencyKey: saleKey('5001', '11'),
				kind: 'sale',
				sku: 'MUG-RED',
				quantity: -3,
				skipped: false,
				orderId: '5001',
				orderName: '#5001',
				lineItemId: '11',
				variantId: '701',
				refundId: null,
				dispositionId: null,
				locationId: String(LOC),
			},
			{
				idempotencyKey: saleKey('5001', '12'),
				kind: 'sale',
				sku: 'MUG-BLUE',
				quantity: -2,
				skipped: false,
				orderId: '5001',
				orderName: '#5001',
				lineItemId: '12',
				variantId: '702',
				refundId: null,
				dispositionId: null,
				locationId: String(LOC),
			},
		]);
	});

	it('refund no_restock → nothing; return → restock of exactly the refunded units', () => {
		const withRefund = (refund: { id: number; lines: { lineItemId: number; quantity: number; restockType: string; locationId: number | null }[] }) =>
			(restOrder({ ...order, refunds: [refund] }).refunds as unknown[])[0];
		const noRestock = stockChangesFromWebhook('refunds/create', withRefund({ id: 91, lines: [{ lineItemId: 11, quantity: 1, restockType: 'no_restock', locationId: null }] }));
		expect(noRestock.changes).toEqual([]);

		const refundPayload = withRefund({ id: 92, lines: [{ lineItemId: 11, quantity: 2, restockType: 'return', locationId: LOC }] });
		const ret = stockChangesFromWebhook('refunds/create', refundPayload).changes;
		expect(ret).toHaveLength(1);
		expect(ret[0]).toMatchObject({ kind: 'refund', sku: 'MUG-RED', quantity: 2, idempotencyKey: refundRestockKey('92', '11'), orderId: '5001', variantId: '701', locationId: String(LOC) });
	});

	it('cancel after a partial refund restocks only the rest (never more than was sold)', () => {
		const o = {
			...order,
			cancelled: true,
			refunds: [{ id: 93, lines: [{ lineItemId: 11, quantity: 1, restockType: 'return', locationId: LOC }] }],
		};
		const changes = orderStockChanges(normalizeRestOrder(restOrder(o)));
		const byKey = Object.fromEntries(changes.map((c) => [c.idempotencyKey, c.quantity]));
		expect(byKey).toEqual({
			[saleKey('5001', '11')]: -3,
			[saleKey('5001', '12')]: -2,
			[refundRestockKey('93', '11')]: 1,
			[cancelKey('5001', '11')]: 2,
			[cancelKey('5001', '12')]: 2,
		});
		expect(Object.fromEntries(netBySku(changes))).toEqual({ 'MUG-RED': 0, 'MUG-BLUE': 0 });
	});

	it('units refunded without restock are not put back by a later cancellation', () => {
		const o = {
			...order,
			cancelled: true,
			refunds: [{ id: 94, lines: [{ lineItemId: 11, quantity: 1, restockType: 'no_restock', locationId: null }] }],
		};
		const changes = orderStockChanges(normalizeRestOrder(restOrder(o)));
		expect(changes.find((c) => c.idempotencyKey === cancelKey('5001', '11'))?.quantity).toBe(2);
		expect(Object.fromEntries(netBySku(changes))).toEqual({ 'MUG-RED': -1, 'MUG-BLUE': 0 });
	});

	it("Shopify's cancel refund (restock_type cancel) and its refunds/create delivery collide: restocked once", () => {
		// Cancelling creates a refund with restock_type cancel for the open units; the orders/cancelled
		// payload contains it. Its refunds/create delivery produces the same key.
		const o = {
			...order,
			cancelled: true,
			refunds: [
				{ id: 95, lines: [{ lineItemId: 11, quantity: 1, restockType: 'return', locationId: LOC }] },
				{
					id: 96,
					lines: [
						{ lineItemId: 11, quantity: 2, restockType: 'cancel', locationId: LOC },
						{ lineItemId: 12, quantity: 2, restockType: 'cancel', locationId: LOC },
					],
				},
			],
		};
		const payload = restOrder(o);
		const cancelled = stockChangesFromWebhook('orders/cancelled', payload).changes;
		const refundDelivery = stockChangesFromWebhook('refunds/create', (payload.refunds as unknown[])[1]).changes;
		// The cancel itself restocks nothing more (every unit is accounted for by a refund) ...
		expect(cancelled.filter((c) => c.kind === 'cancel').every((c) => c.skipped && c.quantity === 0)).toBe(true);
		// ... and the refund's restock keys are the same in both deliveries.
		const refundKeys = refundDelivery.map(keyOf);
		expect(refundKeys).toEqual([refundRestockKey('96', '11'), refundRestockKey('96', '12')]);
		for (const k of refundKeys) expect(cancelled.map(keyOf)).toContain(k);
		// Applying every key once (whatever arrives first) restocks each sold unit exactly once.
		const applied = new Map<string, StockChange>();
		for (const c of [...refundDelivery, ...cancelled, ...refundDelivery]) if (!c.skipped && !applied.has(c.idempotencyKey)) applied.set(c.idempotencyKey, c);
		expect(Object.fromEntries(netBySku([...applied.values()]))).toEqual({ 'MUG-RED': 0, 'MUG-BLUE': 0 });
	});

	it('a refund restocking one line at two locations gets one key per location', () => {
		const changes = orderStockChanges(
			normalizeRestOrder(
				restOrder({
					...order,
					refunds: [
						{
							id: 97,
							lines: [
								{ lineItemId: 11, quantity: 1, restockType: 'return', locationId: LOC },
								{ lineItemId: 11, quantity: 1, restockType: 'return', locationId: 42 },
							],
						},
					],
				}),
			),
		).filter((c) => c.kind === 'refund');
		expect(changes.map((c) => [c.idempotencyKey, c.quantity, c.locationId])).toEqual([
			[refundRestockKey('97', '11', '42'), 1, '42'],
			[refundRestockKey('97', '11', String(LOC)), 1, String(LOC)],
		]);
		expect(filterByLocation(changes, '42').map((c) => c.locationId)).toEqual(['42']);
	});

	it('lines without a SKU are reported as skipped, not dropped; zero quantities are skipped', () => {
		const changes = orderStockChanges(
			normalizeRestOrder(
				restOrder({
					id: 5002,
					lines: [
						{ id: 21, sku: null, quantity: 1, variantId: 3 },
						{ id: 22, sku: '  ', quantity: 1, variantId: 4 },
						{ id: 23, sku: 'ZERO', quantity: 0, variantId: 1 },
						{ id: 24, sku: null, quantity: 1, variantId: null },
					],
				}),
			),
		);
		expect(changes.map((c) => [c.lineItemId, c.skipped, c.reason])).toEqual([
			['21', true, 'Line has no SKU'],
			['22', true, 'Line has no SKU'],
			['23', true, 'Quantity nets to 0'],
			// A custom line (no variant): Shopify tracks nothing for it.
			['24', true, SKIP_REASONS.untracked],
		]);
	});

	it('numbers as strings (ids and quantities) give the same items', () => {
		const payload = restOrder(order);
		const stringy = JSON.parse(
			JSON.stringify(payload, (k, v) => ((k === 'id' || k.endsWith('_id') || k === 'quantity') && typeof v === 'number' ? String(v) : v)),
		);
		expect(orderStockChanges(normalizeRestOrder(stringy))).toEqual(orderStockChanges(normalizeRestOrder(payload)));
	});
});

describe('webhook vs GraphQL for the same order → identical items and keys', () => {
	const cases: Array<[string, Parameters<typeof restOrder>[0]]> = [
		['paid order', { id: 6001, lines: [{ id: 31, sku: 'A', quantity: 2, variantId: 801 }, { id: 32, sku: 'B', quantity: 1, variantId: 802 }, { id: 33, sku: null, quantity: 1, variantId: null }] }],
		[
			'partially refunded order',
			{
				id: 6002,
				lines: [{ id: 41, sku: 'A', quantity: 4, variantId: 801 }],
				refunds: [
					{ id: 71, lines: [{ lineItemId: 41, quantity: 1, restockType: 'return', locationId: LOC }] },
					{ id: 72, lines: [{ lineItemId: 41, quantity: 1, restockType: 'no_restock', locationId: null }] },
				],
			},
		],
		[
			'cancelled order after a partial refund',
			{
				id: 6003,
				cancelled: true,
				lines: [{ id: 51, sku: 'A', quantity: 3, variantId: 801 }, { id: 52, sku: 'B', quantity: 2, variantId: 802 }],
				refunds: [
					{ id: 73, lines: [{ lineItemId: 51, quantity: 1, restockType: 'return', locationId: LOC }] },
					{ id: 74, lines: [{ lineItemId: 51, quantity: 2, restockType: 'cancel', locationId: LOC }, { lineItemId: 52, quantity: 2, restockType: 'cancel', locationId: LOC }] },
				],
			},
		],
	];
	for (const [name, o] of cases) {
		it(name, () => {
			const fromWebhook = stockChangesFromWebhook(o.cancelled ? 'orders/cancelled' : 'orders/paid', restOrder(o)).changes;
			const fromGraphql = stockChangesFromGraphqlOrder(graphqlOrder(o)).changes;
			expect(fromGraphql).toEqual(fromWebhook);
			expect(normalizeGraphqlOrder(graphqlOrder(o)).lines.map((l) => l.id).sort()).toEqual(
				normalizeRestOrder(restOrder(o)).lines.map((l) => l.id).sort(),
			);
		});
	}
});

describe('HMAC verification', () => {
	const secret = 'whsec_example_secret';
	const body = Buffer.from(raw('orders_paid'), 'utf8');
	const good = computeShopifyHmac(body, secret);

	it('accepts the signature over the raw bytes', () => {
		expect(verifyShopifyHmac(body, good, secret)).toEqual({ ok: true });
		expect(verifyShopifyHmac(body, [good], secret)).toEqual({ ok: true });
	});

	it('rejects a changed body, a wrong secret, a missing or malformed header, a missing secret', () => {
		expect(verifyShopifyHmac(Buffer.concat([body, Buffer.from(' ')]), good, secret)).toEqual({ ok: false, reason: 'mismatch' });
		expect(verifyShopifyHmac(Buffer.from(JSON.stringify(JSON.parse(body.toString()))), good, secret)).toEqual({ ok: false, reason: 'mismatch' });
		expect(verifyShopifyHmac(body, good, 'other')).toEqual({ ok: false, reason: 'mismatch' });
		expect(verifyShopifyHmac(body, undefined, secret)).toEqual({ ok: false, reason: 'missingHeader' });
		expect(verifyShopifyHmac(body, '', secret)).toEqual({ ok: false, reason: 'missingHeader' });
		expect(verifyShopifyHmac(body, 'not base64!', secret)).toEqual({ ok: false, reason: 'malformedHeader' });
		expect(verifyShopifyHmac(body, 'c2hvcnQ=', secret)).toEqual({ ok: false, reason: 'mismatch' });
		expect(verifyShopifyHmac(body, good, '')).toEqual({ ok: false, reason: 'missingSecret' });
	});
});

describe('issue 13: edits, returns, partly fulfilled cancellations (pure projection)', () => {
	const tracked = { variant_inventory_management: 'shopify', gift_card: false };
	function rest(o: {
		lines: { id: number; sku: string; quantity: number; current: number; fulfillable?: number }[];
		refunds?: { id: number; returnId?: number; lines: { lineItemId: number; quantity: number; restockType: string }[] }[];
		fulfilled?: { lineItemId: number; quantity: number; status?: string }[];
		cancelled?: boolean;
	}): Record<string, unknown> {
		return {
			id: 7001,
			admin_graphql_api_id: 'gid://shopify/Order/7001',
			name: '#7001',
			cancelled_at: o.cancelled ? '2026-12-01T10:00:00Z' : null,
			line_items: o.lines.map((l) => ({ id: l.id, sku: l.sku, quantity: l.quantity, current_quantity: l.current, fulfillable_quantity: l.fulfillable ?? l.current, variant_id: l.id + 100, ...tracked })),
			refunds: (o.refunds ?? []).map((r) => ({
				id: r.id,
				return: r.returnId ? { id: r.returnId, admin_graphql_api_id: `gid://shopify/Return/${r.returnId}` } : null,
				refund_line_items: r.lines.map((rl) => ({ line_item_id: rl.lineItemId, quantity: rl.quantity, restock_type: rl.restockType, location_id: LOC })),
			})),
			fulfillments: o.fulfilled ? [{ id: 1, status: 'success', line_items: o.fulfilled.map((f) => ({ id: f.lineItemId, quantity: f.quantity })) }] : [],
		};
	}
	const quantities = (changes: StockChange[]) => Object.fromEntries(changes.filter((c) => !c.skipped).map((c) => [c.idempotencyKey, c.quantity]));

	it('an edit removing units: one key per unit, numbered from the order state; refunds are not counted as removals', () => {
		const changes = orderStockChanges(
			normalizeRestOrder(rest({ lines: [{ id: 1, sku: 'A', quantity: 5, current: 2 }], refunds: [{ id: 9, lines: [{ lineItemId: 1, quantity: 1, restockType: 'cancel' }] }] })),
		);
		expect(quantities(changes)).toEqual({
			[saleKey('7001', '1')]: -5,
			[refundRestockKey('9', '1')]: 1,
			[editRemovedKey('7001', '1', 1)]: 1,
			[editRemovedKey('7001', '1', 2)]: 1,
		});
	});

	it('cancellation of a partly fulfilled order: fulfilled units never come back (old rule would restock them)', () => {
		// 3 ordered, 2 fulfilled, Shopify's cancel refund restocks the 1 unfulfilled unit.
		const o = rest({
			cancelled: true,
			lines: [{ id: 1, sku: 'A', quantity: 3, current: 2, fulfillable: 0 }],
			refunds: [{ id: 9, lines: [{ lineItemId: 1, quantity: 1, restockType: 'cancel' }] }],
			fulfilled: [{ lineItemId: 1, quantity: 2 }],
		});
		expect(quantities(orderStockChanges(normalizeRestOrder(o)))).toEqual({ [saleKey('7001', '1')]: -3, [refundRestockKey('9', '1')]: 1 });
		// Even if the cancelled order still reported the units as fulfillable, the fulfilments bound it.
		(o.line_items as Record<string, unknown>[])[0].fulfillable_quantity = 1;
		expect(orderStockChanges(normalizeRestOrder(o)).find((c) => c.kind === 'cancel')).toMatchObject({ quantity: 0, skipped: true });
		// Without a recorded cancel refund: only the unfulfilled unit comes back, by the cancel key.
		const noRefund = rest({ cancelled: true, lines: [{ id: 1, sku: 'A', quantity: 3, current: 3, fulfillable: 1 }], fulfilled: [{ lineItemId: 1, quantity: 2 }] });
		expect(quantities(orderStockChanges(normalizeRestOrder(noRefund)))).toEqual({ [saleKey('7001', '1')]: -3, [cancelKey('7001', '1')]: 1 });
		// A cancelled fulfilment does not count.
		const voided = rest({ cancelled: true, lines: [{ id: 1, sku: 'A', quantity: 3, current: 3 }], fulfilled: [] });
		(voided.fulfillments as unknown[]).push({ id: 2, status: 'cancelled', line_items: [{ id: 1, quantity: 3 }] });
		expect(quantities(orderStockChanges(normalizeRestOrder(voided)))[cancelKey('7001', '1')]).toBe(3);
	});

	it('a refund that settles a return restocks nothing itself; the disposition does (no double with restock_type return)', () => {
		const o = rest({ lines: [{ id: 1, sku: 'A', quantity: 2, current: 1 }], refunds: [{ id: 9, returnId: 44, lines: [{ lineItemId: 1, quantity: 1, restockType: 'return' }] }] });
		const refund = stockChangesFromWebhook('refunds/create', (o.refunds as unknown[])[0]).changes;
		expect(refund).toEqual([expect.objectContaining({ skipped: true, reason: SKIP_REASONS.returnRefund })]);
		const graphql = {
			id: 'gid://shopify/Order/7001',
			name: '#7001',
			cancelledAt: null,
			lineItems: { nodes: [{ id: 'gid://shopify/LineItem/1', sku: 'A', quantity: 2, currentQuantity: 1, fulfillableQuantity: 0, isGiftCard: false, variant: { id: 'gid://shopify/ProductVariant/101', inventoryItem: { tracked: true } } }] },
			refunds: [{ id: 'gid://shopify/Refund/9', return: { id: 'gid://shopify/Return/44' }, refundLineItems: { nodes: [{ quantity: 1, restockType: 'RETURN', location: { id: `gid://shopify/Location/${LOC}` }, lineItem: { id: 'gid://shopify/LineItem/1' } }] } }],
			returns: {
				nodes: [
					{
						id: 'gid://shopify/Return/44',
						reverseFulfillmentOrders: {
							nodes: [
								{
									lineItems: {
										nodes: [
											{
												fulfillmentLineItem: { lineItem: { id: 'gid://shopify/LineItem/1' } },
												dispositions: [
													{ id: 'gid://shopify/ReverseFulfillmentOrderDisposition/555', type: 'RESTOCKED', quantity: 1, location: { id: `gid://shopify/Location/${LOC}` } },
													{ id: 'gid://shopify/ReverseFulfillmentOrderDisposition/556', type: 'NOT_RESTOCKED', quantity: 1, location: null },
												],
											},
										],
									},
								},
							],
						},
					},
				],
			},
		};
		const changes = stockChangesFromGraphqlOrder(graphql).changes;
		expect(quantities(changes)).toEqual({ [saleKey('7001', '1')]: -2, [dispositionRestockKey('555')]: 1 });
		expect(changes.find((c) => c.kind === 'return')).toMatchObject({ sku: 'A', dispositionId: '555', locationId: String(LOC), lineItemId: '1' });
		expect(isStockChangeKey(dispositionRestockKey('555'))).toBe(true);
		expect(isStockChangeKey(editRemovedKey('7001', '1', 3))).toBe(true);
		expect(isStockChangeKey(editRemovedKey('7001', '1', 0))).toBe(false);
	});

	it('read topics name the order: orders/edited and reverse_fulfillment_orders/dispose', () => {
		expect(orderIdOfReadTopicPayload('orders/edited', { order_edit: { id: 1, order_id: 7001, line_items: { additions: [], removals: [] } } })).toBe('7001');
		expect(orderIdOfReadTopicPayload('reverse_fulfillment_orders/dispose', { id: 3, order_id: 7001, dispositions: [] })).toBe('7001');
		expect(orderIdOfReadTopicPayload('reverse_fulfillment_orders/dispose', { order: { admin_graphql_api_id: 'gid://shopify/Order/7001' } })).toBe('7001');
		expect(() => orderIdOfReadTopicPayload('orders/edited', { order_edit: {} })).toThrow(/names no order/);
		expect(graphqlEnumToTopic('REVERSE_FULFILLMENT_ORDERS_DISPOSE')).toBe('reverse_fulfillment_orders/dispose');
		expect(topicToGraphqlEnum('reverse_fulfillment_orders/dispose')).toBe('REVERSE_FULFILLMENT_ORDERS_DISPOSE');
		expect(graphqlEnumToTopic('ORDERS_EDITED')).toBe('orders/edited');
	});
});
