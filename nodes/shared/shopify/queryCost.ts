/**
 * Requested query cost, computed the way Shopify documents it (shopify.dev, "API rate limits"):
 *   scalar / enum field 0 · object field 1 · connection 2 + n × (1 + cost of one node's selection) with
 *   n = first/last (the connection's own `pageInfo` is covered by the 2) · a list of objects costs
 *   size × (1 + selection), the size being the length of its `names`/`ids` argument (else 1) ·
 *   mutation field 10 (its payload selection is not charged on top).
 * Without a schema at run time, a field with a selection set is an object, a field selecting
 * `nodes`/`edges`/`pageInfo` is a connection sized by `first`/`last` (0 without) (`edges { node }` / `nodes` are its
 * per-node object), and one taking `first`/`last` without those is a plain list of that size.
 * Pure: only depends on the document text (it has its own small tokenizer, no graphql import at run time).
 */

export const SINGLE_QUERY_MAX_COST = 1000;
export const MUTATION_COST = 10;

interface Field {
	name: string;
	args: Record<string, string>;
	children: Field[];
}

function tokenize(src: string): string[] {
	const tokens: string[] = [];
	let i = 0;
	while (i < src.length) {
		const c = src[i];
		if (c === '#') {
			while (i < src.length && src[i] !== '\n') i++;
		} else if (/[\s,]/.test(c)) {
			i++;
		} else if (c === '"') {
			let j = i + 1;
			if (src.startsWith('"""', i)) {
				j = src.indexOf('"""', i + 3);
				j = j < 0 ? src.length : j + 3;
			} else {
				while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
				j++;
			}
			tokens.push(src.slice(i, j));
			i = j;
		} else if (src.startsWith('...', i)) {
			tokens.push('...');
			i += 3;
		} else if (/[{}():!$@=[\]|&]/.test(c)) {
			tokens.push(c);
			i++;
		} else {
			let j = i;
			while (j < src.length && /[A-Za-z0-9_.+-]/.test(src[j])) j++;
			if (j === i) j++;
			tokens.push(src.slice(i, j));
			i = j;
		}
	}
	return tokens;
}

class Parser {
	private pos = 0;

	constructor(private readonly tokens: string[]) {}

	peek(): string | undefined {
		return this.tokens[this.pos];
	}

	next(): string {
		return this.tokens[this.pos++];
	}

	/** Skips a balanced group starting at the current opening token. */
	skipGroup(open: string, close: string): string {
		let depth = 0;
		const parts: string[] = [];
		do {
			const t = this.next();
			if (t === undefined) break;
			if (t === open) depth++;
			if (t === close) depth--;
			parts.push(t);
		} while (depth > 0);
		return parts.join(' ');
	}

	parseArgs(): Record<string, string> {
		const args: Record<string, string> = {};
		this.next(); // (
		while (this.peek() !== undefined && this.peek() !== ')') {
			const name = this.next();
			this.next(); // :
			const t = this.peek();
			let value: string;
			if (t === '[' || t === '{') value = this.skipGroup(t, t === '[' ? ']' : '}');
			else if (t === '$') {
				this.next();
				value = '$' + this.next();
			} else value = this.next();
			args[name] = value;
		}
		this.next(); // )
		return args;
	}

	skipDirectives(): void {
		while (this.peek() === '@') {
			this.next();
			this.next();
			if (this.peek() === '(') this.skipGroup('(', ')');
		}
	}

	parseSelectionSet(): Field[] {
		const fields: Field[] = [];
		this.next(); // {
		while (this.peek() !== undefined && this.peek() !== '}') {
			if (this.peek() === '...') {
				this.next();
				if (this.peek() === 'on') {
					this.next();
					this.next();
				}
				this.skipDirectives();
				// Inline fragment: its fields count as if selected here (one concrete type is returned).
				if (this.peek() === '{') fields.push(...this.parseSelectionSet());
				continue;
			}
			let name = this.next();
			if (this.peek() === ':') {
				this.next();
				name = this.next();
			}
			const args = this.peek() === '(' ? this.parseArgs() : {};
			this.skipDirectives();
			const children = this.peek() === '{' ? this.parseSelectionSet() : [];
			fields.push({ name, args, children });
		}
		this.next(); // }
		return fields;
	}
}

function resolveInt(raw: string | undefined, variables: Record<string, unknown>): number | undefined {
	if (raw === undefined) return undefined;
	if (raw.startsWith('$')) {
		const v = variables[raw.slice(1)];
		return typeof v === 'number' ? v : undefined;
	}
	const n = Number(raw);
	return Number.isFinite(n) ? n : undefined;
}

function selectionCost(fields: Field[], variables: Record<string, unknown>): number {
	let total = 0;
	for (const f of fields) total += fieldCost(f, variables);
	return total;
}

/** Cost of one node of a connection: `nodes { … }` or `edges { node { … } }` (the larger one). */
function connectionNodeCost(fields: Field[], variables: Record<string, unknown>): number {
	let perNode = 0;
	for (const f of fields) {
		if (f.name === 'nodes') {
			perNode = Math.max(perNode, 1 + selectionCost(f.children, variables));
		} else if (f.name === 'edges') {
			const node = f.children.find((c) => c.name === 'node');
			if (node) perNode = Math.max(perNode, 1 + selectionCost(node.children, variables));
		}
	}
	return perNode;
}

/** Length of a list argument given literally (`["a", "b"]`) or as a variable holding an array. */
function listLength(raw: string | undefined, variables: Record<string, unknown>): number | undefined {
	if (raw === undefined) return undefined;
	if (raw.startsWith('$')) {
		const v = variables[raw.slice(1)];
		return Array.isArray(v) ? v.length : undefined;
	}
	if (!raw.startsWith('[')) return 1;
	const inner = tokenize(raw).filter((t) => t !== '[' && t !== ']');
	return inner.length;
}

function fieldCost(field: Field, variables: Record<string, unknown>): number {
	if (field.children.length === 0) return 0;
	const paged = 'first' in field.args || 'last' in field.args;
	const pageSize = resolveInt(field.args.first, variables) ?? resolveInt(field.args.last, variables) ?? 0;
	const isConnection = field.children.some((c) => ['nodes', 'edges', 'pageInfo'].includes(c.name));
	if (isConnection) return 2 + pageSize * connectionNodeCost(field.children, variables);
	// A plain list (e.g. Order.refunds(first:), quantities(names:)) costs size × one object.
	const size = paged ? pageSize : (listLength(field.args.names ?? field.args.ids, variables) ?? 1);
	return size * (1 + selectionCost(field.children, variables));
}

/** Requested cost of a query or mutation document with the given variables. */
export function requestedQueryCost(document: string, variables: Record<string, unknown> = {}): number {
	const tokens = tokenize(document);
	const parser = new Parser(tokens);
	let total = 0;
	while (parser.peek() !== undefined) {
		const t = parser.peek();
		if (t === '{') {
			total += selectionCost(parser.parseSelectionSet(), variables);
			continue;
		}
		if (t === 'mutation') {
			return MUTATION_COST;
		}
		if (t === 'fragment') {
			throw new Error('Named fragments are not supported by the cost calculator');
		}
		parser.next();
		if (parser.peek() === '(') parser.skipGroup('(', ')');
	}
	return total;
}

/** Headroom kept below the 1000-point limit when choosing page sizes. */
export const PAGE_COST_LIMIT = 990;

/**
 * Largest page size (≤ maxPage) whose requested cost stays within `limit`.
 * `pageVariable` is the variable holding the page size.
 */
export function largestPageSize(
	document: string,
	variables: Record<string, unknown> = {},
	{ pageVariable = 'first', maxPage = 250, limit = PAGE_COST_LIMIT } = {},
): number {
	let best = 0;
	for (let n = 1; n <= maxPage; n++) {
		if (requestedQueryCost(document, { ...variables, [pageVariable]: n }) <= limit) best = n;
		else break;
	}
	if (best === 0) throw new Error('Even one row per page exceeds the single-query cost limit');
	return best;
}
