/**
 * Pieces shared by the GraphQL documents of the `*.documents.ts` files (kept out of those files:
 * every export there is a whole document). GraphQL ignores the white space they are written in.
 */

/** The page info of a connection read by cursor. */
export const PAGE_INFO = 'pageInfo { hasNextPage endCursor }';

/** The user errors of a mutation. */
export const USER_ERRORS = 'userErrors { field message code }';

/**
 * One page of a connection of one order, e.g. its line items past the first page (`connection`
 * 'lineItems'). `moreVariables`: declarations the node fields use, each with a leading ", ".
 */
export function orderConnectionPageQuery(operationName: string, connection: string, nodeFields: string, moreVariables = ''): string {
	return `query ${operationName}($id: ID!, $first: Int!, $after: String${moreVariables}) {
  order(id: $id) {
    id
    ${connection}(first: $first, after: $after) {
      ${PAGE_INFO}
      nodes {
        ${nodeFields}
      }
    }
  }
}`;
}
