/** Stock → Set takes its quantity as a number; a quantity left empty fails instead of setting the stock to 0. */
import { beforeEach, describe, expect, it } from 'vitest';

import { FileMakerInventory } from '../../nodes/FileMakerInventory/FileMakerInventory.node';
import { stockOf, useFileMakerEnv, type Env } from './_support';

let env: Env;
useFileMakerEnv((e) => (env = e));
beforeEach(() => {
	env.fm.seed('Stock', [{ SKU: 'A-1', Quantity: 10 }]);
});

describe('Stock → Set: Quantity', () => {
	it('is a number field without a default number', () => {
		const quantity = new FileMakerInventory().description.properties.find(
			(p) => p.name === 'quantity' && p.displayOptions?.show?.operation?.includes('set'),
		)!;
		expect(quantity).toMatchObject({ type: 'number', default: null, required: true });
	});

	it('a number sets the stock', async () => {
		const r = await env.run({ resource: 'stock', operation: 'set', sku: 'A-1', quantity: 4 });
		expect(r.error).toBeUndefined();
		expect(stockOf(env.fm, 'A-1')?.fieldData.Quantity).toBe(4);
	});

	it('left empty, the item fails and the stock stays as it was', async () => {
		const r = await env.run({ resource: 'stock', operation: 'set', sku: 'A-1' });
		expect(r.error?.message).toMatch(/quantity for SKU 'A-1' is empty/i);
		expect(stockOf(env.fm, 'A-1')?.fieldData.Quantity).toBe(10);
	});
});
