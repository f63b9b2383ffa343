/** Dropdown loaders of the trigger's version-2 parameters (versionTwoProperties.ts). */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { searchLayouts } from '../../FileMakerInventory/methods/listSearch';
import { readLocationsPage } from '../../ShopifyInventory/transport/locations';

/** Dropdown loader: the FileMaker file's layouts. */
export async function getLayouts(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const { results } = await searchLayouts.call(this);
	return results.map((r) => ({ name: r.name, value: r.value }));
}

/** Most location pages read for one dropdown (100 locations a page). */
const MAX_LOCATION_PAGES = 20;

/** Dropdown loader: "none" (the credential's Default Location) and the shop's locations. */
export async function getLocations(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const options: INodePropertyOptions[] = [{ name: "- The Credential's Default Location -", value: '' }];
	let after: string | undefined;
	for (let page = 0; page < MAX_LOCATION_PAGES; page++) {
		const { nodes, next } = await readLocationsPage.call(this, { first: 100, after });
		for (const n of nodes) options.push({ name: String(n.name ?? n.id), value: String(n.id) });
		if (!next) break;
		after = next;
	}
	return options;
}
