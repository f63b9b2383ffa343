/**
 * GraphQL documents of Order → Get Many (the catch-up). Every document the package sends is an
 * exported constant in a `*.documents.ts` file; a test validates them against every supported schema.
 *
 * The selections are exactly what nodes/shared/orders/normalizeGraphql.ts reads. Page sizes are
 * chosen in catchUp.ts so that the requested cost of every call stays below Shopify's 1,000-point
 * single-query limit (nested connections multiply: orders × line items, orders × refunds × refund lines).
 * Anything cut off by a page size is fetched with the follow-up documents below.
 */

/*
 * Fields of one node, shared by the first page and the follow-up pages (plain text pasted into each
 * document rather than a named fragment, so the cost calculator of nodes/shared/shopify/queryCost.ts can read it).
 * Not exported: every export of this file is a complete document.
 */
const LINE_ITEM_FIELDS = 'id sku quantity variant { id }';
const REFUND_LINE_ITEM_FIELDS = 'quantity restockType location { id } lineItem { id }';

/** Orders updated since a time (`query: "updated_at:>='…'"`), oldest change first. */
export const ORDERS_UPDATED_SINCE_QUERY = `query ShopifyInventoryOrdersUpdatedSince($first: Int!, $after: String, $query: String!, $lineItemsFirst: Int!, $refundsFirst: Int!, $refundLineItemsFirst: Int!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      name
      cancelledAt
      updatedAt
      retailLocation {
        id
      }
      lineItems(first: $lineItemsFirst) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ${LINE_ITEM_FIELDS}
        }
      }
      refunds(first: $refundsFirst) {
        id
        createdAt
        refundLineItems(first: $refundLineItemsFirst) {
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            ${REFUND_LINE_ITEM_FIELDS}
          }
        }
      }
    }
  }
}`;

/** More line items of one order (when an order has more lines than the first page carried). */
export const ORDER_LINE_ITEMS_PAGE_QUERY = `query ShopifyInventoryOrderLineItems($id: ID!, $first: Int!, $after: String) {
  order(id: $id) {
    id
    lineItems(first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ${LINE_ITEM_FIELDS}
      }
    }
  }
}`;

/** All refund ids of one order (when it has more refunds than the first page carried). */
export const ORDER_REFUND_IDS_QUERY = `query ShopifyInventoryOrderRefundIds($id: ID!, $first: Int!) {
  order(id: $id) {
    id
    refunds(first: $first) {
      id
      createdAt
    }
  }
}`;

/** One page of the lines of one refund (read through `node`, which every API version supports). */
export const REFUND_LINE_ITEMS_PAGE_QUERY = `query ShopifyInventoryRefundLineItems($id: ID!, $first: Int!, $after: String) {
  node(id: $id) {
    ... on Refund {
      id
      createdAt
      refundLineItems(first: $first, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ${REFUND_LINE_ITEM_FIELDS}
        }
      }
    }
  }
}`;
