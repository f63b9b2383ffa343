import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DEFAULTS } from '../actions/common.descriptions';
import { DEFAULT_APPLIED_KEYS_TO_KEEP } from '../logic/appliedKeys';
import { DEFAULT_MAX_ATTEMPTS } from '../logic/backoff';
import { invalidInputNumberMessage, parseWholeNumber } from '../logic/quantity';
import { getText, nonNegative, positiveInt } from './config';
import type { ChangeOptions } from './stockChange';
import { itemProblem } from './itemProblem';

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
		maxAttempts: positiveInt(options.maxAttempts, DEFAULT_MAX_ATTEMPTS),
		appliedKeysToKeep: positiveInt(options.appliedKeysToKeep, DEFAULT_APPLIED_KEYS_TO_KEEP),
		repairAfterSeconds: nonNegative(options.repairAfterSeconds, DEFAULTS.repairAfterSeconds),
		recordMovement: options.recordMovement !== false,
	};
}

