import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FileMakerClient } from '../../../shared/filemaker/client';
import { DEFAULT_PAGE_SIZE } from '../../../shared/filemaker/paging';
import type { FileMakerRecord } from '../../../shared/filemaker/transport';
import { fieldText } from '../../helpers/inventoryRecords';
import { buildQuery, getMovementConfig, getText, positiveInt } from '../../helpers/parameters';
import type { FindCriterion } from '../../logic/findQuery';
import { isDuplicateMark, wholeOrUndefined } from '../../logic/events';
import { filtersCollection, optionsCollection, pageSizeOption } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		options: [
			{ name: 'Pending', value: 'pending', description: 'Stored, not applied to the stock yet' },
			{ name: 'Applied', value: 'applied', description: "Applied to the stock; copies of an applied event that FileMaker let in come with status 'duplicate'" },
			{ name: 'All', value: 'all' },
		],
		default: 'pending',
	},
	filtersCollection([
		{
			displayName: 'Since',
			name: 'since',
			type: 'dateTime',
			default: '',
			description: "Only events stored at or after this time (field CreatedAt, in the workflow's time zone, which should be the FileMaker server's)",
		},
		{ displayName: 'SKU', name: 'sku', type: 'string', default: '', description: 'Only events of this SKU (exact match)' },
	]),
	optionsCollection([pageSizeOption]),
];

const displayOptions = { show: { resource: ['event'], operation: ['getMany'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions, client: FileMakerClient, itemIndex: number): Promise<IDataObject[]> {
	const events = getMovementConfig.call(this, itemIndex, 'eventLayout');
	const status = getText.call(this, 'status', itemIndex, 'pending');
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const sku = typeof filters.sku === 'string' ? filters.sku.trim() : '';
	const criteria: FindCriterion[] = [];
	if (sku !== '') criteria.push({ field: events.skuField, operator: 'equals', value: sku });
	if (status === 'pending') criteria.push({ field: events.appliedBatchField, operator: 'isEmpty' });
	if (status === 'applied') criteria.push({ field: events.appliedBatchField, operator: 'isNotEmpty' });
	const query = buildQuery.call(this, criteria, { value: filters.since, field: events.createdAtField, what: 'Since' }, itemIndex);
	const rows: IDataObject[] = [];
	await client.readAllPages({
		layout: events.layout,
		query,
		pageSize: positiveInt(options.pageSize, DEFAULT_PAGE_SIZE),
		fields: [events.skuField, events.appliedBatchField, events.createdAtField],
		action: `reading the stock events of layout '${events.layout}'`,
		itemIndex,
		onPage: (records: FileMakerRecord[]) => {
			for (const record of records) {
				// FileMaker matches text case-insensitively: keep the exact SKU only.
				if (sku !== '' && fieldText(record, events.skuField) !== sku) continue;
				rows.push(toEventRow(record, events));
			}
		},
	});
	return rows;
}

function toEventRow(record: FileMakerRecord, events: ReturnType<typeof getMovementConfig>): IDataObject {
	const appliedBatch = fieldText(record, events.appliedBatchField);
	const row: IDataObject = {
		recordId: record.recordId,
		sku: fieldText(record, events.skuField),
		idempotencyKey: fieldText(record, events.eventKeyField),
		change: wholeOrUndefined(record.fieldData[events.changeField]) ?? null,
		setTo: wholeOrUndefined(record.fieldData[events.setToField]) ?? null,
		status: appliedBatch === '' ? 'pending' : isDuplicateMark(appliedBatch) ? 'duplicate' : 'applied',
		appliedBatch: appliedBatch === '' ? null : appliedBatch,
		quantityAfter: wholeOrUndefined(record.fieldData[events.quantityAfterField]) ?? null,
		serial: wholeOrUndefined(record.fieldData[events.serialField]) ?? null,
		createdAt: fieldText(record, events.createdAtField),
	};
	for (const [name, field] of [
		['reason', events.reasonField],
		['reference', events.referenceField],
		['source', events.sourceField],
	] as const) {
		if (field !== '') row[name] = fieldText(record, field);
	}
	return row;
}

