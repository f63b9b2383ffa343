/**
 * Metafields on product variants (the owner type the Shopify Inventory node uses): `metafield(namespace,
 * key)` reads and `metafieldsSet` with its documented compare-and-set rules:
 * - at most 25 metafields per call; the call is atomic (any userError → nothing persisted);
 * - `compareDigest` absent → unconditional write; `null` → only when the metafield does not exist yet;
 *   a string → only when it equals the persisted value's digest; otherwise userError `STALE_OBJECT`
 *   ("The metafield has been modified since it was loaded.") with `elementIndex`;
 * - `type` required when the metafield does not exist (no definitions are emulated); `json` values must parse.
 * The digest is a SHA-256 of the value (Shopify does not document how it computes it).
 */
import { createHash } from 'node:crypto';

export interface MetafieldRec {
	__typename: 'Metafield';
	_id: number;
	id: string;
	legacyResourceId: string;
	namespace: string;
	key: string;
	type: string;
	value: string;
	compareDigest: string;
	ownerId: string;
	createdAt: string;
	updatedAt: string;
}

export interface MetafieldsSetInputRec {
	ownerId: string;
	namespace?: string | null;
	key: string;
	type?: string | null;
	value: string;
	compareDigest?: string | null;
}

export interface MetafieldsSetUserError {
	field: string[];
	message: string;
	code: string;
	elementIndex: number;
}

export const MAX_METAFIELDS_PER_SET = 25;
/** Shopify's default when `namespace` is omitted is the app-reserved namespace. */
const APP_NAMESPACE = '$app';

export function metafieldDigest(value: string): string {
	return createHash('sha256').update(value).digest('hex');
}

export function metafieldStoreKey(ownerId: string, namespace: string, key: string): string {
	return `${ownerId}\u0000${namespace}\u0000${key}`;
}

let nextMetafieldId = 30_000_001;

/**
 * Runs metafieldsSet against `store` (Map of metafieldStoreKey → record). `ownerExists` says whether an
 * owner gid is a known resource. Returns the payload { metafields, userErrors }.
 */
export function runMetafieldsSet(
	store: Map<string, MetafieldRec>,
	inputs: MetafieldsSetInputRec[],
	ownerExists: (ownerId: string) => boolean,
	nowIso: string,
): { metafields: MetafieldRec[] | null; userErrors: MetafieldsSetUserError[] } {
	const errors: MetafieldsSetUserError[] = [];
	inputs.forEach((m, i): void => {
		const namespace = m.namespace ?? APP_NAMESPACE;
		const err = (field: string, code: string, message: string): void => {
			errors.push({ field: ['metafields', String(i), field], code, message, elementIndex: i });
		};
		if (!ownerExists(m.ownerId)) return err('ownerId', 'INVALID', 'Owner does not exist.');
		if (m.key.length < 2 || m.key.length > 64 || !/^[A-Za-z0-9_-]+$/.test(m.key)) return err('key', 'INVALID', 'Key is invalid.');
		const existing = store.get(metafieldStoreKey(m.ownerId, namespace, m.key));
		if (!existing && !m.type) return err('type', 'BLANK', "Type can't be blank.");
		const type = m.type ?? existing!.type;
		if (type === 'json') {
			try {
				JSON.parse(m.value);
			} catch {
				return err('value', 'INVALID_VALUE', 'Value is invalid JSON.');
			}
		}
		if (Object.prototype.hasOwnProperty.call(m, 'compareDigest')) {
			const stale = m.compareDigest === null ? existing !== undefined : existing?.compareDigest !== m.compareDigest;
			if (stale) return err('compareDigest', 'STALE_OBJECT', 'The metafield has been modified since it was loaded.');
		}
	});
	if (errors.length > 0) return { metafields: null, userErrors: errors };
	const written = inputs.map((m) => {
		const namespace = m.namespace ?? APP_NAMESPACE;
		const k = metafieldStoreKey(m.ownerId, namespace, m.key);
		const existing = store.get(k);
		const rec: MetafieldRec = existing ?? {
			__typename: 'Metafield',
			_id: nextMetafieldId,
			id: `gid://shopify/Metafield/${nextMetafieldId}`,
			legacyResourceId: String(nextMetafieldId++),
			namespace,
			key: m.key,
			type: m.type!,
			value: '',
			compareDigest: '',
			ownerId: m.ownerId,
			createdAt: nowIso,
			updatedAt: nowIso,
		};
		rec.value = m.value;
		if (m.type) rec.type = m.type;
		rec.compareDigest = metafieldDigest(m.value);
		rec.updatedAt = nowIso;
		store.set(k, rec);
		return rec;
	});
	return { metafields: written, userErrors: [] };
}
