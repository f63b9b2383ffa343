/** The options of the inventory operations that change how they read and write, and their parsing. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

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

/** Options shared by Sync, Set and Adjust. */
export function writeOptionsOf(options: IDataObject): { read: ReadOptions; maxStaleRetries: number; reason: string } {
	return {
		read: readOptionsOf(options),
		maxStaleRetries: Number(options.maxStaleRetries ?? DEFAULT_MAX_STALE_RETRIES),
		reason: (options.reason as string | undefined) || 'correction',
	};
}
