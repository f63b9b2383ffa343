import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { seedCatalogue } from '../emulators/shopify/catalogue';
import { gql } from './helpers';

let emu: ShopifyEmulator;
beforeAll(async () => {
	emu = await startShopifyEmulator({ bulkDurationMs: 60_000 });
	emu.seed({ locations: [{ name: 'Warehouse' }, { name: 'Store' }], items: [] });
	seedCatalogue(emu, 5, { locationName: 'Warehouse' });
	emu.seed({ items: [{ sku: 'SKU-000002', available: 1, locationName: 'Store' }] });
});
afterAll(() => emu.close());

const RUN = `mutation Run($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }`;
const POLL = `query Poll($id: ID!) { node(id: $id) { ... on BulkOperation { id status objectCount rootObjectCount url errorCode } } currentBulkOperation { id status } }`;
const INNER = `{
	productVariants {
		edges { node { id sku inventoryItem { id inventoryLevels { edges { node { id location { id } quantities(names: ["available", "on_hand"]) { name quantity } } } } } } }
	}
}`;

describe('bulk operations', () => {
	it('runs CREATED → RUNNING → COMPLETED on the emulated clock and serves Shopify-shaped JSONL', async () => {
		const run = await gql(emu, RUN, { q: INNER });
		expect(run.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
		const op = run.body.data.bulkOperationRunQuery.bulkOperation;
		expect(op.status).toBe('CREATED');
		const cur = await gql(emu, POLL, { id: op.id });
		expect(cur.body.data.currentBulkOperation.id).toBe(op.id);
		expect(['CREATED', 'RUNNING']).toContain(cur.body.data.node.status);
		emu.clock.advance(100);
		expect((await gql(emu, POLL, { id: op.id })).body.data.node.status).toBe('RUNNING');
		emu.clock.advance(60_000);
		const done = (await gql(emu, POLL, { id: op.id })).body.data.node;
		expect(done).toMatchObject({ status: 'COMPLETED', objectCount: '11', rootObjectCount: '5', errorCode: null });
		expect(done.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/bulk-results\/\d+\.jsonl/);

		const file = await fetch(done.url);
		expect(file.status).toBe(200);
		const text = await file.text();
		expect(text.endsWith('\n')).toBe(true);
		const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
		expect(lines).toHaveLength(11);
		// variant line: nested objects inline, nested connection removed
		const v2 = lines.find((l) => l.sku === 'SKU-000002')!;
		expect(v2).toEqual({ id: expect.stringMatching(/^gid:\/\/shopify\/ProductVariant\//), sku: 'SKU-000002', inventoryItem: { id: expect.any(String) } });
		// its levels follow as separate lines with __parentId = the variant id
		const children = lines.filter((l) => l.__parentId === v2.id);
		expect(children).toHaveLength(2);
		expect(children[0]).toEqual({
			id: expect.stringMatching(/^gid:\/\/shopify\/InventoryLevel\//),
			location: { id: emu.location('Warehouse').id },
			quantities: [
				{ name: 'available', quantity: expect.any(Number) },
				{ name: 'on_hand', quantity: expect.any(Number) },
			],
			__parentId: v2.id,
		});
		expect(lines.filter((l) => !('__parentId' in l))).toHaveLength(5);
	});

	it('rejects invalid bulk queries with userErrors', async () => {
		const noConn = await gql(emu, RUN, { q: '{ shop { name } }' });
		expect(noConn.body.data.bulkOperationRunQuery.userErrors[0]).toMatchObject({ code: 'INVALID', field: ['query'] });
		const bad = await gql(emu, RUN, { q: '{ productVariants { edges { node { nope } } } }' });
		expect(bad.body.data.bulkOperationRunQuery.userErrors[0].message).toMatch(/^Invalid bulk query: /);
	});

	it('allows 5 concurrent bulk queries (2026-01+) and refuses the sixth', async () => {
		const q = '{ inventoryItems { edges { node { id sku } } } }';
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) {
			const r = await gql(emu, RUN, { q });
			expect(r.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
			ids.push(r.body.data.bulkOperationRunQuery.bulkOperation.id);
		}
		const sixth = await gql(emu, RUN, { q });
		expect(sixth.body.data.bulkOperationRunQuery).toEqual({
			bulkOperation: null,
			userErrors: [{ field: null, message: 'Bulk operations limit reached. Please try again later.', code: 'LIMIT_REACHED' }],
		});
		emu.clock.advance(61_000);
		const after = await gql(emu, RUN, { q });
		expect(after.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
		const lines = (await (await fetch(`${emu.url}/bulk-results/${ids[0].split('/').pop()}.jsonl`)).text()).trim().split('\n');
		expect(JSON.parse(lines[0])).toEqual({ id: expect.any(String), sku: 'SKU-000001' });
	});
});
