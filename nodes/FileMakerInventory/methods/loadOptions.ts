import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { fileMakerClient } from '../../shared/filemaker/client';
import { DEFAULTS } from '../actions/common.descriptions';

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
	const client = await fileMakerClient.call(this);
	const names = await client.layoutFieldNames(layout);
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
	const client = await fileMakerClient.call(this);
	return (await client.listScripts()).map((name) => ({ name, value: name }));
}
