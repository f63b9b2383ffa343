/**
 * Turning stock records into output rows for Stock → Get Many, with the handling of invalid
 * quantities and duplicate SKUs.
 */
import { invalidQuantityMessage, parseWholeNumber } from './quantity';

export type InvalidQuantityMode = 'fail' | 'skip' | 'flag';

export interface RawRecord {
	recordId: string;
	modId: string;
	fieldData: Record<string, unknown>;
}

export interface StockRow {
	sku: string;
	quantity: unknown;
	recordId: string;
	modId: string;
	invalidQuantity?: boolean;
	invalidQuantityMessage?: string;
	duplicateSku?: boolean;
	duplicateRecordIds?: string[];
	missingSku?: boolean;
	[field: string]: unknown;
}

export interface RowProblem {
	recordId: string;
	sku: string;
	message: string;
}

export class InvalidQuantityError extends Error {}

/**
 * Converts one page of records. mode 'fail' throws InvalidQuantityError with the first bad record's
 * message; 'skip' leaves bad records out and lists them in `skipped`; 'flag' outputs them with
 * the raw value, invalidQuantity: true and the message.
 */
export function toStockRows(
	records: RawRecord[],
	config: { skuField: string; quantityField: string; extraFields: string[]; invalidQuantities: InvalidQuantityMode },
): { rows: StockRow[]; skipped: RowProblem[] } {
	const rows: StockRow[] = [];
	const skipped: RowProblem[] = [];
	for (const record of records) {
		const rawSku = record.fieldData[config.skuField];
		const sku = rawSku === undefined || rawSku === null ? '' : String(rawSku).trim();
		const raw = record.fieldData[config.quantityField];
		const parsed = parseWholeNumber(raw);
		const row: StockRow = {
			sku,
			quantity: parsed.ok ? parsed.value : raw,
			recordId: record.recordId,
			modId: record.modId,
		};
		if (sku === '') row.missingSku = true;
		if (!parsed.ok) {
			const message = invalidQuantityMessage({
				recordId: record.recordId,
				sku,
				raw,
				field: config.quantityField,
				reason: parsed.reason,
			});
			if (config.invalidQuantities === 'fail') throw new InvalidQuantityError(message);
			if (config.invalidQuantities === 'skip') {
				skipped.push({ recordId: record.recordId, sku, message });
				continue;
			}
			row.invalidQuantity = true;
			row.invalidQuantityMessage = message;
		}
		for (const field of config.extraFields) {
			if (!(field in row)) row[field] = record.fieldData[field];
		}
		rows.push(row);
	}
	return { rows, skipped };
}

/**
 * Marks rows that share a SKU (exact text) with duplicateSku: true and the record IDs of all of
 * them. Returns one problem per duplicated SKU.
 */
export function markDuplicateSkus(rows: StockRow[]): RowProblem[] {
	// SKU → the index of its first row; a list only for the SKUs on more than one record.
	const firstIndex = new Map<string, number>();
	const repeated = new Map<string, { first: number; list: StockRow[] }>();
	rows.forEach((row, index) => {
		if (row.sku === '') return;
		const first = firstIndex.get(row.sku);
		if (first === undefined) firstIndex.set(row.sku, index);
		else {
			const group = repeated.get(row.sku);
			if (group) group.list.push(row);
			else repeated.set(row.sku, { first, list: [rows[first], row] });
		}
	});
	firstIndex.clear();
	// In the order of each SKU's first record.
	const ordered = [...repeated.entries()].sort((a, b) => a[1].first - b[1].first).map(([sku, group]) => [sku, group.list] as const);
	const problems: RowProblem[] = [];
	for (const [sku, list] of ordered) {
		const ids = list.map((r) => r.recordId);
		for (const row of list) {
			row.duplicateSku = true;
			row.duplicateRecordIds = ids;
		}
		problems.push({
			recordId: ids.join(', '),
			sku,
			message: `${list.length} records have SKU '${sku}' (record IDs ${ids.join(', ')}). Each SKU must be on exactly one record: merge or correct them in FileMaker.`,
		});
	}
	return problems;
}

/** A short summary of problems for an execution hint (at most `max` listed). */
export function summarizeProblems(intro: string, problems: RowProblem[], max = 5): string {
	const listed = problems.slice(0, max).map((p) => p.message);
	const more = problems.length > max ? ` …and ${problems.length - max} more.` : '';
	return `${intro} ${listed.join(' ')}${more}`;
}
