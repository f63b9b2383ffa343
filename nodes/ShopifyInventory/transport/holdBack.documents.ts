/**
 * GraphQL documents of the hold-back read of Inventory → Sync: orders created since a time, with what
 * each line still holds (current quantity) and whether Shopify tracks its inventory item. Every
 * document the package sends is an exported constant in a `*.documents.ts` file (validated against
 * every supported schema by test/shopify/schema.test.ts). Page sizes are in holdBack.ts.
 */

import { orderConnectionPageQuery, PAGE_INFO } from '../../shared/shopify/documentParts';

const HOLD_BACK_LINE_FIELDS = 'id sku currentQuantity isGiftCard variant { id inventoryItem { id tracked } }';

/** Orders created since a time (`query: "created_at:>='…'"`), oldest first. */
export const HOLD_BACK_ORDERS_QUERY = `query ShopifyInventoryHoldBackOrders($first: Int!, $after: String, $query: String!, $lineItemsFirst: Int!) {
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
    ${PAGE_INFO}
    nodes {
      id
      createdAt
      cancelledAt
      retailLocation {
        id
      }
      lineItems(first: $lineItemsFirst) {
        ${PAGE_INFO}
        nodes {
          ${HOLD_BACK_LINE_FIELDS}
        }
      }
    }
  }
}`;

/** More line items of one order (an order with more lines than the first page carried). */
export const HOLD_BACK_ORDER_LINES_QUERY = orderConnectionPageQuery('ShopifyInventoryHoldBackOrderLines', 'lineItems', HOLD_BACK_LINE_FIELDS);
