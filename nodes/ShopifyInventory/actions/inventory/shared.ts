import { randomUUID } from 'node:crypto';

import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { CostBudget } from '../../../shared/shopify/cost';
import { toLocationGid, type ShopifyLevel } from '../../logic/levels';
import type { FailedRow, ReadMode, ReadResult, WriteOutcome, WriteRow, WriteSettings } from '../../transport/inventory';
import { fetchPrimaryLocation, readLevelsForRows, writeRows } from '../../transport/inventory';

export const REFERENCE_URI_PREFIX = 'gid://n8n-nodes-filemaker-shopify';
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

export interface ResolvedLocation {
	/** `gid://shopify/Location/N` */
	id: string;
	/** The location's name when known (primary location, or the name picked from the list). */
	name: string | null;
	/** The parameter was empty: the shop's primary location is used. */
	primary: boolean;
}

export type LocationResolver = (itemIndex: number) => Promise<ResolvedLocation>;

function isEmptyLocation(raw: unknown): boolean {
	return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

/**
 * Resolves the Location parameter (resource locator, gid or numeric id) per item. An empty value means
 * the shop's primary location, looked up once per execution (the lookup lives in this resolver, which
 * the operation creates for one execution: nothing is kept across executions).
 */
export function createLocationResolver(ctx: IExecuteFunctions, budget: CostBudget): LocationResolver {
	let primary: Promise<ResolvedLocation> | undefined;
	return async (itemIndex: number) => {
		const raw = ctx.getNodeParameter('location', itemIndex, '', { extractValue: true }) as unknown;
		if (isEmptyLocation(raw)) {
			primary ??= fetchPrimaryLocation
				.call(ctx, budget)
				.then(({ id, name }) => ({ id, name, primary: true }));
			return await primary;
		}
		const gid = toLocationGid(raw);
		if (!gid) {
			throw new NodeOperationError(ctx.getNode(), `"${String(raw)}" is not a Shopify location id`, {
				description:
					'Pick the location from the list, enter an id such as gid://shopify/Location/123456789 or 123456789, or leave it empty for the shop’s primary location.',
				itemIndex,
			});
		}
		const locator = ctx.getNodeParameter('location', itemIndex, '') as unknown;
		const cachedName =
			locator && typeof locator === 'object' ? (locator as { cachedResultName?: unknown }).cachedResultName : undefined;
		return { id: gid, name: typeof cachedName === 'string' && cachedName !== '' ? cachedName : null, primary: false };
	};
}

function executionIdOf(ctx: IExecuteFunctions): string | undefined {
	try {
		const id = ctx.getExecutionId();
		return typeof id === 'string' && id.trim() !== '' ? id : undefined;
	} catch {
		return undefined;
	}
}

/** Scope of this execution's idempotency keys: n8n's execution id (a random id if n8n gives none). */
export function executionScope(ctx: IExecuteFunctions): string {
	return executionIdOf(ctx) ?? randomUUID();
}

/** The reference document URI written with every change (option, or one naming this execution). */
export function referenceUri(ctx: IExecuteFunctions, operation: string, configured: unknown): string {
	const value = typeof configured === 'string' ? configured.trim() : '';
	if (value) return value;
	return `${REFERENCE_URI_PREFIX}/${operation}/${executionIdOf(ctx) ?? 'manual'}`;
}

export function levelJson(level: ShopifyLevel, locationId: string): IDataObject {
	return {
		sku: level.sku,
		inventoryItemId: level.inventoryItemId,
		variantId: level.variantId ?? null,
		locationId,
		available: level.available,
		onHand: level.onHand ?? null,
	};
}

export interface ApplyResult<T> {
	applied: Array<WriteRow<T>>;
	/** Rows that turned out not to need a write after a re-read (Shopify already had the target). */
	nowUnchanged: Array<WriteRow<T>>;
	failed: Array<FailedRow<T>>;
	mutations: number;
	/** Rows that came back stale and were re-read (counted per re-read). */
	staleRetries: number;
}

/**
 * Writes rows; rows that come back CHANGE_FROM_QUANTITY_STALE are re-read at `settings.locationId` (with
 * `read`) and written again with the fresh changeFromQuantity (bounded by maxStaleRetries). `recompute`
 * decides the new row from the fresh level ('unchanged' when nothing needs writing any more).
 */
export async function applyWithStaleRetry<T>(
	ctx: IExecuteFunctions,
	budget: CostBudget,
	settings: WriteSettings,
	rows: Array<WriteRow<T>>,
	{
		maxStaleRetries = DEFAULT_MAX_STALE_RETRIES,
		read,
		recompute,
	}: {
		maxStaleRetries?: number;
		read: ReadOptions;
		recompute: (row: WriteRow<T>, level: ShopifyLevel) => WriteRow<T> | 'unchanged';
	},
): Promise<ApplyResult<T>> {
	const result: ApplyResult<T> = { applied: [], nowUnchanged: [], failed: [], mutations: 0, staleRetries: 0 };
	let pending = rows;
	for (let round = 0; pending.length > 0; round++) {
		const outcome = (await writeRows.call(ctx, budget, settings, pending)) as WriteOutcome<T>;
		result.applied.push(...outcome.applied);
		result.failed.push(...outcome.failed);
		result.mutations += outcome.mutations;
		if (outcome.stale.length === 0) break;
		if (round >= maxStaleRetries) {
			for (const row of outcome.stale) {
				result.failed.push({
					row,
					code: 'CHANGE_FROM_QUANTITY_STALE',
					message: `The quantity of SKU "${row.sku}" kept changing in Shopify while it was written (${maxStaleRetries + 1} attempts); run the sync again`,
				});
			}
			break;
		}
		result.staleRetries += outcome.stale.length;
		const fresh = await readLevelsForRows.call(ctx, budget, settings.locationId, outcome.stale.map((r) => r.sku), read);
		const byItem = new Map(fresh.levels.map((l) => [l.inventoryItemId, l]));
		const next: Array<WriteRow<T>> = [];
		for (const row of outcome.stale) {
			const level = byItem.get(row.inventoryItemId);
			if (!level) {
				result.failed.push({
					row,
					code: 'ITEM_NOT_STOCKED_AT_LOCATION',
					message: `SKU "${row.sku}" is no longer stocked at this location in Shopify`,
				});
				continue;
			}
			const decided = recompute(row, level);
			if (decided === 'unchanged') result.nowUnchanged.push(row);
			else next.push(decided);
		}
		pending = next;
	}
	return result;
}
