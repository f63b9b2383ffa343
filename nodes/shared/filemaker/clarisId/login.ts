import type { ICredentialDataDecryptedObject, IHttpRequestHelper } from 'n8n-workflow';

import { clarisIdToken } from './tokens';

export { describeClarisIdAccountRefused } from './messages';

/** How the Data API login authenticates with a Claris ID, and what to save with the credential. */
export interface ClarisIdAuthorization {
	/** `FMID <id token>`, the Authorization header of POST /sessions on FileMaker Cloud. */
	authorization: string;
	/** The stored ID token was reused: if FileMaker Cloud refuses it, renew once and log in again. */
	reused: boolean;
	/** Hidden credential fields to save with the session token. */
	stored: Record<string, string>;
	email: string;
}

export function usesClarisId(credentials: ICredentialDataDecryptedObject): boolean {
	return credentials.signInWith === 'clarisId';
}

export async function clarisIdAuthorization(
	this: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	forceRenewal = false,
): Promise<ClarisIdAuthorization> {
	const token = await clarisIdToken.call(this, credentials, { forceRenewal });
	return {
		authorization: `FMID ${token.idToken}`,
		reused: token.reused,
		stored: token.stored,
		email: typeof credentials.clarisIdEmail === 'string' ? credentials.clarisIdEmail.trim() : '',
	};
}
