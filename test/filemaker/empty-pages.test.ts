/**
 * The Data API documents 401 ("No records match the request", HTTP 500) for an empty find; whether a
 * records range on an empty table answers the same way or with an empty `data` array is not
 * documented. Get Many must give the same result either way.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { startEnv, type Env } from './_support';

let env: Env | undefined;
afterEach(async () => {
	await env?.close();
	env = undefined;
});

describe.each([true, false])('Stock → Get Many on an empty layout (empty page answered as 401: %s)', (emptyPageAs401) => {
	it('returns no items and no error, with one request', async () => {
		env = await startEnv({ emptyPageAs401 } as never);
		const r = await env.run({ resource: 'stock', operation: 'getMany' });
		expect(r.error).toBeUndefined();
		expect(r.items).toEqual([]);
		expect(env.fm.requestLog.filter((l) => l.path.includes('/layouts/Stock/records')).length).toBe(1);
	});

	it('reads every record when the table is not empty', async () => {
		env = await startEnv({ emptyPageAs401 } as never);
		env.fm.seed('Stock', [{ SKU: 'A-1', Quantity: 3 }, { SKU: 'A-2', Quantity: 0 }]);
		const r = await env.run({ resource: 'stock', operation: 'getMany' });
		expect(r.error).toBeUndefined();
		expect(r.items.map((i) => [i.json.sku, i.json.quantity])).toEqual([
			['A-1', 3],
			['A-2', 0],
		]);
	});
});
