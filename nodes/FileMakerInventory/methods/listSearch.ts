import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { fileMakerClient } from '../../shared/filemaker/client';

/** Layouts of the database, for the layout dropdowns. */
export async function searchLayouts(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const client = await fileMakerClient.call(this);
	const needle = (filter ?? '').trim().toLowerCase();
	const names = (await client.listLayouts()).filter((n) => needle === '' || n.toLowerCase().includes(needle));
	return { results: names.map((name) => ({ name, value: name })) };
}
