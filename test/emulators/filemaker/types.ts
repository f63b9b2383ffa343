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
	latencyMs?: number | { min: number; max: number }; // per request, random in range

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
	/** extension: clock used for session idle time and auto-enter timestamps. Default Date.now. */
	now?: () => number;
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
	when?: (req: { method: string; path: string; body: unknown }) => boolean;
	times?: number;
	httpStatus: number;
	code: string;
	message?: string;
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
	reset(): void; // clears data, log, stats, sessions (keeps options)
}
