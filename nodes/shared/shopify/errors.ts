/** Classification of Shopify answers and failures (pure, no n8n imports). */

export type GraphqlErrorKind =
	| 'throttled'
	| 'maxCost'
	| 'accessDenied'
	| 'internal'
	| 'validation'
	| 'other';

export interface GraphqlErrorInfo {
	kind: GraphqlErrorKind;
	message: string;
	code?: string;
	/** For accessDenied: the scopes named in the message (e.g. ['read_locations']). */
	scopes?: string[];
}

interface RawGraphqlError {
	message?: unknown;
	extensions?: { code?: unknown; [key: string]: unknown };
	[key: string]: unknown;
}

/** graphql-ruby / Shopify codes that mean "this document is not valid for this API version". */
const VALIDATION_CODES = new Set([
	'undefinedField',
	'undefinedType',
	'undefinedDirective',
	'argumentNotAccepted',
	'argumentLiteralsIncompatible',
	'missingRequiredArguments',
	'missingRequiredInputObjectAttribute',
	'variableNotDefined',
	'variableNotUsed',
	'variableMismatch',
	'selectionMismatch',
	'fieldsWillMergeConflict',
	'inputObjectAttributeNotAccepted',
	'directiveCannotBeApplied',
	'useNullInsteadOfEmptyString',
	'GRAPHQL_VALIDATION_FAILED',
	'GRAPHQL_PARSE_FAILED',
	'PARSE_ERROR',
	'BAD_USER_INPUT',
	'INVALID_VARIABLE',
	'invalidVariables',
]);

function errorCode(e: RawGraphqlError): string | undefined {
	const code = e?.extensions?.code;
	return typeof code === 'string' ? code : undefined;
}

function errorMessage(e: RawGraphqlError): string {
	return typeof e?.message === 'string' ? e.message : JSON.stringify(e);
}

export function extractScopes(message: string): string[] {
	const found = new Set<string>();
	for (const m of message.matchAll(/`?((?:read|write|unauthenticated_read|unauthenticated_write)_[a-z_]+)`?/g)) {
		found.add(m[1]);
	}
	return [...found];
}

/** Classifies the `errors` array of a GraphQL answer (HTTP 200). Most severe kind wins. */
export function classifyGraphqlErrors(errors: unknown): GraphqlErrorInfo | undefined {
	if (!Array.isArray(errors) || errors.length === 0) return undefined;
	const list = errors as RawGraphqlError[];
	const messages = list.map(errorMessage);
	const joined = messages.join('; ');
	for (const e of list) {
		const code = errorCode(e);
		// The legacy throttled answer has no code, only the message "Throttled".
		if (code === 'THROTTLED' || (code === undefined && /^throttled$/i.test(errorMessage(e).trim()))) {
			return { kind: 'throttled', message: errorMessage(e), code: 'THROTTLED' };
		}
	}
	for (const e of list) {
		const code = errorCode(e);
		if (code === 'MAX_COST_EXCEEDED') return { kind: 'maxCost', message: errorMessage(e), code };
	}
	for (const e of list) {
		const code = errorCode(e);
		const msg = errorMessage(e);
		if (code === 'ACCESS_DENIED' || /access denied/i.test(msg)) {
			const scopes = list.flatMap((x) => extractScopes(errorMessage(x)));
			return { kind: 'accessDenied', message: joined, code: code ?? 'ACCESS_DENIED', scopes: [...new Set(scopes)] };
		}
	}
	for (const e of list) {
		const code = errorCode(e);
		if (code === 'INTERNAL_SERVER_ERROR' || code === 'SERVICE_UNAVAILABLE') {
			return { kind: 'internal', message: joined, code };
		}
	}
	for (const e of list) {
		const code = errorCode(e);
		if (code !== undefined && VALIDATION_CODES.has(code)) {
			return { kind: 'validation', message: joined, code };
		}
		const msg = errorMessage(e);
		if (
			/doesn't exist on type|isn't a defined input type|Unknown (argument|type|directive)|is required, but it was not provided|Parse error|Variable \$\w+ of type|expected type|was provided invalid value|Expected value to not be null|isn't supported on|Directive '/i.test(
				msg,
			)
		) {
			return { kind: 'validation', message: joined, code };
		}
	}
	return { kind: 'other', message: joined, code: errorCode(list[0]) };
}

export type HttpFailureKind = 'retryable' | 'auth' | 'forbidden' | 'notFound' | 'payment' | 'locked' | 'dns' | 'fatal';

const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENETDOWN',
	'EAI_AGAIN',
	'UND_ERR_SOCKET',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

const NETWORK_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection closed by the other side',
	ECONNABORTED: 'connection aborted',
	ETIMEDOUT: 'timed out',
	ESOCKETTIMEDOUT: 'timed out',
	UND_ERR_CONNECT_TIMEOUT: 'timed out',
	UND_ERR_HEADERS_TIMEOUT: 'timed out',
	UND_ERR_BODY_TIMEOUT: 'timed out',
	ERR_SOCKET_CONNECTION_TIMEOUT: 'timed out',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	ENETDOWN: 'network down',
	EAI_AGAIN: 'name lookup failed',
	ENOTFOUND: 'name not found',
	EPIPE: 'connection closed',
	UND_ERR_SOCKET: 'connection closed',
};

/**
 * A network error code in words. Messages must not carry the code itself: n8n's NodeApiError replaces a
 * message containing ECONNREFUSED, ETIMEDOUT, ENOTFOUND, … with a generic sentence that names no host.
 */
export function networkProblemText(code: string | undefined): string {
	if (code === undefined) return 'network error';
	return NETWORK_WORDS[code] ?? 'network error';
}

/** Classifies a failed HTTP exchange by status (if any) and network error code (if any). */
export function classifyHttpFailure(status?: number, networkCode?: string): HttpFailureKind {
	if (status !== undefined && status > 0) {
		if (status === 429 || status >= 500) return 'retryable';
		if (status === 408) return 'retryable';
		if (status === 401) return 'auth';
		if (status === 403) return 'forbidden';
		if (status === 404) return 'notFound';
		if (status === 402) return 'payment';
		if (status === 423) return 'locked';
		return 'fatal';
	}
	if (networkCode === 'ENOTFOUND') return 'dns';
	if (networkCode !== undefined && RETRYABLE_NETWORK_CODES.has(networkCode)) return 'retryable';
	return 'fatal';
}

/** Removes anything that looks like a Shopify token or secret from a text that goes into a message. */
export function redactSecrets(text: string, secrets: Array<string | undefined> = []): string {
	let out = text;
	for (const s of secrets) {
		if (typeof s === 'string' && s.length >= 4) out = out.split(s).join('***');
	}
	return out.replace(/\b(shp(at|ca|pa|ss|ua)_[A-Za-z0-9]+)\b/g, '***');
}
