/**
 * bulkOperationRunQuery: validate the inner query, run it in "bulk mode" (connections need no
 * first/last and return everything), flatten the result to JSONL the way Shopify does (one object per
 * line; nodes of nested connections are separate lines carrying `__parentId`), and keep the file for
 * GET /bulk-results/<id>.jsonl. Status moves CREATED → RUNNING → COMPLETED on the emulated clock.
 *
 * Like Shopify, bulkOperationRunQuery answers at once: the result is built in the background, a window
 * of the outermost connection(s) at a time (BULK_CHUNK_ROWS), yielding to the event loop between
 * windows, so the process keeps answering other requests (and the FileMaker emulator beside it) while
 * a large query runs. See pendingBulkBuild for how requests wait for it.
 */
import {
	execute,
	getNamedType,
	type GraphQLFieldResolver,
	type GraphQLResolveInfo,
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
import type { Connection } from './connection';
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
	/**
	 * false for every window after the first of a chunked build: objects outside any connection (e.g. the
	 * `location` of `location { inventoryLevels }`) were emitted with the first window; only their
	 * connections' nodes are emitted.
	 */
	emitRoots = true,
): { lines: string[]; rootCount: number } {
	const lines: string[] = [];
	let rootCount = 0;
	const emit = (obj: unknown, sel: SelectionSetNode | undefined, type: GraphQLCompositeType, parentId: unknown, isRoot = false) => {
		if (obj === null || obj === undefined) return;
		const children: Pending[] = [];
		const line = strip(w, obj, sel, type, children) as Record<string, unknown>;
		if (parentId !== undefined) line.__parentId = parentId;
		if (emitRoots || !isRoot) lines.push(JSON.stringify(line));
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
				if (emitRoots) rootCount++;
				emit(item, cf.fields[0].selectionSet, named as GraphQLCompositeType, undefined, true);
			}
		} else {
			if (emitRoots) rootCount++;
			emit(value, cf.fields[0].selectionSet, named as GraphQLCompositeType, undefined, true);
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
		_jsonl: '',
		_objectCount: 0,
		_rootObjectCount: 0,
		_apiVersion: ctx.version,
	};
	store.bulkOps.set(_id, rec);
	const build = () => buildResult(ctx, rec, { document: parsed.document, op, root, w });
	// switch bulkReadsAt 'completion': the result reflects the data when the operation completes (built on
	// the first request after completion) instead of when it started
	if (opts.readAt === 'completion')
		rec._refreshAtCompletion = () => {
			build();
			return pendingBulkBuild(rec) ?? Promise.resolve();
		};
	else build();
	return { op: rec, userErrors: [] };
}

// ---------------------------------------------------------------- background build

/** Root objects (nodes of the outermost connections) read per window before yielding to the event loop. */
export const BULK_CHUNK_ROWS = 2000;

const builds = new WeakMap<BulkOpRec, Promise<void>>();

/**
 * The build of the operation's result while it is still running in the background, else undefined.
 * The emulator awaits it in any request made once the emulated clock has passed the operation's
 * completion (the status then says COMPLETED with the whole result), and before any write, so the
 * 'start' snapshot and the 'completion' read stay exact while reads (and the FileMaker emulator) are
 * answered meanwhile.
 */
export function pendingBulkBuild(op: BulkOpRec): Promise<void> | undefined {
	return builds.get(op);
}

/** Every build of this store's operations still running (a write waits for them). */
export function pendingBulkBuilds(bulkOps: Iterable<BulkOpRec>): Promise<void>[] {
	const out: Promise<void>[] = [];
	for (const op of bulkOps) {
		const b = builds.get(op);
		if (b) out.push(b);
	}
	return out;
}

interface BuildPlan {
	document: DocumentNode;
	op: OperationDefinitionNode;
	root: GraphQLObjectType;
	w: WalkContext;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Path of a field outside every list (no numeric key), e.g. "location.inventoryLevels"; undefined inside a list. */
function outerPath(info: GraphQLResolveInfo): string | undefined {
	const keys: string[] = [];
	for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) {
		if (typeof p.key === 'number') return undefined;
		keys.push(p.key);
	}
	return keys.reverse().join('.');
}

/**
 * Builds the JSONL of a bulk query window by window: the first window runs synchronously (a small
 * result is complete when bulkOperationRunQuery answers), the rest after yielding to the event loop.
 * Each outermost connection is resolved once (its full list, in bulk mode) and then sliced; nested
 * connections return everything inside their window's nodes.
 */
function buildResult(ctx: ExecContext, rec: BulkOpRec, plan: BuildPlan): void {
	const core = ctx.core;
	const outer = new Map<string, Connection<unknown>>();
	let offset = 0;
	let more = false;
	const windowed: GraphQLFieldResolver<unknown, ExecContext> = (source, args, c, info) => {
		if (!isConnectionType(getNamedType(info.returnType))) return fieldResolver(source, args, c, info);
		const key = outerPath(info);
		if (key === undefined) return fieldResolver(source, args, c, info);
		const slice = (full: Connection<unknown> | null | undefined) => {
			if (!full || !Array.isArray(full.edges)) return full;
			outer.set(key, full);
			const end = offset + BULK_CHUNK_ROWS;
			if (full.edges.length > end) more = true;
			return { ...full, edges: full.edges.slice(offset, end), nodes: full.nodes.slice(offset, end) };
		};
		const cached = outer.get(key);
		if (cached) return slice(cached);
		const r = fieldResolver(source, args, c, info) as Connection<unknown> | Promise<Connection<unknown>> | null;
		return r instanceof Promise ? r.then(slice) : slice(r);
	};
	const chunks: string[] = [];
	let objectCount = 0;
	let rootObjectCount = 0;
	let failed: BulkOpRec['_failed'];
	const runWindow = async () => {
		more = false;
		const inner: ExecContext = { ...ctx, bulk: true, log: {}, dropData: false };
		const result = await execute({
			schema: plan.w.schema,
			document: plan.document,
			rootValue: {},
			contextValue: inner,
			fieldResolver: windowed,
			typeResolver,
		});
		if (result.errors?.length) {
			failed = result.errors.some((e) => e.extensions?.code === 'ACCESS_DENIED') ? 'ACCESS_DENIED' : 'INTERNAL_SERVER_ERROR';
			more = false;
			return;
		}
		const { lines, rootCount } = toJsonl(plan.w, (result.data ?? {}) as Record<string, unknown>, plan.op, plan.root, offset === 0);
		if (lines.length) chunks.push(`${lines.join('\n')}\n`);
		objectCount += lines.length;
		rootObjectCount += rootCount;
		offset += BULK_CHUNK_ROWS;
	};
	const gone = () => rec._canceledMs !== undefined || core.store.bulkOps.get(rec._id) !== rec;
	const finish = () => {
		rec._failed = failed;
		rec._jsonl = failed ? '' : chunks.join('');
		rec._objectCount = failed ? 0 : objectCount;
		rec._rootObjectCount = failed ? 0 : rootObjectCount;
		chunks.length = 0;
		outer.clear();
	};
	const run = async () => {
		await runWindow();
		while (more && !gone()) {
			rec._objectCount = objectCount;
			await yieldToEventLoop();
			if (gone()) break;
			await runWindow();
		}
		finish();
	};
	const started = run().finally(() => builds.delete(rec));
	builds.set(rec, started);
}
