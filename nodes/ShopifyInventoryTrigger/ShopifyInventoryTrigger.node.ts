import {
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { decideDelivery, runOrIgnore, signingSecret, type DeliveryDecision, type OutputMode } from './logic/delivery';
import { checkExists, create, remove } from './subscriptionLifecycle';
import { DEFAULT_ORDER_TOPICS, stockChangesFromGraphqlOrder } from '../shared/orders';
import { orderOutputOption } from '../shared/orders/outputOption';
import { locateChanges, type ChangeLocationSettings, type StockChange } from '../shared/orders';
import { credentialOrderLocationSettings, orderLocationProperties, orderLocationSettings } from '../shared/orders/locationOptions';
import { readShopLocationNames } from '../shared/shopify/credentialLocationMapping';
import {
	needsLocationList,
	parseCredentialLocations,
	resolveCredentialLocations,
	type CredentialLocations,
	type ShopLocation,
} from '../shared/shopify/credentialLocations';
import { searchLocations } from '../ShopifyInventory/methods/listSearch';
import { fetchOrderById } from '../ShopifyInventory/transport/orders';
import { searchLayouts } from '../FileMakerInventory/methods/listSearch';
import { RESPOND_AFTER_STORED, storeAndAnswer, storeOnDeliveryProperties } from './storeOnDelivery';
import { responseModeField } from './webhookResponseMode';
import { forVersions } from './versionTwoProperties';
import { getLayouts, getLocations } from './methods/loadOptions';

/**
 * What to answer: a delivery decision after any order read, "the order could not be read" (503), or
 * "the credential's Locations name a location the shop does not have" (500).
 */
type SettledDecision =
	| Exclude<DeliveryDecision, { action: 'readOrder' }>
	| { action: 'unavailable'; message: string }
	| { action: 'misconfigured'; message: string };

/**
 * The credential's Locations when they name locations: resolved with the shop's location list, which
 * the order read carries (no call of its own) or, for refunds/create, one call.
 */
interface PendingCredentialLocations {
	written: CredentialLocations;
	nodeDefaultLocation: unknown;
}

function settleCredentialLocations(pending: PendingCredentialLocations, shopLocations: unknown[]): ChangeLocationSettings | string {
	try {
		return credentialOrderLocationSettings(resolveCredentialLocations(pending.written, shopLocations as ShopLocation[]), pending.nodeDefaultLocation);
	} catch (error) {
		return `${(error as Error).message.replace(/\.$/, '')}. Fix Locations / Default Location in the Shopify Inventory API credential`;
	}
}

/**
 * orders/edited and return dispositions: the payload names the order; the order read through the API
 * gives the same items and keys as the catch-up. A failed read answers 503 so that Shopify delivers
 * the event again.
 */
async function readOrderDecision(
	this: IWebhookFunctions,
	decision: Extract<DeliveryDecision, { action: 'readOrder' }>,
	locations: ChangeLocationSettings | null,
	pending: PendingCredentialLocations | null = null,
): Promise<SettledDecision> {
	let order: Record<string, unknown> | null;
	let shopLocations: unknown[] = [];
	try {
		order = await fetchOrderById.call(this, decision.orderId, undefined, {
			lineLocations: locations !== null || pending !== null,
			onShopLocations: pending ? (nodes) => (shopLocations = nodes) : undefined,
		});
	} catch (error) {
		const e = error as Error & { description?: string | null };
		return {
			action: 'unavailable',
			message: `could not read order ${decision.orderId} from Shopify for ${decision.topic}: ${e.message}${e.description ? ` — ${e.description}` : ''}`,
		};
	}
	if (!order) {
		return {
			action: 'unavailable',
			message: `Shopify returned no order ${decision.orderId} for ${decision.topic} (deleted, or the app is not approved for protected customer data)`,
		};
	}
	if (pending) {
		const settled = settleCredentialLocations(pending, shopLocations);
		if (typeof settled === 'string') return { action: 'misconfigured', message: settled };
		locations = settled;
	}
	let changes: StockChange[];
	try {
		changes = stockChangesFromGraphqlOrder(order).changes;
		if (locations) changes = locateChanges(changes, locations);
	} catch (error) {
		return { action: 'unavailable', message: `order ${decision.orderId} could not be read: ${(error as Error).message}` };
	}
	return runOrIgnore(changes, decision.topic, decision.eventId);
}

/** The raw request body as received. n8n keeps it in `rawBody` (a Buffer); be defensive about the rest. */
function rawBodyOf(this: IWebhookFunctions): Buffer {
	const req = this.getRequestObject() as unknown as { rawBody?: unknown; body?: unknown };
	const raw = req.rawBody;
	if (Buffer.isBuffer(raw)) return raw;
	if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
	if (raw instanceof Uint8Array) return Buffer.from(raw);
	const body = req.body;
	if (Buffer.isBuffer(body)) return body;
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	// Re-serialised JSON rarely matches Shopify's bytes, so this only ever leads to a 401, never to a false accept.
	if (body && typeof body === 'object' && Object.keys(body).length > 0) {
		return Buffer.from(JSON.stringify(body), 'utf8');
	}
	return Buffer.alloc(0);
}

export class ShopifyInventoryTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Shopify Inventory Trigger',
		name: 'shopifyInventoryTrigger',
		icon: { light: 'file:shopifyInventoryTrigger.svg', dark: 'file:shopifyInventoryTrigger.dark.svg' },
		group: ['trigger'],
		// Version 2 behaves as 1. n8n 2.41 evaluates an expression for every delivery to a version-1
		// webhook node (its old binary-data option); from version 2 on it evaluates none for this node.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["topics"].join(", ")}}',
		description:
			'Starts the workflow when Shopify sells, cancels, refunds, edits or restocks a return: one verified item per stock change, with a change key for FileMaker',
		defaults: {
			name: 'Shopify Inventory Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'shopifyInventoryApi',
				required: true,
			},
			{
				name: 'fileMakerDataApi',
				required: true,
				displayOptions: { show: { responseMode: [RESPOND_AFTER_STORED] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// "After storing" answers from the trigger itself; for n8n that is "answer on receipt".
				...responseModeField(),
				path: 'shopify-inventory',
			},
		],
		properties: [
			{
				displayName: 'Topics',
				name: 'topics',
				type: 'multiOptions',
				options: [
					{
						name: 'Order Cancelled',
						value: 'orders/cancelled',
						description: 'Restocks what the cancellation gives back: unfulfilled units only (orders/cancelled)',
					},
					{
						name: 'Order Created',
						value: 'orders/create',
						description:
							'The sale, as soon as the order exists, paid or not (orders/create). Same keys as Order Paid: choosing both applies each sale once.',
					},
					{
						name: 'Order Edited',
						value: 'orders/edited',
						description:
							'Added lines are sold, removed or reduced lines come back (orders/edited). The node reads the edited order from Shopify.',
					},
					{
						name: 'Order Paid',
						value: 'orders/paid',
						description: 'The sale, once the order is paid (orders/paid)',
					},
					{
						name: 'Order Updated',
						value: 'orders/updated',
						description:
							'Every change of an order (orders/updated): the whole order again, same keys. Optional; many deliveries.',
					},
					{
						name: 'Refund Created',
						value: 'refunds/create',
						description: 'Restocks returned or cancelled units of a refund; refunds without restock change nothing (refunds/create)',
					},
					{
						name: 'Return Restocked',
						value: 'reverse_fulfillment_orders/dispose',
						description:
							"Returned units restocked through Shopify's returns flow (reverse_fulfillment_orders/dispose). The node reads the order's returns from Shopify.",
					},
				],
				default: [...DEFAULT_ORDER_TOPICS],
				required: true,
				description: 'Shopify events to receive. Each one is subscribed separately; all arrive at this node.',
			},
			{
				displayName: 'Subscription',
				name: 'registration',
				type: 'options',
				options: [
					{
						name: 'Register Automatically Through the API',
						value: 'api',
						description:
							"Subscribes to the topics when the workflow is activated and unsubscribes when it is deactivated. Deliveries are signed with the app's client secret (or the Webhook Signing Secret).",
					},
					{
						name: 'Subscription Created in Shopify Admin',
						value: 'manual',
						description:
							"You create the webhooks in Shopify (Settings → Notifications → Webhooks, format JSON) with this node's production URL. Deliveries are signed with the store's key shown on that page: put it into the credential's Webhook Signing Secret.",
					},
				],
				default: 'api',
			},
			{
				displayName:
					"In Shopify admin → Settings → Notifications → Webhooks, create one webhook per selected topic with format JSON and this node's Production URL, then copy the key shown there (\"Your webhooks will be signed with …\") into the credential's Webhook Signing Secret",
				name: 'manualNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { registration: ['manual'] } },
			},
			{
				displayName: 'Respond',
				name: 'responseMode',
				type: 'options',
				options: [
					{
						name: 'After Storing the Changes in FileMaker',
						value: RESPOND_AFTER_STORED,
						description:
							"The trigger stores each stock change in FileMaker (event layout, change key unique) and answers Shopify itself; the workflow then applies them (Stock Event → Apply Pending). No workflow step is on the answer path. If FileMaker fails, Shopify gets an error and delivers again. For sale days on n8n 2.41 set N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (see the package's docs).",
					},
					{
						name: 'When the Workflow Has Finished (Recommended: Shopify Retries if FileMaker Failed)',
						value: 'lastNode',
						description:
							'Shopify gets its answer after FileMaker stored the changes. A failed FileMaker write answers with an error, so Shopify delivers the event again.',
					},
					{
						name: "Using 'Respond to Webhook' Node",
						value: 'responseNode',
						description:
							'Answer Shopify from a Respond to Webhook node, e.g. right after FileMaker stored the events, and apply them afterwards. A failure before that node answers with an error, so Shopify delivers the event again.',
					},
					{
						name: 'Immediately',
						value: 'onReceived',
						description:
							'Answer Shopify as soon as the delivery is verified. A failure later in the workflow is not retried by Shopify; only the scheduled catch-up repairs it.',
					},
				],
				default: 'lastNode',
			},
			...storeOnDeliveryProperties,
			{
				...orderOutputOption({
				stockChanges:
					'One item per stock-affecting line: SKU, quantity (negative = sold, positive = restocked) and change key (field idempotencyKey)',
					raw: 'One item per delivery with the payload as Shopify sent it (the order, or the refund for Refund Created)',
				}),
				// Storing needs the stock changes.
				displayOptions: { hide: { responseMode: [RESPOND_AFTER_STORED] } },
			},
			...orderLocationProperties()
				.map((p) => ({ ...p, displayOptions: { show: { output: ['stockChanges'] } } }))
				.flatMap((p) => (p.type === 'resourceLocator' ? forVersions(p) : [p])),
		],
	};

	methods = {
		listSearch: { searchLocations, searchLayouts },
		loadOptions: { getLayouts, getLocations },
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const registration = this.getNodeParameter('registration', 'api') === 'manual' ? 'manual' : 'api';
		const topics = this.getNodeParameter('topics', [...DEFAULT_ORDER_TOPICS]) as string[] | string;
		const respondAfterStored = this.getNodeParameter('responseMode', 'lastNode') === RESPOND_AFTER_STORED;
		const output = (!respondAfterStored && this.getNodeParameter('output', 'stockChanges') === 'raw' ? 'raw' : 'stockChanges') as OutputMode;

		let secret: string | undefined;
		let credentialLocationsText: { locationMapping: unknown; defaultLocation: unknown } | undefined;
		try {
			const credentials = await this.getCredentials('shopifyInventoryApi');
			secret = signingSecret(credentials, registration);
			credentialLocationsText = { locationMapping: credentials.locationMapping, defaultLocation: credentials.defaultLocation };
		} catch (error) {
			this.logger.error(
				`Shopify Inventory Trigger: could not read the Shopify Inventory API credential (${(error as Error).message}); the delivery was rejected (401)`,
			);
			secret = undefined;
		}

		let locations: ChangeLocationSettings | null = null;
		let pendingLocations: PendingCredentialLocations | null = null;
		let locationsProblem: string | undefined;
		if (output === 'stockChanges') {
			try {
				const nodeDefaultLocation = this.getNodeParameter('defaultLocation', '');
				locations = orderLocationSettings(this.getNodeParameter('locations', {}), nodeDefaultLocation);
				if (locations === null && credentialLocationsText) {
					// No Locations on the node: the credential's. Ids need no call; names are resolved with the
					// location list that the order read carries.
					const written = parseCredentialLocations(credentialLocationsText.locationMapping, credentialLocationsText.defaultLocation);
					if (written.lines.length > 0 && needsLocationList(written)) pendingLocations = { written, nodeDefaultLocation };
					else if (written.lines.length > 0) locations = credentialOrderLocationSettings(resolveCredentialLocations(written), nodeDefaultLocation);
				}
			} catch (error) {
				locationsProblem = (error as Error).message;
			}
		}

		const decided = decideDelivery({
			rawBody: rawBodyOf.call(this),
			headers: this.getHeaderData() as Record<string, unknown>,
			secret,
			topics: Array.isArray(topics) ? topics : [topics],
			output,
			readOrderTopics: locations !== null || pendingLocations !== null,
		});
		if (locationsProblem !== undefined && decided.action !== 'reject' && decided.action !== 'ignore') {
			// A configuration error (checked after the signature): answer 500 so that Shopify delivers
			// again once the mapping is fixed.
			this.logger.error(`Shopify Inventory Trigger: ${locationsProblem}. Fix Locations / Default Location; answered 500, Shopify delivers again.`);
			this.getResponseObject().status(500).json({ message: 'The trigger is not configured correctly' });
			return { noWebhookResponse: true };
		}

		let decision: SettledDecision =
			decided.action === 'readOrder' ? await readOrderDecision.call(this, decided, locations, pendingLocations) : decided;
		if (decision.action === 'run' && pendingLocations && decided.action === 'run') {
			// refunds/create: no order read to carry the location list, so one call for it.
			try {
				const settled = settleCredentialLocations(pendingLocations, await readShopLocationNames.call(this));
				if (typeof settled === 'string') decision = { action: 'misconfigured', message: settled };
				else locations = settled;
			} catch (error) {
				decision = { action: 'unavailable', message: `could not read the shop's locations for ${decided.topic}: ${(error as Error).message}` };
			}
		}
		if (decision.action === 'run' && locations && decided.action === 'run') {
			// refunds/create: the refund lines name their restock location.
			decision = { ...decision, items: locateChanges(decision.items as unknown as StockChange[], locations) as unknown as Array<Record<string, unknown>> };
		}

		const res = this.getResponseObject();
		if (decision.action === 'misconfigured') {
			this.logger.error(`Shopify Inventory Trigger: ${decision.message}; answered 500, Shopify delivers again.`);
			res.status(500).json({ message: 'The trigger is not configured correctly' });
			return { noWebhookResponse: true };
		}
		if (decision.action === 'unavailable') {
			this.logger.error(`Shopify Inventory Trigger: ${decision.message}. Answered 503: Shopify delivers the event again.`);
			res.status(503).json({ message: 'The order could not be read from Shopify; deliver again later' });
			return { noWebhookResponse: true };
		}
		if (decision.action === 'reject') {
			if (decision.log.level === 'error') this.logger.error(decision.log.message);
			else this.logger.warn(decision.log.message);
			res.status(decision.status).json(decision.body);
			return { noWebhookResponse: true };
		}
		if (decision.action === 'ignore') {
			if (decision.log) this.logger.info(decision.log.message);
			// No workflowData: n8n answers 200 with this body and starts no execution.
			return { webhookResponse: decision.body };
		}
		if (respondAfterStored) return await storeAndAnswer.call(this, decision.items as IDataObject[]);
		const items: INodeExecutionData[] = decision.items.map((json) => ({ json: json as IDataObject }));
		return { workflowData: [items] };
	}
}
