import type {
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { clarisIdProperties, clarisIdStoredProperties } from '../nodes/shared/filemaker/clarisId/properties';
import { locationFieldProperty } from '../nodes/shared/filemaker/locationField';
import { logIn } from '../nodes/shared/filemaker/session';
import { dataApiPath } from '../nodes/shared/filemaker/url';

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
 * see nodes/shared/filemaker/session.ts) only while the token is empty, stores the token with the
 * credential, and sends it as `Authorization: Bearer …` on every request. When FileMaker answers 401 (code 952, token
 * expired after 15 minutes without use), n8n logs in again once and resends the request. So one
 * session is reused across requests and executions, and there is no login per run.
 *
 * FileMaker Cloud (Sign In With: Claris ID): the login sends a Claris ID token (`FMID …`) that the
 * same preAuthentication gets from Amazon Cognito and keeps in hidden fields until it is nearly
 * an hour old (see nodes/shared/filemaker/clarisId).
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
		...clarisIdStoredProperties,
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
			displayName: 'Sign In With',
			name: 'signInWith',
			type: 'options',
			options: [
				{
					name: 'FileMaker Server Account',
					value: 'fileMakerAccount',
					description: 'An account of the hosted file (FileMaker Server)',
				},
				{
					name: 'Claris ID (FileMaker Cloud)',
					value: 'clarisId',
					description: 'A Claris ID with access to the file (FileMaker Cloud)',
				},
			],
			default: 'fileMakerAccount',
		},
		...clarisIdProperties,
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { signInWith: ['fileMakerAccount'] } },
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
			displayOptions: { show: { signInWith: ['fileMakerAccount'] } },
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
		locationFieldProperty(
			'Several locations only (empty: one location, records per SKU). The field of the stock layout and the stock event layout (same name on both) that holds the location, e.g. WH. Every FileMaker Inventory operation uses it unless its own Location Field option is set.',
		),
	];

	/**
	 * Logs in and returns the session token. n8n calls this only when the token is empty or after a
	 * request failed with 401. Errors say whether the host, the database or the account is wrong,
	 * and never contain the password.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await logIn.call(this, credentials);
	}

	/**
	 * Adds the session token to every request. A function, not a generic block with an expression:
	 * n8n resolves a generic block's expression for each request, which costs more than the request
	 * itself on a busy order webhook path.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.sessionToken ?? '')}` } };
	}

	// n8n logs in (preAuthentication) before this request, so a wrong host, database or account
	// is reported by the login with a specific message; this request then proves the session works.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ (/^[a-z][a-z0-9+.-]*:\\/\\//i.test(String($credentials.host).trim()) ? String($credentials.host).trim() : "https://" + String($credentials.host).trim()).replace(/\\/fmi(\\/.*)?$/i, "").replace(/\\/+$/, "") }}/fmi/data/{{ $credentials.apiVersion || "vLatest" }}/databases/{{ encodeURIComponent(String($credentials.database).trim().replace(/\\.fmp12$/i, "")) }}',
			url: dataApiPath.layouts(),
			method: 'GET',
			skipSslCertificateValidation: '={{ $credentials.allowUnauthorizedCerts }}',
		},
	};
}
