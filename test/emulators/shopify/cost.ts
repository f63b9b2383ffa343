/**
 * Shopify's documented query cost calculation (https://shopify.dev/docs/api/usage/rate-limits):
 *   scalar / enum 0, object 1, interface/union 1, connection 2 + (first|last) × cost of one node
 *   (nested connections multiply), list of objects = size × object cost, mutation field 10.
 * `requestedCost` is static (from the document and variables); `actualCost` walks the result and
 * counts connections by the number of nodes actually returned.
 */
import {
	getArgumentValues,
	getDirectiveValues,
	getNamedType,
	GraphQLIncludeDirective,
	GraphQLSkipDirective,
	isLeafType,
	isListType,
	isNonNullType,
	isObjectType,
	Kind,
	type FieldNode,
	type FragmentDefinitionNode,
	type GraphQLCompositeType,
	type GraphQLField,
	type GraphQLNamedType,
	type GraphQLObjectType,
	type GraphQLOutputType,
	type GraphQLSchema,
	type SelectionSetNode,
} from 'graphql';

export const MUTATION_COST = 10;
export const MAX_QUERY_COST = 1000;
export const MAX_INPUT_ARRAY = 250;

export interface WalkContext {
	schema: GraphQLSchema;
	fragments: Record<string, FragmentDefinitionNode>;
	variables: Record<string, unknown>;
	/** collectFields memo (valid because variables are fixed for one walk). */
	memo?: WeakMap<SelectionSetNode, Map<string, Map<string, CollectedField>>>;
}

export interface CollectedField {
	fields: FieldNode[];
	parentType: GraphQLCompositeType;
}

export function isConnectionType(t: GraphQLNamedType): t is GraphQLObjectType {
	if (!isObjectType(t) || !t.name.endsWith('Connection')) return false;
	const f = t.getFields();
	return Boolean(f.pageInfo && (f.edges || f.nodes));
}

function included(node: FieldNode | { directives?: FieldNode['directives'] }, vars: Record<string, unknown>): boolean {
	const skip = getDirectiveValues(GraphQLSkipDirective, node as FieldNode, vars);
	if (skip?.if === true) return false;
	const inc = getDirectiveValues(GraphQLIncludeDirective, node as FieldNode, vars);
	if (inc?.if === false) return false;
	return true;
}

/** Like graphql-js collectFields, but keeps the type condition each field was selected under. */
export function collectFields(
	ctx: WalkContext,
	selectionSet: SelectionSetNode | undefined,
	parentType: GraphQLCompositeType,
): Map<string, CollectedField> {
	if (!selectionSet) return new Map();
	if (!ctx.memo) ctx.memo = new WeakMap();
	let byType = ctx.memo.get(selectionSet);
	if (!byType) {
		byType = new Map();
		ctx.memo.set(selectionSet, byType);
	}
	let hit = byType.get(parentType.name);
	if (!hit) {
		hit = collectInto(ctx, selectionSet, parentType, new Map(), new Set());
		byType.set(parentType.name, hit);
	}
	return hit;
}

function collectInto(
	ctx: WalkContext,
	selectionSet: SelectionSetNode | undefined,
	parentType: GraphQLCompositeType,
	out: Map<string, CollectedField>,
	visited: Set<string>,
): Map<string, CollectedField> {
	if (!selectionSet) return out;
	for (const sel of selectionSet.selections) {
		if (!included(sel as FieldNode, ctx.variables)) continue;
		if (sel.kind === Kind.FIELD) {
			const key = sel.alias?.value ?? sel.name.value;
			const hit = out.get(key);
			if (hit) hit.fields.push(sel);
			else out.set(key, { fields: [sel], parentType });
		} else if (sel.kind === Kind.INLINE_FRAGMENT) {
			const t = sel.typeCondition
				? (ctx.schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType | undefined)
				: parentType;
			if (t) collectInto(ctx, sel.selectionSet, t, out, visited);
		} else if (sel.kind === Kind.FRAGMENT_SPREAD) {
			const name = sel.name.value;
			if (visited.has(name)) continue;
			visited.add(name);
			const frag = ctx.fragments[name];
			if (!frag) continue;
			const t = ctx.schema.getType(frag.typeCondition.name.value) as GraphQLCompositeType | undefined;
			if (t) collectInto(ctx, frag.selectionSet, t, out, visited);
		}
	}
	return out;
}

export function fieldDef(parentType: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
	if (!('getFields' in parentType)) return undefined;
	return (parentType.getFields() as Record<string, GraphQLField<unknown, unknown>>)[name];
}

function mergedSelection(fields: FieldNode[]): SelectionSetNode | undefined {
	const sets = fields.map((f) => f.selectionSet).filter((s): s is SelectionSetNode => Boolean(s));
	if (sets.length <= 1) return sets[0];
	return { kind: Kind.SELECTION_SET, selections: sets.flatMap((s) => s.selections) };
}

export function safeArgs(def: GraphQLField<unknown, unknown>, node: FieldNode, vars: Record<string, unknown>): Record<string, unknown> {
	try {
		return getArgumentValues(def, node, vars);
	} catch {
		return {};
	}
}

function unwrapsToList(t: GraphQLOutputType): boolean {
	const inner = isNonNullType(t) ? t.ofType : t;
	return isListType(inner);
}

function listSize(args: Record<string, unknown>): number {
	for (const k of ['first', 'last']) if (typeof args[k] === 'number') return args[k] as number;
	for (const k of ['ids', 'names']) if (Array.isArray(args[k])) return (args[k] as unknown[]).length;
	return 1;
}

/** The selection set under `edges { node { … } }` and `nodes { … }` of a connection field. */
function connectionNodeSelections(
	ctx: WalkContext,
	sel: SelectionSetNode | undefined,
	connType: GraphQLObjectType,
): { via: 'edges' | 'nodes'; key: string; nodeKey?: string; selection: SelectionSetNode | undefined }[] {
	const out: { via: 'edges' | 'nodes'; key: string; nodeKey?: string; selection: SelectionSetNode | undefined }[] = [];
	for (const [key, cf] of collectFields(ctx, sel, connType)) {
		const name = cf.fields[0].name.value;
		if (name === 'nodes') out.push({ via: 'nodes', key, selection: mergedSelection(cf.fields) });
		if (name === 'edges') {
			const edgeType = getNamedType(connType.getFields().edges.type) as GraphQLObjectType;
			for (const [ek, ecf] of collectFields(ctx, mergedSelection(cf.fields), edgeType))
				if (ecf.fields[0].name.value === 'node')
					out.push({ via: 'edges', key, nodeKey: ek, selection: mergedSelection(ecf.fields) });
		}
	}
	return out;
}

function nodeTypeOf(connType: GraphQLObjectType): GraphQLCompositeType {
	const f = connType.getFields();
	const t = f.nodes ? f.nodes.type : (getNamedType(f.edges.type) as GraphQLObjectType).getFields().node.type;
	return getNamedType(t) as GraphQLCompositeType;
}

export function requestedCost(
	ctx: WalkContext,
	selectionSet: SelectionSetNode | undefined,
	parentType: GraphQLCompositeType,
	mutationRoot = false,
): number {
	let total = 0;
	for (const cf of collectFields(ctx, selectionSet, parentType).values()) {
		const node = cf.fields[0];
		const name = node.name.value;
		if (name.startsWith('__')) continue;
		if (mutationRoot) {
			total += MUTATION_COST;
			continue;
		}
		const def = fieldDef(cf.parentType, name);
		if (!def) continue;
		const named = getNamedType(def.type);
		if (isLeafType(named)) continue;
		const args = safeArgs(def, node, ctx.variables);
		const sel = mergedSelection(cf.fields);
		if (isConnectionType(named)) {
			const n = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : 0;
			const nodeType = nodeTypeOf(named);
			let per = 0;
			for (const s of connectionNodeSelections(ctx, sel, named))
				per = Math.max(per, requestedCost(ctx, s.selection, nodeType));
			total += 2 + n * (1 + per);
		} else if (unwrapsToList(def.type)) {
			total += listSize(args) * (1 + requestedCost(ctx, sel, named as GraphQLCompositeType));
		} else {
			total += 1 + requestedCost(ctx, sel, named as GraphQLCompositeType);
		}
	}
	return total;
}

export function actualCost(
	ctx: WalkContext,
	selectionSet: SelectionSetNode | undefined,
	parentType: GraphQLCompositeType,
	data: unknown,
	mutationRoot = false,
): number {
	if (data === null || typeof data !== 'object') return 0;
	const obj = data as Record<string, unknown>;
	let total = 0;
	for (const [key, cf] of collectFields(ctx, selectionSet, parentType)) {
		const name = cf.fields[0].name.value;
		if (name.startsWith('__')) continue;
		if (mutationRoot) {
			if (key in obj) total += MUTATION_COST;
			continue;
		}
		const value = obj[key];
		if (value === null || value === undefined) continue;
		const def = fieldDef(cf.parentType, name);
		if (!def) continue;
		const named = getNamedType(def.type);
		if (isLeafType(named)) continue;
		const sel = mergedSelection(cf.fields);
		if (isConnectionType(named)) {
			const nodeType = nodeTypeOf(named);
			const conn = value as Record<string, unknown>;
			const selections = connectionNodeSelections(ctx, sel, named);
			let sum = 0;
			let counted = false;
			for (const s of selections) {
				const raw = conn[s.key];
				if (!Array.isArray(raw)) continue;
				const items = s.via === 'edges' ? raw.map((e) => (e as Record<string, unknown> | null)?.[s.nodeKey!]) : raw;
				let part = 0;
				for (const it of items) if (it !== null && it !== undefined) part += 1 + actualCost(ctx, s.selection, nodeType, it);
				if (!counted || part > sum) sum = part;
				counted = true;
			}
			total += 2 + sum;
		} else if (Array.isArray(value)) {
			for (const it of value) if (it !== null && it !== undefined) total += 1 + actualCost(ctx, sel, named as GraphQLCompositeType, it);
		} else {
			total += 1 + actualCost(ctx, sel, named as GraphQLCompositeType, value);
		}
	}
	return total;
}

export interface OversizedInput {
	path: string[];
	size: number;
	node: FieldNode;
}

function scanArrays(value: unknown, path: string[], out: { path: string[]; size: number }[]): void {
	if (Array.isArray(value)) {
		if (value.length > MAX_INPUT_ARRAY) out.push({ path, size: value.length });
		value.forEach((v, i) => scanArrays(v, [...path, String(i)], out));
	} else if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) scanArrays(v, [...path, k], out);
	}
}

/** Find the first input array argument with more than 250 entries (Shopify: MAX_INPUT_SIZE_EXCEEDED). */
export function findOversizedInput(
	ctx: WalkContext,
	selectionSet: SelectionSetNode | undefined,
	parentType: GraphQLCompositeType,
	path: string[] = [],
): OversizedInput | undefined {
	for (const [key, cf] of collectFields(ctx, selectionSet, parentType)) {
		const node = cf.fields[0];
		const def = fieldDef(cf.parentType, node.name.value);
		if (!def) continue;
		if (def.args.length) {
			const found: { path: string[]; size: number }[] = [];
			scanArrays(safeArgs(def, node, ctx.variables), [...path, key], found);
			if (found.length) return { ...found[0], node };
		}
		const named = getNamedType(def.type);
		if (!isLeafType(named)) {
			const r = findOversizedInput(ctx, mergedSelection(cf.fields), named as GraphQLCompositeType, [...path, key]);
			if (r) return r;
		}
	}
	return undefined;
}
