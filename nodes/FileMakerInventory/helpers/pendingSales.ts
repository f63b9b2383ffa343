/**
 * Sales stored as stock events but not applied yet: what the stock records do not show. Whatever reads
 * FileMaker's quantities for Shopify subtracts them (the no-phantom-units rule, docs/stock-model.md).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { FileMakerClient } from '../../shared/filemaker/client';
import type { FileMakerRecord } from '../../shared/filemaker/transport';
import { DEFAULTS } from '../actions/common.descriptions';
import { pendingSalesBySku, wholeOrUndefined } from '../logic/events';
import { exactMatch } from '../logic/findQuery';
import { stockKey } from '../logic/stockKey';
import { locationFieldOf } from '../logic/stockLocations';
import { effectiveLocationField } from './credentialLocationField';
import { fieldText } from './inventoryRecords';
import { getMovementConfig } from './parameters';

export const subtractPendingSalesOption: INodeProperties = {
	displayName: 'Subtract Pending Sales',
	name: 'subtractPendingSales',
	type: 'boolean',
	default: false,
	description:
		'Whether to output quantity = recorded quantity minus the units of sales stored as events but not applied yet (read before the stock records, so a sale is never offered twice). Adds recordedQuantity and pendingSales (a negative number or 0) to each row. Use it in the sync.',
};

export const pendingSalesEventLayoutOption: INodeProperties = {
	displayName: 'Event Layout Name',
	name: 'eventLayout',
	type: 'string',
	default: 'StockMovements',
	displayOptions: { show: { subtractPendingSales: [true] } },
	description: 'Layout of the stock events whose pending sales are subtracted',
};

/**
 * Σ of the negative changes of pending events per exact SKU (per SKU and location with a Location
 * Field; keys as `stockKey`): one paged find on the event layout, only `sku`'s events when given.
 */
export async function readPendingSales(
	this: IExecuteFunctions,
	client: FileMakerClient,
	options: IDataObject,
	read: { concurrency: number; itemIndex: number; sku?: string },
): Promise<Map<string, number>> {
	const layout = typeof options.eventLayout === 'string' && options.eventLayout.trim() !== '' ? options.eventLayout.trim() : DEFAULTS.eventLayout;
	const events = { ...getMovementConfig.call(this, read.itemIndex, 'movementLayout', layout) };
	const pending: Array<{ sku: string; change: number | undefined; setTo: number | undefined }> = [];
	const locationField = effectiveLocationField(this, locationFieldOf(options));
	await client.readAllPages({
		layout,
		query: [{ [events.appliedBatchField]: '=', ...(read.sku !== undefined ? { [events.skuField]: exactMatch(read.sku) } : {}) }],
		pageSize: 1000,
		concurrency: read.concurrency,
		fields: [events.skuField, events.changeField, events.setToField, events.appliedBatchField, ...(locationField !== '' ? [locationField] : [])],
		action: `reading the pending stock events of layout '${layout}'`,
		itemIndex: read.itemIndex,
		onPage: (records: FileMakerRecord[]) => {
			for (const r of records) {
				// A find on a SKU may match near misses (FileMaker's == ignores case): exact SKUs only.
				if (read.sku !== undefined && fieldText(r, events.skuField) !== read.sku) continue;
				pending.push({
					// Several locations: pending sales per SKU and location.
					sku: locationField !== '' ? stockKey(fieldText(r, events.skuField), fieldText(r, locationField)) : fieldText(r, events.skuField),
					change: wholeOrUndefined(r.fieldData[events.changeField]),
					setTo: wholeOrUndefined(r.fieldData[events.setToField]),
				});
			}
		},
	});
	return pendingSalesBySku(pending);
}
