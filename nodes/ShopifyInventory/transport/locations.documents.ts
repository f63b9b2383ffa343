/**
 * GraphQL documents about the shop’s locations (list, primary location).
 * Every document the package sends is an exported string constant in a `*.documents.ts` file:
 * test/shopify/schema.test.ts validates all of them against each supported Admin API version.
 */

import { PAGE_INFO } from '../../shared/shopify/documentParts';

/** Locations, one page. */
export const LOCATIONS_QUERY = `query Locations($first: Int!, $after: String, $includeInactive: Boolean) {
  locations(first: $first, after: $after, includeInactive: $includeInactive) {
    ${PAGE_INFO}
    nodes {
      id
      name
      isActive
      fulfillsOnlineOrders
    }
  }
}`;

/**
 * The shop's primary location: `location` without an id returns it (Shopify Admin API:
 * "If no ID is provided, the primary location of the Shop is returned").
 */
export const PRIMARY_LOCATION_QUERY = `query PrimaryLocation {
  location {
    id
    name
  }
}`;
