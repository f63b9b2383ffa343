/**
 * Pure logic of the stock-event store (see ../CONSISTENCY.md and docs/stock-model.md): idempotency
 * keys, the `LastBatch` commit point, the effect of a batch of events, exact SKU matching and the
 * pending sales that the sync subtracts. Nothing here calls FileMaker.
 */

/**
 * Longest idempotency key. FileMaker indexes at most about 100 characters of a text value, and
 * unique-value validation relies on the index: longer keys could be refused as duplicates of each
 * other (or not recognised), so they are refused here with a clear message.
 */
export const MAX_KEY_LENGTH = 100;

/** Events applied by one guarded edit of a stock record (keeps `LastBatch` small). */
export const DEFAULT_BATCH_SIZE = 100;

/** SKUs applied at the same time by Apply Pending (each SKU's batches run one after another). */
export const APPLY_CONCURRENCY = 4;

/** Event rows created at the same time by Store. */
export const STORE_CONCURRENCY = 8;

/** SKUs per find request when Store checks that the SKUs exist (one OR-ed request per SKU). */
export const SKU_CHECK_CHUNK = 100;

export function idempotencyKeyProblem(key: string): string | undefined {
	if (/[\r\n\t]/.test(key)) return 'The change key must not contain line breaks or tabs.';
	if (key.length > MAX_KEY_LENGTH) {
		return `The change key is ${key.length} characters long; use at most ${MAX_KEY_LENGTH} (FileMaker checks uniqueness on its index, which covers about 100 characters).`;
	}
	return undefined;
}

/** A key for a change given without one (Adjust / Set in the direct mode): unique, never repeated. */
export function randomEventKey(random: () => number = Math.random): string {
	const part = () =>
		Math.floor(random() * 2 ** 32)
			.toString(36)
			.padStart(7, '0');
	return `n8n:${Date.now().toString(36)}:${part()}${part()}`;
}

/** A batch id (written to `LastBatch` and to each row's `AppliedBatch`). */
export function newBatchId(now: number, random: () => number = Math.random): string {
	return `b${now.toString(36)}${Math.floor(random() * 2 ** 32)
		.toString(36)
		.padStart(7, '0')}`;
}

/**
 * `LastBatch` on the stock record: `<batchId>:<quantityBefore>:<recordId>,<recordId>,…`.
 * Written in the same modId-guarded edit as the new quantity: it is the commit point of the batch.
 * The quantity before lets a later run fill in `QuantityAfter` of rows that were not marked yet.
 */
export interface LastBatch {
	batchId: string;
	quantityBefore: number;
	recordIds: string[];
}

export function formatLastBatch(batch: LastBatch): string {
	return `${batch.batchId}:${batch.quantityBefore}:${batch.recordIds.join(',')}`;
}

export function parseLastBatch(raw: unknown): LastBatch | undefined {
	if (raw === undefined || raw === null) return undefined;
	const text = String(raw).trim();
	const match = /^([A-Za-z0-9_-]+):(-?\d+):([0-9,]*)$/.exec(text);
	if (!match) return undefined;
	const recordIds = match[3].split(',').filter((id) => id !== '');
	return { batchId: match[1], quantityBefore: Number(match[2]), recordIds };
}

/** One stored event as the applier sees it. */
export interface PendingEvent {
	recordId: string;
	serial: number;
	/** Delta, for change events. */
	change: number;
	/** Absolute quantity, for set events (undefined for change events). */
	setTo?: number;
	/** Its EventKey ('' or undefined when the row has none). */
	key?: string;
}

/**
 * `AppliedBatch` of a row that repeated the key of an event already applied: marked, never applied.
 * Only happens when FileMaker let the row in, i.e. `EventKey` is not validated unique (Always).
 */
export const DUPLICATE_MARK_PREFIX = 'duplicate of ';

export function duplicateMark(originalRecordId: string): string {
	return `${DUPLICATE_MARK_PREFIX}${originalRecordId}`;
}

export function isDuplicateMark(appliedBatch: string): boolean {
	return appliedBatch.startsWith(DUPLICATE_MARK_PREFIX);
}

/** A row holding one of the keys of a batch (same stock key), as the key check reads it. */
export interface KeyRow {
	recordId: string;
	modId: string;
	key: string;
	serial: number;
	/** '' while pending. */
	appliedBatch: string;
}

/**
 * A copy carries exactly the key of its event (the same delivery, the same key builder). Keys that
 * differ only in case are not folded together: with a Unicode index language FileMaker treats them as
 * two events, and folding them could drop one. (With the default language a unique check would have
 * refused such a row; without the check it is applied as its own event, as FileMaker stored it.)
 */
function sameKey(key: string): string {
	return key.trim();
}

/** A row to mark as a duplicate of `of` (an applied row with the same key). */
export interface RepeatedKey {
	recordId: string;
	modId?: string;
	of: string;
}

/**
 * Which rows of a batch repeat the key of another row of the same stock key, and what becomes of them:
 * - `duplicates`: another row with the key is applied already: mark this one (guarded by its modId),
 *   never apply it;
 * - `later`: another row with the key is pending with a lower Serial: leave this one pending (it becomes
 *   a duplicate once that one is applied, in the next batch), so one batch never holds both.
 * Every other row is applied as usual. Deciding only from applied rows and the lower Serial keeps two
 * concurrent appliers from each applying one of two copies: whoever commits first changes the stock
 * record's modId, and the other reads again and sees that copy applied.
 */
export function repeatedKeys(
	batch: PendingEvent[],
	rows: KeyRow[],
): { duplicates: RepeatedKey[]; later: Set<string> } {
	const byKey = new Map<string, KeyRow[]>();
	for (const row of rows) {
		if (row.key.trim() === '' || isDuplicateMark(row.appliedBatch)) continue;
		const k = sameKey(row.key);
		byKey.set(k, [...(byKey.get(k) ?? []), row]);
	}
	const duplicates: RepeatedKey[] = [];
	const later = new Set<string>();
	for (const event of batch) {
		if (!event.key || event.key.trim() === '') continue;
		const holders = byKey.get(sameKey(event.key)) ?? [];
		const self = holders.find((r) => r.recordId === event.recordId);
		const others = holders.filter((r) => r.recordId !== event.recordId);
		const applied = others.filter((r) => r.appliedBatch !== '').sort(byRowSerial);
		if (applied.length > 0) {
			// Its own modId guards the mark (undefined if the find did not return the row itself).
			duplicates.push({ recordId: event.recordId, modId: self?.modId, of: applied[0].recordId });
			continue;
		}
		const mine = { serial: event.serial, recordId: event.recordId };
		if (others.some((r) => byRowSerial(r, mine) < 0)) later.add(event.recordId);
	}
	return { duplicates, later };
}

function byRowSerial(a: { serial: number; recordId: string }, b: { serial: number; recordId: string }): number {
	return a.serial - b.serial || Number(a.recordId) - Number(b.recordId);
}

/** Quantity after each event of a batch, applied one by one in order (sets replace, changes add). */
export function applyInOrder(quantityBefore: number, events: PendingEvent[]): { after: number[]; final: number } {
	let quantity = quantityBefore;
	const after: number[] = [];
	for (const event of events) {
		quantity = event.setTo !== undefined ? event.setTo : quantity + event.change;
		after.push(quantity);
	}
	return { after, final: quantity };
}

export function bySerial(a: PendingEvent, b: PendingEvent): number {
	return a.serial - b.serial || Number(a.recordId) - Number(b.recordId);
}

/** A number field's value as a whole number, or undefined when empty / not whole. */
export function wholeOrUndefined(raw: unknown): number | undefined {
	if (raw === undefined || raw === null) return undefined;
	if (typeof raw === 'string' && raw.trim() === '') return undefined;
	const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
	return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * FileMaker's `==` finds compare text case-insensitively (default index language). Among records
 * FileMaker matched for `sku`, the exact spelling is the record; other spellings are near matches,
 * reported and never used.
 */
export function matchSku<T>(
	records: T[],
	sku: string,
	skuOf: (r: T) => string,
): { exact: T[]; near: string[] } {
	const exact: T[] = [];
	const near = new Set<string>();
	const folded = sku.trim().toLowerCase();
	for (const record of records) {
		const value = skuOf(record);
		if (value === sku) exact.push(record);
		else if (value.trim().toLowerCase() === folded) near.add(value);
	}
	return { exact, near: [...near] };
}

export function nearMatchMessage(sku: string, near: string[], layout: string): string {
	return `No record with SKU '${sku}' in layout '${layout}': FileMaker has ${near
		.map((n) => `'${n}'`)
		.join(', ')}, which differs in case or spaces. SKUs must match exactly: correct the SKU in Shopify or in FileMaker.`;
}

/** Σ of the negative pending changes per SKU (pending set events are not sales and are not counted). */
export function pendingSalesBySku(rows: Array<{ sku: string; change: number | undefined; setTo: number | undefined }>): Map<string, number> {
	const sums = new Map<string, number>();
	for (const row of rows) {
		if (row.setTo !== undefined || row.change === undefined || row.change >= 0) continue;
		sums.set(row.sku, (sums.get(row.sku) ?? 0) + row.change);
	}
	return sums;
}

/** Runs `work` for every element with at most `limit` running at once; results in input order. */
export async function mapWithConcurrency<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
	return results;
}
