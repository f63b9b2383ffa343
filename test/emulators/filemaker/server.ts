/**
 * FileMaker Data API emulator: a node:http server on loopback that speaks the Claris FileMaker
 * Data API (v1 / v2 / vLatest) closely enough to test clients against it. See README.md.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { compileCriterion, type CompiledCriterion } from './find';
import { sortRecords, Table, type Rec, type SortSpec } from './store';
import type {
	FileMakerEmulator,
	FileMakerEmulatorOptions,
	FileMakerFault,
	FileMakerFieldDef,
	FileMakerLayoutDef,
	FileMakerRawRecord,
	FileMakerRequestHook,
	FileMakerRequestInfo,
	FileMakerRequestLogEntry,
	FileMakerStats,
} from './types';
import {
	FmError,
	formatMoment,
	normaliseInput,
	normaliseSeed,
	rawValue,
	serialiseValue,
	wallClockOf,
	type StoredValue,
} from './values';

export const DEFAULT_LAYOUTS: Record<string, FileMakerLayoutDef> = {
	Stock: {
		table: 'Stock',
		fields: [
			{ name: 'SKU', type: 'text', unique: true },
			{ name: 'Quantity', type: 'number' },
			{ name: 'AppliedKeys', type: 'text' },
			{ name: 'Name', type: 'text' },
			{ name: 'ModifiedAt', type: 'timestamp', autoEnter: 'modificationTimestamp' },
			// Commit point of an event batch: the batch id and the recordIds of its movement rows.
			{ name: 'LastBatch', type: 'text' },
		],
	},
	// The stock-event store: one row per stock event, stored first, applied to Stock later.
	StockMovements: {
		table: 'StockMovements',
		fields: [
			{ name: 'SKU', type: 'text' },
			{ name: 'Change', type: 'number' },
			{ name: 'QuantityAfter', type: 'number' },
			{ name: 'Reason', type: 'text' },
			{ name: 'Reference', type: 'text' },
			{ name: 'Source', type: 'text' },
			{ name: 'CreatedAt', type: 'timestamp', autoEnter: 'creationTimestamp' },
			// Validation "Unique value", validate always: FileMaker refuses a second event with the same key (504).
			{ name: 'EventKey', type: 'text', unique: true },
			{ name: 'Serial', type: 'number', autoEnter: 'serial' },
			{ name: 'SetTo', type: 'number' },
			{ name: 'AppliedBatch', type: 'text' },
		],
	},
};

/**
 * Several locations: Stock and StockMovements with a `Location` text field; a SKU is unique per
 * location only (FileMaker cannot validate a pair as unique, so SKU is not unique here).
 */
export const MULTI_LOCATION_LAYOUTS: Record<string, FileMakerLayoutDef> = {
	...DEFAULT_LAYOUTS,
	Stock: {
		...DEFAULT_LAYOUTS.Stock,
		fields: [...DEFAULT_LAYOUTS.Stock.fields.map((f) => (f.name === 'SKU' ? { ...f, unique: false } : f)), { name: 'Location', type: 'text' }],
	},
	StockMovements: {
		...DEFAULT_LAYOUTS.StockMovements,
		fields: [...DEFAULT_LAYOUTS.StockMovements.fields, { name: 'Location', type: 'text' }],
	},
};

const DEFAULT_LAYOUT_FOLDERS: Record<string, string[]> = { Sync: ['StockMovements'] };
const VERSIONS = new Set(['v1', 'v2', 'vLatest']);
const OK = [{ code: '0', message: 'OK' }];

interface Session {
	token: string;
	db: string;
	user: string;
	createdAt: number;
	lastUsed: number;
}

interface LayoutRt {
	name: string;
	table: Table;
	fields: FileMakerFieldDef[];
	fieldMap: Map<string, FileMakerFieldDef>;
}

interface Reply {
	status: number;
	body: Record<string, unknown>;
	headers?: Record<string, string>;
	token?: string;
	/** Injected: send this text instead of the JSON body. */
	rawBody?: string;
	rawContentType?: string;
	/** Injected: close the connection without an answer. */
	drop?: boolean;
}

/** A fault or hook as stored: its condition, phase and remaining counts. */
interface Triggered {
	when?: FileMakerRequestHook['when'];
	phase?: 'before' | 'after';
	remaining: number;
	toSkip: number;
}

function faultReply(f: FileMakerFault): Reply {
	if (f.dropConnection) return { status: 0, body: {}, drop: true };
	const status = f.httpStatus ?? 500;
	if (f.rawBody !== undefined) {
		return { status, body: {}, rawBody: f.rawBody, rawContentType: f.rawContentType };
	}
	return {
		status,
		body: { response: {}, messages: [{ code: f.code ?? '-1', message: f.message ?? 'Injected fault' }] },
	};
}

function replyCode(r: Reply): { status: number; code: string } {
	const messages = r.body.messages as { code: string }[] | undefined;
	return { status: r.status, code: messages?.[0]?.code ?? '' };
}

interface Ctx {
	method: string;
	path: string;
	query: URLSearchParams;
	headers: http.IncomingHttpHeaders;
	raw: string;
	body: unknown; // parsed JSON, the raw string if it is not JSON, undefined if empty
	bodyError: boolean;
	token?: string;
}

type ResolvedOptions = Required<
	Pick<
		FileMakerEmulatorOptions,
		| 'host'
		| 'port'
		| 'database'
		| 'accounts'
		| 'layouts'
		| 'scripts'
		| 'numbersAsStrings'
		| 'idleTimeoutMs'
		| 'sessionCap'
		| 'sessionCapHttpStatus'
		| 'sessionCapCode'
		| 'requireLoginBody'
		| 'emptyPageAs401'
		| 'strictDatabaseCase'
		| 'layoutFolders'
		| 'scriptFolders'
		| 'otherDatabases'
		| 'now'
		| 'textCollation'
		| 'exactMatchTrailingSpaces'
	>
> & { latencyMs: FileMakerEmulatorOptions['latencyMs']; clarisId?: FileMakerEmulatorOptions['clarisId'] };

function resolveOptions(o: FileMakerEmulatorOptions): ResolvedOptions {
	return {
		host: o.host ?? '127.0.0.1',
		port: o.port ?? 0,
		database: o.database ?? 'Inventory',
		accounts: o.accounts ?? [{ username: 'admin', password: 'secret' }],
		layouts: o.layouts ?? DEFAULT_LAYOUTS,
		scripts: o.scripts ?? {},
		numbersAsStrings: o.numbersAsStrings ?? false,
		idleTimeoutMs: o.idleTimeoutMs ?? 15 * 60 * 1000,
		sessionCap: o.sessionCap ?? Infinity,
		sessionCapHttpStatus: o.sessionCapHttpStatus ?? 500,
		sessionCapCode: o.sessionCapCode ?? '812',
		requireLoginBody: o.requireLoginBody ?? true,
		emptyPageAs401: o.emptyPageAs401 ?? true,
		strictDatabaseCase: o.strictDatabaseCase ?? true,
		layoutFolders:
			o.layoutFolders ?? (o.layouts && o.layouts !== DEFAULT_LAYOUTS ? {} : DEFAULT_LAYOUT_FOLDERS),
		scriptFolders: o.scriptFolders ?? {},
		otherDatabases: o.otherDatabases ?? [],
		now: o.now ?? Date.now,
		textCollation: o.textCollation ?? 'default',
		exactMatchTrailingSpaces: o.exactMatchTrailingSpaces ?? 'significant',
		latencyMs: o.latencyMs,
		clarisId: o.clarisId,
	};
}

const SCRIPT_KEYS = [
	'script',
	'script.param',
	'script.prerequest',
	'script.prerequest.param',
	'script.presort',
	'script.presort.param',
];

const ok = (response: Record<string, unknown>, headers?: Record<string, string>): Reply => ({
	status: 200,
	body: { response, messages: OK },
	headers,
});

function fmErr(code: string, message: string, status = 500): FmError {
	return new FmError(code, message, status);
}

const err3 = (status = 404) => fmErr('3', 'Command is unavailable', status);
const paramInvalid = (what: string) => fmErr('960', `Parameter is invalid: ${what}`, 500);
const required = (name: string) =>
	fmErr('10', `Request validation failed: Parameter (${name}) is required`, 400);

class Emulator implements FileMakerEmulator {
	url = '';
	port = 0;
	database: string;
	readonly requestLog: FileMakerRequestLogEntry[] = [];
	readonly stats: FileMakerStats;

	private opts: ResolvedOptions;
	private tables = new Map<string, Table>();
	private layouts = new Map<string, LayoutRt>();
	private sessions = new Map<string, Session>();
	private faults: (FileMakerFault & { remaining: number; toSkip: number })[] = [];
	private hooks: (FileMakerRequestHook & { remaining: number; toSkip: number })[] = [];
	/** Emulated clock: frozen at `manualNow` when set, else the `now` option plus `clockOffset`. */
	private manualNow: number | undefined;
	private clockOffset = 0;
	private server: http.Server;
	private closed = false;
	private counters = { logins: 0, logouts: 0, maxActiveSessions: 0, failedLogins: 0 };

	constructor(options: FileMakerEmulatorOptions) {
		this.opts = resolveOptions(options);
		this.database = this.opts.database;
		this.buildSchema();
		const counters = this.counters;
		const activeSessionCount = () => this.activeSessionCount();
		this.stats = {
			get logins() {
				return counters.logins;
			},
			get logouts() {
				return counters.logouts;
			},
			get activeSessions() {
				return activeSessionCount();
			},
			get maxActiveSessions() {
				return counters.maxActiveSessions;
			},
			get failedLogins() {
				return counters.failedLogins;
			},
		} as FileMakerStats;
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((e: unknown) => {
				if (!res.headersSent && !res.destroyed) {
					res.statusCode = 500;
					res.setHeader('Content-Type', 'application/json; charset=utf-8');
					res.end(
						JSON.stringify({
							response: {},
							messages: [{ code: '-1', message: `Emulator failure: ${(e as Error).message}` }],
						}),
					);
				}
			});
		});
		this.server.keepAliveTimeout = 5000;
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.opts.port, this.opts.host, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		const addr = this.server.address() as AddressInfo;
		this.port = addr.port;
		const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
		this.url = `http://${host}:${this.port}`;
	}

	// ---------------------------------------------------------------- public API

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	seed(layout: string, rows: Record<string, unknown>[]): void {
		const l = this.layouts.get(layout);
		if (!l) throw new Error(`seed: unknown layout "${layout}"`);
		const table = l.table;
		const ts = this.nowWall();
		for (const row of rows) {
			const values: Record<string, StoredValue> = {};
			for (const [k, v] of Object.entries(row)) {
				const f = l.fieldMap.get(k);
				if (!f) throw new Error(`seed: field "${k}" is not on layout "${layout}"`);
				values[k] = normaliseSeed(f, v);
			}
			for (const f of table.fields.values()) {
				if (f.name in values) {
					if (f.autoEnter === 'serial' && typeof values[f.name] === 'number') {
						const n = values[f.name] as number;
						if (n > (table.serials.get(f.name) ?? 0)) table.serials.set(f.name, Math.floor(n));
					}
					continue;
				}
				if (f.autoEnter === 'creationTimestamp' || f.autoEnter === 'modificationTimestamp') values[f.name] = ts;
			}
			try {
				table.checkUnique(values);
			} catch {
				throw new Error(`seed: a unique field of "${layout}" would be duplicated by ${JSON.stringify(row)}`);
			}
			for (const f of table.fields.values()) {
				if (f.autoEnter === 'serial' && !(f.name in values)) values[f.name] = table.nextSerial(f.name);
			}
			table.insert(values);
		}
	}

	records(layout: string): FileMakerRawRecord[] {
		const l = this.layouts.get(layout);
		if (!l) throw new Error(`records: unknown layout "${layout}"`);
		return l.table.order.map((r) => {
			const fieldData: Record<string, unknown> = {};
			for (const f of l.fields) fieldData[f.name] = rawValue(f.type, r.values[f.name] ?? '');
			return { recordId: String(r.id), modId: String(r.modId), fieldData };
		});
	}

	setOptions(patch: Partial<FileMakerEmulatorOptions>): void {
		const { layouts, database, host: _host, port: _port, ...rest } = patch;
		void _host;
		void _port;
		const defaults = resolveOptions({ layouts: this.opts.layouts }) as unknown as Record<string, unknown>;
		const target = this.opts as unknown as Record<string, unknown>;
		// A key given as undefined goes back to its default.
		for (const [k, v] of Object.entries(rest)) target[k] = v === undefined ? defaults[k] : v;
		if ('now' in rest) {
			this.manualNow = undefined;
			this.clockOffset = 0;
		}
		if ('textCollation' in rest || 'exactMatchTrailingSpaces' in rest) this.applyTextMatch();
		if (database !== undefined) {
			this.opts.database = database;
			this.database = database;
		}
		if (layouts !== undefined) {
			this.opts.layouts = layouts;
			this.buildSchema();
		}
	}

	injectFault(f: FileMakerFault): void {
		if (!f.dropConnection && (f.httpStatus === undefined || (f.code === undefined && f.rawBody === undefined))) {
			throw new Error('injectFault: give httpStatus and code (or rawBody), or dropConnection');
		}
		this.faults.push({ ...f, remaining: f.times ?? 1, toSkip: f.skip ?? 0 });
	}

	onRequest(hook: FileMakerRequestHook): () => void {
		const entry = { ...hook, remaining: hook.times ?? Infinity, toSkip: hook.skip ?? 0 };
		this.hooks.push(entry);
		return () => {
			const i = this.hooks.indexOf(entry);
			if (i >= 0) this.hooks.splice(i, 1);
		};
	}

	now(): number {
		return this.manualNow ?? this.opts.now() + this.clockOffset;
	}

	setNow(at: number | Date): void {
		this.manualNow = typeof at === 'number' ? at : at.getTime();
	}

	advance(ms: number): void {
		if (this.manualNow !== undefined) this.manualNow += ms;
		else this.clockOffset += ms;
	}

	timestampOf(at?: number | Date): string {
		const ms = at === undefined ? this.now() : typeof at === 'number' ? at : at.getTime();
		const w = wallClockOf(new Date(ms));
		return formatMoment(w - (w % 1000), 'timestamp', false);
	}

	lockRecord(layout: string, recordId: string, forMs: number): void {
		const l = this.layouts.get(layout);
		if (!l) throw new Error(`lockRecord: unknown layout "${layout}"`);
		const id = Number(recordId);
		if (!l.table.byId.has(id)) throw new Error(`lockRecord: no record ${recordId} in "${layout}"`);
		l.table.locks.set(id, this.now() + forMs);
	}

	expireAllSessions(): void {
		this.sessions.clear();
	}

	reset(): void {
		for (const t of this.tables.values()) t.clear();
		this.requestLog.length = 0;
		this.counters.logins = 0;
		this.counters.logouts = 0;
		this.counters.maxActiveSessions = 0;
		this.counters.failedLogins = 0;
		this.sessions.clear();
		this.faults = [];
		this.hooks = [];
	}

	// ---------------------------------------------------------------- schema

	private buildSchema(): void {
		const oldTables = this.tables;
		this.tables = new Map();
		this.layouts = new Map();
		for (const [name, def] of Object.entries(this.opts.layouts)) {
			const tableName = def.table ?? name;
			let table = this.tables.get(tableName);
			if (!table) {
				table = oldTables.get(tableName) ?? new Table(tableName);
				this.tables.set(tableName, table);
			}
			for (const f of def.fields) table.addField(f);
			const fields = def.fields.map((f) => table.fields.get(f.name) as FileMakerFieldDef);
			this.layouts.set(name, { name, table, fields, fieldMap: new Map(fields.map((f) => [f.name, f])) });
		}
		this.applyTextMatch();
	}

	/** Sets each text field's comparison rule (index language, trailing spaces) and rebuilds indexes. */
	private applyTextMatch(): void {
		const trim = this.opts.exactMatchTrailingSpaces === 'ignored';
		for (const t of this.tables.values()) {
			t.textMatch.clear();
			for (const f of t.fields.values()) {
				if (f.type !== 'text') continue;
				const unicode = (f.collation ?? this.opts.textCollation) === 'unicode';
				t.textMatch.set(f.name, { caseSensitive: unicode, trimTrailingSpaces: trim });
			}
			t.rebuildIndexes();
		}
	}

	// ---------------------------------------------------------------- sessions

	private activeSessionCount(): number {
		this.pruneSessions();
		return this.sessions.size;
	}

	private pruneSessions(): void {
		const now = this.now();
		for (const [token, s] of this.sessions) {
			if (now - s.lastUsed > this.opts.idleTimeoutMs) this.sessions.delete(token);
		}
	}

	private nowWall(): number {
		const w = wallClockOf(new Date(this.now()));
		return w - (w % 1000); // Get(CurrentTimestamp) has whole seconds
	}

	private dbMatches(urlDb: string, sessionDb: string): boolean {
		return this.opts.strictDatabaseCase ? urlDb === sessionDb : urlDb.toLowerCase() === sessionDb.toLowerCase();
	}

	private authenticate(ctx: Ctx, db: string | undefined): Session {
		const h = ctx.headers.authorization;
		// Claris: HTTP 401 when "the access token is not specified or it is not valid".
		if (!h || h.trim() === '') throw fmErr('10', 'Request validation failed: Parameter (Authorization) is required', 401);
		const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
		if (!m) throw fmErr('952', 'Invalid FileMaker Data API token (*)', 401);
		const token = m[1];
		ctx.token = token;
		const s = this.sessions.get(token);
		const now = this.now();
		if (!s) throw fmErr('952', 'Invalid FileMaker Data API token (*)', 401);
		if (now - s.lastUsed > this.opts.idleTimeoutMs) {
			this.sessions.delete(token);
			throw fmErr('952', 'Invalid FileMaker Data API token (*)', 401);
		}
		if (db !== undefined && !this.dbMatches(db, s.db)) {
			throw fmErr('952', 'Invalid FileMaker Data API token (*)', 401);
		}
		s.lastUsed = now;
		return s;
	}

	private basicCredentials(ctx: Ctx): { username: string; password: string } {
		const h = ctx.headers.authorization;
		if (!h || h.trim() === '') {
			throw fmErr('10', 'HTTP Authorization header or OAuth headers are missing.', 401);
		}
		const m = /^Basic\s+(\S+)\s*$/i.exec(h);
		if (!m) throw fmErr('212', 'Invalid user account and/or password; please try again', 401);
		const decoded = Buffer.from(m[1], 'base64').toString('utf8');
		const i = decoded.indexOf(':');
		if (i < 0) throw fmErr('212', 'Invalid user account and/or password; please try again', 401);
		return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
	}

	private checkAccount(c: { username: string; password: string }): void {
		// FileMaker account names are case-insensitive, passwords case-sensitive.
		const found = this.opts.accounts.some(
			(a) => a.username.toLowerCase() === c.username.toLowerCase() && a.password === c.password,
		);
		if (!found) throw fmErr('212', 'Invalid user account and/or password; please try again', 401);
	}

	/** The Claris ID (email) of a valid FMID token with an account in the file, else 212 (assumed code). */
	private checkClarisId(idToken: string): string {
		const claims = this.opts.clarisId?.verifyIdToken(idToken, this.now());
		const email = claims?.email.toLowerCase();
		if (email === undefined || !this.opts.clarisId?.accounts.some((a) => a.toLowerCase() === email)) {
			throw fmErr('212', 'Invalid user account and/or password; please try again', 401);
		}
		return email;
	}

	// ---------------------------------------------------------------- HTTP plumbing

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const at = Date.now();
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		const raw = Buffer.concat(chunks).toString('utf8');

		const u = new URL(req.url ?? '/', 'http://localhost');
		let path = u.pathname;
		try {
			path = decodeURIComponent(u.pathname);
		} catch {
			/* keep raw */
		}
		let body: unknown;
		let bodyError = false;
		if (raw.trim() !== '') {
			try {
				body = JSON.parse(raw);
			} catch {
				body = raw;
				bodyError = true;
			}
		}
		const ctx: Ctx = {
			method: (req.method ?? 'GET').toUpperCase(),
			path,
			query: u.searchParams,
			headers: req.headers,
			raw,
			body,
			bodyError,
		};
		const bearer = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '');
		if (bearer) ctx.token = bearer[1];
		const info: FileMakerRequestInfo = { method: ctx.method, path, body };

		await this.delay(info);
		if (this.closed || res.destroyed) return;
		for (const hook of this.takeMatching(this.hooks, info, 'before', false)) await hook.action({ ...info });
		if (this.closed || res.destroyed) return;

		let reply: Reply;
		const before = this.takeMatching(this.faults, info, 'before', true)[0];
		if (before) {
			reply = faultReply(before);
		} else {
			try {
				reply = this.route(ctx, u.pathname);
			} catch (e) {
				if (e instanceof FmError) {
					reply = { status: e.httpStatus, body: { response: e.response, messages: [{ code: e.code, message: e.message }] } };
				} else {
					reply = {
						status: 500,
						body: { response: {}, messages: [{ code: '-1', message: `Unknown error: ${(e as Error).message}` }] },
					};
				}
			}
		}
		if (!before) {
			const processed = replyCode(reply);
			const after = this.takeMatching(this.faults, info, 'after', true)[0];
			if (after) reply = faultReply(after);
			for (const hook of this.takeMatching(this.hooks, info, 'after', false)) {
				await hook.action({ ...info, status: processed.status, code: processed.code });
			}
		}
		const sent = replyCode(reply);
		this.requestLog.push({
			method: ctx.method,
			path,
			status: sent.status,
			code: sent.code,
			at,
			...(reply.token ?? ctx.token ? { sessionToken: reply.token ?? ctx.token } : {}),
		});
		if (res.destroyed) return;
		if (reply.drop) {
			res.socket?.destroy();
			res.destroy();
			return;
		}
		const text = reply.rawBody ?? JSON.stringify(reply.body);
		res.statusCode = reply.status;
		res.setHeader('Content-Type', reply.rawBody !== undefined ? reply.rawContentType ?? 'text/html' : 'application/json; charset=utf-8');
		res.setHeader('Content-Length', Buffer.byteLength(text));
		for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
		res.end(text);
	}

	private delay(info: FileMakerRequestInfo): Promise<void> {
		const l = this.opts.latencyMs;
		if (l === undefined) return Promise.resolve();
		const ms =
			typeof l === 'function'
				? l(info)
				: typeof l === 'number'
					? l
					: l.min + Math.random() * Math.max(0, l.max - l.min);
		if (!(ms > 0)) return Promise.resolve();
		return new Promise((r) => setTimeout(r, ms));
	}

	/**
	 * Faults or hooks of one phase that match a request, counting `skip` and `times` (a fault fires at
	 * most once per request: the caller takes the first).
	 */
	private takeMatching<T extends Triggered>(
		list: T[],
		info: FileMakerRequestInfo,
		phase: 'before' | 'after',
		onlyFirst: boolean,
	): T[] {
		const out: T[] = [];
		for (const item of [...list]) {
			if ((item.phase ?? 'before') !== phase) continue;
			let hit = true;
			if (item.when) {
				try {
					hit = item.when(info);
				} catch {
					hit = false;
				}
			}
			if (!hit) continue;
			if (item.toSkip > 0) {
				item.toSkip--;
				continue;
			}
			item.remaining--;
			if (item.remaining <= 0) list.splice(list.indexOf(item), 1);
			out.push(item);
			if (onlyFirst) break;
		}
		return out;
	}

	// ---------------------------------------------------------------- routing

	private route(ctx: Ctx, rawPathname: string): Reply {
		const segs = rawPathname.split('/').filter((s) => s.length > 0).map(safeDecode);
		if (segs[0] !== 'fmi' || segs[1] !== 'data' || !VERSIONS.has(segs[2] ?? '')) throw err3();
		const r = segs.slice(3);
		const m = ctx.method;
		const allow = (...methods: string[]) => {
			if (!methods.includes(m)) throw err3(405);
		};

		if (r.length === 1 && r[0] === 'productInfo') {
			allow('GET');
			return this.productInfo();
		}
		if (r.length === 1 && r[0] === 'databases') {
			allow('GET');
			return this.databasesList(ctx);
		}
		if (r.length === 1 && r[0] === 'validateSession') {
			allow('GET');
			this.authenticate(ctx, undefined);
			return ok({});
		}
		if (r[0] !== 'databases' || r.length < 3) throw err3();
		const db = r[1];
		const rest = r.slice(2);

		if (rest[0] === 'sessions') {
			if (rest.length === 1) {
				allow('POST');
				return this.login(ctx, db);
			}
			if (rest.length === 2) {
				allow('DELETE');
				return this.logout(ctx, db, rest[1]);
			}
			throw err3();
		}
		if (rest.length === 1 && rest[0] === 'layouts') {
			allow('GET');
			this.authenticate(ctx, db);
			return this.layoutsList();
		}
		if (rest.length === 1 && rest[0] === 'scripts') {
			allow('GET');
			this.authenticate(ctx, db);
			return this.scriptsList();
		}
		if (rest.length === 1 && rest[0] === 'globals') {
			allow('PATCH');
			this.requireJson(ctx);
			this.authenticate(ctx, db);
			return this.setGlobals(ctx);
		}
		if (rest[0] !== 'layouts' || rest.length < 2) throw err3();
		const layoutName = rest[1];
		const tail = rest.slice(2);

		if (tail.length === 0) {
			allow('GET');
			this.authenticate(ctx, db);
			return this.layoutMetadata(layoutName);
		}
		if (tail[0] === 'records' && tail.length === 1) {
			allow('GET', 'POST');
			if (m === 'POST') this.requireJson(ctx);
			this.authenticate(ctx, db);
			return m === 'GET' ? this.getRange(ctx, layoutName) : this.createRecord(ctx, layoutName);
		}
		if (tail[0] === 'records' && tail.length === 2) {
			allow('GET', 'PATCH', 'DELETE', 'POST');
			if (m === 'PATCH') this.requireJson(ctx);
			this.authenticate(ctx, db);
			const id = tail[1];
			if (m === 'GET') return this.getRecord(ctx, layoutName, id);
			if (m === 'PATCH') return this.editRecord(ctx, layoutName, id);
			if (m === 'DELETE') return this.deleteRecord(ctx, layoutName, id);
			return this.duplicateRecord(ctx, layoutName, id);
		}
		if (tail[0] === '_find' && tail.length === 1) {
			allow('POST');
			this.requireJson(ctx);
			this.authenticate(ctx, db);
			return this.find(ctx, layoutName);
		}
		if (tail[0] === 'script' && tail.length === 2) {
			allow('GET');
			this.authenticate(ctx, db);
			return this.runScriptEndpoint(ctx, layoutName, tail[1]);
		}
		throw err3();
	}

	private requireJson(ctx: Ctx): void {
		const ct = String(ctx.headers['content-type'] ?? '').toLowerCase();
		if (!/^application\/json\s*(;|$)/.test(ct)) {
			throw fmErr('415', 'Unsupported Media Type: the request needs "Content-Type: application/json"', 415);
		}
		if (ctx.bodyError) throw fmErr('960', 'Parameter is invalid: the request body is not valid JSON', 400);
	}

	/** Body as an object (for POST/PATCH). Missing body → {}. */
	private bodyObject(ctx: Ctx): Record<string, unknown> {
		if (ctx.body === undefined) return {};
		if (typeof ctx.body !== 'object' || ctx.body === null || Array.isArray(ctx.body)) {
			throw fmErr('960', 'Parameter is invalid: the request body must be a JSON object', 400);
		}
		return ctx.body as Record<string, unknown>;
	}

	// ---------------------------------------------------------------- endpoints: server / session

	private productInfo(): Reply {
		return ok({
			productInfo: {
				name: 'FileMaker Data API Engine',
				buildDate: '11/01/2026',
				version: '22.0.1.68',
				dateFormat: 'MM/dd/yyyy',
				timeFormat: 'HH:mm:ss',
				timeStampFormat: 'MM/dd/yyyy HH:mm:ss',
			},
		});
	}

	private databasesList(ctx: Ctx): Reply {
		const c = this.basicCredentials(ctx);
		this.checkAccount(c);
		return ok({ databases: [this.database, ...this.opts.otherDatabases].map((name) => ({ name })) });
	}

	private login(ctx: Ctx, db: string): Reply {
		try {
			// A lenient server (requireLoginBody off) accepts a login with no body at all, and then no
			// Content-Type either; a body that is sent must still be JSON.
			if (this.opts.requireLoginBody || ctx.body !== undefined || ctx.bodyError) this.requireJson(ctx);
			if (this.opts.requireLoginBody && ctx.body === undefined) {
				throw fmErr('960', 'Parameter is invalid: the login request needs a JSON body, e.g. {}', 400);
			}
			if (ctx.body !== undefined) this.bodyObject(ctx);
			// FileMaker Cloud: `FMID <Claris ID token>` instead of Basic (see the clarisId option).
			const fmid = /^FMID\s+(\S+)\s*$/i.exec(ctx.headers.authorization ?? '');
			const creds = fmid ? { username: '', password: '' } : this.basicCredentials(ctx);
			if (db.toLowerCase() !== this.database.toLowerCase()) throw fmErr('802', 'Unable to open file', 500);
			if (fmid) creds.username = this.checkClarisId(fmid[1]);
			else this.checkAccount(creds);
			this.pruneSessions();
			if (this.sessions.size >= this.opts.sessionCap) {
				throw fmErr(
					this.opts.sessionCapCode,
					this.opts.sessionCapCode === '956'
						? 'Maximum number of database sessions exceeded'
						: "Exceeded host's capacity",
					this.opts.sessionCapHttpStatus,
				);
			}
			const token = randomBytes(26).toString('hex');
			const now = this.now();
			this.sessions.set(token, { token, db, user: creds.username, createdAt: now, lastUsed: now });
			this.counters.logins++;
			if (this.sessions.size > this.counters.maxActiveSessions) this.counters.maxActiveSessions = this.sessions.size;
			return { ...ok({ token }, { 'X-FM-Data-Access-Token': token }), token };
		} catch (e) {
			this.counters.failedLogins++;
			throw e;
		}
	}

	private logout(ctx: Ctx, db: string, token: string): Reply {
		ctx.token = token;
		const s = this.sessions.get(token);
		const now = this.now();
		if (!s || now - s.lastUsed > this.opts.idleTimeoutMs || !this.dbMatches(db, s.db)) {
			if (s && now - s.lastUsed > this.opts.idleTimeoutMs) this.sessions.delete(token);
			throw fmErr('952', 'Invalid FileMaker Data API token (*)', 401);
		}
		this.sessions.delete(token);
		this.counters.logouts++;
		return ok({});
	}

	// ---------------------------------------------------------------- endpoints: metadata

	private layoutsList(): Reply {
		const inFolder = new Set<string>();
		const folders = this.opts.layoutFolders;
		for (const names of Object.values(folders)) for (const n of names) inFolder.add(n);
		const layouts: Record<string, unknown>[] = [];
		for (const name of this.layouts.keys()) if (!inFolder.has(name)) layouts.push({ name });
		for (const [folder, names] of Object.entries(folders)) {
			layouts.push({
				name: folder,
				isFolder: true,
				folderLayoutNames: names.filter((n) => this.layouts.has(n)).map((n) => ({ name: n })),
			});
		}
		return ok({ layouts });
	}

	private scriptsList(): Reply {
		const inFolder = new Set<string>();
		const folders = this.opts.scriptFolders;
		for (const names of Object.values(folders)) for (const n of names) inFolder.add(n);
		const scripts: Record<string, unknown>[] = [];
		for (const name of Object.keys(this.opts.scripts)) if (!inFolder.has(name)) scripts.push({ name, isFolder: false });
		for (const [folder, names] of Object.entries(folders)) {
			scripts.push({
				name: folder,
				isFolder: true,
				folderScriptNames: names.map((n) => ({ name: n, isFolder: false })),
			});
		}
		return ok({ scripts });
	}

	private layoutMetadata(layoutName: string): Reply {
		const l = this.layout(layoutName);
		const resultType = { text: 'text', number: 'number', timestamp: 'timeStamp', date: 'date' } as const;
		return ok({
			fieldMetaData: l.fields.map((f) => ({
				name: f.name,
				type: 'normal',
				displayType: 'editText',
				result: resultType[f.type],
				global: false,
				autoEnter: f.autoEnter !== undefined,
				fourDigitYear: false,
				maxRepeat: 1,
				maxCharacters: 0,
				notEmpty: f.notEmpty === true,
				numeric: f.strictNumeric === true,
				timeOfDay: false,
				repetitionStart: 1,
				repetitionEnd: 1,
			})),
			portalMetaData: {},
		});
	}

	private setGlobals(ctx: Ctx): Reply {
		const body = this.bodyObject(ctx);
		const g = body.globalFields;
		if (g === undefined) throw required('globalFields');
		if (typeof g !== 'object' || g === null) throw paramInvalid('globalFields');
		// The emulated layouts define no global fields.
		if (Object.keys(g).length > 0) throw fmErr('102', 'Field is missing');
		return ok({});
	}

	// ---------------------------------------------------------------- endpoints: records

	private layout(name: string): LayoutRt {
		const l = this.layouts.get(name);
		if (!l) throw fmErr('105', 'Layout is missing');
		return l;
	}

	private getRange(ctx: Ctx, layoutName: string): Reply {
		const l = this.layout(layoutName);
		const q = ctx.query;
		checkKnownParams([...q.keys()], RANGE_PARAMS);
		const params = queryParams(q);
		const iso = dateFormatsIso(params.dateformats ?? params._dateformats);
		const out = this.layout(typeof params['layout.response'] === 'string' ? params['layout.response'] : l.name);
		const offset = positiveInt(params._offset, 1, '_offset');
		const limit = positiveInt(params._limit, 100, '_limit');
		let spec: SortSpec[] = [];
		if (params._sort !== undefined) {
			let parsed: unknown;
			try {
				parsed = JSON.parse(params._sort);
			} catch {
				throw paramInvalid('_sort');
			}
			spec = this.sortSpec(l, parsed, '_sort');
		}
		const scripts: Record<string, unknown> = {};
		this.runPhase('prerequest', params, l.name, scripts);
		const table = l.table;
		this.runPhase('presort', params, l.name, scripts);
		const all = table.sortedAll(spec);
		return this.pageReply(all, { offset, limit, iso, out, table, params, layout: l.name, scripts });
	}

	private getRecord(ctx: Ctx, layoutName: string, id: string): Reply {
		const l = this.layout(layoutName);
		checkKnownParams([...ctx.query.keys()], RECORD_PARAMS);
		const params = queryParams(ctx.query);
		const iso = dateFormatsIso(params.dateformats ?? params._dateformats);
		const out = this.layout(typeof params['layout.response'] === 'string' ? params['layout.response'] : l.name);
		const scripts: Record<string, unknown> = {};
		this.runPhase('prerequest', params, l.name, scripts);
		const rec = this.findRec(l, id);
		this.runPhase('', params, l.name, scripts);
		return ok({ ...scripts, dataInfo: this.dataInfo(out, l.table, 1, 1), data: [this.serialise(out, rec, iso)] });
	}

	private createRecord(ctx: Ctx, layoutName: string): Reply {
		const l = this.layout(layoutName);
		const { fieldData, params, scripts } = this.writeRequest(ctx, l, CREATE_PARAMS);
		const table = l.table;
		const values = this.validatedChanges(l, fieldData);
		const ts = this.nowWall();
		for (const f of table.fields.values()) {
			if (f.autoEnter === 'creationTimestamp' || f.autoEnter === 'modificationTimestamp') values[f.name] = ts;
		}
		this.checkNotEmpty(table, values, undefined);
		table.checkUnique(values);
		for (const f of table.fields.values()) {
			if (f.autoEnter === 'serial' && !(f.name in values)) values[f.name] = table.nextSerial(f.name);
		}
		const rec = table.insert(values);
		this.runPhase('', params, l.name, scripts);
		return ok({ ...scripts, recordId: String(rec.id), modId: String(rec.modId) });
	}

	private editRecord(ctx: Ctx, layoutName: string, id: string): Reply {
		const l = this.layout(layoutName);
		const { body, fieldData, params, scripts } = this.writeRequest(ctx, l, EDIT_PARAMS);
		const table = l.table;
		const rec = this.findRec(l, id);
		if (table.isLocked(rec.id, this.now())) throw fmErr('301', 'Record is in use by another user');
		if (body.modId !== undefined && body.modId !== null && String(body.modId) !== String(rec.modId)) {
			throw fmErr('306', 'Record modification ID does not match');
		}
		const changes = this.validatedChanges(l, fieldData);
		if (Object.keys(changes).length > 0) {
			this.checkNotEmpty(table, changes, rec);
			table.checkUnique({ ...rec.values, ...changes }, rec);
			const ts = this.nowWall();
			for (const f of table.fields.values()) {
				if (f.autoEnter === 'modificationTimestamp') changes[f.name] = ts;
			}
			table.update(rec, changes);
			rec.modId++;
		}
		this.runPhase('', params, l.name, scripts);
		return ok({ ...scripts, modId: String(rec.modId) });
	}

	private deleteRecord(ctx: Ctx, layoutName: string, id: string): Reply {
		const l = this.layout(layoutName);
		checkKnownParams([...ctx.query.keys()], DELETE_PARAMS);
		const params = queryParams(ctx.query);
		const scripts: Record<string, unknown> = {};
		this.runPhase('prerequest', params, l.name, scripts);
		const rec = this.findRec(l, id);
		if (l.table.isLocked(rec.id, this.now())) throw fmErr('301', 'Record is in use by another user');
		l.table.remove(rec);
		this.runPhase('', params, l.name, scripts);
		return ok({ ...scripts });
	}

	private duplicateRecord(ctx: Ctx, layoutName: string, id: string): Reply {
		const l = this.layout(layoutName);
		const body = ctx.body === undefined || ctx.bodyError ? {} : this.bodyObject(ctx);
		const params = stringParams(body);
		const scripts: Record<string, unknown> = {};
		this.runPhase('prerequest', params, l.name, scripts);
		const rec = this.findRec(l, id);
		const table = l.table;
		const values: Record<string, StoredValue> = { ...rec.values };
		const ts = this.nowWall();
		for (const f of table.fields.values()) {
			if (f.autoEnter === 'creationTimestamp' || f.autoEnter === 'modificationTimestamp') values[f.name] = ts;
			if (f.autoEnter === 'serial') delete values[f.name];
		}
		table.checkUnique(values);
		for (const f of table.fields.values()) {
			if (f.autoEnter === 'serial') values[f.name] = table.nextSerial(f.name);
		}
		const copy = table.insert(values);
		this.runPhase('', params, l.name, scripts);
		return ok({ ...scripts, recordId: String(copy.id), modId: String(copy.modId) });
	}

	private find(ctx: Ctx, layoutName: string): Reply {
		const l = this.layout(layoutName);
		const body = this.bodyObject(ctx);
		checkKnownParams(Object.keys(body), FIND_PARAMS);
		const params = stringParams(body);
		const iso = dateFormatsIso(body.dateformats);
		const out = this.layout(typeof body['layout.response'] === 'string' ? body['layout.response'] : l.name);
		const query = body.query;
		if (query === undefined) throw required('query');
		if (!Array.isArray(query)) throw paramInvalid('query');
		const offset = positiveInt(body.offset, 1, 'offset');
		const limit = positiveInt(body.limit, 100, 'limit');
		const spec = body.sort === undefined ? [] : this.sortSpec(l, body.sort, 'sort');

		interface Req {
			omit: boolean;
			criteria: { field: string; c: CompiledCriterion }[];
		}
		const requests: Req[] = [];
		for (const q of query) {
			if (typeof q !== 'object' || q === null || Array.isArray(q)) throw paramInvalid('query');
			let omit = false;
			const criteria: Req['criteria'] = [];
			for (const [k, v] of Object.entries(q as Record<string, unknown>)) {
				if (k === 'omit') {
					omit = v === true || String(v).toLowerCase() === 'true';
					continue;
				}
				const f = l.fieldMap.get(k);
				if (!f) throw fmErr('102', 'Field is missing');
				const c = compileCriterion(k, f.type, v, l.table.matchOf(f.name));
				if (c) criteria.push({ field: k, c });
			}
			requests.push({ omit, criteria });
		}
		if (!requests.some((r) => r.criteria.length > 0)) {
			throw fmErr('400', 'Find criteria are empty');
		}
		const scripts: Record<string, unknown> = {};
		this.runPhase('prerequest', params, l.name, scripts);

		const table = l.table;
		const matches = (r: Req, rec: Rec) => r.criteria.every(({ field, c }) => c.test(rec.values[field] ?? ''));
		const found = new Set<Rec>(requests[0]?.omit ? table.order : []);
		for (const r of requests) {
			if (r.criteria.length === 0) continue;
			if (r.omit) {
				for (const rec of found) if (matches(r, rec)) found.delete(rec);
			} else {
				for (const rec of this.candidates(table, l, r.criteria)) {
					if (!found.has(rec) && matches(r, rec)) found.add(rec);
				}
			}
		}
		let recs: Rec[];
		if (found.size * 8 < table.order.length) recs = [...found].sort((a, b) => a.id - b.id);
		else recs = table.order.filter((r) => found.has(r));
		this.runPhase('presort', params, l.name, scripts);
		if (spec.length > 0) recs = sortRecords(recs, spec);
		if (recs.length === 0) {
			this.runPhase('', params, l.name, scripts);
			throw new FmError('401', 'No records match the request', 500, scripts);
		}
		return this.pageReply(recs, { offset, limit, iso, out, table, params, layout: l.name, scripts });
	}

	/** Records that may match a find request: an exact-match index bucket when possible. */
	private candidates(
		table: Table,
		l: LayoutRt,
		criteria: { field: string; c: CompiledCriterion }[],
	): Iterable<Rec> {
		let best: Set<Rec> | undefined;
		for (const { field, c } of criteria) {
			if (c.exactKey === undefined) continue;
			const f = l.fieldMap.get(field);
			if (!f || (f.type !== 'text' && f.type !== 'number')) continue;
			const bucket = table.ensureIndex(field).get(c.exactKey) ?? new Set<Rec>();
			if (!best || bucket.size < best.size) best = bucket;
		}
		return best ?? table.order;
	}

	private runScriptEndpoint(ctx: Ctx, layoutName: string, script: string): Reply {
		const l = this.layout(layoutName);
		const param = ctx.query.get('script.param') ?? undefined;
		const out: Record<string, unknown> = {};
		this.runScript(script, param, l.name, out, '');
		return ok(out);
	}

	// ---------------------------------------------------------------- helpers

	/** Body of a create/edit request: known parameters, a fieldData object; runs the prerequest script. */
	private writeRequest(ctx: Ctx, l: LayoutRt, known: Set<string>) {
		const body = this.bodyObject(ctx);
		checkKnownParams(Object.keys(body), known);
		const fieldData = body.fieldData;
		if (fieldData === undefined) throw required('fieldData');
		if (typeof fieldData !== 'object' || fieldData === null || Array.isArray(fieldData)) {
			throw paramInvalid('fieldData');
		}
		const params = stringParams(body);
		const scripts: Record<string, unknown> = {};
		this.runPhase('prerequest', params, l.name, scripts);
		return { body, fieldData: fieldData as Record<string, unknown>, params, scripts };
	}

	/**
	 * One page of a range or find (`found` already sorted), after the main script. An empty page (empty
	 * table, offset past the end) is 401 "No records match" unless `emptyPageAs401` is off (then 200, no data).
	 */
	private pageReply(
		found: Rec[],
		p: {
			offset: number;
			limit: number;
			iso: boolean;
			out: LayoutRt;
			table: Table;
			params: Record<string, string | undefined>;
			layout: string;
			scripts: Record<string, unknown>;
		},
	): Reply {
		const page = found.slice(p.offset - 1, p.offset - 1 + p.limit);
		this.runPhase('', p.params, p.layout, p.scripts);
		if (page.length === 0 && this.opts.emptyPageAs401) {
			throw new FmError('401', 'No records match the request', 500, p.scripts);
		}
		return ok({
			...p.scripts,
			dataInfo: this.dataInfo(p.out, p.table, found.length, page.length),
			data: page.map((r) => this.serialise(p.out, r, p.iso)),
		});
	}

	private findRec(l: LayoutRt, id: string): Rec {
		if (!/^\d+$/.test(id)) throw fmErr('101', 'Record is missing');
		const rec = l.table.byId.get(Number(id));
		if (!rec) throw fmErr('101', 'Record is missing');
		return rec;
	}

	/** Validates fieldData against a layout and converts values (102 / 201 / 1708 / 5xx errors). */
	private validatedChanges(l: LayoutRt, fieldData: Record<string, unknown>): Record<string, StoredValue> {
		const out: Record<string, StoredValue> = {};
		for (const [key, v] of Object.entries(fieldData)) {
			let name = key;
			const rep = /^(.*)\((\d+)\)$/.exec(key);
			if (rep && !l.fieldMap.has(key)) {
				if (rep[2] !== '1') throw fmErr('102', 'Field is missing');
				name = rep[1];
			}
			const f = l.fieldMap.get(name);
			if (!f) throw fmErr('102', 'Field is missing');
			if (f.autoEnter === 'creationTimestamp' || f.autoEnter === 'modificationTimestamp') {
				throw fmErr('201', 'Field cannot be modified');
			}
			out[name] = normaliseInput(f, v);
		}
		return out;
	}

	private checkNotEmpty(table: Table, values: Record<string, StoredValue>, rec: Rec | undefined): void {
		for (const f of table.fields.values()) {
			if (!f.notEmpty || f.autoEnter) continue;
			const v = f.name in values ? values[f.name] : rec ? rec.values[f.name] : '';
			if (v === '' || v === undefined) throw fmErr('509', 'Field requires a valid value');
		}
	}

	private sortSpec(l: LayoutRt, raw: unknown, what: string): SortSpec[] {
		if (!Array.isArray(raw)) throw paramInvalid(what);
		return raw.map((s: unknown) => {
			if (typeof s !== 'object' || s === null) throw paramInvalid(what);
			const { fieldName, sortOrder } = s as { fieldName?: unknown; sortOrder?: unknown };
			if (typeof fieldName !== 'string') throw paramInvalid(`${what}.fieldName`);
			const f = l.fieldMap.get(fieldName);
			if (!f) throw fmErr('102', 'Field is missing');
			const order = sortOrder === undefined ? 'ascend' : String(sortOrder).toLowerCase();
			if (order !== 'ascend' && order !== 'descend') throw paramInvalid(`${what}.sortOrder`);
			return {
				field: f.name,
				type: f.type,
				descend: order === 'descend',
				caseSensitive: l.table.matchOf(f.name).caseSensitive,
			};
		});
	}

	private dataInfo(l: LayoutRt, table: Table, foundCount: number, returnedCount: number) {
		return {
			database: this.database,
			layout: l.name,
			table: table.name,
			totalRecordCount: table.order.length,
			foundCount,
			returnedCount,
		};
	}

	private serialise(l: LayoutRt, r: Rec, iso: boolean) {
		const o = { iso, numbersAsStrings: this.opts.numbersAsStrings };
		const fieldData: Record<string, string | number> = {};
		for (const f of l.fields) fieldData[f.name] = serialiseValue(f.type, r.values[f.name] ?? '', o);
		return { fieldData, portalData: {}, recordId: String(r.id), modId: String(r.modId) };
	}

	private runPhase(
		phase: '' | 'prerequest' | 'presort',
		params: Record<string, string | undefined>,
		layout: string,
		out: Record<string, unknown>,
	): void {
		const nameKey = phase ? `script.${phase}` : 'script';
		const name = params[nameKey];
		if (name === undefined || name === '') return;
		this.runScript(name, params[`${nameKey}.param`], layout, out, phase);
	}

	private runScript(
		name: string,
		param: string | undefined,
		layout: string,
		out: Record<string, unknown>,
		phase: string,
	): void {
		const suffix = phase ? `.${phase}` : '';
		const fn = this.opts.scripts[name];
		if (!fn) {
			out[`scriptError${suffix}`] = '104';
			return;
		}
		try {
			const r = fn({ param, emulator: this, layout }) ?? {};
			if (r.scriptResult !== undefined) out[`scriptResult${suffix}`] = String(r.scriptResult);
			out[`scriptError${suffix}`] = r.scriptError !== undefined ? String(r.scriptError) : '0';
		} catch (e) {
			out[`scriptError${suffix}`] = e instanceof FmError ? e.code : '-1';
		}
	}
}

// -------------------------------------------------------------------- parameter helpers

const PORTAL_PARAM = /^_?(offset|limit)\..+$/;
const RANGE_PARAMS = new Set(['_offset', '_limit', '_sort', 'portal', 'layout.response', 'dateformats', '_dateformats', ...SCRIPT_KEYS]);
const RECORD_PARAMS = new Set(['portal', 'layout.response', 'dateformats', '_dateformats', ...SCRIPT_KEYS]);
const DELETE_PARAMS = new Set(['deleteRelated', ...SCRIPT_KEYS]);
const CREATE_PARAMS = new Set(['fieldData', 'portalData', 'options', 'dateformats', ...SCRIPT_KEYS]);
const EDIT_PARAMS = new Set(['fieldData', 'portalData', 'modId', 'options', 'dateformats', ...SCRIPT_KEYS]);
const FIND_PARAMS = new Set(['query', 'sort', 'offset', 'limit', 'portal', 'layout.response', 'dateformats', ...SCRIPT_KEYS]);

function checkKnownParams(keys: string[], known: Set<string>): void {
	const unknown = keys.filter((k) => !known.has(k) && !PORTAL_PARAM.test(k));
	if (unknown.length > 0) throw fmErr('960', `Unknown parameter(s): ${unknown.join(',')}`);
}

function queryParams(q: URLSearchParams): Record<string, string | undefined> {
	const out: Record<string, string | undefined> = {};
	for (const [k, v] of q) out[k] = v;
	return out;
}

function stringParams(body: Record<string, unknown>): Record<string, string | undefined> {
	const out: Record<string, string | undefined> = {};
	for (const k of SCRIPT_KEYS) {
		const v = body[k];
		if (v !== undefined && v !== null) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
	}
	return out;
}

function positiveInt(v: unknown, dflt: number, name: string): number {
	if (v === undefined || v === null || v === '') return dflt;
	const s = String(v).trim();
	if (!/^\d+$/.test(s)) throw paramInvalid(name);
	const n = Number(s);
	if (n < 1) throw paramInvalid(name);
	return n;
}

function dateFormatsIso(v: unknown): boolean {
	if (v === undefined || v === null || v === '') return false;
	const s = String(v).trim();
	if (s !== '0' && s !== '1' && s !== '2') throw paramInvalid('dateformats');
	return s === '2';
}

function safeDecode(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}

export async function startFileMakerEmulator(opts: FileMakerEmulatorOptions = {}): Promise<FileMakerEmulator> {
	const e = new Emulator(opts);
	await e.listen();
	return e;
}
