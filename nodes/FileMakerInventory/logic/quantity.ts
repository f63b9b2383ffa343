/**
 * Whole-number parsing for stock quantities and changes.
 *
 * FileMaker normally returns number fields as JSON numbers, but older servers (and some field
 * setups) return them as strings ("12"), and an empty field is "". Everything here accepts both
 * forms and refuses anything that is not a whole number, so a bad value in FileMaker is reported
 * instead of silently becoming 0 or NaN.
 */

export type WholeNumberResult =
	| { ok: true; value: number }
	| { ok: false; reason: 'empty' | 'notNumber' | 'notWhole' | 'tooLarge' };

const NUMBER_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a whole number given as a JSON number or a numeric string (surrounding spaces allowed). */
export function parseWholeNumber(raw: unknown): WholeNumberResult {
	if (raw === null || raw === undefined) return { ok: false, reason: 'empty' };
	let value: number;
	if (typeof raw === 'number') {
		value = raw;
	} else if (typeof raw === 'bigint') {
		value = Number(raw);
	} else if (typeof raw === 'string') {
		const text = raw.trim();
		if (text === '') return { ok: false, reason: 'empty' };
		if (!NUMBER_PATTERN.test(text)) return { ok: false, reason: 'notNumber' };
		value = Number(text);
	} else {
		return { ok: false, reason: 'notNumber' };
	}
	if (!Number.isFinite(value)) return { ok: false, reason: 'notNumber' };
	if (!Number.isInteger(value)) return { ok: false, reason: 'notWhole' };
	if (!Number.isSafeInteger(value)) return { ok: false, reason: 'tooLarge' };
	// Normalise -0 to 0.
	return { ok: true, value: value === 0 ? 0 : value };
}

/** Shows a raw value in an error message (quoted, shortened, never "[object Object]"). */
export function showValue(raw: unknown): string {
	let text: string;
	if (raw === null || raw === undefined) text = '';
	else if (typeof raw === 'string') text = raw;
	else if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') text = String(raw);
	else {
		try {
			text = JSON.stringify(raw);
		} catch {
			text = String(raw);
		}
	}
	if (text.length > 60) text = `${text.slice(0, 57)}...`;
	return `'${text}'`;
}

/** The message for a FileMaker record whose quantity field does not hold a whole number. */
export function invalidQuantityMessage(args: {
	recordId: string;
	sku: string;
	raw: unknown;
	field: string;
	reason: Exclude<WholeNumberResult, { ok: true }>['reason'];
}): string {
	const { recordId, sku, raw, field, reason } = args;
	const who = `Record ${recordId} (SKU '${sku}')`;
	if (reason === 'empty') {
		return `${who} has an empty quantity in field '${field}', which is not a whole number. Fix the record in FileMaker.`;
	}
	if (reason === 'tooLarge') {
		return `${who} has quantity ${showValue(raw)} in field '${field}', which is too large to be a stock quantity. Fix the record in FileMaker.`;
	}
	return `${who} has quantity ${showValue(raw)} in field '${field}', which is not a whole number. Fix the record in FileMaker.`;
}

/** The message for a change or target quantity given to the node that is not a whole number. */
export function invalidInputNumberMessage(args: {
	what: 'change' | 'quantity';
	sku: string;
	raw: unknown;
	reason: Exclude<WholeNumberResult, { ok: true }>['reason'];
}): string {
	const { what, sku, raw, reason } = args;
	const label = what === 'change' ? 'The change' : 'The new quantity';
	if (reason === 'empty') return `${label} for SKU '${sku}' is empty. Give a whole number such as -1 or 5.`;
	if (reason === 'tooLarge') return `${label} for SKU '${sku}' is too large (got ${showValue(raw)}).`;
	return `${label} for SKU '${sku}' must be a whole number such as -1 or 5 (got ${showValue(raw)}).`;
}
