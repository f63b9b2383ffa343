/**
 * The shop's locations (id and name) for turning the location names of the credential's Locations
 * field into ids: one call, at most once per execution, and only when a name is used.
 * Every document the package sends is an exported string constant in a `*.documents.ts` file.
 */
export const CREDENTIAL_LOCATION_NAMES_QUERY = `query ShopifyInventoryLocationNames {
  locations(first: 250, includeInactive: true) {
    nodes {
      id
      name
    }
  }
}`;
