/**
 * inventorySetQuantities / inventoryAdjustQuantities: validation per API version, compare-and-swap
 * (changeFromQuantity), atomic apply (any userError → nothing applied) and the adjustment group.
 */
import type { ApiVersion } from './schema';
import { enumHasValue } from './schema';
import {
	gid,
	parseGid,
	quantityOf,
	type AdjustmentGroupRec,
	type ChangeRec,
	type ItemRec,
	type LevelRec,
	type LocationRec,
	type Store,
} from './store';

/** Shopify's documented reasons (shopify.dev … manage-quantities-states#set-inventory-quantities-on-hand). */
export const VALID_REASONS = new Set([
	'correction',
	'cycle_count_available',
	'damaged',
	'movement_created',
	'movement_updated',
	'movement_received',
	'movement_canceled',
	'other',
	'promotion',
	'quality_control',
	'received',
	'reservation_created',
	'reservation_deleted',
	'reservation_updated',
	'restock',
	'safety_stock',
	'shrinkage',
]);

/** Quantity names inventoryAdjustQuantities also accepts besides available / on_hand (Shopify's inventory states). */
export const ADJUSTABLE_STATES = new Set(['damaged', 'quality_control', 'reserved', 'safety_stock', 'incoming']);

export const MAX_SET_QUANTITY = 1_000_000_000;
export const MAX_ADJUST_QUANTITY = 2_000_000_000;

export interface UserError {
	field: string[] | null;
	message: string;
	code: string;
}

export interface InventoryPayload {
	inventoryAdjustmentGroup: AdjustmentGroupRec | null;
	userErrors: UserError[];
}

/** "Valid URI with scheme and content. For GID format, all components (app, entity, id) must be present." */
export function isValidReferenceUri(s: string): boolean {
	if (/\s/.test(s)) return false;
	const m = s.match(/^([a-zA-Z][a-zA-Z0-9+.-]*):(.+)$/);
	if (!m) return false;
	if (m[1].toLowerCase() === 'gid') return /^gid:\/\/[^/]+\/[^/]+\/[^/]+$/.test(s);
	return m[2].replace(/^\/\//, '').length > 0;
}

const MSG: Record<string, string> = {
	CHANGE_FROM_QUANTITY_STALE: 'The changeFromQuantity value does not match persisted value.',
	COMPARE_QUANTITY_STALE: 'The compareQuantity value does not match persisted value.',
	INVALID_INVENTORY_ITEM: 'The specified inventory item could not be found.',
	INVALID_LOCATION: 'The specified location could not be found.',
	INVALID_NAME: "The quantity name must be either 'available' or 'on_hand'.",
	INVALID_QUANTITY_NAME: 'The specified quantity name is invalid.',
	INVALID_QUANTITY_NEGATIVE: "The quantity can't be negative.",
	INVALID_REASON: 'The specified reason is invalid.',
	INVALID_REFERENCE_DOCUMENT: 'The specified reference document is invalid.',
	ITEM_NOT_STOCKED_AT_LOCATION: 'The item is not stocked at the intended location.',
	NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR: 'The combination of inventoryItemId and locationId must be unique.',
	IDEMPOTENCY_KEY_PARAMETER_MISMATCH: 'The same idempotency key cannot be used with different operation parameters.',
	IDEMPOTENCY_CONCURRENT_REQUEST: 'This request is currently in progress, please try again.',
	IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED: 'A previous request with this idempotency key failed. Retry with a new idempotency key.',
	INVALID_AVAILABLE_DOCUMENT: 'A ledger document URI is not allowed when adjusting available.',
	INVALID_QUANTITY_DOCUMENT: 'A ledger document URI is required except when adjusting available.',
	INTERNAL_LEDGER_DOCUMENT: 'Internal (gid://shopify/) ledger documents are not allowed to be adjusted via API.',
	INVALID_LEDGER_DOCUMENT: 'The specified ledger document is invalid.',
	NON_MUTABLE_INVENTORY_ITEM:
		'The specified inventory item is not allowed to be adjusted via API. Example: if the inventory item is a parent bundle.',
	ADJUST_QUANTITIES_FAILED: "The quantities couldn't be adjusted. Try again.",
	SERVICE_UNAVAILABLE: 'The service is temporarily unavailable. Try again later.',
	MAX_ONE_LEDGER_DOCUMENT:
		'All changes must have the same ledger document URI or, in the case of adjusting available, no ledger document URI.',
};

export function userError(code: string, field: string[] | null, message = MSG[code] ?? code): UserError {
	return { field, message, code };
}

interface Row {
	inventoryItemId: string;
	locationId: string;
	quantity?: number;
	delta?: number;
	changeFromQuantity?: number | null;
	compareQuantity?: number | null;
	ledgerDocumentUri?: string | null;
}

export interface MutationInput {
	name: string;
	reason: string;
	referenceDocumentUri?: string | null;
	ignoreCompareQuantity?: boolean | null;
	quantities?: Row[];
	changes?: Row[];
}

interface Planned {
	index: number;
	item: ItemRec;
	loc: LocationRec;
	level: LevelRec | undefined;
	row: Row;
}

export function runInventoryMutation(
	store: Store,
	version: ApiVersion,
	kind: 'set' | 'adjust',
	input: MutationInput,
): { payload: InventoryPayload; changed: LevelRec[]; retryable?: boolean } {
	const rowsKey = kind === 'set' ? 'quantities' : 'changes';
	const rows = (kind === 'set' ? input.quantities : input.changes) ?? [];
	const errEnum = kind === 'set' ? 'InventorySetQuantitiesUserErrorCode' : 'InventoryAdjustQuantitiesUserErrorCode';
	const errors: UserError[] = [];
	// injected retryable userErrors (switch injectInventoryUserError): only codes this version's enum has
	const injected = store.rules.injectedInventoryErrors.find(
		(e) => e.times > 0 && (e.mutation === 'any' || e.mutation === kind) && enumHasValue(version, errEnum, e.code) && (!e.when || e.when(rows.length)),
	);
	if (injected) {
		injected.times--;
		store.rules.injectedInventoryErrors = store.rules.injectedInventoryErrors.filter((e) => e.times > 0);
		return { payload: { inventoryAdjustmentGroup: null, userErrors: [userError(injected.code, null)] }, changed: [], retryable: true };
	}
	const name = input.name;
	if (name !== 'available' && name !== 'on_hand' && !(kind === 'adjust' && ADJUSTABLE_STATES.has(name)))
		errors.push(userError(kind === 'set' ? 'INVALID_NAME' : 'INVALID_QUANTITY_NAME', ['input', 'name']));
	if (!VALID_REASONS.has(input.reason)) errors.push(userError('INVALID_REASON', ['input', 'reason']));
	if (input.referenceDocumentUri !== null && input.referenceDocumentUri !== undefined && !isValidReferenceUri(input.referenceDocumentUri))
		errors.push(userError('INVALID_REFERENCE_DOCUMENT', ['input', 'referenceDocumentUri']));

	const notStockedCode = enumHasValue(version, errEnum, 'ITEM_NOT_STOCKED_AT_LOCATION');
	const planned: Planned[] = [];
	const seen = new Set<string>();
	rows.forEach((row, i) => {
		const path = (f: string) => ['input', rowsKey, String(i), f];
		const itemRef = parseGid(row.inventoryItemId);
		const item = itemRef?.type === 'InventoryItem' ? store.items.get(itemRef.id) : undefined;
		const locRef = parseGid(row.locationId);
		const loc = locRef?.type === 'Location' ? store.locations.get(locRef.id) : undefined;
		if (!item || item._deleted) errors.push(userError('INVALID_INVENTORY_ITEM', path('inventoryItemId')));
		if (!loc || !loc.isActive) errors.push(userError('INVALID_LOCATION', path('locationId')));
		if (!item || item._deleted || !loc) return;
		if (store.variants.get(item._variantId)?.requiresComponents) {
			errors.push(userError('NON_MUTABLE_INVENTORY_ITEM', path('inventoryItemId')));
			return;
		}
		if (!item.tracked && store.rules.untrackedItemError) {
			errors.push(userError(store.rules.untrackedItemError, path('inventoryItemId')));
			return;
		}
		const pair = `${item._id}/${loc._id}`;
		if (kind === 'set') {
			if (seen.has(pair)) {
				errors.push(userError('NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR', ['input', rowsKey, String(i)]));
				return;
			}
			seen.add(pair);
		}
		const level = item._levels.get(loc._id);
		if (!level && notStockedCode) {
			errors.push(userError('ITEM_NOT_STOCKED_AT_LOCATION', path('locationId')));
			return;
		}
		const current = level ? quantityOf(level, name) : 0;
		if (kind === 'set') {
			const q = row.quantity ?? 0;
			if (q > MAX_SET_QUANTITY) errors.push(userError('INVALID_QUANTITY_TOO_HIGH', path('quantity'), "The total quantity can't be higher than 1,000,000,000."));
			else if (q < -MAX_SET_QUANTITY) errors.push(userError('INVALID_QUANTITY_TOO_LOW', path('quantity'), "The total quantity can't be lower than -1,000,000,000."));
			else if (name === 'on_hand' && q < 0) errors.push(userError('INVALID_QUANTITY_NEGATIVE', path('quantity')));
		} else {
			const after = current + (row.delta ?? 0);
			if (after > MAX_ADJUST_QUANTITY) errors.push(userError('INVALID_QUANTITY_TOO_HIGH', path('delta'), "The quantity can't be higher than 2,000,000,000."));
			else if (after < -MAX_ADJUST_QUANTITY) errors.push(userError('INVALID_QUANTITY_TOO_LOW', path('delta'), "The quantity can't be lower than -2,000,000,000."));
		}
		if (kind === 'adjust') {
			const ledger = row.ledgerDocumentUri;
			if (name === 'available' && ledger !== null && ledger !== undefined)
				errors.push(userError('INVALID_AVAILABLE_DOCUMENT', path('ledgerDocumentUri')));
			else if (name !== 'available') {
				if (ledger === null || ledger === undefined) errors.push(userError('INVALID_QUANTITY_DOCUMENT', path('ledgerDocumentUri')));
				else if (/^gid:\/\/shopify\//i.test(ledger)) errors.push(userError('INTERNAL_LEDGER_DOCUMENT', path('ledgerDocumentUri')));
				else if (!isValidReferenceUri(ledger)) errors.push(userError('INVALID_LEDGER_DOCUMENT', path('ledgerDocumentUri')));
			}
		}
		// compare-and-swap
		if (row.changeFromQuantity !== null && row.changeFromQuantity !== undefined) {
			if (row.changeFromQuantity !== current) errors.push(userError('CHANGE_FROM_QUANTITY_STALE', path('changeFromQuantity')));
		} else if (
			kind === 'set' &&
			row.compareQuantity !== null &&
			row.compareQuantity !== undefined &&
			input.ignoreCompareQuantity !== true
		) {
			if (row.compareQuantity !== current) errors.push(userError('COMPARE_QUANTITY_STALE', path('compareQuantity')));
		}
		planned.push({ index: i, item, loc, level, row });
	});

	if (kind === 'adjust' && name !== 'available' && new Set(rows.map((r) => r.ledgerDocumentUri ?? null)).size > 1)
		errors.push(userError('MAX_ONE_LEDGER_DOCUMENT', ['input', rowsKey]));

	// all-or-nothing (default): any userError → nothing applied. Switch allOrNothing:false → rows without
	// an error are applied, the others reported (only when every error belongs to a row).
	const failedRows = new Set(errors.map((e) => (e.field && e.field[1] === rowsKey ? e.field[2] : undefined)));
	if (errors.length && (store.rules.allOrNothing || failedRows.has(undefined)))
		return { payload: { inventoryAdjustmentGroup: null, userErrors: errors }, changed: [] };
	if (errors.length) {
		const kept = planned.filter((p) => !failedRows.has(String(p.index)));
		planned.length = 0;
		planned.push(...kept);
		if (!planned.length) return { payload: { inventoryAdjustmentGroup: null, userErrors: errors }, changed: [] };
	}

	// apply (atomic: everything validated above)
	const qname = name as 'available' | 'on_hand';
	const other = qname === 'available' ? 'on_hand' : 'available';
	const changes: ChangeRec[] = [];
	const changed: LevelRec[] = [];
	for (const p of planned) {
		const level = p.level ?? store.activate(p.item, p.loc);
		if (ADJUSTABLE_STATES.has(name)) {
			// an unavailable state (damaged, reserved …) is part of on_hand: on_hand moves with it, available does
			// not; incoming is outside on_hand (assumed from Shopify's inventory-states page)
			const delta = p.row.delta ?? 0;
			(level._q as unknown as Record<string, number>)[name] += delta;
			const moved = [name];
			if (name !== 'incoming') {
				level._q.on_hand += delta;
				moved.push('on_hand');
			}
			for (const n of moved)
				changes.push({
					name: n,
					delta,
					quantityAfterChange: quantityOf(level, n),
					ledgerDocumentUri: n === name ? (p.row.ledgerDocumentUri ?? null) : null,
					_itemId: p.item._id,
					_locationId: p.loc._id,
				});
			changed.push(level);
			continue;
		}
		let delta: number;
		if (kind === 'set') delta = store.setQuantity(level, qname, p.row.quantity ?? 0);
		else {
			delta = p.row.delta ?? 0;
			store.adjustQuantity(level, qname, delta);
		}
		changes.push(
			{
				name: qname,
				delta,
				quantityAfterChange: quantityOf(level, qname),
				ledgerDocumentUri: p.row.ledgerDocumentUri ?? null,
				_itemId: p.item._id,
				_locationId: p.loc._id,
			},
			{
				name: other,
				delta,
				quantityAfterChange: quantityOf(level, other),
				ledgerDocumentUri: null,
				_itemId: p.item._id,
				_locationId: p.loc._id,
			},
		);
		changed.push(level);
	}
	const _id = store.next('group');
	const group: AdjustmentGroupRec = {
		__typename: 'InventoryAdjustmentGroup',
		_id,
		id: gid('InventoryAdjustmentGroup', _id),
		reason: input.reason,
		referenceDocumentUri: input.referenceDocumentUri ?? null,
		createdAt: store.nowIso(),
		_changes: changes,
	};
	store.groups.set(_id, group);
	for (const l of changed) store.touch(l);
	return { payload: { inventoryAdjustmentGroup: group, userErrors: errors }, changed };
}

/** Stable JSON (sorted keys) for idempotency fingerprints. */
export function canonicalJson(v: unknown): string {
	if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
	if (v && typeof v === 'object') {
		const o = v as Record<string, unknown>;
		return `{${Object.keys(o)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(v === undefined ? null : v);
}
