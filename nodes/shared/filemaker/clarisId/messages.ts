import type { CognitoFailure } from './cognito';

/**
 * Sentences for a failed Claris ID sign-in, each starting with the step that failed and saying
 * what to do. They name the email and the Cognito endpoint, never a password or token.
 */

export const CLARIS_ID_STEP = 'Claris ID sign-in failed:';

const MFA_CHALLENGES = new Set(['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP', 'SELECT_MFA_TYPE', 'MFA_SETUP']);

export interface ClarisIdMessageContext {
	email: string;
	endpoint: string;
	/** Which call failed: the password sign-in or the refresh-token renewal. */
	flow: 'password' | 'refreshToken';
}

export function describeClarisIdFailure(failure: CognitoFailure, ctx: ClarisIdMessageContext): string {
	const who = ctx.email ? ` ${ctx.email}` : '';
	if (failure.kind === 'challenge') {
		if (MFA_CHALLENGES.has(failure.challenge)) {
			return (
				`${CLARIS_ID_STEP} the Claris ID${who} has two-step verification (MFA, Cognito challenge ${failure.challenge}), which n8n cannot answer unattended. ` +
				`Use a Claris ID without two-step verification for n8n (an account only for n8n, given access to the file in FileMaker Cloud), ` +
				`or sign in once elsewhere and choose 'Refresh Token' in this credential.`
			);
		}
		if (failure.challenge === 'NEW_PASSWORD_REQUIRED') {
			return `${CLARIS_ID_STEP} the Claris ID${who} must set a new password first (Cognito challenge NEW_PASSWORD_REQUIRED). Sign in once at Claris Customer Console, set the password, then enter it here.`;
		}
		return `${CLARIS_ID_STEP} Cognito asked for a step n8n cannot complete (challenge ${failure.challenge}). Use a Claris ID that signs in with email and password only.`;
	}
	if (failure.kind === 'network') {
		return `${CLARIS_ID_STEP} could not reach Amazon Cognito at ${ctx.endpoint} (${failure.reason}). Check the Cognito Region (and Cognito Endpoint, if set) and that n8n can reach the internet.`;
	}
	if (failure.kind === 'unexpected') {
		return `${CLARIS_ID_STEP} ${ctx.endpoint} did not answer as Amazon Cognito${failure.httpStatus ? ` (HTTP ${failure.httpStatus})` : ''}. Check the Cognito Region and Cognito Endpoint.`;
	}
	const said = failure.message ? ` Cognito said: "${failure.message}"${/[.!?]$/.test(failure.message) ? '' : '.'}` : '';
	switch (failure.type) {
		case 'NotAuthorizedException':
			if (ctx.flow === 'refreshToken') {
				return `${CLARIS_ID_STEP} Cognito refused the refresh token (NotAuthorizedException).${said} A Claris ID refresh token lasts one year and ends when the password changes or the user signs out everywhere: get a new one, or choose 'Email and Password'.`;
			}
			return `${CLARIS_ID_STEP} wrong email or password for the Claris ID${who} (NotAuthorizedException).${said} Check Claris ID Email and Claris ID Password (the ones you use at Claris Customer Console).`;
		case 'UserNotFoundException':
			return `${CLARIS_ID_STEP} there is no Claris ID${who} (UserNotFoundException). Check Claris ID Email.`;
		case 'UserNotConfirmedException':
			return `${CLARIS_ID_STEP} the Claris ID${who} is not confirmed yet (UserNotConfirmedException). Finish the sign-up from Claris's confirmation email, then test again.`;
		case 'PasswordResetRequiredException':
			return `${CLARIS_ID_STEP} the Claris ID${who} must reset its password (PasswordResetRequiredException). Reset it at Claris Customer Console, then enter the new password here.`;
		case 'TooManyRequestsException':
		case 'LimitExceededException':
		case 'TooManyFailedAttemptsException':
			return `${CLARIS_ID_STEP} Cognito is limiting sign-ins for now (${failure.type}).${said} Wait a few minutes and try again.`;
		case 'ResourceNotFoundException':
		case 'InvalidParameterException':
		case 'InvalidUserPoolConfigurationException':
			return `${CLARIS_ID_STEP} Cognito did not accept the pool settings (${failure.type}).${said} Check Cognito Region, Cognito User Pool ID and Cognito App Client ID (the values Claris publishes are the defaults).`;
		default:
			return `${CLARIS_ID_STEP} Cognito answered ${failure.type} (HTTP ${failure.httpStatus}).${said}`;
	}
}

/** FileMaker Cloud refused the login with a valid Claris ID token (code 212): account or privilege set of the file. */
export function describeClarisIdAccountRefused(email: string, database: string, host: string): string {
	return (
		`FileMaker Cloud at ${host} did not let the Claris ID${email ? ` ${email}` : ''} open the database '${database}' (code 212): the Claris ID sign-in itself worked. ` +
		`In the file, add this Claris ID (or a Claris ID group it belongs to) as an account whose privilege set includes the extended privilege 'Access via FileMaker Data API (fmrest)'.`
	);
}
