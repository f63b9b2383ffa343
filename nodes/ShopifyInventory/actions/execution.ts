import type { Json } from '../../shared/orders/model';
import { createCostBudget, type CostBudget } from '../../shared/shopify/cost';
import type { ResolvedCredentialLocations } from '../../shared/shopify/credentialLocations';
import type { LocationMemo, ResolvedLocation } from '../transport/locations';

/**
 * What the operations of one execution share (the router's `context`): made once per execution, given
 * to every item, and dropped afterwards. Nothing is kept between executions.
 */
export interface ShopifyExecution extends LocationMemo {
	/** The rate-limit budget: every call of this execution paces itself by the same throttle status. */
	budget: CostBudget;
	/** The shop's primary location, looked up on first use (items that leave Location empty). */
	primaryLocation?: Promise<ResolvedLocation>;
	/** Order → Get Many: orders already read per time window (items asking for the same window share one read). */
	ordersByWindow: Map<string, Json[]>;
	/** The Locations of the Shopify credential with ids, read on first use (at most one call per execution). */
	credentialLocations?: Promise<ResolvedCredentialLocations | null>;
	/** When the execution started ("the last 24 hours" is counted from here for every item). */
	startedAt: Date;
}

export function createShopifyExecution(): ShopifyExecution {
	return { budget: createCostBudget(), ordersByWindow: new Map(), startedAt: new Date() };
}
