import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FileMakerClient } from '../../../shared/filemaker/client';
import { errorItem } from '../../../shared/router';
import type { EventClient, EventStoreConfig } from '../../helpers/eventStore';
import { applyPendingForSku } from '../../helpers/eventStore';
import { fieldText } from '../../helpers/inventoryRecords';
import { getEventStoreConfig, positiveInt, readLocation, readSku } from '../../helpers/parameters';
import { stockKey, stockKeyParts } from '../../logic/stockKey';
import { changeOptions, itemSkuProperty, optionsCollection } from '../common.descriptions';
import { isItemProblem, itemProblem, repeatedKeyWarning } from '../../helpers/problems';
import { STOCK_CHANGE_MAX_ATTEMPTS } from '../../../shared/backoff';
import { APPLY_CONCURRENCY, DEFAULT_BATCH_SIZE, mapWithConcurrency } from '../../logic/events';
import { waitUnlessCancelled } from '../../../shared/wait';

const properties: INodeProperties[] = [
	{
		displayName:
			'Per SKU: the stored events not applied yet are added to the quantity in one guarded edit per batch (up to 100 events), in the order they were stored, then marked applied. Safe to run any number of times, also at the same time: no event is applied twice. Up to 4 SKUs at once.',
		name: 'applyNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Input Items',
		name: 'inputItems',
		type: 'options',
		options: [
			{
				name: "Store's Output",
				value: 'storedEvents',
				description:
					'Items as Stock Event → Store outputs them: the SKU (and location) of every item stored or found stored; other items (lines passed over, such as gift cards) are left out. Nothing to map.',
			},
			{ name: 'Define Below', value: 'defineBelow', description: 'Map the SKU yourself' },
		],
		default: 'defineBelow',
		description: "Where each item's SKU comes from (Scope: SKUs of the Input Items)",
	},
	{
		...itemSkuProperty("SKU whose pending events to apply (items with the same SKU are applied once). Not used with Scope 'All'.", false),
		displayOptions: { show: { inputItems: ['defineBelow'] } },
	},
	optionsCollection([
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'options',
			options: [
				{ name: 'SKUs of the Input Items', value: 'inputSkus', description: 'Apply the pending events of the SKU of each item' },
				{ name: 'All', value: 'all', description: 'Every SKU with pending events (the scheduled sweep)' },
			],
			default: 'inputSkus',
		},
		{
			displayName: 'When Another Run Is Applying the Same SKU',
			name: 'whenBusy',
			type: 'options',
			options: [
				{
					name: 'Wait and Retry',
					value: 'wait',
					description: 'Read again and retry (up to Max Attempts): the events are applied before this node finishes',
				},
				{
					name: 'Leave Them for the Other Run or the Sweep',
					value: 'leave',
					description:
						'Stop at once: the other run or the scheduled Apply Pending (Scope: All) applies them. Best right after answering a webhook on busy days: executions do not queue on one SKU.',
				},
			],
			default: 'wait',
		},
		{
			displayName: 'Wait Before Applying (Seconds)',
			name: 'waitSeconds',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 60 },
			default: 0,
			description:
				'Wait this long before reading the pending events, so that the events of a burst (many orders for one SKU at once) are applied together in one batch by the first run, and the others find nothing left to do. 0: at once.',
		},
		// Max Attempts and the location options, as Adjust and Set have them.
		...changeOptions(),
	]),
];

const displayOptions = { show: { resource: ['event'], operation: ['applyPending'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/** The SKUs with pending events (the sweep): one paged find of the rows whose AppliedBatch is empty. */
export async function pendingSkus(client: EventClient, config: EventStoreConfig): Promise<string[]> {
	const { events } = config;
	const skus = new Set<string>();
	await client.readAllPages({
		layout: events.layout,
		query: [{ [events.appliedBatchField]: '=' }],
		pageSize: 1000,
		fields: events.locationField ? [events.skuField, events.locationField, events.appliedBatchField] : [events.skuField, events.appliedBatchField],
		action: `reading the pending stock events of layout '${events.layout}'`,
		itemIndex: 0,
		onPage: (records) => {
			for (const record of records) {
				const sku = fieldText(record, events.skuField);
				// Several locations: one stock record per SKU and location.
				if (sku !== '') skus.add(events.locationField ? stockKey(sku, fieldText(record, events.locationField)) : sku);
			}
		},
	});
	return [...skus];
}

export async function execute(this: IExecuteFunctions, client: FileMakerClient, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const config = getEventStoreConfig.call(this, 0, 'eventLayout');
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const maxAttempts = positiveInt(options.maxAttempts, STOCK_CHANGE_MAX_ATTEMPTS);
	const output: INodeExecutionData[] = [];
	const waitSeconds = Number(options.waitSeconds ?? 0);
	if (Number.isFinite(waitSeconds) && waitSeconds > 0) await waitUnlessCancelled(this, Math.min(waitSeconds, 60) * 1000);
	const targets = new Map<string, number[]>();
	if (options.scope === 'all') {
		const all = items.map((_, i) => i);
		for (const sku of await pendingSkus(client, config)) targets.set(sku, all);
	} else {
		const fromStore = this.getNodeParameter('inputItems', 0, 'defineBelow') === 'storedEvents';
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				let sku: string;
				if (fromStore) {
					// Only events Store stored (or found stored): lines it passed over are not events.
					const { status } = items[itemIndex].json;
					if (status !== 'stored' && status !== 'duplicate') continue;
					sku = typeof items[itemIndex].json.sku === 'string' ? (items[itemIndex].json.sku as string).trim() : '';
					if (sku === '') throw itemProblem(this.getNode(), "The item has no SKU: connect Apply Pending to Stock Event → Store's output.", itemIndex);
				} else sku = readSku.call(this, itemIndex);
				const key = stockKey(sku, readLocation.call(this, itemIndex, config.stock.locationField ?? ''));
				targets.set(key, [...(targets.get(key) ?? []), itemIndex]);
			} catch (error) {
				output.push(errorItem.call(this, error, [itemIndex], { retryable: false }));
			}
		}
	}
	const entries = [...targets.entries()];
	const results = await mapWithConcurrency(entries, APPLY_CONCURRENCY, async ([sku, indexes]) => {
		try {
			return await applyPendingForSku.call(
				this,
				client,
				config,
				sku,
				{ maxAttempts, batchSize: DEFAULT_BATCH_SIZE, leaveWhenBusy: options.whenBusy === 'leave' },
				indexes[0],
			);
		} catch (error) {
			return error instanceof Error ? error : new Error(String(error));
		}
	});
	results.forEach((result, i) => {
		const [key, indexes] = entries[i];
		const { sku, location } = stockKeyParts(key);
		const where: IDataObject = location !== undefined ? { sku, location } : { sku };
		if (result instanceof Error) {
			output.push(errorItem.call(this, result, indexes, { ...where, retryable: !isItemProblem(result) }));
			return;
		}
		const json: IDataObject = {
			...where,
			applied: result.applied,
			change: result.change,
			quantityBefore: result.quantityBefore,
			quantityAfter: result.quantityAfter,
		};
		if (result.repaired > 0) json.repaired = result.repaired;
		if (result.leftPending) json.leftPending = true;
		if (result.duplicateRows.size > 0) {
			json.duplicatesNotApplied = result.duplicateRows.size;
			json.duplicateRecordIds = [...result.duplicateRows];
			json.warning = repeatedKeyWarning(result.duplicateRows.size, config.events.layout, config.events.eventKeyField);
		}
		output.push({ json, pairedItem: indexes.length === 1 ? { item: indexes[0] } : indexes.map((item) => ({ item })) });
	});
	return output;
}
