import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import {
	databaseBaseUrl,
	normalizeDatabase,
	normalizeHost,
} from '../nodes/FileMakerInventory/logic/connection';
import { LOGIN_ERROR_NAME, describeLoginFailure, extractFailure } from '../nodes/FileMakerInventory/logic/errors';

// A switch, not a secret (its name only sounds like one to the credential linter).
const ignoreTlsErrorsProperty: INodeProperties = {
	displayName: 'Ignore TLS Errors',
	name: 'allowUnauthorizedCerts',
	type: 'boolean',
	default: false,
	description:
		'Whether to connect even if the TLS certificate of the host cannot be verified (self-signed certificates). Only use on networks you trust.',
};

/**
 * FileMaker Data API session credential.
 *
 * The session token is a hidden, expirable property: n8n calls `preAuthentication` (one login,
 * POST /sessions) only while the token is empty, stores the token with the credential, and sends
 * it as `Authorization: Bearer …` on every request. When FileMaker answers 401 (code 952, token
 * expired after 15 minutes without use), n8n logs in again once and resends the request. So one
 * session is reused across requests and executions, and there is no login per run.
 */
export class FileMakerDataApi implements ICredentialType {
	name = 'fileMakerDataApi';

	displayName = 'FileMaker Data API';

	icon: Icon = { light: 'file:fileMaker.svg', dark: 'file:fileMaker.dark.svg' };

	documentationUrl = 'https://help.claris.com/en/data-api-guide/';

	properties: INodeProperties[] = [
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://fms.example.com',
			description:
				'Address of FileMaker Server (or FileMaker Cloud host). https:// is used when no scheme is given; http:// is allowed for a local server.',
		},
		{
			displayName: 'Database',
			name: 'database',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'Inventory',
			description: 'Name of the hosted FileMaker file, without .fmp12',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			description:
				"FileMaker account whose privilege set has the extended privilege 'Access via FileMaker Data API (fmrest)'",
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Data API Version',
			name: 'apiVersion',
			type: 'options',
			options: [
				{ name: 'vLatest', value: 'vLatest' },
				{ name: 'V2', value: 'v2' },
				{ name: 'V1', value: 'v1' },
			],
			default: 'vLatest',
			description: 'Version segment of the Data API URLs. vLatest suits FileMaker Server 19 and later.',
		},
		ignoreTlsErrorsProperty,
	];

	/**
	 * Logs in and returns the session token. n8n calls this only when the token is empty or after a
	 * request failed with 401. Errors say whether the host, the database or the account is wrong,
	 * and never contain the password.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const host = normalizeHost(credentials.host);
		const database = normalizeDatabase(credentials.database);
		const username = typeof credentials.username === 'string' ? credentials.username : '';
		const password = typeof credentials.password === 'string' ? credentials.password : '';
		if (host === '' || database === '') {
			throw loginError(
				host === ''
					? 'The FileMaker credential has no Host. Enter the address of FileMaker Server, e.g. https://fms.example.com.'
					: 'The FileMaker credential has no Database. Enter the name of the hosted file, without .fmp12.',
			);
		}
		const basic = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
		let response: { body?: unknown; headers?: IDataObject } | undefined;
		let failure: unknown;
		try {
			response = (await this.helpers.httpRequest({
				method: 'POST',
				url: `${databaseBaseUrl(credentials)}/sessions`,
				headers: {
					Authorization: `Basic ${basic}`,
					'Content-Type': 'application/json',
					Accept: 'application/json',
				},
				// A literal "{}": an empty object would be dropped from the request, and some
				// FileMaker Server versions refuse a login without a body.
				body: '{}',
				json: true,
				returnFullResponse: true,
				timeout: 60_000,
				skipSslCertificateValidation: credentials.allowUnauthorizedCerts === true,
			})) as { body?: unknown; headers?: IDataObject };
		} catch (error) {
			failure = error;
		}
		if (failure !== undefined || response === undefined) {
			const mapped = describeLoginFailure(extractFailure(failure), { host, database, username });
			// (Network details stay out: n8n would swap a message naming e.g. ECONNREFUSED for a generic one.)
			throw loginError(mapped.kind === 'network' ? mapped.message : `${mapped.message} ${mapped.description}`.trim());
		}
		const token = tokenFrom(response);
		if (!token) {
			throw loginError(
				`The host ${host} answered the login, but not as a FileMaker Data API (no session token). Check the Host: it should be the address of FileMaker Server, e.g. https://fms.example.com.`,
			);
		}
		return { sessionToken: token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.sessionToken}}',
			},
		},
	};

	// n8n logs in (preAuthentication) before this request, so a wrong host, database or account
	// is reported by the login with a specific message; this request then proves the session works.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ (/^[a-z][a-z0-9+.-]*:\\/\\//i.test(String($credentials.host).trim()) ? String($credentials.host).trim() : "https://" + String($credentials.host).trim()).replace(/\\/fmi(\\/.*)?$/i, "").replace(/\\/+$/, "") }}/fmi/data/{{ $credentials.apiVersion || "vLatest" }}/databases/{{ encodeURIComponent(String($credentials.database).trim().replace(/\\.fmp12$/i, "")) }}',
			url: '/layouts',
			method: 'GET',
			skipSslCertificateValidation: '={{ $credentials.allowUnauthorizedCerts }}',
		},
	};
}

/**
 * A plain error on purpose: no HTTP response attached, so n8n neither retries the login (which
 * would count another failed attempt against the account) nor replaces the message with a bare
 * status text in the credential test. The name lets the node pass the message on unchanged.
 */
function loginError(message: string): Error {
	const error = new Error(message);
	error.name = LOGIN_ERROR_NAME;
	return error;
}

function tokenFrom(response: { body?: unknown; headers?: IDataObject }): string | undefined {
	const headers = response.headers ?? {};
	for (const [name, value] of Object.entries(headers)) {
		if (name.toLowerCase() === 'x-fm-data-access-token' && typeof value === 'string' && value !== '') {
			return value;
		}
	}
	let body = response.body;
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body) as unknown;
		} catch {
			return undefined;
		}
	}
	const token = (body as { response?: { token?: unknown } } | undefined)?.response?.token;
	return typeof token === 'string' && token !== '' ? token : undefined;
}
