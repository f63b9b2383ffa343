/**
 * The location mapping of the Shopify Inventory API credential (pure, no n8n imports): the field
 * "Locations", one line per location, `<FileMaker value> = <Shopify location>`, and "Default Location".
 *
 * - A line is split at its FIRST `=`: the FileMaker value is what stands before it (so it cannot
 *   contain `=`), the Shopify location everything after it (a location name may contain `=`).
 * - Both sides are trimmed; blank lines and lines starting with `#` are ignored.
 * - The Shopify side is a location id (`123` or `gid://shopify/Location/123`) or the location's exact
 *   name (case and inner spaces as in Shopify; only the ends are trimmed).
 * - A FileMaker value or a Shopify location on two lines is refused with a message naming both lines.
 *
 * Names become ids with the shop's location list (`resolveCredentialLocations`); a mapping of ids only
 * needs no list.
 */

const LOCATION_GID = /^gid:\/\/shopify\/Location\/(\d+)$/i;
const DECIMAL_ID = /^\d+$/;

/** A Shopify location as written in the credential: an id (decimal) or a name. */
export type LocationReference = { kind: 'id'; id: string } | { kind: 'name'; name: string };

export interface CredentialLocationLine {
	/** Line number in the field (1-based, counting blank and comment lines). */
	line: number;
	fileMakerValue: string;
	location: LocationReference;
}

export interface CredentialLocations {
	lines: CredentialLocationLine[];
	/** The credential's Default Location, or null when empty. */
	defaultLocation: LocationReference | null;
}

export class CredentialLocationsError extends Error {}

/** `123`, `gid://shopify/Location/123` → id; anything else non-empty → name; '' → null. */
export function parseLocationReference(text: string): LocationReference | null {
	const value = text.trim();
	if (value === '') return null;
	if (DECIMAL_ID.test(value)) return { kind: 'id', id: value.replace(/^0+(?=\d)/, '') };
	const gid = LOCATION_GID.exec(value);
	if (gid) return { kind: 'id', id: gid[1].replace(/^0+(?=\d)/, '') };
	return { kind: 'name', name: value };
}

function describeReference(ref: LocationReference): string {
	return ref.kind === 'id' ? `location id ${ref.id}` : `location "${ref.name}"`;
}

function referenceKey(ref: LocationReference): string {
	return ref.kind === 'id' ? `id:${ref.id}` : `name:${ref.name}`;
}

/**
 * The credential fields → the mapping as written. Empty (or only blank lines and comments) → no lines:
 * one location, today's behaviour.
 */
export function parseCredentialLocations(locationsText: unknown, defaultLocationText?: unknown): CredentialLocations {
	const text = typeof locationsText === 'string' ? locationsText : '';
	const lines: CredentialLocationLine[] = [];
	const byValue = new Map<string, CredentialLocationLine>();
	const byLocation = new Map<string, CredentialLocationLine>();
	text.split(/\r\n|\r|\n/).forEach((raw, index) => {
		const line = index + 1;
		const trimmed = raw.trim();
		if (trimmed === '' || trimmed.startsWith('#')) return;
		const equals = trimmed.indexOf('=');
		if (equals < 0) {
			throw new CredentialLocationsError(
				`Locations, line ${line} ("${trimmed}"): write the FileMaker location value, then =, then the Shopify location, e.g. WH = Main warehouse`,
			);
		}
		const fileMakerValue = trimmed.slice(0, equals).trim();
		const location = parseLocationReference(trimmed.slice(equals + 1));
		if (fileMakerValue === '') {
			throw new CredentialLocationsError(`Locations, line ${line}: the FileMaker location value before = is empty`);
		}
		if (location === null) {
			throw new CredentialLocationsError(`Locations, line ${line} ("${fileMakerValue}"): the Shopify location after = is empty`);
		}
		const sameValue = byValue.get(fileMakerValue);
		if (sameValue) {
			throw new CredentialLocationsError(
				`Locations, lines ${sameValue.line} and ${line}: the FileMaker location "${fileMakerValue}" is mapped twice`,
			);
		}
		const sameLocation = byLocation.get(referenceKey(location));
		if (sameLocation) {
			throw new CredentialLocationsError(
				`Locations, lines ${sameLocation.line} and ${line}: the Shopify ${describeReference(location)} is mapped to both "${sameLocation.fileMakerValue}" and "${fileMakerValue}"`,
			);
		}
		const entry = { line, fileMakerValue, location };
		byValue.set(fileMakerValue, entry);
		byLocation.set(referenceKey(location), entry);
		lines.push(entry);
	});
	const defaultLocation = parseLocationReference(typeof defaultLocationText === 'string' ? defaultLocationText : '');
	return { lines, defaultLocation };
}

/** Whether turning the mapping into ids needs the shop's location list (a name is used). */
export function needsLocationList(locations: CredentialLocations): boolean {
	return locations.lines.some((l) => l.location.kind === 'name') || locations.defaultLocation?.kind === 'name';
}

/** A location of the shop as Shopify lists it (`id` a gid or a decimal id). */
export interface ShopLocation {
	id: unknown;
	name: unknown;
}

export interface ResolvedCredentialLocations {
	/** One entry per line, in line order; `locationId` decimal. */
	mapping: Array<{ fileMakerValue: string; locationId: string }>;
	/** Decimal id of the Default Location, or null. */
	defaultLocationId: string | null;
}

function decimalIdOf(id: unknown): string | null {
	if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return String(id);
	if (typeof id !== 'string') return null;
	const ref = parseLocationReference(id);
	return ref?.kind === 'id' ? ref.id : null;
}

/**
 * Names (and, when `shopLocations` is given, ids) checked against the shop's locations. Without the
 * list only ids are accepted (a name then is a programming error: call `needsLocationList` first).
 * An unknown name or id is refused with a message naming it and listing the shop's location names.
 */
export function resolveCredentialLocations(
	locations: CredentialLocations,
	shopLocations?: readonly ShopLocation[],
): ResolvedCredentialLocations {
	const shop = (shopLocations ?? [])
		.map((l) => ({ id: decimalIdOf(l.id), name: typeof l.name === 'string' ? l.name : '' }))
		.filter((l): l is { id: string; name: string } => l.id !== null);
	const known = () => (shop.length === 0 ? 'Shopify listed no locations.' : `The shop's locations: ${shop.map((l) => `"${l.name}" (${l.id})`).join(', ')}.`);
	const resolve = (ref: LocationReference, where: string): string => {
		if (ref.kind === 'id') {
			if (shopLocations !== undefined && !shop.some((l) => l.id === ref.id)) {
				throw new CredentialLocationsError(`${where}: the shop has no location with id ${ref.id}. ${known()}`);
			}
			return ref.id;
		}
		if (shopLocations === undefined) throw new CredentialLocationsError(`${where}: the location name "${ref.name}" needs the shop's location list`);
		const matches = shop.filter((l) => l.name === ref.name);
		if (matches.length === 1) return matches[0].id;
		if (matches.length > 1) {
			throw new CredentialLocationsError(
				`${where}: the shop has ${matches.length} locations named "${ref.name}" (${matches.map((m) => m.id).join(', ')}); write the id of the one you mean instead of the name`,
			);
		}
		const nearly = shop.find((l) => l.name.trim().toLowerCase() === ref.name.toLowerCase());
		const hint = nearly ? ` Did you mean "${nearly.name}"? Names must match exactly.` : '';
		throw new CredentialLocationsError(`${where}: the shop has no location named "${ref.name}".${hint} ${known()}`);
	};
	const mapping: ResolvedCredentialLocations['mapping'] = [];
	const lineOfId = new Map<string, CredentialLocationLine>();
	for (const line of locations.lines) {
		const locationId = resolve(line.location, `Locations, line ${line.line} ("${line.fileMakerValue}")`);
		const same = lineOfId.get(locationId);
		if (same) {
			throw new CredentialLocationsError(
				`Locations, lines ${same.line} and ${line.line}: both name the Shopify location ${locationId} (mapped to "${same.fileMakerValue}" and "${line.fileMakerValue}")`,
			);
		}
		lineOfId.set(locationId, line);
		mapping.push({ fileMakerValue: line.fileMakerValue, locationId });
	}
	const defaultLocationId = locations.defaultLocation === null ? null : resolve(locations.defaultLocation, 'Default Location');
	return { mapping, defaultLocationId };
}
