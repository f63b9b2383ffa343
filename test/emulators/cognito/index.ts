/** Amazon Cognito user-pool emulator (Claris ID sign-in): see README.md in this folder. */
export { startCognitoEmulator } from './server';
export type {
	CognitoEmulator,
	CognitoEmulatorOptions,
	CognitoRequestLogEntry,
	CognitoUserDef,
	IdTokenClaims,
} from './server';
