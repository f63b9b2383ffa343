/**
 * Where each stock change happens (pure, no n8n imports). See RULES.md, "Several locations".
 *
 *  - sale, edit, cancel: the location Shopify assigned to fulfil the line (its fulfillment order's
 *    assigned location), else the order's location (POS orders: `retailLocation` / `location_id`);
 *  - refund restock: the refund line's location; return: the disposition's location;
 *  - unknown: the default location given by the user (documented option), else null.
 */
import { compareIds, toLegacyId } from './ids';
import { asObject, toQuantity, type Json } from './model';
import { connectionNodes } from './normalizeGraphql';
import type { StockChange } from './stockChanges';

/**
 * Order.fulfillmentOrders (GraphQL: `{ status assignedLocation { location { id } } lineItems { nodes {
 * lineItem { id } totalQuantity } } }`) → per line item the location assigned to fulfil it. A line split
 * over several locations gets the location with the most units (ties: the lowest location id): one key
 * per line, whatever the split. null when the order carries no fulfillment orders (not read).
 */
export function lineLocationsFromFulfillmentOrders(value: unknown): Map<string, string> | null {
	if (value === undefined || value === null) return null;
	const unitsByLine = new Map<string, Map<string, number>>();
	for (const fo of connectionNodes(value)) {
		const locationId = toLegacyId(asObject(asObject(fo.assignedLocation)?.location)?.id);
		if (locationId === null) continue;
		for (const item of connectionNodes(fo.lineItems)) {
			const lineId = toLegacyId(asObject(item.lineItem)?.id);
			if (lineId === null) continue;
			const units = Math.max(0, toQuantity(item.totalQuantity) ?? 0);
			const perLocation = unitsByLine.get(lineId) ?? new Map<string, number>();
			perLocation.set(locationId, (perLocation.get(locationId) ?? 0) + units);
			unitsByLine.set(lineId, perLocation);
		}
	}
	const out = new Map<string, string>();
	for (const [lineId, perLocation] of unitsByLine) {
		const best = [...perLocation.entries()].sort((a, b) => b[1] - a[1] || compareIds(a[0], b[0]))[0];
		out.set(lineId, best[0]);
	}
	return out;
}

/** One entry of the location mapping: a FileMaker location value ↔ a Shopify location (decimal id). */
export interface OrderLocationMapping {
	fileMakerValue: string;
	locationId: string;
}

export interface ChangeLocationSettings {
	mapping: readonly OrderLocationMapping[];
	/** Decimal id of the location used where Shopify does not say (option Default Location), or null. */
	defaultLocationId: string | null;
}

export type LocatedStockChange = StockChange & {
	/** The FileMaker location value of `locationId` (the mapping), null when the location is not mapped. */
	location: string | null;
	/** true when `locationId` is the default location because Shopify did not name one. */
	defaultLocation: boolean;
};

/** Adds the FileMaker location value to each change; changes without a location get the default one. */
export function locateChanges<T extends StockChange>(
	changes: readonly T[],
	settings: ChangeLocationSettings,
): Array<T & Pick<LocatedStockChange, 'location' | 'defaultLocation'>> {
	const byId = new Map(settings.mapping.map((m) => [m.locationId, m.fileMakerValue]));
	return changes.map((c) => {
		const defaulted = c.locationId === null && settings.defaultLocationId !== null;
		const locationId = c.locationId ?? settings.defaultLocationId;
		return { ...c, locationId, location: locationId === null ? null : (byId.get(locationId) ?? null), defaultLocation: defaulted };
	});
}

/**
 * The "Locations" value of the order readers (`{ mapping: [{ fileMakerValue, shopifyLocation }] }`,
 * shopifyLocation a resource locator or an id) → the mapping with decimal ids. Entries without a value
 * or a valid location are refused with a message naming the entry.
 */
export function parseOrderLocationMapping(raw: unknown): OrderLocationMapping[] {
	const entries = asObject(raw)?.mapping;
	if (!Array.isArray(entries)) return [];
	return entries.map((entry: unknown, index) => {
		const e = (asObject(entry) ?? {}) as Json;
		const value = typeof e.fileMakerValue === 'number' ? String(e.fileMakerValue) : typeof e.fileMakerValue === 'string' ? e.fileMakerValue.trim() : '';
		const locator = asObject(e.shopifyLocation);
		const locationId = toLegacyId(locator ? locator.value : e.shopifyLocation);
		if (value === '' || locationId === null) {
			throw new RangeError(`Locations, entry ${index + 1}: needs a FileMaker location value and a Shopify location`);
		}
		return { fileMakerValue: value, locationId };
	});
}
