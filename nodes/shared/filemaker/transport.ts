import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import type { NodeApiError } from 'n8n-workflow';

import { apiError } from '../errors';
import { renewalLookAgainMs } from '../backoff';
import { waitUnlessCancelled } from '../wait';

import type { ErrorContext, FailureInfo, MappedError } from './errors';
import { describeFileMakerError, extractFailure } from './errors';
import { databaseBaseUrl, normalizeDatabase, normalizeHost } from './url';

/**
 * The transport core of the FileMaker Data API: one request, its answer or its failure, and the
 * error a person can act on. Session login and renewal are n8n's (see ./session.ts); the calls
 * themselves are listed in ./client.ts, the only user of this module.
 */

export const CREDENTIAL_TYPE = 'fileMakerDataApi';

export type FileMakerContext = IExecuteFunctions | ILoadOptionsFunctions | IWebhookFunctions;

export interface FileMakerRecord {
	recordId: string;
	modId: string;
	fieldData: IDataObject;
	portalData?: IDataObject;
}

export interface DataInfo {
	database?: string;
	layout?: string;
	table?: string;
	totalRecordCount?: number | string;
	foundCount?: number | string;
	returnedCount?: number | string;
}

/** The `response` object of a Data API answer. */
export interface FileMakerResponse {
	data?: FileMakerRecord[];
	dataInfo?: DataInfo;
	recordId?: string | number;
	modId?: string | number;
	scriptResult?: string;
	scriptError?: string | number;
	[key: string]: unknown;
}

/** Where to send requests: read once per execution from the credential. */
export interface Connection {
	host: string;
	database: string;
	baseUrl: string;
	skipSslCertificateValidation: boolean;
}

/**
 * Where the credential's requests go. `credentials`: the credential as the caller already read it (no
 * second read); else it is read here.
 */
export async function getConnection(this: FileMakerContext, credentials?: ICredentialDataDecryptedObject): Promise<Connection> {
	const data = credentials ?? ((await this.getCredentials(CREDENTIAL_TYPE)) as ICredentialDataDecryptedObject);
	return {
		host: normalizeHost(data.host),
		database: normalizeDatabase(data.database),
		baseUrl: databaseBaseUrl(data),
		skipSslCertificateValidation: data.allowUnauthorizedCerts === true,
	};
}

export interface RequestOptions {
	body?: IDataObject;
	qs?: IDataObject;
	/**
	 * false: an expired token (HTTP 401) is returned as `sessionExpired` instead of being renewed by n8n,
	 * so that requests sent at the same time renew the session once between them (see
	 * FileMakerClient.readAllPages). Default true.
	 */
	renewSession?: boolean;
}

export type CallResult =
	| { ok: true; response: FileMakerResponse }
	| { ok: false; info: FailureInfo; error: unknown; sessionExpired?: true };

/**
 * How long, at most, a request that met an expired session waits (a random part of it) before it
 * looks again whether another run has renewed the session meanwhile.
 */
export const SESSION_RENEWAL_JITTER_MS = 1500;

/**
 * Sends one Data API request: {host}/fmi/data/{version}/databases/{db}{endpoint}.
 *
 * Goes through httpRequestWithAuthentication, so n8n adds the session token (logging in first if
 * there is none yet). An expired session (HTTP 401, code 952) is renewed once between all the runs
 * that meet it, also across n8n's queue-mode workers:
 *  1. the request is sent with the token n8n holds for the credential (n8n reads the credential
 *     anew for every request, so a token another run saved is used at once);
 *  2. on 401 it waits a random moment (up to SESSION_RENEWAL_JITTER_MS, renewalLookAgainMs) and is sent again: by then
 *     the first run to wake has usually renewed the session, and this one simply uses the new token;
 *  3. only if it is still refused does this run renew: n8n logs in (the credential's
 *     preAuthentication), saves the token for every other run, and sends the request.
 * With `renewSession: false` the 401 is returned as `sessionExpired` (the caller renews once for a
 * set of requests sent together, see FileMakerClient.readAllPages). FileMaker errors (HTTP 500 +
 * messages[0].code) are returned as `{ ok: false, info }` with the code extracted.
 */
export async function fileMakerCall(
	this: FileMakerContext,
	connection: Connection,
	method: IHttpRequestMethods,
	endpoint: string,
	options: RequestOptions = {},
): Promise<CallResult> {
	const request: IHttpRequestOptions = {
		method,
		url: `${connection.baseUrl}${endpoint}`,
		json: true,
		headers: { Accept: 'application/json' },
		skipSslCertificateValidation: connection.skipSslCertificateValidation,
	};
	if (options.body !== undefined) {
		request.body = options.body;
		request.headers = { ...request.headers, 'Content-Type': 'application/json' };
	}
	if (options.qs !== undefined) request.qs = options.qs;
	const expired: CallResult = {
		ok: false,
		info: { httpStatus: 401, code: '952', rawMessage: 'Invalid FileMaker Data API token' },
		error: undefined,
		sessionExpired: true,
	};
	const attempt = async (send: () => Promise<CallResult | 'expired'>): Promise<CallResult | 'expired'> => {
		try {
			return await send();
		} catch (error) {
			return { ok: false, info: extractFailure(error), error };
		}
	};
	const first = await attempt(async () => await sendWithoutRenewal.call(this, request));
	if (first !== 'expired') return first;
	if (options.renewSession === false) return expired;
	await waitUnlessCancelled(this, renewalLookAgainMs(SESSION_RENEWAL_JITTER_MS));
	const second = await attempt(async () => await sendWithoutRenewal.call(this, request));
	if (second !== 'expired') return second;
	// Still refused: this run renews the session. Given the credential without a token, n8n logs
	// in (preAuthentication), saves the new token for every other run, and sends the request.
	const renewed = await attempt(async () => {
		const credentials = await this.getCredentials(CREDENTIAL_TYPE);
		const withoutToken: ICredentialsDecrypted = { id: '', name: '', type: CREDENTIAL_TYPE, data: { ...credentials, sessionToken: '' } };
		const body = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, request, {
			credentialsDecrypted: withoutToken,
		})) as unknown;
		const parsed = typeof body === 'string' ? (safeJson(body) as unknown) : body;
		return { ok: true, response: (parsed as { response?: FileMakerResponse } | undefined)?.response ?? {} };
	});
	return renewed === 'expired' ? expired : renewed;
}

/** One send that leaves an expired token alone: 'expired' on HTTP 401, else the answer. */
async function sendWithoutRenewal(this: FileMakerContext, request: IHttpRequestOptions): Promise<CallResult | 'expired'> {
	const answer = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
		...request,
		ignoreHttpStatusErrors: true,
		returnFullResponse: true,
	})) as { statusCode?: number; body?: unknown };
	if (answer.statusCode === 401) return 'expired';
	const parsed = typeof answer.body === 'string' ? (safeJson(answer.body) ?? answer.body) : answer.body;
	if (answer.statusCode === undefined || answer.statusCode < 400) {
		return { ok: true, response: (parsed as { response?: FileMakerResponse } | undefined)?.response ?? {} };
	}
	const failure = Object.assign(new Error(`Request failed with status code ${answer.statusCode}`), {
		response: { status: answer.statusCode, body: parsed },
	});
	return { ok: false, info: extractFailure(failure), error: failure };
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/** Builds the NodeApiError for a failed call (message says what to fix; no secrets). */
export function fileMakerError(
	this: FileMakerContext,
	info: FailureInfo,
	context: ErrorContext,
	itemIndex?: number,
): NodeApiError {
	const mapped: MappedError = describeFileMakerError(info, context);
	const details: JsonObject = {
		message: mapped.message,
		fileMakerCode: info.code ?? null,
		fileMakerMessage: info.fmMessage ?? null,
		httpStatus: info.httpStatus ?? null,
	};
	return apiError.call(this, mapped.message, mapped.description || undefined, {
		raw: details,
		httpCode: info.httpStatus !== undefined ? String(info.httpStatus) : undefined,
		itemIndex,
	});
}

/** Field names in the answer of GET /layouts/{layout} (`fieldMetaData[].name`); undefined when absent. */
export function metadataFieldNames(response: FileMakerResponse): string[] | undefined {
	const meta = response.fieldMetaData;
	if (!Array.isArray(meta)) return undefined;
	return meta
		.map((f) => (f && typeof f === 'object' ? (f as { name?: unknown }).name : undefined))
		.filter((n): n is string => typeof n === 'string' && n !== '');
}

/** Whole number from a dataInfo count (numbers may come as strings). */
export function countOf(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
	return undefined;
}

export function recordsOf(response: FileMakerResponse): FileMakerRecord[] {
	const data = Array.isArray(response.data) ? response.data : [];
	return data.map((r) => ({
		recordId: String((r as { recordId?: unknown }).recordId ?? ''),
		modId: String((r as { modId?: unknown }).modId ?? ''),
		fieldData: ((r as { fieldData?: IDataObject }).fieldData ?? {}) as IDataObject,
		portalData: (r as { portalData?: IDataObject }).portalData,
	}));
}
