/**
 * Stock → Get Many hands every record on once: when rows shift between pages (records added while
 * reading), a page may repeat records of the previous one; those are dropped, the rest kept in order.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { startEnv, type Env } from './_support';

let env: Env | undefined;
afterEach(async () => {
	await env?.close();
	env = undefined;
});

/** A records page as the Data API answers it. */
function pageBody(records: Array<{ recordId: string; sku: string; quantity: number }>, foundCount: number): string {
	return JSON.stringify({
		response: {
			dataInfo: { database: 'Inventory', layout: 'Stock', table: 'Stock', totalRecordCount: foundCount, foundCount, returnedCount: records.length },
			data: records.map((r) => ({ fieldData: { SKU: r.sku, Quantity: r.quantity }, portalData: {}, recordId: r.recordId, modId: '0' })),
		},
		messages: [{ code: '0', message: 'OK' }],
	});
}

describe('Stock → Get Many: a record repeated by the next page', () => {
	it('is handed on once, the other records of that page in order', async () => {
		env = await startEnv();
		env.fm.seed('Stock', [1, 2, 3, 4, 5, 6].map((n) => ({ SKU: `R-${n}`, Quantity: n })));
		// The second page (offset 4) comes back shifted by two, as after records were added before it: 2 and 3 again, then 4.
		env.fm.injectFault({
			when: (req) => req.method === 'GET' && req.path.endsWith('/layouts/Stock/records'),
			skip: 1,
			times: 1,
			httpStatus: 200,
			rawContentType: 'application/json',
			rawBody: pageBody(
				[
					{ recordId: '2', sku: 'R-2', quantity: 2 },
					{ recordId: '3', sku: 'R-3', quantity: 3 },
					{ recordId: '4', sku: 'R-4', quantity: 4 },
				],
				6,
			),
		});
		const r = await env.run({ resource: 'stock', operation: 'getMany', options: { pageSize: 3, pageConcurrency: 1 } });
		expect(r.error).toBeUndefined();
		// (The fake page keeps the found count at 6, so the read ends after offset 4: the point is no record twice.)
		expect(r.items.map((i) => i.json.sku)).toEqual(['R-1', 'R-2', 'R-3', 'R-4']);
	});
});
