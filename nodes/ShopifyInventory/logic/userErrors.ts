/** Shopify mutation `userErrors` → which rows they concern (pure). */

export interface UserError {
	field?: string[] | null;
	message: string;
	code?: string | null;
}

export interface RowError {
	rowIndex: number;
	code?: string;
	message: string;
}

export function parseUserErrors(raw: unknown): UserError[] {
	if (!Array.isArray(raw)) return [];
	return raw
		.filter((e) => e && typeof e === 'object')
		.map((e) => {
			const o = e as Record<string, unknown>;
			return {
				field: Array.isArray(o.field) ? o.field.map(String) : null,
				message: typeof o.message === 'string' ? o.message : 'Unknown error',
				code: typeof o.code === 'string' ? o.code : null,
			};
		});
}

/**
 * Finds the row a userError names. Shopify reports the field path of the input, e.g.
 * ["input", "quantities", "3", "changeFromQuantity"] or ["input", "changes", "0", "delta"].
 */
export function rowIndexOf(error: UserError, listField: string, rowCount: number): number | undefined {
	const field = error.field ?? [];
	const at = field.indexOf(listField);
	const candidate = at >= 0 ? field[at + 1] : field.find((f) => /^\d+$/.test(f));
	if (candidate === undefined || !/^\d+$/.test(candidate)) return undefined;
	const idx = Number(candidate);
	return idx >= 0 && idx < rowCount ? idx : undefined;
}

/** Inventory mutation userErrors that mean "nothing was applied, try again" (adjust, from 2026-01). */
export const RETRYABLE_USER_ERROR_CODES = new Set(['ADJUST_QUANTITIES_FAILED', 'SERVICE_UNAVAILABLE']);

export const STALE_CODES = new Set(['CHANGE_FROM_QUANTITY_STALE', 'COMPARE_QUANTITY_STALE']);
export const IDEMPOTENCY_RETRY_SAME_KEY = new Set(['IDEMPOTENCY_CONCURRENT_REQUEST']);
export const IDEMPOTENCY_RETRY_NEW_KEY = new Set([
	'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED',
	'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
]);

export interface ClassifiedUserErrors {
	/** Rows Shopify rejected because the quantity changed since we read it. */
	staleRows: Set<number>;
	/** Rows rejected for another reason (with the message for that row). */
	failedRows: Map<number, RowError>;
	/** Errors naming no row (whole-mutation problems). */
	general: UserError[];
}

export function classifyUserErrors(errors: UserError[], listField: string, rowCount: number): ClassifiedUserErrors {
	const out: ClassifiedUserErrors = { staleRows: new Set(), failedRows: new Map(), general: [] };
	for (const e of errors) {
		const idx = rowIndexOf(e, listField, rowCount);
		if (idx === undefined) {
			out.general.push(e);
			continue;
		}
		if (e.code && STALE_CODES.has(e.code)) out.staleRows.add(idx);
		else if (!out.failedRows.has(idx)) out.failedRows.set(idx, { rowIndex: idx, code: e.code ?? undefined, message: e.message });
	}
	for (const idx of out.staleRows) out.failedRows.delete(idx);
	return out;
}
