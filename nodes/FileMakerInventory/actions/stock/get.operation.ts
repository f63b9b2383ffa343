import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FileMakerClient } from '../../../shared/filemaker/client';
import type { FileMakerRecord } from '../../../shared/filemaker/transport';
import { extraFieldList, getLocationField, getStockConfig, itemLocation, readSku } from '../../helpers/parameters';
import { duplicateSkuMessage, itemProblem, unknownSkuMessage } from '../../helpers/problems';
import { fieldText, lookupStock, requireFields } from '../../helpers/inventoryRecords';
import { quantityOf } from '../../helpers/eventStore';
import { nearMatchMessage } from '../../logic/events';
import { stockKey, stockKeyLabel } from '../../logic/stockKey';
import { pendingSalesEventLayoutOption, readPendingSales, subtractPendingSalesOption } from '../../helpers/pendingSales';
import { extraFieldsOption, locationFieldOption, locationValueOption, optionsCollection, skuProperty, stockFieldsCollection } from '../common.descriptions';

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
		subtractPendingSalesOption,
		pendingSalesEventLayoutOption,
		{
			...locationFieldOption,
			description:
				'For several locations: the field that holds the location on the stock layout. The SKU is then read at the item\'s location (option Location, or the item\'s "location" field), or at every location when the item names none: one output item per location, each with "location". Empty: the Location Field of the FileMaker credential; empty there too: one location.',
		},
		{
			...locationValueOption,
			default: '',
			description:
				'With Location Field: read the SKU only at this location, as in FileMaker. Empty: the item\'s "location" field, or every location of the SKU when the item has none.',
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
	const locationField = getLocationField.call(this, itemIndex);
	// Pending events first: a sale applied between the two reads is then counted twice (less, never more).
	const pendingSales =
		options.subtractPendingSales === true ? await readPendingSales.call(this, client, options, { concurrency: 1, itemIndex, sku }) : undefined;
	const lookup = await lookupStock(client, stock, sku, itemIndex);
	if (lookup.status === 'notFound') {
		if (options.notFound === 'output') return [{ sku, found: false }];
		throw itemProblem(this.getNode(), unknownSkuMessage(stock, sku), itemIndex);
	}
	if (lookup.status === 'near') {
		if (options.notFound === 'output') return [{ sku, found: false, nearMatches: lookup.near }];
		throw itemProblem(this.getNode(), nearMatchMessage(sku, lookup.near, stock.layout), itemIndex);
	}
	const records = lookup.status === 'found' ? [lookup.record] : lookup.records;
	if (locationField === '') {
		if (lookup.status === 'duplicate') throw itemProblem(this.getNode(), duplicateSkuMessage(stock, sku, lookup.records), itemIndex);
		return [outputOf.call(this, records[0], undefined)];
	}

	// Several locations: one record per SKU and location.
	const wanted = itemLocation.call(this, itemIndex);
	const byLocation = new Map<string, FileMakerRecord[]>();
	for (const record of records) {
		requireFields.call(this, record, stock.layout, [{ name: locationField, setting: 'Location Field' }], itemIndex);
		const location = fieldText(record, locationField);
		if (wanted !== '' && location !== wanted) continue;
		byLocation.set(location, [...(byLocation.get(location) ?? []), record]);
	}
	if (byLocation.size === 0) {
		if (options.notFound === 'output') return [{ sku, location: wanted, found: false }];
		throw itemProblem(this.getNode(), unknownSkuMessage(stock, stockKeyLabel(stockKey(sku, wanted))), itemIndex);
	}
	for (const [location, list] of byLocation) {
		if (list.length > 1) throw itemProblem(this.getNode(), duplicateSkuMessage(stock, stockKeyLabel(stockKey(sku, location)), list), itemIndex);
	}
	return [...byLocation].map(([location, [record]]) => outputOf.call(this, record, location));

	function outputOf(this: IExecuteFunctions, record: FileMakerRecord, location: string | undefined): IDataObject {
		requireFields.call(
			this,
			record,
			stock.layout,
			[{ name: stock.quantityField, setting: 'Quantity Field' }, ...extraFields.map((name) => ({ name, setting: 'Extra Fields' }))],
			itemIndex,
		);
		const quantity = quantityOf.call(this, record, stock, sku, itemIndex);
		const output: IDataObject = {
			sku,
			...(location !== undefined ? { location } : {}),
			quantity,
			recordId: record.recordId,
			modId: record.modId,
		};
		if (pendingSales) {
			const sales = pendingSales.get(location !== undefined ? stockKey(sku, location) : sku) ?? 0;
			Object.assign(output, { quantity: quantity + sales, recordedQuantity: quantity, pendingSales: sales });
		}
		if (options.notFound === 'output') output.found = true;
		for (const field of extraFields) output[field] = record.fieldData[field] as IDataObject[keyof IDataObject];
		return output;
	}
}
