import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';

import { LOCATIONS_QUERY } from '../../shared/shopify/shop.documents';
import { shopifyGraphql } from '../../shared/shopify/transport';

async function fetchLocations(
	ctx: ILoadOptionsFunctions,
	after?: string,
): Promise<{ nodes: IDataObject[]; next?: string }> {
	const { data } = await shopifyGraphql.call(ctx, LOCATIONS_QUERY, {
		first: 100,
		after: after ?? null,
		includeInactive: false,
	});
	const connection = (data.locations ?? {}) as { nodes?: IDataObject[]; pageInfo?: IDataObject };
	const pageInfo = connection.pageInfo ?? {};
	return {
		nodes: connection.nodes ?? [],
		next: pageInfo.hasNextPage && typeof pageInfo.endCursor === 'string' ? pageInfo.endCursor : undefined,
	};
}

export async function searchLocations(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const { nodes, next } = await fetchLocations(this, paginationToken);
	const needle = (filter ?? '').trim().toLowerCase();
	const results = nodes
		.filter((n) => !needle || String(n.name ?? '').toLowerCase().includes(needle) || String(n.id).includes(needle))
		.map((n) => ({ name: String(n.name ?? n.id), value: String(n.id) }));
	return { results, paginationToken: next };
}

export async function getLocations(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const out: INodePropertyOptions[] = [];
	let after: string | undefined;
	for (let page = 0; page < 20; page++) {
		const { nodes, next } = await fetchLocations(this, after);
		for (const n of nodes) out.push({ name: String(n.name ?? n.id), value: String(n.id) });
		if (!next) break;
		after = next;
	}
	return out;
}
