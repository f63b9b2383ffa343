import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { DEFAULTS } from '../actions/common.descriptions';
import { segment } from '../logic/connection';
import { flattenScripts } from '../logic/lists';
import { fileMakerCall, fileMakerError, getConnection, metadataFieldNames } from '../transport';

const NONE: INodePropertyOptions = { name: '- None (Disabled) -', value: '' };

function layoutParameter(this: ILoadOptionsFunctions, name: 'stockLayout' | 'movementLayout'): string {
	let value: unknown;
	try {
		value = this.getNodeParameter(name, undefined, { extractValue: true });
	} catch {
		value = undefined;
	}
	if (value && typeof value === 'object' && 'value' in value) value = (value as { value: unknown }).value;
	const text = typeof value === 'string' ? value.trim() : '';
	return text !== '' && !text.startsWith('=') ? text : name === 'stockLayout' ? DEFAULTS.stockLayout : DEFAULTS.movementLayout;
}

async function fieldsOf(this: ILoadOptionsFunctions, layout: string): Promise<INodePropertyOptions[]> {
	const connection = await getConnection.call(this);
	const result = await fileMakerCall.call(this, connection, 'GET', `/layouts/${segment(layout)}`);
	if (!result.ok) {
		throw fileMakerError.call(this, result.info, {
			host: connection.host,
			database: connection.database,
			layout,
			action: `reading the fields of layout '${layout}'`,
		});
	}
	const names = metadataFieldNames(result.response) ?? [];
	return [...new Set(names)].sort((a, b) => a.localeCompare(b)).map((name) => ({ name, value: name }));
}

export async function getStockFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await fieldsOf.call(this, layoutParameter.call(this, 'stockLayout'));
}

export async function getStockFieldsOrNone(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return [NONE, ...(await fieldsOf.call(this, layoutParameter.call(this, 'stockLayout')))];
}

export async function getMovementFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await fieldsOf.call(this, layoutParameter.call(this, 'movementLayout'));
}

export async function getMovementFieldsOrNone(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return [NONE, ...(await fieldsOf.call(this, layoutParameter.call(this, 'movementLayout')))];
}

export async function getScripts(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const connection = await getConnection.call(this);
	const result = await fileMakerCall.call(this, connection, 'GET', '/scripts');
	if (!result.ok) {
		throw fileMakerError.call(this, result.info, { host: connection.host, database: connection.database, action: 'listing the scripts' });
	}
	return flattenScripts(result.response.scripts).map((name) => ({ name, value: name }));
}
