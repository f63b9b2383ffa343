import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { MAX_PAGE_READ_CONCURRENCY, type FileMakerClient } from '../../../shared/filemaker/client';
import { DEFAULT_PAGE_SIZE } from '../../../shared/filemaker/paging';
import type { FileMakerRecord } from '../../../shared/filemaker/transport';
import { buildQuery, extraFieldList, getStockConfig, positiveInt } from '../../helpers/parameters';
import type { FindCriterion, FindOperator } from '../../logic/findQuery';
import { FIND_OPERATORS } from '../../logic/findQuery';
import type { InvalidQuantityMode, StockRow } from '../../logic/stockRows';
import { InvalidQuantityError, markDuplicateSkus, summarizeProblems, toStockRows } from '../../logic/stockRows';
import { DEFAULTS, extraFieldsOption, locationFieldOption, optionsCollection, pageSizeOption, stockFieldsCollection } from '../common.descriptions';
import { effectiveLocationField } from '../../helpers/credentialLocationField';
import { pendingSalesEventLayoutOption, readPendingSales, subtractPendingSalesOption } from '../../helpers/pendingSales';
import { locateRows, locationFieldOf, pendingKeyOfRow, withLocationField } from '../../logic/stockLocations';

/** Pages read at the same time by default: most of the latency gain, little load on the server. */
export const DEFAULT_PAGE_CONCURRENCY = 4;

const operatorOptions = [
	{ name: 'Equals', value: 'equals', description: 'Whole field equals the value (==)' },
	{ name: 'Not Equals', value: 'notEquals', description: 'Leave out records whose field equals the value (omit)' },
	{ name: 'Contains', value: 'contains' },
	{ name: 'Begins With', value: 'beginsWith' },
	{ name: 'Less Than', value: 'lessThan' },
	{ name: 'Less Than or Equal', value: 'lessOrEqual' },
	{ name: 'Greater Than', value: 'greaterThan' },
	{ name: 'Greater Than or Equal', value: 'greaterOrEqual' },
	{ name: 'Is Empty', value: 'isEmpty' },
	{ name: 'Is Not Empty', value: 'isNotEmpty' },
	{ name: 'FileMaker Syntax', value: 'raw', description: 'The value is used as FileMaker find criteria as it is, e.g. 5...10' },
];

function findCriteriaProperty(loadOptionsMethod: string, layoutParameter: string): INodeProperties {
	return {
		displayName: 'Find Criteria',
		name: 'findCriteria',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Criterion',
		default: {},
		description: 'Only records matching all criteria. Leave empty for every record.',
		options: [
			{
				displayName: 'Criterion',
				name: 'criteria',
				values: [
					{
						displayName: 'Field Name or ID',
						name: 'field',
						type: 'options',
						typeOptions: { loadOptionsMethod, loadOptionsDependsOn: [`${layoutParameter}.value`] },
						default: '',
						description:
							'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
					},
					{
						displayName: 'Operator',
						name: 'operator',
						type: 'options',
						options: operatorOptions,
						default: 'equals',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
					},
				],
			},
		],
	};
}

const properties: INodeProperties[] = [
	findCriteriaProperty('getStockFields', 'stockLayout'),
	stockFieldsCollection,
	optionsCollection([
		{
			displayName: 'Duplicate SKUs',
			name: 'duplicateSkus',
			type: 'options',
			options: [
				{
					name: 'Report',
					value: 'report',
					description: 'Output them with duplicateSku: true and duplicateRecordIds, and show a warning',
				},
				{ name: 'Fail', value: 'fail', description: 'Stop with an error naming the SKUs and records' },
			],
			default: 'report',
			description: 'What to do when several records have the same SKU',
		},
		pendingSalesEventLayoutOption,
		extraFieldsOption('getStockFields', 'stockLayout', 'each record'),
		{
			displayName: 'Invalid Quantities',
			name: 'invalidQuantities',
			type: 'options',
			options: [
				{ name: 'Fail', value: 'fail', description: 'Stop with an error naming the record, SKU and value' },
				{
					name: 'Skip and Report',
					value: 'skip',
					description: 'Leave those records out and list them in a warning',
				},
				{
					name: 'Output As-Is',
					value: 'flag',
					description: 'Output them with the raw value and invalidQuantity: true',
				},
			],
			default: 'fail',
			description: 'What to do with records whose quantity is empty or not a whole number',
		},
		{
			displayName: 'Modified Since',
			name: 'modifiedSince',
			type: 'dateTime',
			default: '',
			description:
				"Only records modified at or after this time (a find >= on the timestamp field below, to the second). Times with a time zone are converted to the workflow's time zone, which should be the FileMaker server's. For an incremental sync, use the previous run's start minus an overlap, e.g. {{ $now.minus({ minutes: 7 }) }} every 5 minutes.",
		},
		{
			displayName: 'Modified Since Field Name or ID',
			name: 'modifiedSinceField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getStockFields', loadOptionsDependsOn: ['stockLayout.value'] },
			default: 'ModifiedAt',
			description:
				'Timestamp field with the modification time (auto-enter modification timestamp). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Parallel Page Reads',
			name: 'pageConcurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_PAGE_READ_CONCURRENCY },
			default: DEFAULT_PAGE_CONCURRENCY,
			description:
				'How many pages are requested at the same time after the first one, in the one FileMaker session of the credential (1: one after another). Pages come out in order, every record once. Lower it if FileMaker Server is busy with other users.',
		},
		subtractPendingSalesOption,
		{
			...locationFieldOption,
			description:
				'For several locations: the field that holds the location on the stock layout (and on the event layout, for Subtract Pending Sales). Each row then carries "location", pending sales are subtracted per SKU and location, and a SKU is a duplicate only twice at the same location. Empty: one location.',
		},
		pageSizeOption,
	]),
];

const displayOptions = { show: { resource: ['stock'], operation: ['getMany'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/** Reads the find criteria rows of an item. */
function readCriteria(this: IExecuteFunctions, itemIndex: number): FindCriterion[] {
	const raw = this.getNodeParameter('findCriteria', itemIndex, {}) as IDataObject;
	const rows = Array.isArray(raw.criteria) ? (raw.criteria as IDataObject[]) : [];
	const criteria: FindCriterion[] = [];
	for (const row of rows) {
		const field = String(row.field ?? '').trim();
		const operator = String(row.operator ?? 'equals') as FindOperator;
		if (field === '') continue;
		if (!FIND_OPERATORS.includes(operator)) {
			throw new NodeOperationError(this.getNode(), `Unknown find operator '${operator}'.`, { itemIndex });
		}
		criteria.push({ field, operator, value: row.value === undefined || row.value === null ? '' : String(row.value) });
	}
	return criteria;
}

export async function execute(this: IExecuteFunctions, client: FileMakerClient, itemIndex: number): Promise<IDataObject[]> {
	const stock = getStockConfig.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const pageSize = positiveInt(options.pageSize, DEFAULT_PAGE_SIZE);
	const concurrency = Math.min(positiveInt(options.pageConcurrency, DEFAULT_PAGE_CONCURRENCY), MAX_PAGE_READ_CONCURRENCY);
	const locationField = effectiveLocationField(this, locationFieldOf(options));
	const extraFields = withLocationField(extraFieldList(options.extraFields), locationField);
	const invalidQuantities = (['fail', 'skip', 'flag'].includes(String(options.invalidQuantities))
		? options.invalidQuantities
		: 'fail') as InvalidQuantityMode;
	const sinceField = options.modifiedSinceField === undefined ? DEFAULTS.modifiedSinceField : String(options.modifiedSinceField).trim();
	const criteria = readCriteria.call(this, itemIndex);
	const query = buildQuery.call(
		this,
		criteria,
		{ value: options.modifiedSince, field: sinceField, what: 'Modified Since' },
		itemIndex,
	);

	// Pending events first: a sale applied between the two reads is then counted twice (less, never more).
	const pendingSales =
		options.subtractPendingSales === true ? await readPendingSales.call(this, client, options, { concurrency, itemIndex }) : undefined;

	const rows: StockRow[] = [];
	const skipped: Array<{ recordId: string; sku: string; message: string }> = [];
	let checkedFields = false;
	let failure: string | undefined;
	await client.readAllPages({
		layout: stock.layout,
		query,
		pageSize,
		concurrency,
		fields: [
			stock.skuField,
			stock.quantityField,
			...extraFields,
			...criteria.map((c) => c.field),
			...(query && options.modifiedSince ? [sinceField] : []),
		],
		action: `reading the stock records of layout '${stock.layout}'`,
		itemIndex,
		onPage: (records: FileMakerRecord[]) => {
			if (failure !== undefined) return false;
			if (records.length === 0) return true;
			if (!checkedFields) {
				checkedFields = true;
				const missing = [stock.skuField, stock.quantityField, ...extraFields].filter((f) => !(f in records[0].fieldData));
				if (missing.length > 0) {
					failure = `The field${missing.length > 1 ? 's' : ''} ${missing.map((f) => `'${f}'`).join(', ')} ${
						missing.length > 1 ? 'are' : 'is'
					} not on layout '${stock.layout}'. Add ${missing.length > 1 ? 'them' : 'it'} to the layout in FileMaker or correct the field names in the node.`;
					return false;
				}
			}
			try {
				const page = toStockRows(records, {
					skuField: stock.skuField,
					quantityField: stock.quantityField,
					extraFields,
					invalidQuantities,
				});
				for (const row of page.rows) rows.push(row);
				for (const s of page.skipped) skipped.push(s);
			} catch (error) {
				failure = error instanceof InvalidQuantityError ? error.message : String(error);
				return false;
			}
			return true;
		},
	});
	if (failure !== undefined) throw new NodeOperationError(this.getNode(), failure, { itemIndex });

	const duplicates = locationField !== '' ? locateRows(rows, locationField) : markDuplicateSkus(rows);
	if (duplicates.length > 0 && options.duplicateSkus === 'fail') {
		throw new NodeOperationError(
			this.getNode(),
			summarizeProblems(`${duplicates.length} SKU${duplicates.length > 1 ? 's are' : ' is'} on more than one record in layout '${stock.layout}'.`, duplicates),
			{ itemIndex },
		);
	}
	const hints: Array<{ message: string }> = [];
	if (skipped.length > 0) {
		hints.push({
			message: summarizeProblems(`${skipped.length} record${skipped.length > 1 ? 's were' : ' was'} skipped because the quantity is not a whole number.`, skipped),
		});
	}
	if (duplicates.length > 0) {
		hints.push({
			message: summarizeProblems(
				`${duplicates.length} SKU${duplicates.length > 1 ? 's are' : ' is'} on more than one record (output with duplicateSku: true).`,
				duplicates,
			),
		});
	}
	const missingSku = rows.filter((r) => r.missingSku).length;
	if (missingSku > 0) {
		hints.push({ message: `${missingSku} record${missingSku > 1 ? 's have' : ' has'} an empty SKU (output with missingSku: true).` });
	}
	if (hints.length > 0) {
		this.addExecutionHints(...hints.map((h) => ({ ...h, type: 'warning' as const, location: 'outputPane' as const })));
		for (const h of hints) this.logger.warn(h.message);
	}
	if (pendingSales) {
		for (const row of rows) {
			if (typeof row.quantity !== 'number') continue;
			const sales = pendingSales.get(pendingKeyOfRow(row, locationField)) ?? 0;
			row.recordedQuantity = row.quantity;
			row.pendingSales = sales;
			row.quantity = row.quantity + sales;
		}
	}
	return rows as unknown as IDataObject[];
}
