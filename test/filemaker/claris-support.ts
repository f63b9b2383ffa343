/**
 * Shared set-up of the Claris ID (FileMaker Cloud) tests: a Cognito emulator and a FileMaker
 * emulator that takes its ID tokens, on one emulated clock. The clock is also the process's Date
 * (faked, frozen between moves), because the credential compares token expiry with Date.now()
 * as it does in production; nothing waits on time.
 */
import { vi } from 'vitest';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { startCognitoEmulator, type CognitoEmulator } from '../emulators/cognito';
import { startFileMakerEmulator, type FileMakerEmulator, type FileMakerEmulatorOptions } from '../emulators/filemaker';
import { n8nHttpHelpers } from './_support';

export const START = Date.UTC(2026, 11, 4, 9, 0, 0);
export const MINUTE = 60_000;

export const OPS = { email: 'ops@example.com', password: 'Claris-Pass-1' };
export const MFA = { email: 'mfa@example.com', password: 'Mfa-Pass-2' };
export const SMS = { email: 'sms@example.com', password: 'Sms-Pass-3' };
/** A Claris ID without an account in the file. */
export const OUTSIDER = { email: 'outsider@example.com', password: 'Out-Pass-4' };

export interface ClarisEnv {
	cognito: CognitoEmulator;
	fm: FileMakerEmulator;
	/** The shared emulated time. */
	now(): number;
	/** Moves the shared clock (and Date). */
	advance(ms: number): void;
	/** Back to START, logs and sessions cleared. */
	reset(): void;
	close(): Promise<void>;
}

export async function startClarisEnv(fmOptions: FileMakerEmulatorOptions = {}): Promise<ClarisEnv> {
	let t = START;
	vi.useFakeTimers({ toFake: ['Date'] });
	vi.setSystemTime(t);
	const clock = () => t;
	const cognito = await startCognitoEmulator({
		now: clock,
		users: [OPS, OUTSIDER, { ...MFA, challenge: 'SOFTWARE_TOKEN_MFA' }, { ...SMS, challenge: 'SMS_MFA' }],
	});
	const fm = await startFileMakerEmulator({
		...fmOptions,
		now: clock,
		clarisId: {
			verifyIdToken: (token, at) => cognito.verifyIdToken(token, at),
			accounts: [OPS.email, MFA.email, SMS.email],
		},
	});
	return {
		cognito,
		fm,
		now: clock,
		advance(ms) {
			t += ms;
			vi.setSystemTime(t);
		},
		reset() {
			t = START;
			vi.setSystemTime(t);
			cognito.reset();
			fm.reset();
		},
		async close() {
			vi.useRealTimers();
			await fm.close();
			await cognito.close();
		},
	};
}

/** A FileMaker Data API credential that signs in with a Claris ID against the emulators. */
export function clarisCredential(env: ClarisEnv, patch: Record<string, unknown> = {}): Record<string, string | boolean> {
	return {
		host: env.fm.url,
		database: 'Inventory',
		signInWith: 'clarisId',
		clarisIdSignIn: 'password',
		clarisIdEmail: OPS.email,
		clarisIdPassword: OPS.password,
		cognitoRegion: env.cognito.region,
		cognitoUserPoolId: env.cognito.userPoolId,
		cognitoClientId: env.cognito.clientId,
		cognitoEndpoint: env.cognito.url,
		...patch,
	} as Record<string, string | boolean>;
}

/** n8n's httpRequest helper, recording every request it sends (to check that no password leaves). */
export function recordingHelpers(): { helpers: { httpRequest(o: IHttpRequestOptions): Promise<unknown> }; sent: IHttpRequestOptions[] } {
	const inner = n8nHttpHelpers();
	const sent: IHttpRequestOptions[] = [];
	return {
		sent,
		helpers: {
			httpRequest: async (o: IHttpRequestOptions) => {
				sent.push(o);
				return await inner.helpers.httpRequest(o);
			},
		},
	};
}

/** The Cognito calls of the log, as "Operation FLOW-or-CHALLENGE status[ errorType]". */
export function cognitoCalls(cognito: CognitoEmulator): string[] {
	return cognito.requestLog.map(
		(l) => `${l.target} ${l.authFlow ?? l.challengeName ?? '-'} ${l.status}${l.errorType ? ` ${l.errorType}` : ''}${l.challenge ? ` ${l.challenge}` : ''}`,
	);
}
