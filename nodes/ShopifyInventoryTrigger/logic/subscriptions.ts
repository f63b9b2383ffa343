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

import { graphqlEnumToTopic, ORDER_TOPICS, topicToGraphqlEnum } from '../../shared/orders';
import { shopifyGraphql, type ShopifyGraphqlResult } from '../../shared/shopify/transport';
import {
	WEBHOOK_SUBSCRIPTION_CREATE_MUTATION,
	WEBHOOK_SUBSCRIPTION_DELETE_MUTATION,
	WEBHOOK_SUBSCRIPTIONS_QUERY,
} from '../trigger.documents';
import { signingSecret } from './delivery';

const PAGE_SIZE = 250;
/** Safety stop for pagination (250 × 20 = 5,000 subscriptions of the selected topics). */
const MAX_PAGES = 20;

export interface SubscriptionRecord {
	id: string;
	topic: string;
	uri: string;
}

type Registration = 'api' | 'manual';

export function selectedTopics(ctx: IHookFunctions): string[] {
	const raw = ctx.getNodeParameter('topics', ['orders/paid']) as unknown;
	const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
	const topics = [...new Set(list.map((t) => String(t).trim().toLowerCase()).filter((t) => t !== ''))];
	if (topics.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'Select at least one topic in the Shopify Inventory Trigger');
	}
	return topics;
}

export function registrationMode(ctx: IHookFunctions): Registration {
	return ctx.getNodeParameter('registration', 'api') === 'manual' ? 'manual' : 'api';
}

function nodeData(ctx: IHookFunctions): IDataObject {
	return ctx.getWorkflowStaticData('node');
}

function storedSubscriptions(ctx: IHookFunctions): Record<string, string> {
	const data = nodeData(ctx);
	const subs = data.subscriptions;
	if (subs && typeof subs === 'object' && !Array.isArray(subs)) return { ...(subs as Record<string, string>) };
	return {};
}

function saveSubscriptions(ctx: IHookFunctions, subs: Record<string, string>) {
	const data = nodeData(ctx);
	if (Object.keys(subs).length === 0) {
		delete data.subscriptions;
	} else {
		data.subscriptions = { ...subs };
	}
}

function webhookUrl(ctx: IHookFunctions): string {
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) {
		throw loud(ctx, 'n8n did not provide a webhook URL for the Shopify Inventory Trigger', undefined);
	}
	return url;
}

/** Logs the problem to the n8n log and returns the NodeApiError to throw. */
function loud(ctx: IHookFunctions, message: string, description: string | undefined, cause?: unknown): NodeApiError {
	const node = ctx.getNode();
	ctx.logger.error(`Shopify Inventory Trigger "${node.name}": ${message}${description ? ` — ${description}` : ''}`, {
		node: node.name,
		workflowId: ctx.getWorkflow().id,
	});
	const raw: JsonObject = { message };
	if (cause instanceof Error && cause.message) raw.cause = cause.message;
	const error = new NodeApiError(node, raw, { message, description });
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
export async function assertSigningSecret(ctx: IHookFunctions, mode: Registration): Promise<void> {
	const credentials = await ctx.getCredentials('shopifyInventoryApi');
	if (signingSecret(credentials, mode)) return;
	if (mode === 'manual') {
		throw loud(
			ctx,
			'The Webhook Signing Secret of the Shopify Inventory API credential is empty',
			'Webhooks created by hand in Shopify (Settings → Notifications → Webhooks) are signed with the key shown on that page ("Your webhooks will be signed with …"). Copy it into the credential field Webhook Signing Secret, then activate the workflow again.',
		);
	}
	throw loud(
		ctx,
		'The Shopify Inventory API credential has no secret to verify webhook signatures',
		'Enter the Client Secret of the app (or, for a legacy shpat_ token app, its API secret key in Webhook Signing Secret). Without it every Shopify delivery would be rejected.',
	);
}

interface ListAnswer {
	webhookSubscriptions?: {
		pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
		nodes?: Array<{ id?: string; topic?: string; uri?: string; callbackUrl?: string }>;
	};
}

/** Subscriptions of the given topics whose uri is exactly `uri`. */
export async function listSubscriptions(
	ctx: IHookFunctions,
	topics: string[],
	uri: string,
): Promise<SubscriptionRecord[]> {
	const found: SubscriptionRecord[] = [];
	let after: string | null = null;
	for (let page = 0; page < MAX_PAGES; page++) {
		const answer: ShopifyGraphqlResult = await shopifyGraphql.call(ctx, WEBHOOK_SUBSCRIPTIONS_QUERY, {
			first: PAGE_SIZE,
			after,
			topics: topics.map(topicToGraphqlEnum),
		});
		const conn = (answer.data as ListAnswer).webhookSubscriptions;
		for (const node of conn?.nodes ?? []) {
			const nodeUri = node.uri ?? node.callbackUrl;
			if (node.id && node.topic && nodeUri === uri) {
				found.push({ id: node.id, topic: graphqlEnumToTopic(node.topic), uri: nodeUri });
			}
		}
		if (!conn?.pageInfo?.hasNextPage || !conn.pageInfo.endCursor) break;
		after = conn.pageInfo.endCursor;
	}
	return found;
}

interface UserError {
	field?: string[] | null;
	message?: string;
}

function userErrorText(errors: UserError[]): string {
	return errors
		.map((e) => (e.field && e.field.length ? `${e.field.join('.')}: ${e.message ?? ''}` : e.message ?? ''))
		.filter(Boolean)
		.join('; ');
}

function httpsHint(uri: string): string {
	return /^https:\/\//i.test(uri)
		? ''
		: ` Shopify only delivers webhooks to public HTTPS addresses, and this n8n's webhook URL is ${uri}: set n8n's WEBHOOK_URL to its public https:// address (or use "Subscription Created in Shopify Admin" behind a proxy).`;
}

async function createOne(ctx: IHookFunctions, topic: string, uri: string): Promise<string> {
	let data: IDataObject;
	try {
		({ data } = await shopifyGraphql.call(ctx, WEBHOOK_SUBSCRIPTION_CREATE_MUTATION, {
			topic: topicToGraphqlEnum(topic),
			webhookSubscription: { uri, format: 'JSON' },
		}));
	} catch (error) {
		throw loud(
			ctx,
			`Could not register the Shopify webhook for ${topic}`,
			`${errorText(error)}. The workflow is NOT receiving ${topic} from Shopify.` + httpsHint(uri),
			error,
		);
	}
	const payload = (data.webhookSubscriptionCreate ?? {}) as {
		webhookSubscription?: { id?: string } | null;
		userErrors?: UserError[];
	};
	const userErrors = payload.userErrors ?? [];
	if (userErrors.length > 0 || !payload.webhookSubscription?.id) {
		const text = userErrorText(userErrors) || 'Shopify returned no subscription';
		if (/already been taken|already exists/i.test(text)) {
			// Created meanwhile (another activation); adopt it instead of failing.
			const existing = (await listSubscriptions(ctx, [topic], uri)).find((s) => s.topic === topic);
			if (existing) return existing.id;
		}
		throw loud(
			ctx,
			`Shopify refused the webhook subscription for ${topic}: ${text}`,
			`The workflow is NOT receiving ${topic} from Shopify. Check that the app has the read_orders scope and that the webhook URL is reachable.` +
				httpsHint(uri),
		);
	}
	return payload.webhookSubscription.id;
}

async function deleteOne(ctx: IHookFunctions, id: string): Promise<boolean> {
	const { data } = await shopifyGraphql.call(ctx, WEBHOOK_SUBSCRIPTION_DELETE_MUTATION, { id });
	const payload = (data.webhookSubscriptionDelete ?? {}) as {
		deletedWebhookSubscriptionId?: string | null;
		userErrors?: UserError[];
	};
	const userErrors = payload.userErrors ?? [];
	if (userErrors.length === 0) return true;
	const text = userErrorText(userErrors);
	// Already gone (deleted by hand, or removed by Shopify after failed deliveries): nothing to do.
	if (/not (be )?found|does not exist|doesn't exist/i.test(text)) return true;
	ctx.logger.error(`Shopify Inventory Trigger: could not delete webhook subscription ${id}: ${text}`, {
		node: ctx.getNode().name,
	});
	return false;
}

// ---------------------------------------------------------------------------------------------
// webhookMethods.default
// ---------------------------------------------------------------------------------------------

/** Our subscriptions (this node's URL) for every topic the trigger knows, selected or not. */
async function ownSubscriptions(ctx: IHookFunctions, uri: string): Promise<SubscriptionRecord[]> {
	try {
		return await listSubscriptions(ctx, [...ORDER_TOPICS], uri);
	} catch (error) {
		throw loud(
			ctx,
			'Could not read the webhook subscriptions from Shopify',
			`${errorText(error)}. The workflow may not receive orders from Shopify.`,
			error,
		);
	}
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const mode = registrationMode(this);
	await assertSigningSecret(this, mode);
	if (mode === 'manual') return true;
	const topics = selectedTopics(this);
	const uri = webhookUrl(this);
	const existing = await ownSubscriptions(this, uri);
	const subs: Record<string, string> = {};
	for (const s of existing) if (topics.includes(s.topic) && !subs[s.topic]) subs[s.topic] = s.id;
	saveSubscriptions(this, subs);
	// A topic that is no longer selected still subscribed at this URL → let create() remove it.
	const stale = existing.some((s) => !topics.includes(s.topic));
	return !stale && topics.every((t) => subs[t] !== undefined);
}

export async function create(this: IHookFunctions): Promise<boolean> {
	const mode = registrationMode(this);
	await assertSigningSecret(this, mode);
	if (mode === 'manual') return true;
	const topics = selectedTopics(this);
	const uri = webhookUrl(this);
	const subs = storedSubscriptions(this);
	const createdNow: string[] = [];
	try {
		// Topics deselected while the workflow was inactive: their subscriptions at this URL go away.
		for (const s of await ownSubscriptions(this, uri)) {
			if (topics.includes(s.topic)) continue;
			if (await deleteOne(this, s.id)) {
				this.logger.info(`Shopify Inventory Trigger: removed the ${s.topic} subscription (topic no longer selected)`);
			}
		}
		for (const topic of topics) {
			if (subs[topic]) continue;
			const id = await createOne(this, topic, uri);
			subs[topic] = id;
			createdNow.push(id);
		}
	} catch (error) {
		// Roll back what this call created, so no half-registered state stays behind in Shopify.
		for (const id of createdNow) {
			try {
				await deleteOne(this, id);
			} catch (rollbackError) {
				this.logger.error(
					`Shopify Inventory Trigger: could not remove webhook subscription ${id} after a failed activation: ${errorText(rollbackError)}`,
				);
			}
		}
		saveSubscriptions(
			this,
			Object.fromEntries(Object.entries(subs).filter(([, id]) => !createdNow.includes(id))),
		);
		const failure =
			error instanceof NodeApiError && (error as NodeApiError & { alreadyLogged?: boolean }).alreadyLogged
				? error
				: loud(this, 'Could not register the Shopify webhooks', `${errorText(error)}. The workflow is NOT receiving orders from Shopify.`, error);
		throw failure;
	}
	saveSubscriptions(this, subs);
	this.logger.info(
		`Shopify Inventory Trigger "${this.getNode().name}": subscribed to ${topics.join(', ')} at ${uri}`,
	);
	return true;
}

export async function remove(this: IHookFunctions): Promise<boolean> {
	const subs = storedSubscriptions(this);
	let allRemoved = true;
	const remaining: Record<string, string> = {};
	for (const [topic, id] of Object.entries(subs)) {
		let ok = false;
		try {
			ok = await deleteOne(this, id);
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
	saveSubscriptions(this, remaining);
	return allRemoved;
}
