import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { readLocationsPage } from '../transport/locations';

/** Active locations for the Location pickers, one page per call, filtered by name or id. */
export async function searchLocations(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const { nodes, next } = await readLocationsPage.call(this, { first: 100, after: paginationToken });
	const needle = (filter ?? '').trim().toLowerCase();
	const results = nodes
		.filter((n) => !needle || String(n.name ?? '').toLowerCase().includes(needle) || String(n.id).includes(needle))
		.map((n) => ({ name: String(n.name ?? n.id), value: String(n.id) }));
	return { results, paginationToken: next };
}
