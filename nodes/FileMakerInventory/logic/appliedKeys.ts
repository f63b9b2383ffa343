/**
 * The "Applied Keys" list kept on each stock record (see CONSISTENCY.md).
 *
 * One entry per line, newest last. A line is the idempotency key, optionally followed by
 * tab-separated details written by this node: the change, the quantity after the change and when
 * it was applied (ISO 8601, UTC):
 *
 *   shopify:order:1001:line:1<TAB>-1<TAB>41<TAB>2026-11-24T10:00:00Z
 *
 * Lines are separated by carriage returns (FileMaker's own paragraph separator, ¶), so a FileMaker
 * script can read the list with GetValue / FilterValues; any of CR, LF or CRLF is accepted on read.
 * Only the text before the first tab is the key, so other tools may write bare keys.
 */

export interface AppliedKeyEntry {
	key: string;
	change?: number;
	quantityAfter?: number;
	appliedAt?: string;
}

/** Default number of entries kept per SKU. */
export const DEFAULT_APPLIED_KEYS_TO_KEEP = 100;

const LINE_SPLIT = /\r\n|\r|\n/;

export function parseAppliedKeys(raw: unknown): AppliedKeyEntry[] {
	if (raw === null || raw === undefined) return [];
	const text = typeof raw === 'string' ? raw : String(raw);
	const entries: AppliedKeyEntry[] = [];
	for (const line of text.split(LINE_SPLIT)) {
		if (line.trim() === '') continue;
		const [key, change, quantityAfter, appliedAt] = line.split('\t');
		const entry: AppliedKeyEntry = { key: key.trim() };
		if (entry.key === '') continue;
		const c = change !== undefined && change.trim() !== '' ? Number(change) : NaN;
		if (Number.isInteger(c)) entry.change = c;
		const q = quantityAfter !== undefined && quantityAfter.trim() !== '' ? Number(quantityAfter) : NaN;
		if (Number.isInteger(q)) entry.quantityAfter = q;
		if (appliedAt !== undefined && appliedAt.trim() !== '') entry.appliedAt = appliedAt.trim();
		entries.push(entry);
	}
	return entries;
}

/** The newest entry for `key`, if present. */
export function findAppliedKey(entries: AppliedKeyEntry[], key: string): AppliedKeyEntry | undefined {
	for (let i = entries.length - 1; i >= 0; i--) {
		if (entries[i].key === key) return entries[i];
	}
	return undefined;
}

export function serializeAppliedKeys(entries: AppliedKeyEntry[]): string {
	return entries
		.map((e) => {
			const parts = [e.key];
			if (e.change !== undefined || e.quantityAfter !== undefined || e.appliedAt !== undefined) {
				parts.push(e.change === undefined ? '' : String(e.change));
				parts.push(e.quantityAfter === undefined ? '' : String(e.quantityAfter));
				parts.push(e.appliedAt ?? '');
			}
			return parts.join('\t');
		})
		.join('\r');
}

/**
 * Returns the new field value: the existing entries plus `entry` (any older entry with the same key
 * is dropped), keeping only the newest `keep` entries.
 */
export function appendAppliedKey(entries: AppliedKeyEntry[], entry: AppliedKeyEntry, keep: number): string {
	const limit = Math.max(1, Math.floor(keep));
	const next = entries.filter((e) => e.key !== entry.key);
	next.push(entry);
	return serializeAppliedKeys(next.slice(Math.max(0, next.length - limit)));
}

/** Checks an idempotency key; returns an error message or undefined when it is usable. */
export function idempotencyKeyProblem(key: string): string | undefined {
	if (/[\r\n\t]/.test(key)) {
		return 'The idempotency key must not contain line breaks or tabs.';
	}
	if (key.length > 500) {
		return `The idempotency key is ${key.length} characters long; use at most 500.`;
	}
	return undefined;
}

/** Whole seconds since `appliedAt` (ISO); Infinity when unknown or unparsable (= old). */
export function entryAgeSeconds(entry: AppliedKeyEntry, now: Date): number {
	if (!entry.appliedAt) return Infinity;
	const at = Date.parse(entry.appliedAt);
	if (Number.isNaN(at)) return Infinity;
	return (now.getTime() - at) / 1000;
}

/** ISO timestamp without milliseconds (compact, still parseable). */
export function compactIso(date: Date): string {
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
