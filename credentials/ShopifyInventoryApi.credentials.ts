import type {
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	INodeProperties,
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
} from 'n8n-workflow';

import { requestClientCredentialsToken } from '../nodes/shared/shopify/auth';
import { SCOPE_PROBES } from '../nodes/shared/shopify/credentialTest';
import { CREDENTIAL_TEST_QUERY } from '../nodes/shared/shopify/credentialTest.documents';
import { normalizeShopBaseUrl } from '../nodes/shared/shopify/url';

/** Base URL from the Shop field, as an n8n expression (same rules as normalizeShopBaseUrl). */
const BASE_URL_EXPRESSION =
	"={{ String($credentials.shop).trim().toLowerCase().startsWith('http') ? String($credentials.shop).trim() : (String($credentials.shop).includes('.') || String($credentials.shop).includes(':') ? 'https://' + String($credentials.shop).trim() : 'https://' + String($credentials.shop).trim() + '.myshopify.com') }}";

const scopeRules: IAuthenticateRuleResponseSuccessBody[] = [];
for (let i = 0; i < SCOPE_PROBES.length; i++) {
	for (const probe of SCOPE_PROBES) {
		scopeRules.push({
			type: 'responseSuccessBody',
			properties: {
				key: `errors[${i}].path[0]`,
				value: probe.field,
				message: `The Shopify app is missing the ${probe.scope} access scope. Add ${probe.scope} (the package needs read_inventory, write_inventory, read_products, write_products, read_locations and read_orders) to the app's configuration and install the new version on the store.`,
			},
		});
	}
}

const responseCodeRules: IAuthenticateRuleResponseCode[] = [
	{
		type: 'responseCode',
		properties: {
			value: 401,
			message:
				'Shopify refused the access token. Check the Admin API access token (it starts with shpat_) or the client ID and secret, and that the app is still installed on this store.',
		},
	},
	{
		type: 'responseCode',
		properties: {
			value: 403,
			message:
				'Shopify denied access. The app lacks a required access scope (read_inventory, write_inventory, read_products, write_products, read_locations, read_orders) or the store has blocked it.',
		},
	},
	{
		type: 'responseCode',
		properties: {
			value: 404,
			message:
				'No Shopify Admin API found at this address. Check the Shop field (my-shop or my-shop.myshopify.com) and the Admin API version.',
		},
	},
	{
		type: 'responseCode',
		properties: {
			value: 402,
			message: 'The store is frozen or paused (HTTP 402). Settle the billing in Shopify first.',
		},
	},
	{
		type: 'responseCode',
		properties: {
			value: 423,
			message: 'Shopify has locked this store (HTTP 423). Contact Shopify support.',
		},
	},
];

export class ShopifyInventoryApi implements ICredentialType {
	name = 'shopifyInventoryApi';

	displayName = 'Shopify Inventory API';

	icon = 'file:shopify.svg' as const;

	documentationUrl = 'https://shopify.dev/docs/apps/build/dev-dashboard/get-api-access-tokens';

	properties: INodeProperties[] = [
		{
			displayName: 'Shop',
			name: 'shop',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'my-shop',
			description:
				'The shop name (my-shop), its myshopify.com domain (my-shop.myshopify.com), or a full base URL (https://…) when a proxy sits in between',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{
					name: 'Client ID and Secret (Dev Dashboard App)',
					value: 'clientCredentials',
					description:
						'Apps created in the Dev Dashboard: n8n requests a 24-hour access token with the client-credentials grant and renews it automatically',
				},
				{
					name: 'Admin API Access Token',
					value: 'accessToken',
					description: 'A shpat_ token of a custom app created in the Shopify admin before 2026',
				},
			],
			default: 'clientCredentials',
		},
		{
			displayName: 'Admin API Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'shpat_…',
			displayOptions: { show: { authentication: ['accessToken'] } },
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			displayOptions: { show: { authentication: ['clientCredentials'] } },
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authentication: ['clientCredentials'] } },
		},
		{
			displayName: 'Admin API Version',
			name: 'apiVersion',
			type: 'options',
			options: [
				{ name: '2026-10', value: '2026-10' },
				{ name: '2026-07', value: '2026-07' },
				{ name: '2026-04', value: '2026-04' },
				{ name: '2026-01', value: '2026-01' },
			],
			default: '2026-10',
			description: 'The Admin GraphQL API version to call',
		},
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSigningSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"Secret used to verify webhook signatures. Leave empty to use the app's client secret. Webhooks created by hand in Settings → Notifications are signed with the key shown on that page.",
		},
		{
			displayName: 'Locations',
			name: 'locationMapping',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			placeholder: 'WH = Main warehouse\nSHOP = 987654321',
			description:
				'Several locations only (empty: one location). One line per location: the value of the Location field in FileMaker, =, then the Shopify location (its exact name, or its id such as 123456789). Lines starting with # are ignored. Used by Sync, Order → Get Many and the trigger unless a node has its own Locations list.',
		},
		{
			displayName: 'Default Location',
			name: 'defaultLocation',
			type: 'string',
			default: '',
			placeholder: 'Main warehouse',
			description:
				'With Locations: where the trigger and the catch-up count a change whose location Shopify does not name (an order not yet routed). The exact name or the id. Empty: such changes carry no location.',
		},
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	/**
	 * Fills the hidden, expirable sessionToken. n8n calls this when the token is empty and once more after
	 * a request answered HTTP 401 (an expired 24-hour token).
	 */
	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		if (credentials.authentication === 'accessToken') {
			const token = typeof credentials.accessToken === 'string' ? credentials.accessToken.trim() : '';
			if (!token) {
				throw new Error(
					'The Admin API access token is empty. Paste the shpat_ token of the app, or switch Authentication to Client ID and Secret.',
				);
			}
			return { sessionToken: token };
		}
		const base = normalizeShopBaseUrl(credentials.shop);
		const token = await requestClientCredentialsToken(
			(options) => this.helpers.httpRequest(options),
			base,
			String(credentials.clientId ?? ''),
			String(credentials.clientSecret ?? ''),
		);
		return { sessionToken: token.accessToken };
	}

	/**
	 * Adds the access token to every request. A function, not a generic block with an expression:
	 * n8n resolves a generic block's expression for each request (see the FileMaker credential).
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return { ...requestOptions, headers: { ...requestOptions.headers, 'X-Shopify-Access-Token': String(credentials.sessionToken ?? '') } };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: BASE_URL_EXPRESSION,
			url: '=/admin/api/{{$credentials.apiVersion || "2026-10"}}/graphql.json',
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			body: { query: CREDENTIAL_TEST_QUERY },
			json: true,
		},
		rules: [
			...responseCodeRules,
			...scopeRules,
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'errors[0].extensions.code',
					value: 'ACCESS_DENIED',
					message:
						'Shopify denied access to part of the API: the app is missing an access scope (read_inventory, write_inventory, read_products, write_products, read_locations, read_orders).',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'errors[0].extensions.code',
					value: 'THROTTLED',
					message: 'The credential works, but Shopify is throttling this app right now. Try again in a minute.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'data.shop',
					value: undefined,
					message:
						'The address answered, but not like the Shopify Admin API. Check the Shop field and the Admin API version.',
				},
			},
			// n8n checks responseCode rules on failed answers and responseSuccessBody rules on successful ones.
		] as unknown as IAuthenticateRuleResponseSuccessBody[],
	};
}
