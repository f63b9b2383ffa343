import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { FileMakerClient } from '../../../shared/filemaker/client';
import { errorItem } from '../../../shared/router';
import type { StockEvent } from '../../helpers/eventStore';
import { skuProblem, storeFailureAdvice } from '../../helpers/eventStore';
import type { EventFields } from '../../helpers/storeStockEvents';
import { EMPTY_SKU_PROBLEM, checkAndStoreEvents, eventFromFields, isNotAnEvent, shopifyChangeFields } from '../../helpers/storeStockEvents';
import { getEventStoreConfig, getText, readLocation } from '../../helpers/parameters';
import { stockKey } from '../../logic/stockKey';
import { itemProblem } from '../../helpers/problems';
import { DEFAULTS, itemSkuProperty, locationFieldOption, locationValueOption, optionsCollection } from '../common.descriptions';

const DEFINE_BELOW = { show: { inputItems: ['defineBelow'] } };

const properties: INodeProperties[] = [
	{
		displayName:
			'Each item becomes one row of the event layout; the stock is not changed here (run Apply Pending after it, and on a schedule as a sweep). A Change Key that is already stored is reported with status "duplicate", for as long as its row is kept. At most 2 FileMaker requests per event: one SKU check shared by the items, one create.',
		name: 'storeNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Input Items',
		name: 'inputItems',
		type: 'options',
		options: [
			{
				name: 'Shopify Stock Changes',
				value: 'shopifyChanges',
				description:
					'Items as the Shopify Inventory Trigger and Shopify Inventory → Order → Get Many output them: sku, quantity, idempotencyKey, kind, orderName, location. Nothing to map.',
			},
			{ name: 'Define Below', value: 'defineBelow', description: 'Map SKU, change, key, reason and reference yourself' },
		],
		default: 'defineBelow',
		description: 'Where the fields of each event come from',
	},
	{ ...itemSkuProperty('SKU of the stock record (exact match: a SKU that differs only in case or spaces is reported, never used)', true), displayOptions: DEFINE_BELOW },
	{
		displayName: 'Change',
		name: 'change',
		type: 'number',
		default: 0,
		placeholder: 'e.g. -1',
		description: 'Signed whole number to add to the quantity: -2 for a sale of two, 2 for a restock of two. Ignored when Set To is given.',
		displayOptions: DEFINE_BELOW,
	},
	{
		displayName: 'Set To',
		name: 'setTo',
		type: 'string',
		default: '',
		placeholder: 'e.g. 25',
		description: 'Leave empty for a change. A whole number makes this a Set event: the quantity becomes this number when the event is applied (in order with the other events).',
		displayOptions: DEFINE_BELOW,
	},
	{ displayName: 'Reason', name: 'reason', type: 'string', default: '', placeholder: 'e.g. order paid', description: 'Written to the event row', displayOptions: DEFINE_BELOW },
	{ displayName: 'Reference', name: 'reference', type: 'string', default: '', placeholder: 'e.g. #1001', description: 'Written to the event row', displayOptions: DEFINE_BELOW },
	{ displayName: 'Source', name: 'source', type: 'string', default: 'n8n', placeholder: 'e.g. shopify', description: 'Written to the event row (where the event came from)' },
	{
		displayName: 'Change Key',
		name: 'idempotencyKey',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. shopify:order:1001:line:1:sale',
		description:
			'A name for this event, one per real-world change (for example the order line it comes from), at most 100 characters. FileMaker keeps it unique: the same event delivered again is not stored twice.',
		hint: 'The Shopify Inventory Trigger outputs one per change as idempotencyKey',
		displayOptions: DEFINE_BELOW,
	},
	optionsCollection([
		{
			displayName: 'On Retryable Failure',
			name: 'onRetryableFailure',
			type: 'options',
			options: [
				{
					name: 'Fail the Execution',
					value: 'fail',
					description:
						'Store every other item, then fail: a webhook is answered with an error and delivered again (stored events then come back as duplicates)',
				},
				{ name: 'Report', value: 'report', description: 'Output an error item with retryable: true and go on' },
			],
			default: 'fail',
			description: 'What to do when FileMaker or the network fails (a retry can help). Unknown SKUs and invalid items are always reported as error items with retryable: false.',
		},
		locationFieldOption,
		locationValueOption,
	]),
];

const displayOptions = { show: { resource: ['event'], operation: ['store'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function definedFields(this: IExecuteFunctions, itemIndex: number, source: string): EventFields {
	return {
		sku: getText.call(this, 'sku', itemIndex),
		key: getText.call(this, 'idempotencyKey', itemIndex),
		change: this.getNodeParameter('change', itemIndex, undefined) as unknown,
		setTo: getText.call(this, 'setTo', itemIndex),
		reason: getText.call(this, 'reason', itemIndex),
		reference: getText.call(this, 'reference', itemIndex),
		source,
	};
}

function readEvent(this: IExecuteFunctions, itemIndex: number, fields: EventFields, locationField: string): StockEvent {
	if (fields.sku === '') throw itemProblem(this.getNode(), EMPTY_SKU_PROBLEM, itemIndex);
	const read = eventFromFields(fields, readLocation.call(this, itemIndex, locationField));
	if ('problem' in read) throw itemProblem(this.getNode(), read.problem, itemIndex);
	return read.event;
}

export async function execute(this: IExecuteFunctions, client: FileMakerClient, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const config = getEventStoreConfig.call(this, 0, 'eventLayout');
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const report = options.onRetryableFailure === 'report';
	const output: INodeExecutionData[] = [];
	const fromShopify = this.getNodeParameter('inputItems', 0, 'defineBelow') === 'shopifyChanges';
	// Each item's SKU and key as read (once), for the error items.
	const given = new Map<number, { sku: string; key: string }>();
	const problem = (error: unknown, itemIndex: number, retryable: boolean) => {
		const extra: IDataObject = { retryable };
		const fields = given.get(itemIndex);
		if (fields && fields.sku !== '') extra.sku = fields.sku;
		if (fields && fields.key !== '') extra.idempotencyKey = fields.key;
		output.push(errorItem.call(this, error, [itemIndex], extra));
	};

	const valid: Array<{ itemIndex: number; event: StockEvent }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let fields: EventFields;
		try {
			const source = getText.call(this, 'source', itemIndex, DEFAULTS.source);
			fields = fromShopify ? shopifyChangeFields(items[itemIndex].json, source) : definedFields.call(this, itemIndex, source);
		} catch (error) {
			problem(error, itemIndex, false);
			continue;
		}
		given.set(itemIndex, { sku: fields.sku, key: fields.key });
		// Lines the trigger or catch-up marked skipped (no SKU, untracked, gift card) and items with
		// neither SKU nor key (the empty item of "Always Output Data") are not events: passed on as such.
		if (isNotAnEvent(items[itemIndex].json, fields)) {
			output.push({ json: { ...items[itemIndex].json, status: 'skipped' }, pairedItem: { item: itemIndex } });
			continue;
		}
		try {
			valid.push({ itemIndex, event: readEvent.call(this, itemIndex, fields, config.stock.locationField ?? '') });
		} catch (error) {
			problem(error, itemIndex, false);
		}
	}
	if (valid.length === 0) return output;

	let outcomes;
	try {
		outcomes = await checkAndStoreEvents(client, config, valid.map((v) => v.event));
	} catch (error) {
		if (!report) throw asNodeError.call(this, error);
		for (const v of valid) problem(error, v.itemIndex, true);
		return output;
	}
	const failed: number[] = [];
	let firstFailure: Error | undefined;
	let attempted = 0;
	outcomes.forEach((outcome, i) => {
		const { itemIndex, event } = valid[i];
		if (outcome.status === 'unknownSku') {
			problem(skuProblem.call(this, config.stock, stockKey(event.sku, event.location), outcome.check, itemIndex), itemIndex, false);
			return;
		}
		attempted++;
		if (outcome.status === 'failed') {
			outcome.error.context.itemIndex = itemIndex;
			outcome.error.description = `${outcome.error.description ?? ''} ${storeFailureAdvice(outcome.info)}`.trim();
			if (report) problem(outcome.error, itemIndex, true);
			else {
				failed.push(itemIndex);
				firstFailure ??= outcome.error;
			}
			return;
		}
		const json: IDataObject = { sku: event.sku, idempotencyKey: event.key, change: event.setTo === undefined ? event.change : null, status: outcome.status };
		if (event.location !== undefined) json.location = event.location;
		if (event.setTo !== undefined) json.setTo = event.setTo;
		if (outcome.status === 'stored') json.recordId = outcome.recordId;
		output.push({ json, pairedItem: { item: itemIndex } });
	});
	if (firstFailure) {
		const stored = attempted - failed.length;
		throw new NodeOperationError(
			this.getNode(),
			`${failed.length} of ${attempted} stock events could not be stored: ${firstFailure.message}`,
			{
				description: `${(firstFailure as { description?: string }).description ?? ''} The other ${stored} events are stored. Delivering all of them again is safe: stored events are reported as duplicates.`.trim(),
				itemIndex: failed[0],
			},
		);
	}
	output.sort((a, b) => firstItem(a) - firstItem(b));
	return output;
}

function firstItem(item: INodeExecutionData): number {
	const paired = item.pairedItem;
	if (Array.isArray(paired)) return typeof paired[0] === 'object' ? paired[0].item : (paired[0] ?? 0);
	if (typeof paired === 'object' && paired !== null) return paired.item;
	return typeof paired === 'number' ? paired : 0;
}

function asNodeError(this: IExecuteFunctions, error: unknown): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(this.getNode(), error as Error);
}
