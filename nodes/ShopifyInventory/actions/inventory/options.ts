/** The options of the inventory operations that change how they read and write, and their parsing. */
import { NodeOperationError, type IDataObject, type INode, type INodeProperties } from 'n8n-workflow';

import type { ReadMode, ReadResult } from '../../transport/inventory';

export const DEFAULT_MAX_STALE_RETRIES = 3;

/** Option of Set, Adjust and Sync: how often a row that came back stale is re-read and written again. */
export const maxStaleRetriesOption: INodeProperties = {
	displayName: 'Max Stale Retries',
	name: 'maxStaleRetries',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 10 },
	default: DEFAULT_MAX_STALE_RETRIES,
	description: 'How often a row that changed in Shopify between reading and writing is re-read and written again',
};

export interface ReadOptions {
	mode: ReadMode;
	threshold: number;
}

/** The Read Mode and Bulk Threshold options (Get Many, Sync, Set, Adjust). */
export function readOptionsOf(options: IDataObject): ReadOptions {
	return {
		mode: (options.readMode as ReadMode | undefined) ?? 'automatic',
		threshold: Number(options.bulkThreshold ?? 5000),
	};
}

/** Options for a re-read of the same location: the way the first read went (Automatic decided once). */
export function rereadOptions(options: ReadOptions, used: ReadResult['mode']): ReadOptions {
	return used === 'bySku' ? options : { ...options, mode: used };
}

/**
 * "Max Stale Retries" as a whole number ≥ 0 (a number, or text holding one, e.g. from an expression);
 * undefined when it is not one.
 */
export function parseMaxStaleRetries(raw: unknown): number | undefined {
	if (raw === undefined || raw === null || raw === '') return DEFAULT_MAX_STALE_RETRIES;
	const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
	return Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** Options shared by Sync, Set and Adjust. A Max Stale Retries that is no whole number ≥ 0 is refused. */
export function writeOptionsOf(
	options: IDataObject,
	node: INode,
): { read: ReadOptions; maxStaleRetries: number; reason: string } {
	const maxStaleRetries = parseMaxStaleRetries(options.maxStaleRetries);
	if (maxStaleRetries === undefined) {
		throw new NodeOperationError(node, `"Max Stale Retries" must be a whole number of 0 or more, not "${String(options.maxStaleRetries)}"`, {
			description: 'Set Options → Max Stale Retries to a number such as 3 (if it is an expression, make it give a number).',
		});
	}
	return {
		read: readOptionsOf(options),
		maxStaleRetries,
		reason: (options.reason as string | undefined) || 'correction',
	};
}
