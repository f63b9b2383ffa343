/**
 * Stock records per (SKU, location) (pure). With a location field set (option "Location Field"),
 * a stock record and its events are identified by SKU and location together; without one, by SKU
 * alone, exactly as before. The event store passes one string per stock record around: the SKU, or
 * the SKU and the location joined by a separator no FileMaker text field value holds (U+001F).
 */

const SEPARATOR = '\u001f';

export interface StockKeyParts {
	sku: string;
	/** undefined: no location field (one location). */
	location?: string;
}

/** The key of a stock record: the SKU alone without a location (single-location keys unchanged). */
export function stockKey(sku: string, location?: string): string {
	return location === undefined ? sku : `${sku}${SEPARATOR}${location}`;
}

export function stockKeyParts(key: string): StockKeyParts {
	const at = key.indexOf(SEPARATOR);
	return at < 0 ? { sku: key } : { sku: key.slice(0, at), location: key.slice(at + SEPARATOR.length) };
}

/**
 * The key for messages written as `SKU '<label>'`: the SKU, or `A' at location 'WH` so that the
 * message reads "SKU 'A' at location 'WH'".
 */
export function stockKeyLabel(key: string): string {
	const { sku, location } = stockKeyParts(key);
	return location === undefined ? sku : `${sku}' at location '${location}`;
}

/** The location value of an item: text trimmed, numbers as text; '' when empty. */
export function locationValue(raw: unknown): string {
	if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
	if (typeof raw === 'string') return raw.trim();
	if (raw && typeof raw === 'object' && 'value' in raw) return locationValue((raw as { value: unknown }).value);
	return '';
}
