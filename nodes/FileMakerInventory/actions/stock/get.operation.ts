import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FileMakerClient } from '../../../shared/filemaker/client';
import { extraFieldList, getStockConfig, readSku } from '../../helpers/parameters';
import { duplicateSkuMessage, itemProblem, unknownSkuMessage } from '../../helpers/problems';
import { lookupStock, requireFields } from '../../helpers/inventoryRecords';
import { quantityOf } from '../../helpers/eventStore';
import { nearMatchMessage } from '../../logic/events';
import { extraFieldsOption, optionsCollection, skuProperty, stockFieldsCollection } from '../common.descriptions';

const properties: INodeProperties[] = [
	skuProperty,
	stockFieldsCollection,
	optionsCollection([
		extraFieldsOption('getStockFields', 'stockLayout', 'the stock record'),
		{
			displayName: 'If Not Found',
			name: 'notFound',
			type: 'options',
			options: [
				{ name: 'Fail', value: 'error', description: 'Stop with an error naming the SKU' },
				{ name: 'Output Found: False', value: 'output', description: 'Output {sku, found: false} and go on' },
			],
			default: 'error',
		},
	]),
];

const displayOptions = { show: { resource: ['stock'], operation: ['get'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions, client: FileMakerClient, itemIndex: number): Promise<IDataObject[]> {
	const stock = getStockConfig.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const extraFields = extraFieldList(options.extraFields);
	const sku = readSku.call(this, itemIndex);
	const lookup = await lookupStock(client, stock, sku, itemIndex);
	if (lookup.status === 'notFound') {
		if (options.notFound === 'output') return [{ sku, found: false }];
		throw itemProblem(this.getNode(), unknownSkuMessage(stock, sku), itemIndex);
	}
	if (lookup.status === 'near') {
		if (options.notFound === 'output') return [{ sku, found: false, nearMatches: lookup.near }];
		throw itemProblem(this.getNode(), nearMatchMessage(sku, lookup.near, stock.layout), itemIndex);
	}
	if (lookup.status === 'duplicate') {
		throw itemProblem(this.getNode(), duplicateSkuMessage(stock, sku, lookup.records), itemIndex);
	}
	const { record } = lookup;
	requireFields.call(
		this,
		record,
		stock.layout,
		[{ name: stock.quantityField, setting: 'Quantity Field' }, ...extraFields.map((name) => ({ name, setting: 'Extra Fields' }))],
		itemIndex,
	);
	const output: IDataObject = {
		sku,
		quantity: quantityOf.call(this, record, stock, sku, itemIndex),
		recordId: record.recordId,
		modId: record.modId,
	};
	if (options.notFound === 'output') output.found = true;
	for (const field of extraFields) output[field] = record.fieldData[field] as IDataObject[keyof IDataObject];
	return [output];
}
