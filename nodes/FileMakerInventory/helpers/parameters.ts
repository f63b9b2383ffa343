/**
 * Reading the node's parameters, in one place: layouts and field names (the stock and movement
 * configuration), SKU and numbers of an item, change options, and the find query of the Get Many
 * operations. Every function takes n8n's context as `this`; none calls FileMaker.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULTS } from '../actions/common.descriptions';
import { STOCK_CHANGE_MAX_ATTEMPTS } from '../../shared/backoff';
import { DateInputError, toFileMakerTimestamp } from '../logic/dates';
import type { FindCriterion, FindRequest } from '../logic/findQuery';
import { FindQueryError, buildFindQuery } from '../logic/findQuery';
import { invalidInputNumberMessage, parseWholeNumber } from '../logic/quantity';
import { locationValue } from '../logic/stockKey';
import { itemProblem } from './problems';
import { effectiveLocationField } from './credentialLocationField';

export interface ChangeOptions {
	maxAttempts: number;
}

export interface StockConfig {
	layout: string;
	skuField: string;
	quantityField: string;
	/** Commit point of the last event batch (see logic/events.ts). */
	lastBatchField: string;
	/** Location field (several locations: one record per SKU and location); '' or undefined = none. */
	locationField?: string;
}

export interface MovementConfig {
	layout: string;
	skuField: string;
	changeField: string;
	/** '' = not written */
	quantityAfterField: string;
	reasonField: string;
	referenceField: string;
	sourceField: string;
	/** The event store's fields (see docs/filemaker-setup.md). */
	eventKeyField: string;
	serialField: string;
	setToField: string;
	appliedBatchField: string;
	createdAtField: string;
	/** Location field of the event rows (several locations); '' or undefined = none. */
	locationField?: string;
}

/** A parameter value (or a resource locator's value) as trimmed text. */
export function text(value: unknown, fallback: string): string {
	if (value === undefined || value === null) return fallback;
	if (typeof value === 'object' && 'value' in (value as IDataObject)) {
		return text((value as IDataObject).value, fallback);
	}
	return String(value).trim();
}

/** A layout parameter (resource locator or plain string) as a layout name. */
export function getLayout(
	this: IExecuteFunctions,
	name: 'stockLayout' | 'movementLayout' | 'eventLayout',
	itemIndex: number,
): string {
	const raw = this.getNodeParameter(name, itemIndex, undefined, { extractValue: true }) as unknown;
	const layout = text(raw, '');
	if (layout === '') {
		throw new NodeOperationError(
			this.getNode(),
			`No ${name === 'stockLayout' ? 'stock' : name === 'eventLayout' ? 'event' : 'movement'} layout is set. Choose the FileMaker layout in the node.`,
			{ itemIndex },
		);
	}
	return layout;
}

export function getStockConfig(this: IExecuteFunctions, itemIndex: number): StockConfig {
	const config = stockConfigFrom(getLayout.call(this, 'stockLayout', itemIndex), this.getNodeParameter('stockFields', itemIndex, {}) as IDataObject);
	if (config.skuField === '' || config.quantityField === '') {
		throw new NodeOperationError(this.getNode(), 'The SKU and Quantity field names of the stock layout must not be empty.', {
			itemIndex,
		});
	}
	return config;
}

/** The stock configuration of a layout and the "Stock Field Names" given ({} = the defaults). */
export function stockConfigFrom(layout: string, fields: IDataObject): StockConfig {
	return {
		layout,
		skuField: text(fields.skuField, DEFAULTS.stock.skuField),
		quantityField: text(fields.quantityField, DEFAULTS.stock.quantityField),
		lastBatchField: text(fields.lastBatchField, DEFAULTS.stock.lastBatchField),
	};
}

export function getMovementConfig(
	this: IExecuteFunctions,
	itemIndex: number,
	layoutParameter: 'movementLayout' | 'eventLayout' = 'movementLayout',
	layoutName?: string,
): MovementConfig {
	const config = movementConfigFrom(
		layoutName ?? getLayout.call(this, layoutParameter, itemIndex),
		this.getNodeParameter('movementFields', itemIndex, {}) as IDataObject,
	);
	if (config.skuField === '' || config.changeField === '') {
		throw new NodeOperationError(this.getNode(), 'The SKU and Change field names of the movement layout must not be empty.', {
			itemIndex,
		});
	}
	return config;
}

/** The event/movement configuration of a layout and the "Movement Field Names" given ({} = the defaults). */
export function movementConfigFrom(layout: string, fields: IDataObject): MovementConfig {
	return {
		layout,
		skuField: text(fields.skuField, DEFAULTS.movement.skuField),
		changeField: text(fields.changeField, DEFAULTS.movement.changeField),
		quantityAfterField: text(fields.quantityAfterField, DEFAULTS.movement.quantityAfterField),
		reasonField: text(fields.reasonField, DEFAULTS.movement.reasonField),
		referenceField: text(fields.referenceField, DEFAULTS.movement.referenceField),
		sourceField: text(fields.sourceField, DEFAULTS.movement.sourceField),
		eventKeyField: text(fields.eventKeyField, DEFAULTS.movement.eventKeyField),
		serialField: text(fields.serialField, DEFAULTS.movement.serialField),
		setToField: text(fields.setToField, DEFAULTS.movement.setToField),
		appliedBatchField: text(fields.appliedBatchField, DEFAULTS.movement.appliedBatchField),
		createdAtField: DEFAULTS.createdAtField,
	};
}

/** A string parameter, trimmed; numbers from expressions are accepted. */
export function getText(this: IExecuteFunctions, name: string, itemIndex: number, fallback = ''): string {
	const raw = this.getNodeParameter(name, itemIndex, fallback) as unknown;
	return text(raw, fallback);
}

export function positiveInt(value: unknown, fallback: number): number {
	const n = typeof value === 'string' ? Number(value) : (value as number);
	if (typeof n !== 'number' || !Number.isFinite(n) || n < 1) return fallback;
	return Math.floor(n);
}

/** Reads the delta of an item as a whole number (numbers or numeric text). */
export function readWholeParameter(
	this: IExecuteFunctions,
	name: string,
	what: 'change' | 'quantity',
	sku: string,
	itemIndex: number,
): number {
	const raw = this.getNodeParameter(name, itemIndex, undefined) as unknown;
	const parsed = parseWholeNumber(raw);
	if (!parsed.ok) {
		throw itemProblem(this.getNode(), invalidInputNumberMessage({ what, sku, raw, reason: parsed.reason }), itemIndex);
	}
	return parsed.value;
}

export function readSku(this: IExecuteFunctions, itemIndex: number): string {
	const sku = getText.call(this, 'sku', itemIndex);
	if (sku === '') {
		throw itemProblem(this.getNode(), 'The SKU is empty. Map the SKU of the item to the SKU field of the node.', itemIndex);
	}
	return sku;
}

export function readChangeOptions(this: IExecuteFunctions, itemIndex: number): ChangeOptions {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		maxAttempts: positiveInt(options.maxAttempts, STOCK_CHANGE_MAX_ATTEMPTS),
	};
}

/** Field names from a multiOptions parameter (or comma-separated text from an expression). */
export function extraFieldList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter((v) => v !== '');
	if (typeof value === 'string') {
		return value
			.split(',')
			.map((v) => v.trim())
			.filter((v) => v !== '');
	}
	return [];
}

/** The find query for criteria + "modified since", or undefined for "every record" (range request). */
export function buildQuery(
	this: IExecuteFunctions,
	criteria: FindCriterion[],
	since: { value: unknown; field: string; what: string },
	itemIndex: number,
): FindRequest[] | undefined {
	const required: FindRequest = {};
	let problem: string | undefined;
	const hasSince = since.value !== undefined && since.value !== null && String(since.value).trim() !== '';
	if (hasSince) {
		if (since.field === '') {
			problem = `'${since.what}' is set, but no timestamp field is chosen for it.`;
		} else {
			try {
				required[since.field] = `>=${toFileMakerTimestamp(since.value, this.getTimezone())}`;
			} catch (error) {
				problem = `${since.what}: ${error instanceof DateInputError ? error.message : String(error)}`;
			}
		}
	}
	if (problem === undefined && criteria.length === 0 && Object.keys(required).length === 0) return undefined;
	let query: FindRequest[] = [];
	if (problem === undefined) {
		try {
			query = buildFindQuery(criteria, required);
		} catch (error) {
			problem = error instanceof FindQueryError ? error.message : String(error);
		}
	}
	if (problem !== undefined) throw new NodeOperationError(this.getNode(), problem, { itemIndex });
	return query;
}

/** Stock and event layouts of Adjust / Set (the movement layout is the event layout). */
export function getEventStoreConfig(
	this: IExecuteFunctions,
	itemIndex: number,
	layoutParameter: 'movementLayout' | 'eventLayout' = 'movementLayout',
): { stock: StockConfig; events: MovementConfig } {
	const locationField = getLocationField.call(this, itemIndex);
	return {
		stock: { ...getStockConfig.call(this, itemIndex), locationField },
		events: { ...getMovementConfig.call(this, itemIndex, layoutParameter), locationField },
	};
}

/**
 * Option "Location Field" (several locations): the field on the stock and event layouts, else the
 * credential's Location Field; '' = none.
 */
export function getLocationField(this: IExecuteFunctions, itemIndex: number): string {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return effectiveLocationField(this, text(options.locationField, ''));
}

/** The item's location: option "Location" when set, else the item's `location` field; '' when neither. */
export function itemLocation(this: IExecuteFunctions, itemIndex: number): string {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const own = locationValue(options.location);
	return own !== '' ? own : locationValue(this.getInputData()[itemIndex]?.json?.location);
}

/**
 * The location of an item when a location field is set: option "Location" (default: the item's
 * `location` field), trimmed. undefined without a location field (one location: keys are SKUs).
 */
export function readLocation(this: IExecuteFunctions, itemIndex: number, locationField: string): string | undefined {
	if (locationField === '') return undefined;
	const value = itemLocation.call(this, itemIndex);
	if (value === '') {
		throw itemProblem(
			this.getNode(),
			`The location of item ${itemIndex + 1} is empty. With a Location Field, every item needs a location (option Location, or a "location" field on the item).`,
			itemIndex,
		);
	}
	return value;
}
