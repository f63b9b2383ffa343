import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper } from 'n8n-workflow';

import { clarisIdAuthorization, describeClarisIdAccountRefused, usesClarisId } from './clarisId/login';
import { LOGIN_ERROR_NAME, describeLoginFailure, extractFailure } from './errors';
import { dataApiPath, databaseBaseUrl, normalizeDatabase, normalizeHost } from './url';

/**
 * The Data API login (POST /sessions), run by the credential's preAuthentication.
 *
 * n8n calls it only while the session token is empty or after a request failed with HTTP 401
 * (FileMaker code 952: token expired), then resends that request once: that is the whole session
 * renewal, so the client never logs in itself. Errors say whether the host, the database or the
 * account is wrong, and never contain the password.
 */
export async function logIn(
	this: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	renewClarisId = false,
): Promise<{ sessionToken: string } & Record<string, string>> {
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
	// FileMaker Cloud: a Claris ID token (see ./clarisId), else FileMaker Server's account and password.
	const claris = usesClarisId(credentials) ? await clarisIdAuthorization.call(this, credentials, renewClarisId) : undefined;
	const basic = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
	let response: { body?: unknown; headers?: IDataObject } | undefined;
	let failure: unknown;
	try {
		response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${databaseBaseUrl(credentials)}${dataApiPath.sessions()}`,
			headers: {
				Authorization: claris?.authorization ?? `Basic ${basic}`,
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
		if (claris !== undefined && mapped.kind === 'auth') {
			// A stored ID token FileMaker Cloud no longer takes (revoked, clocks apart): renew it once.
			if (claris.reused) return await logIn.call(this, credentials, true);
			throw loginError(describeClarisIdAccountRefused(claris.email, database, host));
		}
		// (Network details stay out: n8n would swap a message naming e.g. ECONNREFUSED for a generic one.)
		throw loginError(mapped.kind === 'network' ? mapped.message : `${mapped.message} ${mapped.description}`.trim());
	}
	const token = tokenFrom(response);
	if (!token) {
		throw loginError(
			`The host ${host} answered the login, but not as a FileMaker Data API (no session token). Check the Host: it should be the address of FileMaker Server, e.g. https://fms.example.com.`,
		);
	}
	return { sessionToken: token, ...claris?.stored };
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
