/**
 * GraphQL documents shared by the Shopify nodes and the credential.
 * Every document the package sends is an exported string constant in a `*.documents.ts` file:
 * test/shopify/schema.test.ts validates all of them against each supported Admin API version.
 */

/** Credential test / connection check: the shop and the scopes granted to the app. */
export const SHOP_CHECK_QUERY = `query ShopCheck {
  shop {
    name
    myshopifyDomain
  }
  currentAppInstallation {
    accessScopes {
      handle
    }
  }
}`;

/** Minimal shop read (used by the credential Test button). */
export const SHOP_NAME_QUERY = `query ShopName {
  shop {
    name
  }
}`;

/** Locations, one page. */
export const LOCATIONS_QUERY = `query Locations($first: Int!, $after: String, $includeInactive: Boolean) {
  locations(first: $first, after: $after, includeInactive: $includeInactive) {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      name
      isActive
      fulfillsOnlineOrders
    }
  }
}`;

/** One location by id (checks that a location given as an id exists). */
export const LOCATION_QUERY = `query LocationById($id: ID!) {
  location(id: $id) {
    id
    name
    isActive
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
