import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { FileMakerClient } from '../../../shared/filemaker/client';
import { getMovementConfig, getText, readSku, readWholeParameter } from '../../helpers/parameters';
import { createMovement } from '../../helpers/inventoryRecords';
import { parseWholeNumber } from '../../logic/quantity';
import {
	DEFAULTS,
	movementFieldsCollection,
	reasonProperty,
	referenceProperty,
	skuProperty,
	sourceProperty,
} from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName:
			'Writes a movement row only; the stock quantity is not changed. Use Stock → Adjust to change stock and log it in one step.',
		name: 'recordNotice',
		type: 'notice',
		default: '',
	},
	{ ...skuProperty, description: 'SKU the movement belongs to' },
	{
		displayName: 'Change',
		name: 'change',
		type: 'number',
		default: 0,
		required: true,
		description: 'Signed whole number: negative for stock going out, positive for stock coming in',
	},
	{
		displayName: 'Quantity After',
		name: 'quantityAfter',
		type: 'string',
		default: '',
		placeholder: 'e.g. 41',
		description: 'Optional quantity after the change (whole number)',
	},
	reasonProperty,
	{ ...referenceProperty, description: 'Written to the movement row, e.g. an order or delivery number' },
	sourceProperty,
	movementFieldsCollection,
];

const displayOptions = { show: { resource: ['movement'], operation: ['record'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions, client: FileMakerClient, itemIndex: number): Promise<IDataObject[]> {
	const movement = getMovementConfig.call(this, itemIndex);
	const sku = readSku.call(this, itemIndex);
	const change = readWholeParameter.call(this, 'change', 'change', sku, itemIndex);
	const rawAfter = this.getNodeParameter('quantityAfter', itemIndex, '') as unknown;
	let quantityAfter: number | undefined;
	if (rawAfter !== '' && rawAfter !== undefined && rawAfter !== null) {
		const parsed = parseWholeNumber(rawAfter);
		if (!parsed.ok) {
			throw new NodeOperationError(
				this.getNode(),
				`The quantity after the change for SKU '${sku}' must be a whole number (got '${String(rawAfter)}').`,
				{ itemIndex },
			);
		}
		quantityAfter = parsed.value;
	}
	const row = {
		sku,
		change,
		quantityAfter,
		reason: getText.call(this, 'reason', itemIndex),
		reference: getText.call(this, 'reference', itemIndex),
		source: getText.call(this, 'source', itemIndex, DEFAULTS.source),
	};
	const created = await createMovement(client, movement, row, itemIndex);
	return [
		{
			sku,
			change,
			quantityAfter: quantityAfter ?? null,
			reason: row.reason,
			reference: row.reference,
			source: row.source,
			recordId: created.recordId,
			modId: created.modId,
		},
	];
}
