import { describe, expect, it } from 'vitest';

import { createCostBudget } from '../../nodes/shared/shopify/cost';
import { LEVELS_PAGE_SIZE, pagedReadWouldWait } from '../../nodes/ShopifyInventory/transport/inventory';

function budgetWith(currentlyAvailable: number) {
	const budget = createCostBudget();
	budget.throttle = { maximumAvailable: 2000, currentlyAvailable, restoreRate: 100 };
	budget.observedAt = Date.now();
	return budget;
}

describe('Read Mode Automatic: page or bulk', () => {
	it('pages while the whole paged read fits in the bucket', () => {
		expect(pagedReadWouldWait(budgetWith(1999), 100, false)).toBe(false);
		expect(pagedReadWouldWait(budgetWith(1999), LEVELS_PAGE_SIZE, false)).toBe(false);
	});

	it('prefers a bulk operation when paging would have to wait for the restore rate (Standard plan, 1,000 SKUs)', () => {
		expect(pagedReadWouldWait(budgetWith(1999), 1000, false)).toBe(true);
		expect(pagedReadWouldWait(budgetWith(500), LEVELS_PAGE_SIZE, false)).toBe(true);
	});

	it('without a throttle status yet it does not guess', () => {
		expect(pagedReadWouldWait(createCostBudget(), 100_000, false)).toBe(false);
	});
});
