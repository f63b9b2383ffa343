/** Input validation for rows that go to Shopify (pure). */

export const MAX_QUANTITY = 1_000_000_000;
export const MIN_QUANTITY = 0;

export type QuantityCheck = { ok: true; value: number } | { ok: false; reason: string };

/**
 * Accepts integers given as numbers or as strings ("12", " 12 ", "12.0"); FileMaker may send numbers as
 * strings. Rejects empty values, fractions, NaN and values outside [min, max].
 */
export function checkQuantity(
	raw: unknown,
	{ min = MIN_QUANTITY, max = MAX_QUANTITY, label = 'quantity' } = {},
): QuantityCheck {
	let value: number;
	if (typeof raw === 'number') {
		value = raw;
	} else if (typeof raw === 'string') {
		const t = raw.trim();
		if (t === '') return { ok: false, reason: `the ${label} is empty` };
		if (!/^[+-]?\d+(\.0+)?$/.test(t)) return { ok: false, reason: `the ${label} "${raw}" is not a whole number` };
		value = Number(t);
	} else if (raw === null || raw === undefined) {
		return { ok: false, reason: `the ${label} is missing` };
	} else {
		return { ok: false, reason: `the ${label} is not a number` };
	}
	if (!Number.isFinite(value)) return { ok: false, reason: `the ${label} is not a number` };
	if (!Number.isInteger(value)) return { ok: false, reason: `the ${label} ${value} is not a whole number` };
	if (value < min) return { ok: false, reason: `the ${label} ${value} is below ${min}` };
	if (value > max) return { ok: false, reason: `the ${label} ${value} is above ${max.toLocaleString('en-US')}` };
	return { ok: true, value };
}

export function normalizeSku(raw: unknown): string | undefined {
	if (raw === null || raw === undefined) return undefined;
	if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
	const s = String(raw).trim();
	return s === '' ? undefined : s;
}

/** Reads `a.b.c` paths (and plain keys that contain dots) from an object. */
export function readField(obj: Record<string, unknown>, path: string): unknown {
	if (path in obj) return obj[path];
	let current: unknown = obj;
	for (const part of path.split('.')) {
		if (!current || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

export type InputProblemStatus = 'inputError' | 'emptySku' | 'invalidQuantity' | 'duplicateSku';

export interface InputRow {
	sku: string;
	quantity: number;
	itemIndex: number;
}

export interface InputProblem {
	sku?: string;
	itemIndex: number;
	status: InputProblemStatus;
	message: string;
	/** Other input items that carry the same SKU (duplicates). */
	itemIndexes?: number[];
}

export interface ValidatedInput {
	rows: InputRow[];
	problems: InputProblem[];
}

/**
 * Turns input items into rows. Error items (json.error), empty SKUs and invalid quantities are
 * problems; a SKU that occurs more than once is a problem for every item carrying it (we cannot know
 * which value is right), and none of them is synced.
 */
export function validateInputItems(
	items: Array<{ json: Record<string, unknown> }>,
	{
		skuField = 'sku',
		quantityField = 'quantity',
		min = MIN_QUANTITY,
		max = MAX_QUANTITY,
		quantityLabel = 'quantity',
	}: { skuField?: string; quantityField?: string; min?: number; max?: number; quantityLabel?: string } = {},
): ValidatedInput {
	const problems: InputProblem[] = [];
	const candidates: InputRow[] = [];
	items.forEach((item, itemIndex) => {
		const json = item.json ?? {};
		const sku = normalizeSku(readField(json, skuField));
		if (json.error !== undefined && json.error !== null && json.error !== '') {
			const msg = typeof json.error === 'string' ? json.error : JSON.stringify(json.error);
			problems.push({ sku, itemIndex, status: 'inputError', message: `The input item is an error: ${msg}` });
			return;
		}
		if (sku === undefined) {
			problems.push({
				itemIndex,
				status: 'emptySku',
				message: `Item ${itemIndex + 1} has no SKU in the field "${skuField}"`,
			});
			return;
		}
		const raw = readField(json, quantityField);
		// The usual case (a whole number in range) without the checker's result object.
		if (typeof raw === 'number' && Number.isInteger(raw) && raw >= min && raw <= max) {
			candidates.push({ sku, quantity: raw, itemIndex });
			return;
		}
		const q = checkQuantity(raw, { min, max, label: quantityLabel });
		if (!q.ok) {
			problems.push({
				sku,
				itemIndex,
				status: 'invalidQuantity',
				message: `SKU "${sku}": ${q.reason} (field "${quantityField}")`,
			});
			return;
		}
		candidates.push({ sku, quantity: q.value, itemIndex });
	});
	// SKU → its first row; a list only for the SKUs that occur more than once.
	const firstRow = new Map<string, InputRow>();
	const repeated = new Map<string, InputRow[]>();
	for (const row of candidates) {
		const first = firstRow.get(row.sku);
		if (first === undefined) firstRow.set(row.sku, row);
		else {
			const list = repeated.get(row.sku);
			if (list) list.push(row);
			else repeated.set(row.sku, [first, row]);
		}
	}
	firstRow.clear();
	const rows: InputRow[] = [];
	for (const row of candidates) {
		const list = repeated.get(row.sku);
		if (list === undefined) {
			rows.push(row);
			continue;
		}
		problems.push({
			sku: row.sku,
			itemIndex: row.itemIndex,
			status: 'duplicateSku',
			message: `SKU "${row.sku}" occurs ${list.length} times in the input (items ${list.map((r) => r.itemIndex + 1).join(', ')}); none of them was synced`,
			itemIndexes: list.map((r) => r.itemIndex),
		});
	}
	problems.sort((a, b) => a.itemIndex - b.itemIndex);
	return { rows, problems };
}
