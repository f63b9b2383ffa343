/**
 * Programmatic contract of the FileMaker Data API emulator (see the emulator README).
 * Everything marked "extension" is an optional addition to the fixed contract.
 */

export interface FileMakerFieldDef {
	name: string;
	type: 'text' | 'number' | 'timestamp' | 'date';
	autoEnter?: 'creationTimestamp' | 'modificationTimestamp' | 'serial';
	unique?: boolean;
	/** extension: "Strict data type: Numeric only" validation → writing text answers 502. */
	strictNumeric?: boolean;
	/** extension: "Not empty" validation → creating/editing to empty answers 509. */
	notEmpty?: boolean;
	/**
	 * extension: index language of a text field (Storage → Indexing → Default language). 'default'
	 * (language-neutral, case-insensitive finds, sort and unique checks) or 'unicode' (code-point
	 * comparison: case-sensitive). Default: the file's `textCollation`.
	 */
	collation?: 'default' | 'unicode';
}

export interface FileMakerLayoutDef {
	table?: string;
	fields: FileMakerFieldDef[];
}

export interface FileMakerScriptContext {
	param: string | undefined;
	emulator: FileMakerEmulator;
	layout: string;
}

export type FileMakerScript = (ctx: FileMakerScriptContext) => { scriptResult?: string; scriptError?: string };

export interface FileMakerEmulatorOptions {
	host?: string; // default '127.0.0.1'
	port?: number; // default 0 (free port)
	database?: string; // default 'Inventory' (matched case-insensitively at login)
	accounts?: { username: string; password: string }[]; // default [{ username: 'admin', password: 'secret' }]
	layouts?: Record<string, FileMakerLayoutDef>;
	scripts?: Record<string, FileMakerScript>;
	numbersAsStrings?: boolean; // number fields returned as JSON strings (older servers)
	idleTimeoutMs?: number; // default 15 * 60 * 1000; each call resets
	sessionCap?: number; // default Infinity; login beyond it → code 812
	/**
	 * per request, random in range; extension: a function gives the delay of each request
	 * (e.g. only PATCHes to one layout), called once per request after its body arrived.
	 */
	latencyMs?: number | { min: number; max: number } | ((req: FileMakerRequestInfo) => number);

	/** extension: HTTP status of the session-cap refusal (unconfirmed in the docs). Default 500. */
	sessionCapHttpStatus?: number;
	/** extension: FileMaker code of the session-cap refusal: '812' (default) or '956'. */
	sessionCapCode?: string;
	/**
	 * extension: refuse a login without a JSON body ('{}'), as some servers do. Default true. When false,
	 * a login with no body at all is accepted with or without `Content-Type` (axios sends none without a body).
	 */
	requireLoginBody?: boolean;
	/**
	 * extension: an empty page of a range (empty table, `_offset` past the end) or of a find whose found set
	 * is not empty (`offset` past the end) answers code 401 "No records match the request" (HTTP 500).
	 * Unconfirmed in the docs; false → HTTP 200 with `data: []` and `returnedCount: 0`. Default true.
	 */
	emptyPageAs401?: boolean;
	/**
	 * extension: a token is only valid with the database name spelled exactly as at login
	 * (Claris: "use the same database-name case ... or you may receive an invalid token error"). Default true.
	 */
	strictDatabaseCase?: boolean;
	/** extension: layout folders for GET /layouts, folder name → layout names. Default { Sync: ['StockMovements'] } when the default layouts are used, else {}. */
	layoutFolders?: Record<string, string[]>;
	/** extension: script folders for GET /scripts, folder name → script names. Default {}. */
	scriptFolders?: Record<string, string[]>;
	/** extension: extra database names listed by GET /databases (cannot be opened: login answers 802). */
	otherDatabases?: string[];
	/**
	 * extension: clock used for session idle time, locks and auto-enter timestamps. Default Date.now.
	 * `setNow()` / `advance()` move the emulated clock on top of it.
	 */
	now?: () => number;
	/** extension: index language of text fields that set no `collation`. Default 'default' (case-insensitive). */
	textCollation?: 'default' | 'unicode';
	/**
	 * extension (assumed, the docs only say "match entire field"): whether trailing spaces count in `==`
	 * finds and unique checks. 'significant' (default): `==ABC-1` does not find `ABC-1 `, and `ABC-1 `
	 * is not a duplicate of `ABC-1`. 'ignored': both compare without trailing spaces.
	 */
	exactMatchTrailingSpaces?: 'significant' | 'ignored';
	/**
	 * extension: a FileMaker Cloud host. Login also takes `Authorization: FMID <Claris ID token>`: the token
	 * must pass `verifyIdToken` at the emulated time (e.g. a Cognito emulator's, test/emulators/cognito) and
	 * its email be one of `accounts` (Claris IDs with an fmrest account in the file); else 212 (assumed).
	 * Basic login keeps working. Default: none (FMID login → 212).
	 */
	clarisId?: { verifyIdToken: (idToken: string, at: number) => { email: string } | undefined; accounts: string[] };
}

/** What a fault's or hook's `when` sees of a request. */
export interface FileMakerRequestInfo {
	method: string;
	/** URL-decoded path without the query string, as in the request log. */
	path: string;
	/** Parsed JSON body (the raw string if it is not JSON, undefined if empty). */
	body: unknown;
}

export interface FileMakerRequestLogEntry {
	method: string;
	path: string;
	status: number;
	code: string;
	at: number;
	sessionToken?: string;
}

export interface FileMakerStats {
	logins: number;
	logouts: number;
	activeSessions: number;
	maxActiveSessions: number;
	failedLogins: number;
}

export interface FileMakerFault {
	when?: (req: FileMakerRequestInfo) => boolean;
	times?: number;
	/** HTTP status of the answer (required unless `dropConnection`). */
	httpStatus?: number;
	/** FileMaker code of the answer's envelope (required unless `dropConnection` or `rawBody`). */
	code?: string;
	message?: string;
	/** extension: the first `skip` matching requests pass untouched (the fault hits the (skip+1)th). Default 0. */
	skip?: number;
	/**
	 * extension: 'before' (default): answered instead of processing, no side effect. 'after': the request
	 * is processed (its writes stay) and then its answer is replaced: "applied, but the answer was lost".
	 */
	phase?: 'before' | 'after';
	/** extension: close the connection without any answer (the client sees a reset socket). */
	dropConnection?: boolean;
	/** extension: send this text as the body instead of the JSON envelope (e.g. a web server's 502 page). */
	rawBody?: string;
	/** extension: Content-Type of `rawBody`. Default 'text/html'. */
	rawContentType?: string;
}

/** extension: an action run when a matching request arrives (see `onRequest`). */
export interface FileMakerRequestHook {
	when?: (req: FileMakerRequestInfo) => boolean;
	/** The first `skip` matching requests do not run the action. Default 0. */
	skip?: number;
	/** How many matching requests run the action. Default Infinity. */
	times?: number;
	/**
	 * 'before' (default): after the latency wait, before faults and processing; the request waits for a
	 * returned promise. 'after': after processing, before the answer is sent (`status`, `code` are set).
	 */
	phase?: 'before' | 'after';
	action: (req: FileMakerRequestInfo & { status?: number; code?: string }) => void | Promise<void>;
}

export interface FileMakerRawRecord {
	recordId: string;
	modId: string;
	fieldData: Record<string, unknown>;
}

export interface FileMakerEmulator {
	url: string; // e.g. 'http://127.0.0.1:PORT' (the credential `host`)
	port: number;
	database: string;
	close(): Promise<void>;
	seed(layout: string, rows: Record<string, unknown>[]): void; // creates records (recordId 1.., modId 0)
	records(layout: string): FileMakerRawRecord[]; // raw, numbers as numbers
	setOptions(patch: Partial<FileMakerEmulatorOptions>): void; // switches at runtime
	injectFault(f: FileMakerFault): void;
	lockRecord(layout: string, recordId: string, forMs: number): void; // writes answer 301 while locked
	expireAllSessions(): void; // next call with an old token → 401 + code 952
	requestLog: FileMakerRequestLogEntry[];
	stats: FileMakerStats;
	reset(): void; // clears data, log, stats, sessions, hooks (keeps options and the clock)

	/** extension: run an action when a matching request arrives; returns a function that removes the hook. */
	onRequest(hook: FileMakerRequestHook): () => void;
	/** extension: the emulated clock now (ms since the epoch): the `now` option moved by setNow/advance. */
	now(): number;
	/** extension: freeze the emulated clock at this moment (advance() then moves it). */
	setNow(at: number | Date): void;
	/** extension: move the emulated clock forward (or back, negative) by `ms`. */
	advance(ms: number): void;
	/**
	 * extension: a moment of the emulated clock (default: now) as FileMaker writes a timestamp
	 * ('MM/dd/yyyy HH:mm:ss', the emulator's wall clock), for find criteria such as `<=` + timestampOf(t).
	 */
	timestampOf(at?: number | Date): string;
}
