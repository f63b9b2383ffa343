/**
 * FileMaker error codes → messages a person can act on, and robust extraction of the HTTP status
 * and FileMaker code from whatever error object n8n's request helpers throw (a NodeApiError wrapping
 * an axios error, a bare axios error, a legacy request error...).
 */

import { errorChain, messageOf } from '../errors';

export interface FailureInfo {
	/** HTTP status of the answer, if there was one. */
	httpStatus?: number;
	/** FileMaker error code (messages[0].code), as a string. */
	code?: string;
	/** FileMaker's own message text. */
	fmMessage?: string;
	/** Network / TLS error code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED...). */
	networkCode?: string;
	/** True when the answer had a body that is not a FileMaker Data API envelope (HTML, other API). */
	foreignBody?: boolean;
	/** Message of a failed login (the credential's preAuthentication), passed through as it is. */
	loginMessage?: string;
	/** The original error's message. */
	rawMessage: string;
}

/** Name given to the errors the credential's login throws, so the node can recognise them. */
export const LOGIN_ERROR_NAME = 'FileMakerLoginError';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
	return typeof v === 'object' && v !== null;
}

function parseMaybeJson(v: unknown): unknown {
	if (typeof v !== 'string') return v;
	const t = v.trim();
	if (!t.startsWith('{')) return v;
	try {
		return JSON.parse(t) as unknown;
	} catch {
		return v;
	}
}

/** The FileMaker messages[0] of a body, if it is a Data API envelope. */
export function fileMakerMessage(body: unknown): { code: string; message: string } | undefined {
	const parsed = parseMaybeJson(body);
	if (!isObj(parsed)) return undefined;
	const messages = parsed.messages;
	if (!Array.isArray(messages) || messages.length === 0) return undefined;
	const first = messages[0] as unknown;
	if (!isObj(first) || first.code === undefined || first.code === null) return undefined;
	return { code: String(first.code).trim(), message: typeof first.message === 'string' ? first.message : '' };
}

const NETWORK_CODE = /^(E[A-Z_]+|UND_ERR_[A-Z_]+|ERR_[A-Z_]+|[A-Z_]*CERT[A-Z_]*|UNABLE_TO_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/;

/** Walks an error and its causes (see errorChain) and collects what we need to map it. */
export function extractFailure(error: unknown): FailureInfo {
	const info: FailureInfo = { rawMessage: messageOf(error) };
	const bodies: unknown[] = [];
	for (const e of errorChain(error)) {
		if (info.loginMessage === undefined && e instanceof Error && e.name === LOGIN_ERROR_NAME) {
			info.loginMessage = e.message;
		}
		const response = e.response;
		if (isObj(response)) {
			const status = response.status ?? response.statusCode;
			if (info.httpStatus === undefined && typeof status === 'number') info.httpStatus = status;
			if ('data' in response) bodies.push(response.data);
			if ('body' in response) bodies.push(response.body);
		}
		if (info.httpStatus === undefined && typeof e.statusCode === 'number') info.httpStatus = e.statusCode;
		if (info.httpStatus === undefined && typeof e.httpCode === 'string' && /^\d{3}$/.test(e.httpCode)) {
			info.httpStatus = Number(e.httpCode);
		}
		const context = e.context;
		if (isObj(context) && 'data' in context) bodies.push(context.data);
		if ('error' in e && !(e.error instanceof Error)) bodies.push(e.error);
		if (info.networkCode === undefined && typeof e.code === 'string' && NETWORK_CODE.test(e.code)) {
			info.networkCode = e.code;
		}
	}
	for (const body of bodies) {
		const fm = fileMakerMessage(body);
		if (fm) {
			info.code = fm.code;
			info.fmMessage = fm.message;
			break;
		}
	}
	if (info.code === undefined && info.httpStatus !== undefined) {
		const meaningful = bodies.find((b) => b !== undefined && b !== null && b !== '');
		if (meaningful !== undefined) info.foreignBody = true;
	}
	return info;
}

export type FailureKind =
	| 'noRecords'
	| 'session'
	| 'auth'
	| 'database'
	| 'capacity'
	| 'config'
	| 'conflict'
	| 'locked'
	| 'recordMissing'
	| 'validation'
	| 'network'
	| 'notDataApi'
	| 'other';

export interface ErrorContext {
	host?: string;
	database?: string;
	layout?: string;
	/** Fields this request used (named when FileMaker says a field is missing). */
	fields?: string[];
	/** Fields known to be missing (from the layout's metadata). */
	missingFields?: string[];
	recordId?: string;
	sku?: string;
	script?: string;
	/** What the node was doing, e.g. "reading the stock record". */
	action?: string;
}

/**
 * Network error codes in words. The raw codes are kept out of messages on purpose: n8n replaces a
 * message that contains e.g. "ECONNREFUSED" with its own generic text.
 */
export function networkReason(code: string | undefined): string {
	switch (code) {
		case undefined:
			return 'no answer';
		case 'ECONNREFUSED':
			return 'connection refused';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'host name not found';
		case 'ETIMEDOUT':
		case 'ECONNABORTED':
		case 'UND_ERR_CONNECT_TIMEOUT':
		case 'UND_ERR_HEADERS_TIMEOUT':
			return 'no answer in time';
		case 'ECONNRESET':
		case 'EPIPE':
		case 'UND_ERR_SOCKET':
			return 'connection closed unexpectedly';
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
		case 'ENETDOWN':
			return 'host unreachable';
		case 'EPROTO':
		case 'ERR_SSL_WRONG_VERSION_NUMBER':
			return 'no https answer: if the server only speaks http, write http:// in the Host';
		default:
			if (/CERT|UNABLE_TO|SELF_SIGNED/.test(code)) return 'certificate not trusted';
			return /SSL|TLS/.test(code) ? 'secure connection failed' : 'network error';
	}
}

export interface MappedError {
	kind: FailureKind;
	message: string;
	description: string;
}

function quoteList(names: string[]): string {
	return names.map((n) => `'${n}'`).join(', ');
}

/** Messages for the login call (credential test and preAuthentication). Never contains the password. */
export function describeLoginFailure(info: FailureInfo, ctx: { host: string; database: string; username?: string }): MappedError {
	const host = ctx.host || '(empty host)';
	const db = ctx.database || '(empty database name)';
	const code = info.code;
	if (code === '212' || (code === undefined && info.httpStatus === 401 && !info.foreignBody)) {
		return {
			kind: 'auth',
			message: `FileMaker rejected the account name or password for database '${db}' (code 212). Check Username and Password.`,
			description: `The account${ctx.username ? ` '${ctx.username}'` : ''} must exist in the file '${db}', be active, and its privilege set must include the extended privilege 'Access via FileMaker Data API (fmrest)'.`,
		};
	}
	if (code === '802') {
		return {
			kind: 'database',
			message: `The FileMaker host ${host} does not have an open database named '${db}' (code 802). Check the Database name.`,
			description: `Use the file name without ".fmp12" and make sure the file is open (hosted) on FileMaker Server.`,
		};
	}
	if (code === '812' || code === '956') {
		return {
			kind: 'capacity',
			message: `The FileMaker host ${host} has no room for another Data API session (code ${code}: ${code === '812' ? "exceeded host's capacity" : 'too many sessions'}). Wait a few minutes and try again.`,
			description: `Sessions end after 15 minutes without use. Other clients (or tools that log in without logging out) may be holding many sessions; you can close them in FileMaker Server Admin Console. This node reuses one session instead of opening a new one per run.`,
		};
	}
	if (code !== undefined && code !== '0') {
		return {
			kind: 'other',
			message: `FileMaker refused the login to database '${db}' (code ${code}${info.fmMessage ? `: ${info.fmMessage}` : ''}).`,
			description: `Host ${host}. Check the database name, the account and that the Data API is enabled in FileMaker Server Admin Console.`,
		};
	}
	if (info.httpStatus === undefined) {
		const tls = info.networkCode !== undefined && /CERT|UNABLE_TO|SELF_SIGNED/.test(info.networkCode);
		if (tls) {
			return {
				kind: 'network',
				message: `Could not connect securely to the FileMaker host ${host}: its TLS certificate is not trusted. Check the Host, install a valid certificate on FileMaker Server, or turn on 'Ignore TLS Errors'.`,
				description: info.rawMessage,
			};
		}
		return {
			kind: 'network',
			message: `Could not reach the FileMaker host ${host} (${networkReason(info.networkCode)}). Check the Host: it should be the address of FileMaker Server, e.g. https://fms.example.com.`,
			description: info.rawMessage,
		};
	}
	return {
		kind: 'notDataApi',
		message: `The host ${host} answered, but not as a FileMaker Data API (HTTP ${info.httpStatus}). Check the Host: it should be the address of FileMaker Server, e.g. https://fms.example.com, with the Data API enabled.`,
		description: `The login was sent to ${host}/fmi/data/.../databases/${db}/sessions.`,
	};
}

/** Messages for a failed Data API call made by the node (not the login). */
export function describeFileMakerError(info: FailureInfo, ctx: ErrorContext = {}): MappedError {
	if (info.loginMessage !== undefined) {
		return {
			kind: 'auth',
			message: info.loginMessage,
			description: 'Logging in to the FileMaker Data API failed. Check the FileMaker Data API credential (Test button).',
		};
	}
	const code = info.code;
	const layout = ctx.layout ? `'${ctx.layout}'` : 'the layout';
	const db = ctx.database ? ` in database '${ctx.database}'` : '';
	const what = ctx.action ? ` while ${ctx.action}` : '';
	const suffix = code && info.fmMessage ? `FileMaker said: ${info.fmMessage} (code ${code}).` : code ? `FileMaker error code ${code}.` : '';
	switch (code) {
		case '401':
			return { kind: 'noRecords', message: 'No records match the request', description: '' };
		case '952':
			return {
				kind: 'session',
				message: `FileMaker did not accept the Data API session${what} (code 952), even after logging in again.`,
				description: 'Check that the account still has the fmrest privilege and that the database name is spelled the same way as on the server.',
			};
		case '212':
			return {
				kind: 'auth',
				message: `FileMaker rejected the account name or password (code 212)${what}. Check the FileMaker Data API credential.`,
				description: suffix,
			};
		case '802':
			return {
				kind: 'database',
				message: `FileMaker could not open the database${db} (code 802). Check the Database name in the credential and that the file is hosted.`,
				description: suffix,
			};
		case '812':
		case '956':
			return {
				kind: 'capacity',
				message: `The FileMaker host has no room for another Data API session (code ${code})${what}. Wait a few minutes and try again.`,
				description: 'Other clients may hold many sessions; they end after 15 minutes without use or can be closed in FileMaker Server Admin Console.',
			};
		case '953':
			return {
				kind: 'capacity',
				message: `The FileMaker Data API transfer limit of this licence is used up (code 953)${what}.`,
				description: 'The Data API has an annual outbound transfer quota. Use narrow layouts (only the fields needed) and fewer full syncs, or extend the licence.',
			};
		case '102': {
			const missing = ctx.missingFields && ctx.missingFields.length > 0 ? ctx.missingFields : undefined;
			const message = missing
				? `The field${missing.length > 1 ? 's' : ''} ${quoteList(missing)} ${missing.length > 1 ? 'are' : 'is'} not on layout ${layout}${db} (code 102). Add ${missing.length > 1 ? 'them' : 'it'} to the layout in FileMaker or correct the field name${missing.length > 1 ? 's' : ''} in the node.`
				: `A field used${what} is not on layout ${layout}${db} (code 102)${ctx.fields && ctx.fields.length > 0 ? `: one of ${quoteList(ctx.fields)}` : ''}. Add the field to the layout in FileMaker or correct the field name in the node.`;
			return { kind: 'config', message, description: suffix };
		}
		case '105':
			return {
				kind: 'config',
				message: `The layout ${layout} does not exist${db} (code 105). Pick the layout from the list or correct its name.`,
				description: suffix,
			};
		case '104':
			return {
				kind: 'config',
				message: `The script ${ctx.script ? `'${ctx.script}'` : ''} does not exist${db} (code 104). Pick the script from the list or correct its name.`,
				description: suffix,
			};
		case '101':
			return {
				kind: 'recordMissing',
				message: `Record ${ctx.recordId ?? ''}${ctx.sku ? ` (SKU '${ctx.sku}')` : ''} no longer exists in layout ${layout} (code 101).`,
				description: suffix,
			};
		case '301':
			return {
				kind: 'locked',
				message: `Record ${ctx.recordId ?? ''}${ctx.sku ? ` (SKU '${ctx.sku}')` : ''} is in use by another user (code 301)${what}.`,
				description: 'Someone has the record open for editing in FileMaker; the node waits and tries again.',
			};
		case '306':
			return {
				kind: 'conflict',
				message: `Record ${ctx.recordId ?? ''}${ctx.sku ? ` (SKU '${ctx.sku}')` : ''} was changed by someone else (code 306)${what}.`,
				description: 'The modification ID did not match: the node reads the record again and retries.',
			};
		case '200':
		case '201':
			return {
				kind: 'config',
				message: `The FileMaker account may not ${code === '201' ? 'modify this field' : 'access this record'} (code ${code})${what} on layout ${layout}. Check the account's privilege set.`,
				description: suffix,
			};
		case '504':
			return {
				kind: 'validation',
				message: `FileMaker refused the value${what}: it must be unique and another record already has it (code 504).`,
				description: suffix,
			};
		case '500':
		case '501':
		case '502':
		case '503':
		case '505':
		case '506':
		case '507':
		case '508':
		case '509':
			return {
				kind: 'validation',
				message: `FileMaker refused the value${what} because of a field validation rule (code ${code}${info.fmMessage ? `: ${info.fmMessage}` : ''}).`,
				description: `Check the field validation options in FileMaker for the fields written on layout ${layout}${ctx.fields && ctx.fields.length > 0 ? ` (${quoteList(ctx.fields)})` : ''}.`,
			};
		default:
			break;
	}
	if (code !== undefined && code !== '0') {
		return {
			kind: 'other',
			message: `FileMaker returned error ${code}${info.fmMessage ? ` (${info.fmMessage})` : ''}${what}.`,
			description: `Layout ${layout}${db}.`,
		};
	}
	if (info.httpStatus === undefined) {
		return {
			kind: 'network',
			message: `Could not reach the FileMaker host${ctx.host ? ` ${ctx.host}` : ''} (${networkReason(info.networkCode)})${what}.`,
			description: info.rawMessage,
		};
	}
	if (info.httpStatus === 502 || info.httpStatus === 503) {
		return {
			kind: 'network',
			message: `The FileMaker Data API engine is not available (HTTP ${info.httpStatus})${what}. Check that the Data API is enabled and running in FileMaker Server Admin Console.`,
			description: info.rawMessage,
		};
	}
	return {
		kind: 'notDataApi',
		message: `The FileMaker host answered with HTTP ${info.httpStatus}${what}, not with a FileMaker Data API answer. Check the Host in the credential.`,
		description: info.rawMessage,
	};
}
