/** Shopify webhook subscriptions of the trigger: list, create, delete (GraphQL Admin API). */
import type { IHookFunctions } from 'n8n-workflow';

import { graphqlEnumToTopic, topicToGraphqlEnum } from '../../shared/orders';
import { shopifyGraphql, type ShopifyGraphqlResult } from '../../shared/shopify/transport';
import {
	WEBHOOK_SUBSCRIPTION_CREATE_MUTATION,
	WEBHOOK_SUBSCRIPTION_DELETE_MUTATION,
	WEBHOOK_SUBSCRIPTIONS_QUERY,
} from './subscriptions.documents';

const PAGE_SIZE = 250;
/** Safety stop for pagination (250 × 20 = 5,000 subscriptions of the selected topics). */
const MAX_PAGES = 20;

export interface SubscriptionRecord {
	id: string;
	topic: string;
	uri: string;
}

export interface UserError {
	field?: string[] | null;
	message?: string;
}

export interface CreatedSubscription {
	/** The new subscription's id; undefined when Shopify refused it. */
	id?: string;
	userErrors: UserError[];
}

interface ListAnswer {
	webhookSubscriptions?: {
		pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
		nodes?: Array<{ id?: string; topic?: string; uri?: string; callbackUrl?: string }>;
	};
}

/** Subscriptions of the given topics whose uri is exactly `uri`. */
export async function listSubscriptions(
	this: IHookFunctions,
	topics: string[],
	uri: string,
): Promise<SubscriptionRecord[]> {
	const found: SubscriptionRecord[] = [];
	let after: string | null = null;
	for (let page = 0; page < MAX_PAGES; page++) {
		const answer: ShopifyGraphqlResult = await shopifyGraphql.call(this, WEBHOOK_SUBSCRIPTIONS_QUERY, {
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

/** Subscribes `uri` to `topic` (JSON deliveries). Shopify's refusals come back as userErrors. */
export async function createSubscription(this: IHookFunctions, topic: string, uri: string): Promise<CreatedSubscription> {
	const { data } = await shopifyGraphql.call(this, WEBHOOK_SUBSCRIPTION_CREATE_MUTATION, {
		topic: topicToGraphqlEnum(topic),
		webhookSubscription: { uri, format: 'JSON' },
	});
	const payload = (data.webhookSubscriptionCreate ?? {}) as {
		webhookSubscription?: { id?: string } | null;
		userErrors?: UserError[];
	};
	return { id: payload.webhookSubscription?.id, userErrors: payload.userErrors ?? [] };
}

/** Deletes a subscription; returns Shopify's userErrors (none: deleted). */
export async function deleteSubscription(this: IHookFunctions, id: string): Promise<UserError[]> {
	const { data } = await shopifyGraphql.call(this, WEBHOOK_SUBSCRIPTION_DELETE_MUTATION, { id });
	const payload = (data.webhookSubscriptionDelete ?? {}) as { userErrors?: UserError[] };
	return payload.userErrors ?? [];
}
