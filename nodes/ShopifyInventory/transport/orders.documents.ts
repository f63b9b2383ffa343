/**
 * GraphQL documents of Order → Get Many (the catch-up). Every document the package sends is an
 * exported constant in a `*.documents.ts` file; a test validates them against every supported schema.
 *
 * The selections are exactly what nodes/shared/orders/normalizeGraphql.ts reads. Page sizes are
 * chosen in catchUp.ts so that the requested cost of every call stays below Shopify's 1,000-point
 * single-query limit (nested connections multiply: orders × line items, orders × refunds × refund lines).
 * Anything cut off by a page size is fetched with the follow-up documents below.
 */

import { orderConnectionPageQuery, PAGE_INFO } from '../../shared/shopify/documentParts';

/*
 * Fields of one node, shared by the first page and the follow-up pages (plain text pasted into each
 * document rather than a named fragment, so the cost calculator of nodes/shared/shopify/queryCost.ts can read it).
 * Not exported: every export of this file is a complete document.
 */
const LINE_ITEM_FIELDS = 'id sku quantity currentQuantity fulfillableQuantity isGiftCard variant { id inventoryItem { tracked } }';
const REFUND_LINE_ITEM_FIELDS = 'quantity restockType location { id } lineItem { id }';
/** One page of an order's returns with every disposition (see ORDER_RETURNS_QUERY). */
const RETURN_FIELDS = `id
        reverseFulfillmentOrders(first: $reverseFulfillmentOrdersFirst) {
          ${PAGE_INFO}
          nodes {
            id
            lineItems(first: $reverseLineItemsFirst) {
              ${PAGE_INFO}
              nodes {
                id
                fulfillmentLineItem {
                  id
                  lineItem {
                    id
                  }
                }
                dispositions {
                  id
                  type
                  quantity
                  location {
                    id
                  }
                }
              }
            }
          }
        }`;
/** The order fields of the first read (page of orders, or one order by id). */
const ORDER_FIELDS = `id
      name
      cancelledAt
      updatedAt
      retailLocation {
        id
      }
      lineItems(first: $lineItemsFirst) {
        ${PAGE_INFO}
        nodes {
          ${LINE_ITEM_FIELDS}
        }
      }
      refunds(first: $refundsFirst) {
        id
        createdAt
        return {
          id
        }
        refundLineItems(first: $refundLineItemsFirst) {
          ${PAGE_INFO}
          nodes {
            ${REFUND_LINE_ITEM_FIELDS}
          }
        }
      }
      returns(first: 1) {
        nodes {
          id
        }
      }`;

/** Orders updated since a time (`query: "updated_at:>='…'"`), oldest change first. */
export const ORDERS_UPDATED_SINCE_QUERY = `query ShopifyInventoryOrdersUpdatedSince($first: Int!, $after: String, $query: String!, $lineItemsFirst: Int!, $refundsFirst: Int!, $refundLineItemsFirst: Int!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    ${PAGE_INFO}
    nodes {
      ${ORDER_FIELDS}
    }
  }
}`;

/** One order by id, with the same fields (the trigger reads it for orders/edited and return dispositions). */
export const ORDER_BY_ID_QUERY = `query ShopifyInventoryOrderById($id: ID!, $lineItemsFirst: Int!, $refundsFirst: Int!, $refundLineItemsFirst: Int!) {
  order(id: $id) {
      ${ORDER_FIELDS}
  }
}`;

/**
 * One order by id and the shop's locations (id, name): the trigger's order read when the credential's
 * Locations name locations, so that the names become ids without a call of their own.
 */
export const ORDER_BY_ID_WITH_LOCATIONS_QUERY = `query ShopifyInventoryOrderByIdWithLocations($id: ID!, $lineItemsFirst: Int!, $refundsFirst: Int!, $refundLineItemsFirst: Int!) {
  order(id: $id) {
      ${ORDER_FIELDS}
  }
  locations(first: 250, includeInactive: true) {
    nodes {
      id
      name
    }
  }
}`;

/** The fulfilments of one order (read for cancelled orders: fulfilled units do not come back on cancel). */
export const ORDER_FULFILLMENTS_QUERY = `query ShopifyInventoryOrderFulfillments($id: ID!, $first: Int!, $linesFirst: Int!) {
  order(id: $id) {
    id
    fulfillments(first: $first) {
      id
      status
      fulfillmentLineItems(first: $linesFirst) {
        ${PAGE_INFO}
        nodes {
          quantity
          lineItem {
            id
          }
        }
      }
    }
  }
}`;

/** The returns of one order with every disposition of their reverse fulfillment orders. */
export const ORDER_RETURNS_QUERY = orderConnectionPageQuery(
	'ShopifyInventoryOrderReturns',
	'returns',
	RETURN_FIELDS,
	', $reverseFulfillmentOrdersFirst: Int!, $reverseLineItemsFirst: Int!',
);

/** More line items of one order (when an order has more lines than the first page carried). */
export const ORDER_LINE_ITEMS_PAGE_QUERY = orderConnectionPageQuery('ShopifyInventoryOrderLineItems', 'lineItems', LINE_ITEM_FIELDS);

/** All refund ids of one order (when it has more refunds than the first page carried). */
export const ORDER_REFUND_IDS_QUERY = `query ShopifyInventoryOrderRefundIds($id: ID!, $first: Int!) {
  order(id: $id) {
    id
    refunds(first: $first) {
      id
      createdAt
      return {
        id
      }
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
        ${PAGE_INFO}
        nodes {
          ${REFUND_LINE_ITEM_FIELDS}
        }
      }
    }
  }
}`;

/**
 * The fulfillment orders of one order (read when the reader is set up for several locations): the
 * location Shopify assigned to fulfil each line. `displayable: true` leaves out fulfillment orders
 * closed after being moved or merged.
 */
export const ORDER_FULFILLMENT_ORDERS_QUERY = `query ShopifyInventoryOrderFulfillmentOrders($id: ID!, $first: Int!, $linesFirst: Int!) {
  order(id: $id) {
    id
    fulfillmentOrders(first: $first, displayable: true) {
      ${PAGE_INFO}
      nodes {
        id
        status
        assignedLocation {
          location {
            id
          }
        }
        lineItems(first: $linesFirst) {
          ${PAGE_INFO}
          nodes {
            totalQuantity
            lineItem {
              id
            }
          }
        }
      }
    }
  }
}`;
