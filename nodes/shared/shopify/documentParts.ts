/**
 * Pieces shared by the GraphQL documents of the `*.documents.ts` files (kept out of those files:
 * every export there is a whole document). GraphQL ignores the white space they are written in.
 */

/** The page info of a connection read by cursor. */
export const PAGE_INFO = 'pageInfo { hasNextPage endCursor }';

/** The user errors of a mutation. */
export const USER_ERRORS = 'userErrors { field message code }';

/** One more page of the line items of an order (an order with more lines than the first page carried). */
export function orderLineItemsPageQuery(operationName: string, lineFields: string): string {
	return `query ${operationName}($id: ID!, $first: Int!, $after: String) {
  order(id: $id) {
    id
    lineItems(first: $first, after: $after) {
      ${PAGE_INFO}
      nodes {
        ${lineFields}
      }
    }
  }
}`;
}
