import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULTS } from '../actions/common.descriptions';

export interface StockConfig {
	layout: string;
	skuField: string;
	quantityField: string;
	/** '' = disabled */
	appliedKeysField: string;
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
}

function text(value: unknown, fallback: string): string {
	if (value === undefined || value === null) return fallback;
	if (typeof value === 'object' && 'value' in (value as IDataObject)) {
		return text((value as IDataObject).value, fallback);
	}
	return String(value).trim();
}

/** A layout parameter (resource locator or plain string) as a layout name. */
export function getLayout(this: IExecuteFunctions, name: 'stockLayout' | 'movementLayout', itemIndex: number): string {
	const raw = this.getNodeParameter(name, itemIndex, undefined, { extractValue: true }) as unknown;
	const layout = text(raw, '');
	if (layout === '') {
		throw new NodeOperationError(
			this.getNode(),
			`No ${name === 'stockLayout' ? 'stock' : 'movement'} layout is set. Choose the FileMaker layout in the node.`,
			{ itemIndex },
		);
	}
	return layout;
}

export function getStockConfig(this: IExecuteFunctions, itemIndex: number): StockConfig {
	const fields = this.getNodeParameter('stockFields', itemIndex, {}) as IDataObject;
	const config: StockConfig = {
		layout: getLayout.call(this, 'stockLayout', itemIndex),
		skuField: text(fields.skuField, DEFAULTS.stock.skuField),
		quantityField: text(fields.quantityField, DEFAULTS.stock.quantityField),
		appliedKeysField: text(fields.appliedKeysField, DEFAULTS.stock.appliedKeysField),
	};
	if (config.skuField === '' || config.quantityField === '') {
		throw new NodeOperationError(this.getNode(), 'The SKU and Quantity field names of the stock layout must not be empty.', {
			itemIndex,
		});
	}
	return config;
}

export function getMovementConfig(this: IExecuteFunctions, itemIndex: number): MovementConfig {
	const fields = this.getNodeParameter('movementFields', itemIndex, {}) as IDataObject;
	const config: MovementConfig = {
		layout: getLayout.call(this, 'movementLayout', itemIndex),
		skuField: text(fields.skuField, DEFAULTS.movement.skuField),
		changeField: text(fields.changeField, DEFAULTS.movement.changeField),
		quantityAfterField: text(fields.quantityAfterField, DEFAULTS.movement.quantityAfterField),
		reasonField: text(fields.reasonField, DEFAULTS.movement.reasonField),
		referenceField: text(fields.referenceField, DEFAULTS.movement.referenceField),
		sourceField: text(fields.sourceField, DEFAULTS.movement.sourceField),
	};
	if (config.skuField === '' || config.changeField === '') {
		throw new NodeOperationError(this.getNode(), 'The SKU and Change field names of the movement layout must not be empty.', {
			itemIndex,
		});
	}
	return config;
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

export function nonNegative(value: unknown, fallback: number): number {
	const n = typeof value === 'string' ? Number(value) : (value as number);
	if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return fallback;
	return n;
}
