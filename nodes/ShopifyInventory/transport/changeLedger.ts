/**
 * Transport of Inventory → Adjust's change log (logic/changeLedger.ts): read the items' quantities with
 * their variant's log metafield, write logs with compare-and-set, and send one adjust mutation with a
 * given idempotency key (the key recorded in the log before sending).
 */
import { type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { shopifyGraphql, type CostBudget } from '../../shared/shopify/transport';
import { waitUnlessCancelled } from '../../shared/wait';
import { chunk } from '../logic/batching';
import { LEDGER_KEY, LEDGER_NAMESPACE, LEDGER_TYPE } from '../logic/changeLedger';
import { parseUserErrors, RETRYABLE_USER_ERROR_CODES, IDEMPOTENCY_RETRY_SAME_KEY, type UserError } from '../logic/userErrors';
import { CHANGE_LEDGER_READ_QUERY, CHANGE_LEDGER_WRITE_MUTATION } from './changeLedger.documents';
import { INVENTORY_ADJUST_MUTATION } from './inventory.documents';
import { RETRYABLE_USER_ERROR_WAITS_MS } from './inventory';

/** Items per log read (requested cost stays far below Shopify's 1000-point single-query limit). */
export const LEDGER_READ_BATCH = 100;
/** Shopify's limit per metafieldsSet call. */
export const LEDGER_WRITE_BATCH = 25;
const CONCURRENT_WAIT_MS = 1000;
const MAX_CONCURRENT_WAITS = 5;

export interface ItemLedgerState {
	inventoryItemId: string;
	variantId: string;
	/** Quantities at the location by name (available, on_hand); absent when not stocked there. */
	quantities: Record<string, number>;
	stocked: boolean;
	/** Stored log (null: none yet) and its digest (null: none yet). */
	value: string | null;
	digest: string | null;
}

export async function readItemLedgers(
	this: IExecuteFunctions,
	budget: CostBudget,
	locationId: string,
	inventoryItemIds: readonly string[],
): Promise<Map<string, ItemLedgerState>> {
	const out = new Map<string, ItemLedgerState>();
	for (const ids of chunk([...new Set(inventoryItemIds)], LEDGER_READ_BATCH)) {
		const { data } = await shopifyGraphql.call(
			this,
			CHANGE_LEDGER_READ_QUERY,
			{ ids, locationId, namespace: LEDGER_NAMESPACE, key: LEDGER_KEY },
			{ budget },
		);
		for (const node of (data.nodes ?? []) as Array<IDataObject | null>) {
			if (!node || typeof node.id !== 'string') continue;
			const variant = node.variant as IDataObject | null | undefined;
			if (!variant || typeof variant.id !== 'string') continue;
			const metafield = variant.metafield as IDataObject | null | undefined;
			const level = node.inventoryLevel as IDataObject | null | undefined;
			const quantities: Record<string, number> = {};
			for (const q of ((level?.quantities ?? []) as IDataObject[])) {
				if (typeof q.name === 'string' && typeof q.quantity === 'number') quantities[q.name] = q.quantity;
			}
			out.set(node.id, {
				inventoryItemId: node.id,
				variantId: variant.id,
				quantities,
				stocked: !!level,
				value: typeof metafield?.value === 'string' ? metafield.value : null,
				digest: typeof metafield?.compareDigest === 'string' ? metafield.compareDigest : null,
			});
		}
	}
	return out;
}

export interface LedgerWrite {
	variantId: string;
	value: string;
	/** Digest the stored log must still have (null: there must be none yet). */
	digest: string | null;
}

export interface LedgerWriteResult {
	/** variantId → new digest. */
	written: Map<string, string>;
	/** Variants whose log changed since it was read (nothing written for them). */
	stale: Set<string>;
	/** Variants Shopify refused for another reason, with its message. */
	failed: Map<string, string>;
}

/**
 * Writes logs with compare-and-set, 25 per call. metafieldsSet is atomic, so a call with a refused
 * element writes nothing: the refused ones are taken out and the rest is sent again.
 */
export async function writeItemLedgers(
	this: IExecuteFunctions,
	budget: CostBudget,
	writes: readonly LedgerWrite[],
): Promise<LedgerWriteResult> {
	const result: LedgerWriteResult = { written: new Map(), stale: new Set(), failed: new Map() };
	for (const batch of chunk([...writes], LEDGER_WRITE_BATCH)) {
		let pending = batch;
		while (pending.length > 0) {
			const metafields = pending.map((w) => ({
				ownerId: w.variantId,
				namespace: LEDGER_NAMESPACE,
				key: LEDGER_KEY,
				type: LEDGER_TYPE,
				value: w.value,
				compareDigest: w.digest,
			}));
			const { data } = await shopifyGraphql.call(this, CHANGE_LEDGER_WRITE_MUTATION, { metafields }, { budget });
			const payload = (data.metafieldsSet ?? {}) as IDataObject;
			const rawErrors = Array.isArray(payload.userErrors) ? (payload.userErrors as IDataObject[]) : [];
			if (rawErrors.length === 0) {
				const written = (payload.metafields ?? []) as IDataObject[];
				for (const m of written) {
					const owner = (m.owner ?? {}) as IDataObject;
					if (typeof owner.id === 'string' && typeof m.compareDigest === 'string') result.written.set(owner.id, m.compareDigest);
				}
				break;
			}
			const refused = new Set<number>();
			const general = rawErrors.find((e) => {
				const index = typeof e.elementIndex === 'number' ? e.elementIndex : undefined;
				return index === undefined || index < 0 || index >= pending.length;
			});
			if (general) {
				// An error naming no element concerns the whole call.
				const message = `${String(general.message ?? 'metafieldsSet failed')}${general.code ? ` (${String(general.code)})` : ''}`;
				for (const w of pending) result.failed.set(w.variantId, message);
				break;
			}
			for (const e of rawErrors) {
				const index = e.elementIndex as number;
				refused.add(index);
				const variantId = pending[index].variantId;
				if (e.code === 'STALE_OBJECT' || e.code === 'INVALID_COMPARE_DIGEST') result.stale.add(variantId);
				else result.failed.set(variantId, `${String(e.message ?? 'refused')}${e.code ? ` (${String(e.code)})` : ''}`);
			}
			pending = pending.filter((_, i) => !refused.has(i));
		}
	}
	return result;
}

export interface AdjustChange {
	inventoryItemId: string;
	delta: number;
	changeFromQuantity: number;
}

export interface AdjustSettings {
	locationId: string;
	name: string;
	reason: string;
	referenceDocumentUri?: string;
	ledgerDocumentUri?: string;
}

export type AdjustAnswer =
	| { kind: 'applied' }
	/**
	 * Shopify refused the mutation (nothing of this answer's attempt applied). `resent`: the same mutation
	 * was delivered more than once (a lost answer, a concurrent-request answer), so an earlier delivery
	 * may have been applied: a stale quantity then means "unknown", not "nothing applied".
	 */
	| { kind: 'refused'; errors: UserError[]; resent: boolean }
	/** Shopify asked to try again, again and again: nothing applied. */
	| { kind: 'retryLater'; error: UserError };

/** The adjust mutation input (the same settings and changes always give the same input). */
export function adjustInput(settings: AdjustSettings, changes: readonly AdjustChange[]): IDataObject {
	const input: IDataObject = { name: settings.name, reason: settings.reason };
	if (settings.referenceDocumentUri) input.referenceDocumentUri = settings.referenceDocumentUri;
	input.changes = changes.map((c) => ({
		inventoryItemId: c.inventoryItemId,
		locationId: settings.locationId,
		delta: c.delta,
		changeFromQuantity: c.changeFromQuantity,
		...(settings.name !== 'available' && settings.ledgerDocumentUri ? { ledgerDocumentUri: settings.ledgerDocumentUri } : {}),
	}));
	return input;
}

/**
 * Sends one inventoryAdjustQuantities with `idempotencyKey`. Retries of this very input (HTTP failures
 * inside the transport, IDEMPOTENCY_CONCURRENT_REQUEST, ADJUST_QUANTITIES_FAILED / SERVICE_UNAVAILABLE)
 * reuse the key. A transport failure that persists is thrown: whether Shopify applied it is then unknown.
 */
export async function sendAdjust(
	this: IExecuteFunctions,
	budget: CostBudget,
	settings: AdjustSettings,
	changes: readonly AdjustChange[],
	idempotencyKey: string,
): Promise<AdjustAnswer> {
	const input = adjustInput(settings, changes);
	let retryableWaits = 0;
	let concurrentWaits = 0;
	let resent = false;
	for (;;) {
		const retriesBefore = budget.retries;
		const { data } = await shopifyGraphql.call(this, INVENTORY_ADJUST_MUTATION, { input }, { budget, idempotencyKey });
		if (budget.retries > retriesBefore) resent = true;
		const errors = parseUserErrors(((data.inventoryAdjustQuantities ?? {}) as IDataObject).userErrors);
		if (errors.length === 0) return { kind: 'applied' };
		const retryable = errors.find((e) => e.code && RETRYABLE_USER_ERROR_CODES.has(e.code));
		if (retryable) {
			if (retryableWaits >= RETRYABLE_USER_ERROR_WAITS_MS.length) return { kind: 'retryLater', error: retryable };
			const wait = RETRYABLE_USER_ERROR_WAITS_MS[retryableWaits++];
			budget.retries++;
			budget.waitedMs += wait;
			await waitUnlessCancelled(this, wait);
			continue;
		}
		if (errors.every((e) => e.code && IDEMPOTENCY_RETRY_SAME_KEY.has(e.code)) && concurrentWaits < MAX_CONCURRENT_WAITS) {
			concurrentWaits++;
			resent = true;
			await waitUnlessCancelled(this, CONCURRENT_WAIT_MS * concurrentWaits);
			continue;
		}
		return { kind: 'refused', errors, resent };
	}
}
