/**
 * Bulk operation results: JSONL, one object per line; objects of nested connections are separate
 * lines carrying `__parentId` (the id of their parent line). Pure.
 */
import type { ShopifyLevel } from './levels';
import { levelFromItemNode } from './levels';

export type JsonlObject = Record<string, unknown>;

export interface StitchedObject extends JsonlObject {
	__children: JsonlObject[];
}

export function parseJsonl(text: string): JsonlObject[] {
	const out: JsonlObject[] = [];
	let lineNo = 0;
	for (const line of text.split(/\r?\n/)) {
		lineNo++;
		const t = line.trim();
		if (t === '') continue;
		let parsed: unknown;
		let valid = true;
		try {
			parsed = JSON.parse(t);
		} catch {
			valid = false;
		}
		if (!valid) throw new Error(`Line ${lineNo} of the bulk operation result is not valid JSON`);
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) out.push(parsed as JsonlObject);
	}
	return out;
}

/**
 * Attaches every line with `__parentId` to its parent (at any depth; a child may appear before its
 * parent). Returns the root lines in file order, each with `__children` in file order.
 */
export function stitchJsonl(lines: JsonlObject[]): StitchedObject[] {
	const byId = new Map<string, StitchedObject>();
	const all: StitchedObject[] = lines.map((l) => ({ ...l, __children: [] }));
	for (const o of all) {
		if (typeof o.id === 'string' && !byId.has(o.id)) byId.set(o.id, o);
	}
	const roots: StitchedObject[] = [];
	for (const o of all) {
		const parentId = o.__parentId;
		if (typeof parentId === 'string') {
			const parent = byId.get(parentId);
			if (parent) {
				parent.__children.push(o);
				continue;
			}
			// Orphan (parent missing from the file): keep it visible as a root rather than lose it.
		}
		roots.push(o);
	}
	return roots;
}

/** BULK_INVENTORY_QUERY result → levels at the location (items not stocked there are skipped). */
export function levelsFromBulkJsonl(text: string): ShopifyLevel[] {
	const levels: ShopifyLevel[] = [];
	for (const root of stitchJsonl(parseJsonl(text))) {
		const variantChild = root.__children.find(
			(c) => typeof c.id === 'string' && c.id.startsWith('gid://shopify/ProductVariant/'),
		);
		const level = levelFromItemNode(root);
		if (!level) continue;
		if (!level.variantId && variantChild) level.variantId = variantChild.id as string;
		const variantChildren = root.__children.filter(
			(c) => typeof c.id === 'string' && c.id.startsWith('gid://shopify/ProductVariant/'),
		);
		if (variantChildren.some((c) => c.requiresComponents === true)) level.requiresComponents = true;
		else if (level.requiresComponents === undefined && variantChildren.some((c) => c.requiresComponents === false))
			level.requiresComponents = false;
		levels.push(level);
	}
	return levels;
}
