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
	forEachJsonlLine(text, (line) => out.push(line));
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

/**
 * Calls `visit` with each non-empty line of a JSONL text parsed, in file order, without splitting the
 * text into an array of lines first (one line's object at a time: memory stays that of the result).
 */
export function forEachJsonlLine(text: string, visit: (line: JsonlObject) => void): void {
	let lineNo = 0;
	let start = 0;
	while (start <= text.length) {
		let end = text.indexOf('\n', start);
		if (end === -1) end = text.length;
		lineNo++;
		const t = text.slice(start, end).trim();
		start = end + 1;
		if (t === '') continue;
		let parsed: unknown;
		let valid = true;
		try {
			parsed = JSON.parse(t);
		} catch {
			valid = false;
		}
		if (!valid) throw new Error(`Line ${lineNo} of the bulk operation result is not valid JSON`);
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) visit(parsed as JsonlObject);
	}
}

/**
 * BULK_INVENTORY_QUERY result → levels at the location (items not stocked there are skipped). One pass:
 * each item line becomes its level at once (no stitched copy of the catalogue); only the child lines
 * (variants) are kept until the end, to give their item its variant and bundle flag. A child whose
 * parent is not in the file counts as an item line of its own, in its place.
 */
export function levelsFromBulkJsonl(text: string): ShopifyLevel[] {
	const reader = new BulkLevelsReader();
	reader.write(text);
	return reader.end();
}

/**
 * levelsFromBulkJsonl for a result that arrives in pieces (a download read as a stream): `write` each
 * piece of text as it comes, `end` once at the end. Only an unfinished last line is kept between
 * pieces, so neither the downloaded bytes nor the whole text are ever held.
 */
export class BulkLevelsReader {
	private readonly levels: ShopifyLevel[] = [];
	/** First item line of each id → its level (undefined: not stocked at the location). */
	private readonly itemLevels = new Map<string, ShopifyLevel | undefined>();
	private readonly children: Array<{ line: JsonlObject; parentId: string; position: number }> = [];
	private readonly childIds = new Set<string>();
	/** The text after the last line break seen so far. */
	private rest = '';
	private lineNo = 0;

	write(piece: string): void {
		const text = this.rest === '' ? piece : this.rest + piece;
		let start = 0;
		for (;;) {
			const end = text.indexOf('\n', start);
			if (end === -1) break;
			this.line(text.slice(start, end));
			start = end + 1;
		}
		this.rest = start === 0 ? text : text.slice(start);
	}

	end(): ShopifyLevel[] {
		this.line(this.rest);
		this.rest = '';
		return this.assemble();
	}

	private line(raw: string): void {
		this.lineNo++;
		if (raw.length === 0) return;
		let parsed: unknown;
		let valid = true;
		try {
			// JSON allows whitespace (also a CR) around the value: no trimmed copy of the line.
			parsed = JSON.parse(raw);
		} catch {
			valid = raw.trim() === '';
			if (valid) return;
		}
		if (!valid) throw new Error(`Line ${this.lineNo} of the bulk operation result is not valid JSON`);
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return;
		const line = parsed as JsonlObject;
		if (typeof line.__parentId === 'string') {
			this.children.push({ line, parentId: line.__parentId, position: this.levels.length });
			if (typeof line.id === 'string') this.childIds.add(line.id);
			return;
		}
		const level = levelFromItemNode(line);
		if (typeof line.id === 'string' && !this.itemLevels.has(line.id)) this.itemLevels.set(line.id, level);
		if (level) this.levels.push(level);
	}

	private assemble(): ShopifyLevel[] {
		const { levels, itemLevels, children, childIds } = this;
		const variantsOf = new Map<string, JsonlObject[]>();
		const orphans: Array<{ level: ShopifyLevel; position: number }> = [];
		for (const { line, parentId, position } of children) {
			if (itemLevels.has(parentId)) {
				if (typeof line.id === 'string' && line.id.startsWith('gid://shopify/ProductVariant/')) {
					const variants = variantsOf.get(parentId) ?? [];
					variants.push(line);
					variantsOf.set(parentId, variants);
				}
			} else if (!childIds.has(parentId)) {
				const level = levelFromItemNode(line);
				if (level) orphans.push({ level, position });
			}
		}
		for (const [itemId, variants] of variantsOf) {
			const level = itemLevels.get(itemId);
			if (!level) continue;
			if (!level.variantId) level.variantId = variants[0].id as string;
			if (variants.some((c) => c.requiresComponents === true)) level.requiresComponents = true;
			else if (level.requiresComponents === undefined && variants.some((c) => c.requiresComponents === false))
				level.requiresComponents = false;
		}
		for (let k = orphans.length - 1; k >= 0; k--) levels.splice(orphans[k].position, 0, orphans[k].level);
		itemLevels.clear();
		childIds.clear();
		children.length = 0;
		return levels;
	}
}
