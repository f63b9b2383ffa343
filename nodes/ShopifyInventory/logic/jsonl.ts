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
 * An item line of the Sync's bulk query exactly as GraphQL writes it: the fields in the query's order
 * (the GraphQL spec orders a result's fields as the selection set), no whitespace, no escapes:
 * `{"id":"gid://shopify/InventoryItem/1","sku":"A-1","tracked":true,"inventoryLevel":{"quantities":
 * [{"name":"available","quantity":5},{"name":"on_hand","quantity":5}]},"variant":{"requiresComponents":false}}`.
 * Any other line (escapes, other fields or order, child lines) does not match and is parsed as JSON.
 */
const PLAIN_ITEM_LINE = new RegExp(
	'^\\{"id":"gid://shopify/InventoryItem/(\\d+)",' +
		'"sku":(?:"([^"\\\\\\u0000-\\u001f]*)"|null),' +
		'"tracked":(true|false),' +
		'"inventoryLevel":(null|\\{"quantities":\\[(?:' +
		'\\{"name":"(available|on_hand)","quantity":(-?(?:0|[1-9]\\d*)|null)\\}' +
		'(?:,\\{"name":"(available|on_hand)","quantity":(-?(?:0|[1-9]\\d*)|null)\\})?' +
		')?\\]\\})' +
		'(?:,"variant":(?:null|\\{"requiresComponents":(true|false)\\}))?' +
		'\\}\\r?$',
);

/**
 * A string that holds its own characters. V8 gives a part of a longer string (a regular expression's
 * capture, slice) as a view that keeps the whole longer string alive; a concatenation, once read as a
 * whole, is copied into a string of its own.
 */
function ownCopy(text: string): string {
	return text.length < 13 ? text : ` ${text}`.slice(1);
}

/**
 * The item id and level (undefined: not stocked at the location) of a plain item line, the same as
 * JSON.parse + levelFromItemNode give, without the parsed objects (at 250,000 SKUs, five objects a line
 * less to make and collect). undefined when the line is not a plain item line.
 */
export function plainItemLine(raw: string): { id: string; level: ShopifyLevel | undefined } | undefined {
	const m = PLAIN_ITEM_LINE.exec(raw);
	if (m === null) return undefined;
	const [, itemNumber, sku, tracked, inventoryLevel, name1, quantity1, name2, quantity2, requiresComponents] = m;
	// Strings made here, not parts of the line: a level kept to the end must not keep its piece of the download alive.
	const id = `gid://shopify/InventoryItem/${itemNumber}`;
	if (inventoryLevel === 'null') return { id, level: undefined };
	let available: number | undefined;
	let onHand: number | undefined;
	const take = (name: string | undefined, quantity: string | undefined) => {
		if (name === undefined) return;
		const value = quantity === undefined || quantity === 'null' ? undefined : Number(quantity);
		if (name === 'available') available = value;
		else onHand = value;
	};
	take(name1, quantity1);
	take(name2, quantity2);
	const level: ShopifyLevel = {
		sku: sku === undefined ? '' : ownCopy(sku.trim()),
		inventoryItemId: id,
		variantId: undefined,
		available: available ?? 0,
		onHand,
	};
	level.tracked = tracked === 'true';
	if (requiresComponents !== undefined) level.requiresComponents = requiresComponents === 'true';
	return { id, level };
}

/**
 * levelsFromBulkJsonl for a result that arrives in pieces (a download read as a stream): `write` each
 * piece of text as it comes, `end` once at the end. Only an unfinished last line is kept between
 * pieces, so neither the downloaded bytes nor the whole text are ever held.
 */
export class BulkLevelsReader {
	private readonly levels: ShopifyLevel[] = [];
	/** First item line of each id → its level (undefined: not stocked at the location). */
	/**
	 * Item lines not stocked at the location (no level), with the number of levels before them. With
	 * `levels`, they give each item id its first line; that map is made only when child lines need it.
	 */
	private readonly unstocked: Array<{ id: string; position: number }> = [];
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
		const plain = plainItemLine(raw);
		if (plain !== undefined) {
			this.item(plain.id, plain.level);
			return;
		}
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
		if (typeof line.id === 'string') this.item(line.id, level);
		else if (level) this.levels.push(level);
	}

	private item(id: string, level: ShopifyLevel | undefined): void {
		if (level) this.levels.push(level);
		else this.unstocked.push({ id, position: this.levels.length });
	}

	/** First item line of each id → its level (undefined: not stocked at the location), in file order. */
	private itemLevels(): Map<string, ShopifyLevel | undefined> {
		const { levels, unstocked } = this;
		const first = new Map<string, ShopifyLevel | undefined>();
		let u = 0;
		for (let i = 0; i <= levels.length; i++) {
			for (; u < unstocked.length && unstocked[u].position <= i; u++) {
				if (!first.has(unstocked[u].id)) first.set(unstocked[u].id, undefined);
			}
			if (i < levels.length && !first.has(levels[i].inventoryItemId)) first.set(levels[i].inventoryItemId, levels[i]);
		}
		return first;
	}

	private assemble(): ShopifyLevel[] {
		const { levels, children, childIds } = this;
		// Without child lines (the Sync's query has none) there is nothing to attach: no map of every item.
		if (children.length === 0) return levels;
		const itemLevels = this.itemLevels();
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
		childIds.clear();
		children.length = 0;
		return levels;
	}
}
