/**
 * Stock → Get Many over several locations (pure): with a location field, every row carries its
 * `location`, and a SKU is a duplicate only when it is on more than one record at the same location.
 */
import { locationValue, stockKey } from './stockKey';
import { markDuplicateSkus, type RowProblem, type StockRow } from './stockRows';

/** The option "Location Field" as a field name ('' = none). */
export function locationFieldOf(options: Record<string, unknown>): string {
	return typeof options.locationField === 'string' ? options.locationField.trim() : '';
}

/** The fields to read: the extra fields, and the location field when set. */
export function withLocationField(extraFields: string[], locationField: string): string[] {
	return locationField === '' || extraFields.includes(locationField) ? extraFields : [...extraFields, locationField];
}

/** Sets `location` on every row from the location field; duplicates are looked for per location. */
export function locateRows(rows: StockRow[], locationField: string): RowProblem[] {
	const byLocation = new Map<string, StockRow[]>();
	for (const row of rows) {
		const location = locationValue(row[locationField]);
		row.location = location;
		const list = byLocation.get(location);
		if (list) list.push(row);
		else byLocation.set(location, [row]);
	}
	return [...byLocation.values()].flatMap((list) => markDuplicateSkus(list));
}

/** The key of a row's pending sales: the SKU, or SKU and location. */
export function pendingKeyOfRow(row: StockRow, locationField: string): string {
	return locationField === '' ? row.sku : stockKey(row.sku, locationValue(row.location));
}
