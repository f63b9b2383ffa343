/**
 * bulkOperationRunQuery: validate the inner query, run it in "bulk mode" (connections need no
 * first/last and return everything), flatten the result to JSONL the way Shopify does (one object per
 * line; nodes of nested connections are separate lines carrying `__parentId`), and keep the file for
 * GET /bulk-results/<id>.jsonl. Status moves CREATED → RUNNING → COMPLETED on the emulated clock.
 */
import {
	execute,
	getNamedType,
	isLeafType,
	Kind,
	type DocumentNode,
	type FragmentDefinitionNode,
	type GraphQLCompositeType,
	type GraphQLObjectType,
	type OperationDefinitionNode,
	type SelectionSetNode,
} from 'graphql';
import { collectFields, fieldDef, isConnectionType, type WalkContext } from './cost';
import type { UserError } from './inventory';
import { bulkStatus, fieldResolver, typeResolver, type ExecContext } from './resolvers';
import { bulkConcurrencyLimit, getSchema, parseCached, validateCached } from './schema';
import { gid, type BulkOpRec } from './store';

export interface BulkOptions {
	durationMs: number;
	/** When the data of the result is read: 'start' (snapshot when the operation is created; default) or 'completion'. */
	readAt?: 'start' | 'completion';
}

function fragmentsOf(doc: DocumentNode): Record<string, FragmentDefinitionNode> {
	const out: Record<string, FragmentDefinitionNode> = {};
	for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) out[d.name.value] = d;
	return out;
}

/** Count connections and their nesting depth in the query. */
function connectionStats(
	w: WalkContext,
	sel: SelectionSetNode | undefined,
	type: GraphQLCompositeType,
	depth = 0,
): { count: number; maxDepth: number } {
	let count = 0;
	let maxDepth = 0;
	for (const cf of collectFields(w, sel, type).values()) {
		const def = fieldDef(cf.parentType, cf.fields[0].name.value);
		if (!def) continue;
		const named = getNamedType(def.type);
		if (isLeafType(named)) continue;
		const childSel = cf.fields[0].selectionSet;
		if (isConnectionType(named)) {
			count++;
			maxDepth = Math.max(maxDepth, depth + 1);
			const inner = nodeSelection(w, childSel, named);
			if (inner) {
				const r = connectionStats(w, inner.sel, inner.type, depth + 1);
				count += r.count;
				maxDepth = Math.max(maxDepth, r.maxDepth);
			}
		} else {
			const r = connectionStats(w, childSel, named as GraphQLCompositeType, depth);
			count += r.count;
			maxDepth = Math.max(maxDepth, r.maxDepth);
		}
	}
	return { count, maxDepth };
}

function nodeSelection(
	w: WalkContext,
	sel: SelectionSetNode | undefined,
	conn: GraphQLObjectType,
): { sel: SelectionSetNode | undefined; type: GraphQLCompositeType; edgesKey?: string; nodeKey?: string; nodesKey?: string } | undefined {
	for (const [key, cf] of collectFields(w, sel, conn)) {
		const name = cf.fields[0].name.value;
		if (name === 'nodes')
			return { sel: cf.fields[0].selectionSet, type: getNamedType(conn.getFields().nodes.type) as GraphQLCompositeType, nodesKey: key };
		if (name === 'edges') {
			const edgeType = getNamedType(conn.getFields().edges.type) as GraphQLObjectType;
			for (const [nk, ncf] of collectFields(w, cf.fields[0].selectionSet, edgeType))
				if (ncf.fields[0].name.value === 'node')
					return {
						sel: ncf.fields[0].selectionSet,
						type: getNamedType(edgeType.getFields().node.type) as GraphQLCompositeType,
						edgesKey: key,
						nodeKey: nk,
					};
		}
	}
	return undefined;
}

function connectionItems(value: Record<string, unknown>, ns: NonNullable<ReturnType<typeof nodeSelection>>): unknown[] {
	if (ns.nodesKey) return (value[ns.nodesKey] as unknown[]) ?? [];
	const edges = (value[ns.edgesKey!] as Record<string, unknown>[]) ?? [];
	return edges.map((e) => e?.[ns.nodeKey!]);
}

interface Pending {
	items: unknown[];
	sel: SelectionSetNode | undefined;
	type: GraphQLCompositeType;
}

/** Copy `value` without its connections; connection children are pushed to `children`. */
function strip(w: WalkContext, value: unknown, sel: SelectionSetNode | undefined, type: GraphQLCompositeType, children: Pending[]): unknown {
	if (value === null || typeof value !== 'object') return value;
	const src = value as Record<string, unknown>;
	const out: Record<string, unknown> = {};
	for (const [key, cf] of collectFields(w, sel, type)) {
		if (!(key in src)) continue;
		const v = src[key];
		const name = cf.fields[0].name.value;
		if (name === '__typename') {
			out[key] = v;
			continue;
		}
		const def = fieldDef(cf.parentType, name);
		if (!def) continue;
		const named = getNamedType(def.type);
		if (isLeafType(named) || v === null || v === undefined) {
			out[key] = v;
			continue;
		}
		const childSel = cf.fields[0].selectionSet;
		if (isConnectionType(named)) {
			const ns = nodeSelection(w, childSel, named);
			if (ns) children.push({ items: connectionItems(v as Record<string, unknown>, ns), sel: ns.sel, type: ns.type });
			continue;
		}
		if (Array.isArray(v)) out[key] = v.map((x) => strip(w, x, childSel, named as GraphQLCompositeType, children));
		else out[key] = strip(w, v, childSel, named as GraphQLCompositeType, children);
	}
	return out;
}

export function toJsonl(
	w: WalkContext,
	data: Record<string, unknown>,
	op: OperationDefinitionNode,
	root: GraphQLObjectType,
): { lines: string[]; rootCount: number } {
	const lines: string[] = [];
	let rootCount = 0;
	const emit = (obj: unknown, sel: SelectionSetNode | undefined, type: GraphQLCompositeType, parentId: unknown) => {
		if (obj === null || obj === undefined) return;
		const children: Pending[] = [];
		const line = strip(w, obj, sel, type, children) as Record<string, unknown>;
		if (parentId !== undefined) line.__parentId = parentId;
		lines.push(JSON.stringify(line));
		const myId = (obj as Record<string, unknown>).id;
		for (const ch of children) for (const item of ch.items) emit(item, ch.sel, ch.type, myId);
	};
	for (const [key, cf] of collectFields(w, op.selectionSet, root)) {
		const value = data[key];
		if (value === null || value === undefined) continue;
		const def = fieldDef(cf.parentType, cf.fields[0].name.value);
		if (!def) continue;
		const named = getNamedType(def.type);
		if (isLeafType(named)) continue;
		if (isConnectionType(named)) {
			const ns = nodeSelection(w, cf.fields[0].selectionSet, named);
			if (!ns) continue;
			for (const item of connectionItems(value as Record<string, unknown>, ns)) {
				rootCount++;
				emit(item, ns.sel, ns.type, undefined);
			}
		} else if (Array.isArray(value)) {
			for (const item of value) {
				rootCount++;
				emit(item, cf.fields[0].selectionSet, named as GraphQLCompositeType, undefined);
			}
		} else {
			rootCount++;
			emit(value, cf.fields[0].selectionSet, named as GraphQLCompositeType, undefined);
		}
	}
	return { lines, rootCount };
}

const invalid = (message: string): { op: null; userErrors: UserError[] } => ({
	op: null,
	userErrors: [{ field: ['query'], message, code: 'INVALID' }],
});

export async function startBulkQuery(
	ctx: ExecContext,
	query: string,
	opts: BulkOptions,
): Promise<{ op: BulkOpRec | null; userErrors: UserError[] }> {
	const core = ctx.core;
	const schema = getSchema(ctx.version);
	const parsed = parseCached(query);
	if (!parsed.ok) return invalid(`Invalid bulk query: ${parsed.errors[0].message}`);
	const verrs = validateCached(ctx.version, query, parsed.document);
	if (verrs.length) return invalid(`Invalid bulk query: ${verrs[0].message}`);
	const ops = parsed.document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
	if (ops.length !== 1) return invalid('Invalid bulk query: the query must contain exactly one operation.');
	const op = ops[0];
	if (op.operation !== 'query') return invalid('Invalid bulk query: only queries are supported by bulkOperationRunQuery. Use bulkOperationRunMutation for mutations.');
	if (op.variableDefinitions?.length) return invalid('Invalid bulk query: variables are not supported in bulk queries.');
	const root = schema.getQueryType()!;
	const w: WalkContext = { schema, fragments: fragmentsOf(parsed.document), variables: {} };
	const stats = connectionStats(w, op.selectionSet, root);
	if (stats.count === 0) return invalid("Bulk queries must contain at least one connection.");
	if (stats.count > 5) return invalid('Bulk queries cannot contain more than 5 connections.');
	if (stats.maxDepth > 2) return invalid('Bulk queries cannot contain connections with a nesting depth greater than 2.');

	const store = core.store;
	const now = core.clock.now();
	let running = 0;
	for (const b of store.bulkOps.values()) {
		const s = bulkStatus(b, now);
		if (b.type === 'QUERY' && (s === 'CREATED' || s === 'RUNNING')) running++;
	}
	const limit = bulkConcurrencyLimit(ctx.version);
	if (running >= limit) {
		return {
			op: null,
			userErrors: [
				limit === 1
					? { field: null, message: 'A bulk query operation for this app and shop is already in progress.', code: 'OPERATION_IN_PROGRESS' }
					: { field: null, message: 'Bulk operations limit reached. Please try again later.', code: 'LIMIT_REACHED' },
			],
		};
	}

	const runInner = async () => {
		const inner: ExecContext = { ...ctx, bulk: true, log: {}, dropData: false };
		const result = await execute({
			schema,
			document: parsed.document,
			rootValue: {},
			contextValue: inner,
			fieldResolver,
			typeResolver,
		});
		let failed: BulkOpRec['_failed'];
		let jsonl = '';
		let objectCount = 0;
		let rootObjectCount = 0;
		if (result.errors?.length) {
			failed = result.errors.some((e) => e.extensions?.code === 'ACCESS_DENIED') ? 'ACCESS_DENIED' : 'INTERNAL_SERVER_ERROR';
		} else {
			const { lines, rootCount } = toJsonl(w, (result.data ?? {}) as Record<string, unknown>, op, root);
			jsonl = lines.length ? `${lines.join('\n')}\n` : '';
			objectCount = lines.length;
			rootObjectCount = rootCount;
		}
		return { _failed: failed, _jsonl: jsonl, _objectCount: objectCount, _rootObjectCount: rootObjectCount };
	};
	const { _failed: failed, _jsonl: jsonl, _objectCount: objectCount, _rootObjectCount: rootObjectCount } = await runInner();
	const _id = store.next('bulk');
	const duration = Math.max(1, opts.durationMs);
	const rec: BulkOpRec = {
		__typename: 'BulkOperation',
		_id,
		id: gid('BulkOperation', _id),
		query,
		type: 'QUERY',
		createdAt: core.clock.iso(now),
		_createdMs: now,
		_runningMs: now + Math.min(50, duration / 5),
		_doneMs: now + duration,
		_failed: failed,
		_jsonl: jsonl,
		_objectCount: objectCount,
		_rootObjectCount: rootObjectCount,
		_apiVersion: ctx.version,
	};
	// switch bulkReadsAt 'completion': the result reflects the data when the operation completes (re-read on
	// the first request after completion) instead of when it started
	if (opts.readAt === 'completion')
		rec._refreshAtCompletion = async () => {
			Object.assign(rec, await runInner());
		};
	store.bulkOps.set(_id, rec);
	return { op: rec, userErrors: [] };
}
