/**
 * GraphQL documents of Inventory → Adjust's change log (logic/changeLedger.ts): the items' quantities at
 * the location read together with the log metafield of each item's variant, and the compare-and-set
 * write of that metafield. `InventoryItem.variant` (deprecated since 2026-01 for `variants`, still in
 * every supported schema) is a plain object: one variant per item, as Shopify creates them.
 */

/** Items by id: quantities at one location, variant id and its change log metafield (value + digest). */
export const CHANGE_LEDGER_READ_QUERY = `query ChangeLedgerRead($ids: [ID!]!, $locationId: ID!, $namespace: String!, $key: String!) {
  nodes(ids: $ids) {
    ... on InventoryItem {
      id
      inventoryLevel(locationId: $locationId) {
        quantities(names: ["available", "on_hand"]) {
          name
          quantity
        }
      }
      variant {
        id
        metafield(namespace: $namespace, key: $key) {
          value
          compareDigest
        }
      }
    }
  }
}`;

/** Compare-and-set write of change logs (at most 25 per call; atomic: one userError → nothing written). */
export const CHANGE_LEDGER_WRITE_MUTATION = `mutation ChangeLedgerWrite($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields {
      compareDigest
      owner {
        ... on ProductVariant {
          id
        }
      }
    }
    userErrors {
      field
      message
      code
      elementIndex
    }
  }
}`;
