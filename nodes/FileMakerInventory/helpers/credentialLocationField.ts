/**
 * The "Location Field" of the FileMaker Data API credential (several locations, set once for every node):
 * read once per execution, before the operation runs, and used by every operation whose own Location
 * Field option is empty.
 */
import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';

const CREDENTIAL_TYPE = 'fileMakerDataApi';

/** The credential's Location Field per execution (keyed by the execution's functions object). */
const locationFieldByExecution = new WeakMap<object, string>();

/** Reads the credential's Location Field for this execution (no request: the credential is local). */
export async function loadCredentialLocationField(this: IExecuteFunctions): Promise<void> {
	let field = '';
	try {
		field = locationFieldOf(await this.getCredentials(CREDENTIAL_TYPE));
	} catch {
		// No credential: the operation's own request reports that; without it there is no location field.
	}
	locationFieldByExecution.set(this, field);
}

/** The Location Field of FileMaker Data API credential data ('' = one location). */
export function locationFieldOf(credentials: ICredentialDataDecryptedObject): string {
	return typeof credentials.locationField === 'string' ? credentials.locationField.trim() : '';
}

/** The credential's Location Field ('' = none, or not loaded). */
export function credentialLocationField(context: object): string {
	return locationFieldByExecution.get(context) ?? '';
}

/** The operation's Location Field option, else the credential's ('' = one location). */
export function effectiveLocationField(context: object, option: string): string {
	return option !== '' ? option : credentialLocationField(context);
}
