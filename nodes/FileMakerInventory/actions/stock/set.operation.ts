import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FileMakerClient } from '../../../shared/filemaker/client';
import { getEventStoreConfig, getLocationField, getText, readChangeOptions, readLocation, readSku, readWholeParameter } from '../../helpers/parameters';
import { applyStockChange } from '../../helpers/stockChange';
import { DEFAULTS, changeInputProperties, changeTargetProperties, skuProperty } from '../common.descriptions';

const properties: INodeProperties[] = [
	{ ...skuProperty, description: 'SKU whose stock to set (exact match)' },
	{
		displayName: 'Quantity',
		name: 'quantity',
		type: 'number',
		// No default number on purpose: a quantity left empty fails the item instead of setting the stock to 0.
		default: null,
		required: true,
		typeOptions: { minValue: 0, numberPrecision: 0 },
		placeholder: 'e.g. 25',
		description:
			'The new quantity in stock, a whole number. The node records the difference to the old quantity as a stock movement.',
		hint: 'Usually mapped from the input, e.g. {{ $json.quantity }}',
	},
	...changeInputProperties,
	...changeTargetProperties,
];

const displayOptions = { show: { resource: ['stock'], operation: ['set'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions, client: FileMakerClient, itemIndex: number): Promise<IDataObject[]> {
	const sku = readSku.call(this, itemIndex);
	const quantity = readWholeParameter.call(this, 'quantity', 'quantity', sku, itemIndex);
	const result = await applyStockChange.call(
		this,
		client,
		getEventStoreConfig.call(this, itemIndex),
		{
			sku,
			location: readLocation.call(this, itemIndex, getLocationField.call(this, itemIndex)),
			mode: 'absolute',
			amount: quantity,
			idempotencyKey: getText.call(this, 'idempotencyKey', itemIndex),
			reason: getText.call(this, 'reason', itemIndex),
			reference: getText.call(this, 'reference', itemIndex),
			source: getText.call(this, 'source', itemIndex, DEFAULTS.source),
		},
		readChangeOptions.call(this, itemIndex),
		itemIndex,
	);
	return [result];
}
