/**
 * GraphQL documents of the Shopify Inventory Trigger (webhook subscription lifecycle).
 * Every document the package sends is an exported constant in a `*.documents.ts` file; a test
 * validates them against every supported Admin API schema.
 */

import { PAGE_INFO } from '../../shared/shopify/documentParts';

/** Existing subscriptions of the given topics, one page (filtered by uri on our side). */
export const WEBHOOK_SUBSCRIPTIONS_QUERY = `query ShopifyInventoryTriggerSubscriptions($first: Int!, $after: String, $topics: [WebhookSubscriptionTopic!]) {
  webhookSubscriptions(first: $first, after: $after, topics: $topics) {
    ${PAGE_INFO}
    nodes {
      id
      topic
      uri
      format
    }
  }
}`;

export const WEBHOOK_SUBSCRIPTION_CREATE_MUTATION = `mutation ShopifyInventoryTriggerSubscribe($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription {
      id
      topic
      uri
      format
    }
    userErrors {
      field
      message
    }
  }
}`;

export const WEBHOOK_SUBSCRIPTION_DELETE_MUTATION = `mutation ShopifyInventoryTriggerUnsubscribe($id: ID!) {
  webhookSubscriptionDelete(id: $id) {
    deletedWebhookSubscriptionId
    userErrors {
      field
      message
    }
  }
}`;
