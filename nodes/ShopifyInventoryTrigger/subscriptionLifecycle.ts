/**
 * Webhook subscription lifecycle of the Shopify Inventory Trigger (activation / deactivation).
 *
 * n8n 2.41 marks a workflow active even when `create` throws, without showing the error; so every
 * failure here is written to the n8n log (logger.error) AND thrown as a NodeApiError with a message
 * that says what to fix.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { apiError } from '../shared/errors';
import { DEFAULT_ORDER_TOPICS, ORDER_TOPICS } from '../shared/orders';
import { signingSecret } from './logic/delivery';
import { httpsHint, userErrorText } from './logic/subscriptions';
import {
	createSubscription,
	deleteSubscription,
	listSubscriptions,
	type CreatedSubscription,
	type SubscriptionRecord,
} from './transport/subscriptions';

type Registration = 'api' | 'manual';

/** Shopify's userError for order topics when the app lacks protected customer data approval. */
const PROTECTED_CUSTOMER_DATA = /protected customer data|not approved to subscribe/i;

function selectedTopics(this: IHookFunctions): string[] {
	const raw = this.getNodeParameter('topics', [...DEFAULT_ORDER_TOPICS]) as unknown;
	const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
	const topics = [...new Set(list.map((t) => String(t).trim().toLowerCase()).filter((t) => t !== ''))];
	if (topics.length === 0) {
		throw new NodeOperationError(this.getNode(), 'Select at least one topic in the Shopify Inventory Trigger');
	}
	return topics;
}

function registrationMode(this: IHookFunctions): Registration {
	return this.getNodeParameter('registration', 'api') === 'manual' ? 'manual' : 'api';
}

function nodeData(this: IHookFunctions): IDataObject {
	return this.getWorkflowStaticData('node');
}

function storedSubscriptions(this: IHookFunctions): Record<string, string> {
	const data = nodeData.call(this);
	const subs = data.subscriptions;
	if (subs && typeof subs === 'object' && !Array.isArray(subs)) return { ...(subs as Record<string, string>) };
	return {};
}

function saveSubscriptions(this: IHookFunctions, subs: Record<string, string>) {
	const data = nodeData.call(this);
	if (Object.keys(subs).length === 0) {
		delete data.subscriptions;
	} else {
		data.subscriptions = { ...subs };
	}
}

function webhookUrl(this: IHookFunctions): string {
	const url = this.getNodeWebhookUrl('default');
	if (!url) {
		throw loud.call(this, 'n8n did not provide a webhook URL for the Shopify Inventory Trigger', undefined);
	}
	return url;
}

/** Logs the problem to the n8n log and returns the NodeApiError to throw. */
function loud(this: IHookFunctions, message: string, description: string | undefined, cause?: unknown): NodeApiError {
	const node = this.getNode();
	this.logger.error(`Shopify Inventory Trigger "${node.name}": ${message}${description ? ` — ${description}` : ''}`, {
		node: node.name,
		workflowId: this.getWorkflow().id,
	});
	const raw: JsonObject = { message };
	if (cause instanceof Error && cause.message) raw.cause = cause.message;
	const error = apiError.call(this, message, description, { raw });
	(error as NodeApiError & { alreadyLogged?: boolean }).alreadyLogged = true;
	return error;
}

function errorText(error: unknown): string {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		return [error.message, error.description].filter(Boolean).join(' — ');
	}
	return error instanceof Error ? error.message : String(error);
}

/** The secret check that both modes need: without it every delivery would be answered 401. */
async function assertSigningSecret(this: IHookFunctions, mode: Registration): Promise<void> {
	const credentials = await this.getCredentials('shopifyInventoryApi');
	if (signingSecret(credentials, mode)) return;
	if (mode === 'manual') {
		throw loud.call(
			this,
			'The Webhook Signing Secret of the Shopify Inventory API credential is empty',
			'Webhooks created by hand in Shopify (Settings → Notifications → Webhooks) are signed with the key shown on that page ("Your webhooks will be signed with …"). Copy it into the credential field Webhook Signing Secret, then publish the workflow again.',
		);
	}
	throw loud.call(
		this,
		'The Shopify Inventory API credential has no secret to verify webhook signatures',
		'Enter the Client Secret of the app (or, for a legacy shpat_ token app, its API secret key in Webhook Signing Secret). Without it every Shopify delivery would be rejected.',
	);
}

async function createOne(this: IHookFunctions, topic: string, uri: string): Promise<string> {
	let payload: CreatedSubscription;
	try {
		payload = await createSubscription.call(this, topic, uri);
	} catch (error) {
		throw loud.call(
			this,
			`Could not register the Shopify webhook for ${topic}`,
			`${errorText(error)}. The workflow is NOT receiving ${topic} from Shopify.` + httpsHint(uri),
			error,
		);
	}
	const userErrors = payload.userErrors;
	if (userErrors.length > 0 || !payload.id) {
		const text = userErrorText(userErrors) || 'Shopify returned no subscription';
		if (PROTECTED_CUSTOMER_DATA.test(text)) {
			throw loud.call(
				this,
				`Shopify refused the webhook subscription for ${topic}: the app is not approved for protected customer data`,
				`Shopify said: "${text}". Order, refund and return webhooks contain protected customer data, so Shopify only delivers them to apps approved for it. In the Shopify Dev Dashboard (or Partner Dashboard → Apps → your app → API access → Protected customer data access), request access to protected customer data: select the reason (e.g. inventory management) and the order data; no customer fields (name, email, phone, address) are needed. Then publish the workflow again. The workflow is NOT receiving ${topic} from Shopify until then.`,
			);
		}
		if (/already been taken|already exists/i.test(text)) {
			// Created meanwhile (another activation); adopt it instead of failing.
			const existing = (await listSubscriptions.call(this, [topic], uri)).find((s) => s.topic === topic);
			if (existing) return existing.id;
		}
		throw loud.call(
			this,
			`Shopify refused the webhook subscription for ${topic}: ${text}`,
			`The workflow is NOT receiving ${topic} from Shopify. Check that the app has the read_orders scope and that the webhook URL is reachable.` +
				httpsHint(uri),
		);
	}
	return payload.id;
}

async function deleteOne(this: IHookFunctions, id: string): Promise<boolean> {
	const userErrors = await deleteSubscription.call(this, id);
	if (userErrors.length === 0) return true;
	const text = userErrorText(userErrors);
	// Already gone (deleted by hand, or removed by Shopify after failed deliveries): nothing to do.
	if (/not (be )?found|does not exist|doesn't exist/i.test(text)) return true;
	this.logger.error(`Shopify Inventory Trigger: could not delete webhook subscription ${id}: ${text}`, {
		node: this.getNode().name,
	});
	return false;
}

// ---------------------------------------------------------------------------------------------
// webhookMethods.default
// ---------------------------------------------------------------------------------------------

/** Our subscriptions (this node's URL) for every topic the trigger knows, selected or not. */
async function ownSubscriptions(this: IHookFunctions, uri: string): Promise<SubscriptionRecord[]> {
	try {
		return await listSubscriptions.call(this, [...ORDER_TOPICS], uri);
	} catch (error) {
		throw loud.call(
			this,
			'Could not read the webhook subscriptions from Shopify',
			`${errorText(error)}. The workflow may not receive orders from Shopify.`,
			error,
		);
	}
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const mode = registrationMode.call(this);
	await assertSigningSecret.call(this, mode);
	if (mode === 'manual') return true;
	const topics = selectedTopics.call(this);
	const uri = webhookUrl.call(this);
	const existing = await ownSubscriptions.call(this, uri);
	const subs: Record<string, string> = {};
	for (const s of existing) if (topics.includes(s.topic) && !subs[s.topic]) subs[s.topic] = s.id;
	saveSubscriptions.call(this, subs);
	// A topic that is no longer selected still subscribed at this URL → let create() remove it.
	const stale = existing.some((s) => !topics.includes(s.topic));
	return !stale && topics.every((t) => subs[t] !== undefined);
}

export async function create(this: IHookFunctions): Promise<boolean> {
	const mode = registrationMode.call(this);
	await assertSigningSecret.call(this, mode);
	if (mode === 'manual') return true;
	const topics = selectedTopics.call(this);
	const uri = webhookUrl.call(this);
	const subs = storedSubscriptions.call(this);
	const createdNow: string[] = [];
	try {
		// Topics deselected while the workflow was inactive: their subscriptions at this URL go away.
		for (const s of await ownSubscriptions.call(this, uri)) {
			if (topics.includes(s.topic)) continue;
			if (await deleteOne.call(this, s.id)) {
				this.logger.info(`Shopify Inventory Trigger: removed the ${s.topic} subscription (topic no longer selected)`);
			}
		}
		for (const topic of topics) {
			if (subs[topic]) continue;
			const id = await createOne.call(this, topic, uri);
			subs[topic] = id;
			createdNow.push(id);
		}
	} catch (error) {
		// Roll back what this call created, so no half-registered state stays behind in Shopify.
		for (const id of createdNow) {
			try {
				await deleteOne.call(this, id);
			} catch (rollbackError) {
				this.logger.error(
					`Shopify Inventory Trigger: could not remove webhook subscription ${id} after a failed activation: ${errorText(rollbackError)}`,
				);
			}
		}
		saveSubscriptions.call(
			this,
			Object.fromEntries(Object.entries(subs).filter(([, id]) => !createdNow.includes(id))),
		);
		const failure =
			error instanceof NodeApiError && (error as NodeApiError & { alreadyLogged?: boolean }).alreadyLogged
				? error
				: loud.call(this, 'Could not register the Shopify webhooks', `${errorText(error)}. The workflow is NOT receiving orders from Shopify.`, error);
		throw failure;
	}
	saveSubscriptions.call(this, subs);
	this.logger.info(
		`Shopify Inventory Trigger "${this.getNode().name}": subscribed to ${topics.join(', ')} at ${uri}`,
	);
	return true;
}

export async function remove(this: IHookFunctions): Promise<boolean> {
	const subs = storedSubscriptions.call(this);
	let allRemoved = true;
	const remaining: Record<string, string> = {};
	for (const [topic, id] of Object.entries(subs)) {
		let ok = false;
		try {
			ok = await deleteOne.call(this, id);
		} catch (error) {
			this.logger.error(
				`Shopify Inventory Trigger: could not delete the ${topic} webhook subscription ${id}: ${errorText(error)}. Delete it in Shopify if it keeps delivering.`,
			);
		}
		if (!ok) {
			allRemoved = false;
			remaining[topic] = id;
		}
	}
	saveSubscriptions.call(this, remaining);
	return allRemoved;
}
