/**
 * Storing stock events, shared by Stock Event → Store and the Shopify Inventory Trigger's
 * "After Storing in FileMaker" answer: the fields of one event read into a StockEvent (or the reason
 * it is not one), and the SKU check + create of a list of events (at most 2 FileMaker requests per
 * event: one find shared by the events, one create each). No n8n context here: the callers turn
 * problems into their own errors or items.
 */
import type { IDataObject } from 'n8n-workflow';

import { idempotencyKeyProblem } from '../logic/events';
import { invalidInputNumberMessage, parseWholeNumber } from '../logic/quantity';
import { stockKey } from '../logic/stockKey';
import type { EventClient, EventStoreConfig, SkuCheck, StockEvent, StoreOutcome } from './eventStore';
import { checkSkus, storeEvents } from './eventStore';

/** The fields of one event as given (parameters read once each, or an item's own fields). */
export interface EventFields {
	sku: string;
	key: string;
	change: unknown;
	setTo: string;
	reason: string;
	reference: string;
	source: string;
}

function textOf(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
}

/**
 * A Shopify stock change as the trigger and Order → Get Many output it (sku, quantity,
 * idempotencyKey, kind, orderName): the event's fields, no expression evaluated.
 */
export function shopifyChangeFields(json: IDataObject, source: string): EventFields {
	const kind = textOf(json.kind);
	return {
		sku: textOf(json.sku),
		key: textOf(json.idempotencyKey),
		change: json.quantity,
		setTo: textOf(json.setTo),
		reason: kind === '' ? '' : `Shopify ${kind}`,
		reference: textOf(json.orderName) || textOf(json.orderId),
		source,
	};
}

/** Lines marked skipped (no SKU, untracked, gift card) and items with neither SKU nor key are not events. */
export function isNotAnEvent(json: IDataObject, fields: EventFields): boolean {
	return json.skipped === true || (fields.sku === '' && fields.key === '');
}

export const EMPTY_SKU_PROBLEM = 'The SKU is empty. Map the SKU of the item to the SKU field of the node.';

/**
 * The stock event of `fields` at `location` (undefined without a location field), or the sentence
 * that says what is wrong with it. The SKU is checked by the caller before the location is read.
 */
export function eventFromFields(fields: EventFields, location: string | undefined): { event: StockEvent } | { problem: string } {
	const { sku, key } = fields;
	if (sku === '') return { problem: EMPTY_SKU_PROBLEM };
	if (key === '') return { problem: `The change key of SKU '${sku}' is empty. Map a key that names the event, e.g. the order line.` };
	const keyProblem = idempotencyKeyProblem(key);
	if (keyProblem) return { problem: `${keyProblem} (SKU '${sku}')` };
	let setTo: number | undefined;
	let change = 0;
	if (fields.setTo !== '') {
		const rawChange = fields.change;
		if (rawChange !== undefined && rawChange !== null && rawChange !== '' && Number(rawChange) !== 0) {
			return {
				problem: `The event for SKU '${sku}' has both a change (${String(rawChange)}) and Set To (${fields.setTo}). Give one of them: a change, or Set To for an absolute quantity.`,
			};
		}
		const parsed = parseWholeNumber(fields.setTo);
		if (!parsed.ok) return { problem: invalidInputNumberMessage({ what: 'quantity', sku, raw: fields.setTo, reason: parsed.reason }) };
		setTo = parsed.value;
	} else {
		const parsed = parseWholeNumber(fields.change);
		if (!parsed.ok) return { problem: invalidInputNumberMessage({ what: 'change', sku, raw: fields.change, reason: parsed.reason }) };
		change = parsed.value;
	}
	return {
		event: {
			sku,
			...(location !== undefined ? { location } : {}),
			key,
			change,
			setTo,
			reason: fields.reason,
			reference: fields.reference,
			source: fields.source,
		},
	};
}

/** What became of one event: stored, already stored, its SKU not (exactly) in FileMaker, or a failed create. */
export type CheckedStoreOutcome = StoreOutcome | { status: 'unknownSku'; check: SkuCheck };

/**
 * Checks that every event's SKU (and location) has exactly one stock record, then stores the events
 * whose SKU has one. One outcome per event, in order. A failed SKU check throws (nothing stored).
 */
export async function checkAndStoreEvents(client: EventClient, config: EventStoreConfig, events: StockEvent[]): Promise<CheckedStoreOutcome[]> {
	if (events.length === 0) return [];
	const keys = events.map((event) => stockKey(event.sku, event.location));
	const checks = await checkSkus(client, config.stock, keys);
	const outcomes: Array<CheckedStoreOutcome | undefined> = keys.map((key) => {
		const check = checks.get(key) ?? { status: 'notFound' };
		return check.status === 'found' ? undefined : { status: 'unknownSku', check };
	});
	const known = events.map((event, i) => ({ event, i })).filter(({ i }) => outcomes[i] === undefined);
	const stored = await storeEvents(client, config.events, known.map((k) => k.event));
	known.forEach(({ i }, j) => (outcomes[i] = stored[j]));
	return outcomes as CheckedStoreOutcome[];
}
