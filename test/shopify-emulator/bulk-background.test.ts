import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify';
import { BULK_CHUNK_ROWS } from '../emulators/shopify/bulk';
import { catalogueSku, seedCatalogue } from '../emulators/shopify/catalogue';
import { gql, SET_MUTATION } from './helpers';

// more than two windows of the background build, the last one partial
const N = 2 * BULK_CHUNK_ROWS + 7;
const RUN = `mutation Run($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { message } } }`;
const POLL = `query Poll($id: ID!) { node(id: $id) { ... on BulkOperation { status objectCount rootObjectCount url } } }`;
const ITEMS = '{ inventoryItems { edges { node { id sku inventoryLevels { edges { node { quantities(names: ["available"]) { quantity } } } } } } } }';

type Line = { id?: string; sku?: string; quantities?: { quantity: number }[]; __parentId?: string };

let emu: ShopifyEmulator;
beforeAll(async () => {
	emu = await startShopifyEmulator({ bulkDurationMs: 1000 });
	seedCatalogue(emu, N, { available: 10 });
});
afterAll(() => emu.close());

async function run(q: string): Promise<string> {
	const r = await gql(emu, RUN, { q });
	expect(r.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
	expect(['CREATED', 'RUNNING']).toContain(r.body.data.bulkOperationRunQuery.bulkOperation.status);
	return r.body.data.bulkOperationRunQuery.bulkOperation.id;
}

async function completed(id: string): Promise<{ poll: Record<string, string>; lines: Line[] }> {
	emu.clock.advance(1000);
	const poll = (await gql(emu, POLL, { id })).body.data.node;
	expect(poll.status).toBe('COMPLETED');
	const text = await (await fetch(poll.url)).text();
	return { poll, lines: text.trim().split('\n').map((l) => JSON.parse(l) as Line) };
}

async function setAvailable(sku: string, quantity: number): Promise<void> {
	const level = emu.levels().get(sku)!;
	const input = { name: 'available', reason: 'correction', quantities: [{ inventoryItemId: level.inventoryItemId, locationId: emu.location().id, quantity, changeFromQuantity: null }] };
	const r = await gql(emu, SET_MUTATION, { input, key: randomUUID() });
	expect(r.body.data.inventorySetQuantities.userErrors).toEqual([]);
}

function availableOf(lines: Line[], sku: string): number {
	const item = lines.find((l) => l.sku === sku)!;
	return lines.find((l) => l.__parentId === item.id)!.quantities![0].quantity;
}

describe('bulk query built in the background', () => {
	it('answers bulkOperationRunQuery before a large result is built, and the result has every object once', async () => {
		let pendingWhenAnswered: boolean | undefined;
		emu.onRequest(
			(r) => r.fields.includes('bulkOperationRunQuery'),
			() => {
				pendingWhenAnswered = emu.bulkResultPending();
			},
			{ phase: 'answered' },
		);
		const id = await run(ITEMS);
		expect(pendingWhenAnswered).toBe(true);
		// other requests are answered while it runs
		expect((await gql(emu, '{ shop { id } }')).body.data.shop.id).toEqual(expect.any(String));
		const { poll, lines } = await completed(id);
		expect(emu.bulkResultPending(id)).toBe(false);
		expect(poll).toMatchObject({ objectCount: String(2 * N), rootObjectCount: String(N) });
		const skus = lines.filter((l) => l.sku).map((l) => l.sku);
		expect(skus).toHaveLength(N);
		expect(new Set(skus).size).toBe(N);
		expect(skus.at(-1)).toBe(catalogueSku(N));
		const ids = new Set(lines.filter((l) => l.sku).map((l) => l.id));
		expect(lines.filter((l) => l.__parentId && ids.has(l.__parentId))).toHaveLength(N);
	});

	it("default 'start': a write sent while the result is being built is not in it", async () => {
		await setAvailable(catalogueSku(N), 10);
		const id = await run(ITEMS);
		await setAvailable(catalogueSku(N), 3);
		const { lines } = await completed(id);
		expect(availableOf(lines, catalogueSku(N))).toBe(10);
		expect(emu.levels().get(catalogueSku(N))!.available).toBe(3);
	});

	it("switch bulkReadsAt 'completion': a write sent while it runs is in it", async () => {
		emu.setOptions({ bulkReadsAt: 'completion' });
		try {
			await setAvailable(catalogueSku(N), 10);
			const id = await run(ITEMS);
			await setAvailable(catalogueSku(N), 4);
			const { lines } = await completed(id);
			expect(availableOf(lines, catalogueSku(N))).toBe(4);
		} finally {
			emu.setOptions({ bulkReadsAt: 'start' });
		}
	});

	it('an object outside the connection is one line, its connection nodes follow in every window', async () => {
		const loc = emu.location().id;
		const id = await run(`{ location(id: ${JSON.stringify(loc)}) { id inventoryLevels { edges { node { id } } } } }`);
		const { poll, lines } = await completed(id);
		expect(poll).toMatchObject({ objectCount: String(N + 1), rootObjectCount: '1' });
		expect(lines.filter((l) => l.id === loc && !l.__parentId)).toHaveLength(1);
		const levels = lines.filter((l) => l.__parentId === loc);
		expect(levels).toHaveLength(N);
		expect(new Set(levels.map((l) => l.id)).size).toBe(N);
	});

	it('a canceled operation stops building', async () => {
		const id = await run(ITEMS);
		const c = await gql(emu, `mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }`, { id });
		expect(c.body.data.bulkOperationCancel.userErrors).toEqual([]);
		emu.clock.advance(1000);
		const poll = (await gql(emu, POLL, { id })).body.data.node;
		expect(poll.status).toBe('CANCELED');
		expect(poll.url).toBeNull();
	});
});
