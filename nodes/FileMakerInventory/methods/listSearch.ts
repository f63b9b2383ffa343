import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { flattenLayouts } from '../logic/lists';
import { fileMakerCall, fileMakerError, getConnection } from '../transport';

/** Layouts of the database (GET /layouts), for the layout dropdowns. */
export async function searchLayouts(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const connection = await getConnection.call(this);
	const result = await fileMakerCall.call(this, connection, 'GET', '/layouts');
	if (!result.ok) {
		throw fileMakerError.call(this, result.info, {
			host: connection.host,
			database: connection.database,
			action: 'listing the layouts',
		});
	}
	const needle = (filter ?? '').trim().toLowerCase();
	const names = flattenLayouts(result.response.layouts).filter((n) => needle === '' || n.toLowerCase().includes(needle));
	return { results: names.map((name) => ({ name, value: name })) };
}
