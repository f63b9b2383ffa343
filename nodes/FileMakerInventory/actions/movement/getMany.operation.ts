import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FileMakerClient } from '../../../shared/filemaker/client';
import { DEFAULT_PAGE_SIZE } from '../../../shared/filemaker/paging';
import type { FileMakerRecord } from '../../../shared/filemaker/transport';
import { buildQuery, extraFieldList, getMovementConfig, positiveInt } from '../../helpers/parameters';
import { fieldText } from '../../helpers/inventoryRecords';
import type { FindCriterion } from '../../logic/findQuery';
import { parseWholeNumber } from '../../logic/quantity';
import { DEFAULTS, extraFieldsOption, filtersCollection, movementFieldsCollection, optionsCollection, pageSizeOption } from '../common.descriptions';

const properties: INodeProperties[] = [
	filtersCollection([
		{
			displayName: 'Created Since',
			name: 'since',
			type: 'dateTime',
			default: '',
			description:
				"Only rows created at or after this time. Times with a time zone are converted to the workflow's time zone, which should be the FileMaker server's.",
		},
		{
			displayName: 'Created Since Field Name or ID',
			name: 'sinceField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getMovementFields', loadOptionsDependsOn: ['movementLayout.value'] },
			default: 'CreatedAt',
			description:
				'Timestamp field with the creation time. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Reference',
			name: 'reference',
			type: 'string',
			default: '',
			description: 'Only rows with exactly this reference (or change key)',
		},
		{
			displayName: 'SKU',
			name: 'sku',
			type: 'string',
			default: '',
			description: 'Only rows of this SKU (exact match)',
		},
	]),
	movementFieldsCollection,
	optionsCollection([
		extraFieldsOption('getMovementFields', 'movementLayout', 'each row'),
		pageSizeOption,
	]),
];

const displayOptions = { show: { resource: ['movement'], operation: ['getMany'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function wholeOrRaw(value: unknown): unknown {
	const parsed = parseWholeNumber(value);
	if (parsed.ok) return parsed.value;
	return value === '' || value === undefined ? null : value;
}

export async function execute(this: IExecuteFunctions, client: FileMakerClient, itemIndex: number): Promise<IDataObject[]> {
	const movement = getMovementConfig.call(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const pageSize = positiveInt(options.pageSize, DEFAULT_PAGE_SIZE);
	const extraFields = extraFieldList(options.extraFields);

	const criteria: FindCriterion[] = [];
	const sku = filters.sku === undefined ? '' : String(filters.sku).trim();
	if (sku !== '') criteria.push({ field: movement.skuField, operator: 'equals', value: sku });
	const reference = filters.reference === undefined ? '' : String(filters.reference).trim();
	if (reference !== '' && movement.referenceField !== '') {
		criteria.push({ field: movement.referenceField, operator: 'equals', value: reference });
	}
	const sinceField = filters.sinceField === undefined ? DEFAULTS.createdAtField : String(filters.sinceField).trim();
	const query = buildQuery.call(this, criteria, { value: filters.since, field: sinceField, what: 'Created Since' }, itemIndex);

	const rows: IDataObject[] = [];
	await client.readAllPages({
		layout: movement.layout,
		query,
		pageSize,
		fields: [movement.skuField, movement.changeField, ...criteria.map((c) => c.field), ...(filters.since ? [sinceField] : [])],
		action: `reading the movement rows of layout '${movement.layout}'`,
		itemIndex,
		onPage: (records: FileMakerRecord[]) => {
			for (const r of records) {
				// FileMaker matches text case-insensitively; exact filters are applied exactly here.
				if (sku !== '' && fieldText(r, movement.skuField).trim().toLowerCase() !== sku.toLowerCase()) continue;
				if (reference !== '' && movement.referenceField !== '' && fieldText(r, movement.referenceField) !== reference) continue;
				const row: IDataObject = {
					sku: fieldText(r, movement.skuField),
					change: wholeOrRaw(r.fieldData[movement.changeField]) as IDataObject[string],
					recordId: r.recordId,
					modId: r.modId,
				};
				if (movement.quantityAfterField !== '') {
					row.quantityAfter = wholeOrRaw(r.fieldData[movement.quantityAfterField]) as IDataObject[string];
				}
				if (movement.reasonField !== '') row.reason = fieldText(r, movement.reasonField);
				if (movement.referenceField !== '') row.reference = fieldText(r, movement.referenceField);
				if (movement.sourceField !== '') row.source = fieldText(r, movement.sourceField);
				if (sinceField !== '' && sinceField in r.fieldData) row.createdAt = fieldText(r, sinceField);
				for (const field of extraFields) {
					if (!(field in row)) row[field] = r.fieldData[field] as IDataObject[string];
				}
				rows.push(row);
			}
			return true;
		},
	});
	return rows;
}
