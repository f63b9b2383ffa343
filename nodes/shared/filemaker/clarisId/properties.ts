import type { INodeProperties } from 'n8n-workflow';

import { STORED } from './tokens';

/**
 * The Claris ID fields of the FileMaker Data API credential (shown when Sign In With is Claris ID).
 * The Cognito pool settings default to the values Claris publishes for Claris ID and can be changed
 * if Claris publishes new ones (the defaults equal CLARIS_COGNITO_DEFAULTS in ./tokens.ts; a test checks it).
 */

const clarisOnly = { show: { signInWith: ['clarisId'] } };

export const clarisIdProperties: INodeProperties[] = [
	{
		displayName: 'Claris ID Sign-In',
		name: 'clarisIdSignIn',
		type: 'options',
		options: [
			{
				name: 'Email and Password',
				value: 'password',
				description: 'Signs in with the Claris ID (no two-step verification) and renews its token itself',
			},
			{
				name: 'Refresh Token',
				value: 'refreshToken',
				description: 'A Claris ID refresh token (valid one year): no password stored in n8n',
			},
		],
		default: 'password',
		displayOptions: clarisOnly,
	},
	{
		displayName: 'Claris ID Email',
		name: 'clarisIdEmail',
		type: 'string',
		placeholder: 'name@example.com',
		default: '',
		description: 'The Claris ID (email) that has access to the file. It must not use two-step verification.',
		displayOptions: { show: { signInWith: ['clarisId'], clarisIdSignIn: ['password'] } },
	},
	{
		displayName: 'Claris ID Password',
		name: 'clarisIdPassword',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description: 'Sent only as a Cognito SRP proof, never as the password itself',
		displayOptions: { show: { signInWith: ['clarisId'], clarisIdSignIn: ['password'] } },
	},
	{
		displayName: 'Claris ID Refresh Token',
		name: 'clarisIdRefreshTokenInput',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description:
			"The Claris ID refresh token (Claris_ID_refresh_token in Claris's help on FMID tokens). It lasts one year; n8n renews the hourly ID token with it.",
		displayOptions: { show: { signInWith: ['clarisId'], clarisIdSignIn: ['refreshToken'] } },
	},
	{
		displayName: 'Cognito Region',
		name: 'cognitoRegion',
		type: 'string',
		default: 'us-west-2',
		description: "AWS region of Claris ID's Cognito user pool, as Claris publishes it. Change only if Claris publishes a new value.",
		displayOptions: clarisOnly,
	},
	{
		displayName: 'Cognito User Pool ID',
		name: 'cognitoUserPoolId',
		type: 'string',
		default: 'us-west-2_NqkuZcXQY',
		description: "Claris ID's Cognito user pool (UserPool_ID), as Claris publishes it. Change only if Claris publishes a new value.",
		displayOptions: clarisOnly,
	},
	{
		displayName: 'Cognito App Client ID',
		name: 'cognitoClientId',
		type: 'string',
		default: '4l9rvl4mv5es1eep1qe97cautn',
		description: "Claris ID's Cognito app client (Client_ID), as Claris publishes it. Change only if Claris publishes a new value.",
		displayOptions: clarisOnly,
	},
	{
		displayName: 'Cognito Endpoint',
		name: 'cognitoEndpoint',
		type: 'string',
		default: '',
		placeholder: 'https://cognito-idp.us-west-2.amazonaws.com/',
		description: 'Leave empty to use https://cognito-idp.{region}.amazonaws.com/. Set only for a proxy in front of Cognito.',
		displayOptions: clarisOnly,
	},
];

/** Hidden fields where n8n keeps the Claris ID tokens between executions (saved with the session token). */
export const clarisIdStoredProperties: INodeProperties[] = [
	{ displayName: 'Claris ID Token', name: STORED.idToken, type: 'hidden', typeOptions: { password: true }, default: '' },
	{ displayName: 'Claris ID Token Expires At', name: STORED.expiresAt, type: 'hidden', default: '' },
	{
		displayName: 'Claris ID Issued Refresh Token',
		name: STORED.refreshToken,
		type: 'hidden',
		typeOptions: { password: true },
		default: '',
	},
	{ displayName: 'Claris ID Signed In As', name: STORED.owner, type: 'hidden', default: '' },
];
