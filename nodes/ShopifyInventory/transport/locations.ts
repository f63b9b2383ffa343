/**
 * Locations: the one location pager (the Location resource, the location list of the node's pickers),
 * the shop's primary location, and the Location parameter resolved to a location id.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
} from 'n8n-workflow';

import { shopifyGraphql, type CostBudget } from '../../shared/shopify/transport';
import { isEmptyLocation, locatorCachedName, toLocationGid } from '../logic/levels';
import { LOCATIONS_QUERY, PRIMARY_LOCATION_QUERY } from './locations.documents';

/** Largest page Shopify returns for `locations`. */
const LOCATIONS_PAGE_SIZE = 250;

export interface LocationsPage {
	/** The location nodes as Shopify returned them (id, name, isActive, fulfillsOnlineOrders). */
	nodes: IDataObject[];
	/** Cursor of the next page; undefined on the last page. */
	next?: string;
}

/** One page of the shop's locations. */
export async function readLocationsPage(
	this: IExecuteFunctions | ILoadOptionsFunctions,
	{
		first,
		after,
		includeInactive = false,
		budget,
		itemIndex,
	}: { first: number; after?: string; includeInactive?: boolean; budget?: CostBudget; itemIndex?: number },
): Promise<LocationsPage> {
	const { data } = await shopifyGraphql.call(
		this,
		LOCATIONS_QUERY,
		{ first, after: after ?? null, includeInactive },
		{ budget, itemIndex },
	);
	const connection = (data.locations ?? {}) as { nodes?: IDataObject[]; pageInfo?: IDataObject };
	const pageInfo = connection.pageInfo ?? {};
	return {
		nodes: connection.nodes ?? [],
		next: pageInfo.hasNextPage && typeof pageInfo.endCursor === 'string' ? pageInfo.endCursor : undefined,
	};
}

/** The shop's locations, page by page; `limit` stops early (0 = all). */
export async function readLocations(
	this: IExecuteFunctions,
	budget: CostBudget,
	{ limit = 0, includeInactive = false, itemIndex }: { limit?: number; includeInactive?: boolean; itemIndex?: number },
): Promise<IDataObject[]> {
	const locations: IDataObject[] = [];
	let after: string | undefined;
	for (;;) {
		const first = limit > 0 ? Math.min(LOCATIONS_PAGE_SIZE, limit - locations.length) : LOCATIONS_PAGE_SIZE;
		const page = await readLocationsPage.call(this, { first, after, includeInactive, budget, itemIndex });
		locations.push(...page.nodes);
		if ((limit > 0 && locations.length >= limit) || page.next === undefined) return locations;
		after = page.next;
	}
}

/** The shop's primary location (`location` without an id). */
async function fetchPrimaryLocation(
	this: IExecuteFunctions,
	budget: CostBudget,
): Promise<{ id: string; name: string | null }> {
	const { data } = await shopifyGraphql.call(this, PRIMARY_LOCATION_QUERY, {}, { budget });
	const location = data.location as IDataObject | null | undefined;
	const id = toLocationGid(location?.id);
	if (!location || !id) {
		throw new NodeOperationError(this.getNode(), 'Shopify did not return the shop’s primary location', {
			description: 'Choose the location from the list, or enter its id.',
		});
	}
	return { id, name: typeof location.name === 'string' ? location.name : null };
}

export interface ResolvedLocation {
	/** `gid://shopify/Location/N` */
	id: string;
	/** The location's name when known (primary location, or the name picked from the list). */
	name: string | null;
	/** The parameter was empty: the shop's primary location is used. */
	primary: boolean;
}

/** What location resolution keeps for one execution: the primary location is looked up once. */
export interface LocationMemo {
	budget: CostBudget;
	primaryLocation?: Promise<ResolvedLocation>;
}

/**
 * The Location parameter (resource locator, gid or numeric id) of one item. An empty value means the
 * shop's primary location, looked up once per execution (kept in `memo`, which lives for one
 * execution: nothing is kept across executions).
 */
export async function resolveLocation(
	this: IExecuteFunctions,
	memo: LocationMemo,
	itemIndex: number,
): Promise<ResolvedLocation> {
	const raw = this.getNodeParameter('location', itemIndex, '', { extractValue: true }) as unknown;
	if (isEmptyLocation(raw)) {
		memo.primaryLocation ??= fetchPrimaryLocation
			.call(this, memo.budget)
			.then(({ id, name }) => ({ id, name, primary: true }));
		return await memo.primaryLocation;
	}
	const gid = toLocationGid(raw);
	if (!gid) {
		throw new NodeOperationError(this.getNode(), `"${String(raw)}" is not a Shopify location id`, {
			description:
				'Pick the location from the list, enter an id such as gid://shopify/Location/123456789 or 123456789, or leave it empty for the shop’s primary location.',
			itemIndex,
		});
	}
	const name = locatorCachedName(this.getNodeParameter('location', itemIndex, '') as unknown);
	return { id: gid, name, primary: false };
}
