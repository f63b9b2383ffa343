import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULTS } from '../actions/common.descriptions';
import { DEFAULT_APPLIED_KEYS_TO_KEEP } from '../logic/appliedKeys';
import { DateInputError, toFileMakerTimestamp } from '../logic/dates';
import type { FindCriterion, FindRequest } from '../logic/findQuery';
import { FindQueryError, buildFindQuery } from '../logic/findQuery';
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
