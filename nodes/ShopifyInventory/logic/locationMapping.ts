/**
 * The location mapping of Inventory → Sync (pure): which FileMaker location value is which Shopify
 * location, and the input rows split by location. See docs/stock-model.md, "Several locations".
 */
import { toLocationGid } from './levels';
import { readField } from './validate';

export interface LocationMapping {
	/** The value of the FileMaker location field, trimmed, as written in the mapping. */
	fileMakerValue: string;
	/** `gid://shopify/Location/N` */
	locationId: string;
	/** The name picked from the list, when the mapping kept it. */
	locationName: string | null;
}

export class LocationMappingError extends Error {}

function locatorValue(raw: unknown): { value: unknown; name: string | null } {
	if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
		const r = raw as { value?: unknown; cachedResultName?: unknown };
		return { value: r.value, name: typeof r.cachedResultName === 'string' && r.cachedResultName !== '' ? r.cachedResultName : null };
	}
	return { value: raw, name: null };
}

/** A FileMaker location value as the mapping compares it: numbers as text, trimmed; '' for none. */
export function fileMakerLocationValue(raw: unknown): string {
	if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
	if (typeof raw === 'string') return raw.trim();
	return '';
}

/**
 * The "Locations" parameter (`{ mapping: [{ fileMakerValue, shopifyLocation }] }`) → the mapping.
 * Empty → [] (one location: the node's Location parameter, today's behaviour). Refuses empty values,
 * ids that are no Shopify location id, a FileMaker value mapped twice and a Shopify location mapped twice.
 */
export function parseLocationMapping(raw: unknown): LocationMapping[] {
	const entries = (raw as { mapping?: unknown } | null | undefined)?.mapping;
	if (!Array.isArray(entries)) return [];
	const out: LocationMapping[] = [];
	const byValue = new Map<string, LocationMapping>();
	const byLocation = new Map<string, LocationMapping>();
	entries.forEach((entry, index) => {
		const e = (entry ?? {}) as { fileMakerValue?: unknown; shopifyLocation?: unknown };
		const fileMakerValue = fileMakerLocationValue(e.fileMakerValue);
		const { value, name } = locatorValue(e.shopifyLocation);
		if (fileMakerValue === '') {
			throw new LocationMappingError(`Locations, entry ${index + 1}: the FileMaker location value is empty`);
		}
		const locationId = toLocationGid(value);
		if (!locationId) {
			throw new LocationMappingError(
				`Locations, entry ${index + 1} ("${fileMakerValue}"): "${String(value ?? '')}" is not a Shopify location; pick one from the list or enter an id such as gid://shopify/Location/123456789`,
			);
		}
		if (byValue.has(fileMakerValue)) {
			throw new LocationMappingError(`Locations: the FileMaker location "${fileMakerValue}" is mapped twice`);
		}
		const twice = byLocation.get(locationId);
		if (twice) {
			throw new LocationMappingError(
				`Locations: the Shopify location ${locationId} is mapped to both "${twice.fileMakerValue}" and "${fileMakerValue}"`,
			);
		}
		const mapping = { fileMakerValue, locationId, locationName: name };
		byValue.set(fileMakerValue, mapping);
		byLocation.set(locationId, mapping);
		out.push(mapping);
	});
	return out;
}

/** FileMaker value of a Shopify location (gid or numeric id), or null when it is not mapped. */
export function fileMakerValueOfLocation(mapping: readonly LocationMapping[], locationId: unknown): string | null {
	const gid = toLocationGid(locationId);
	if (!gid) return null;
	return mapping.find((m) => m.locationId === gid)?.fileMakerValue ?? null;
}

export interface ItemsByLocation<T> {
	/** Per mapped location (mapping order), the input items of that location with their input index. */
	groups: Array<{ mapping: LocationMapping; items: Array<{ item: T; itemIndex: number }> }>;
	/** Items whose location value is empty or not in the mapping: reported, never written. */
	unmapped: Array<{ itemIndex: number; value: string }>;
}

/** Splits the input items by the value of their location field. */
export function splitItemsByLocation<T extends { json: Record<string, unknown> }>(
	items: readonly T[],
	mapping: readonly LocationMapping[],
	locationField: string,
): ItemsByLocation<T> {
	const groups = mapping.map((m) => ({ mapping: m, items: [] as Array<{ item: T; itemIndex: number }> }));
	const index = new Map(groups.map((g) => [g.mapping.fileMakerValue, g]));
	const unmapped: ItemsByLocation<T>['unmapped'] = [];
	items.forEach((item, itemIndex) => {
		const value = fileMakerLocationValue(readField(item.json ?? {}, locationField));
		const group = index.get(value);
		if (group) group.items.push({ item, itemIndex });
		else unmapped.push({ itemIndex, value });
	});
	return { groups, unmapped };
}
