/**
 * GraphQL documents of the Shopify Inventory node. Every document the package sends is an exported
 * string constant in a `*.documents.ts` file (validated against every supported API version's schema).
 *
 * The write mutations carry `@idempotent(key: $idempotencyKey)` and every row carries
 * `changeFromQuantity`: required from 2026-04, optional but supported in 2026-01, so one set of
 * documents works for 2026-01 … 2026-10.
 */

import { PAGE_INFO, USER_ERRORS } from '../../shared/shopify/documentParts';

/** The two quantities every level read selects. */
const LEVEL_QUANTITIES = 'quantities(names: ["available", "on_hand"]) { name quantity }';

/** One page of the inventory levels at a location; `variantFields`: the variant selection of each item. */
function locationLevelsPageQuery(operationName: string, variantFields: string): string {
	return `query ${operationName}($locationId: ID!, $first: Int!, $after: String) {
  location(id: $locationId) {
    id
    inventoryLevels(first: $first, after: $after) {
      ${PAGE_INFO}
      nodes {
        ${LEVEL_QUANTITIES}
        item {
          id
          sku
          tracked
          ${variantFields}
        }
      }
    }
  }
}`;
}

/**
 * Inventory levels at a location, one page (lean: what Sync / Set / Adjust need). `tracked` (a scalar,
 * no cost) and the variant's `requiresComponents` (a bundle parent, whose stock Shopify computes from its
 * components and refuses to write: NON_MUTABLE_INVENTORY_ITEM) let Sync skip rows Shopify would refuse.
 * `InventoryItem.variant` is deprecated since 2026-01 in favour of `variants`, but it is a plain object:
 * 1 point per row instead of 3 for `variants(first: 1)`, and no child lines in the bulk result. It is in
 * every supported schema (test/shopify/schema.test.ts); when Shopify removes it, switch to `variants`.
 */
export const LOCATION_LEVELS_PAGE_QUERY = locationLevelsPageQuery('LocationLevelsPage', 'variant { requiresComponents }');

/** Inventory levels at a location, one page, with the variant id (Inventory → Get Many). */
export const LOCATION_LEVELS_WITH_VARIANTS_PAGE_QUERY = locationLevelsPageQuery(
	'LocationLevelsWithVariantsPage',
	'variants(first: 1) { nodes { id requiresComponents } }',
);

/** Inventory items matching a search (used with `sku:"…"`), with their level at one location. */
export const INVENTORY_ITEMS_BY_SKU_QUERY = `query InventoryItemsBySku($query: String!, $first: Int!, $locationId: ID!) {
  inventoryItems(first: $first, query: $query) {
    nodes {
      id
      sku
      tracked
      variants(first: 1) {
        nodes {
          id
          requiresComponents
        }
      }
      inventoryLevel(locationId: $locationId) {
        ${LEVEL_QUANTITIES}
      }
    }
  }
}`;

/**
 * Inventory items matching a search of several SKUs (`sku:"A" OR sku:"B" …`), one page, with their level
 * at one location (lean, like LOCATION_LEVELS_PAGE_QUERY): Sync's "Only SKUs in the Input". Shopify's
 * search is loose (case, tokens), so the caller keeps exact matches only and pages while more can match.
 */
export const INVENTORY_ITEMS_BY_SKUS_PAGE_QUERY = `query InventoryItemsBySkusPage($query: String!, $first: Int!, $after: String, $locationId: ID!) {
  inventoryItems(first: $first, after: $after, query: $query) {
    ${PAGE_INFO}
    nodes {
      id
      sku
      tracked
      variant {
        requiresComponents
      }
      inventoryLevel(locationId: $locationId) {
        ${LEVEL_QUANTITIES}
      }
    }
  }
}`;

/**
 * Cheap size estimate for Read Mode "Automatic": the number of variants in the shop, counted up to
 * `$limit` (the bulk threshold; Shopify's default cap is 10,000, and a count that reached the cap comes
 * back with precision AT_LEAST).
 */
export const VARIANTS_COUNT_QUERY = `query VariantsCount($limit: Int) {
  productVariantsCount(limit: $limit) {
    count
    precision
  }
}`;

/** The inventory item fields both bulk reads select (id, SKU, quantities at the location). */
function bulkLevelFields(indent: string): string {
	return [
		'id',
		'sku',
		'tracked',
		'inventoryLevel(locationId: "gid://shopify/Location/0") {',
		'  quantities(names: ["available", "on_hand"]) {',
		'    name',
		'    quantity',
		'  }',
		'}',
	].join(`\n${indent}`);
}

/**
 * Bulk-operation query (sent as the `query` argument of bulkOperationRunQuery). Bulk queries take no
 * variables: the location literal "gid://shopify/Location/0" is replaced by the JSON-quoted location gid
 * before sending (transport/inventory.ts). The variant ids come back as child lines carrying
 * `__parentId` (stitched in logic/jsonl.ts).
 */
export const BULK_INVENTORY_QUERY = `query BulkInventoryAtLocation {
  inventoryItems {
    edges {
      node {
        ${bulkLevelFields('        ')}
        variants {
          edges {
            node {
              id
              requiresComponents
            }
          }
        }
      }
    }
  }
}`;

/**
 * The same bulk read without the variant ids (Inventory → Sync needs only SKU and quantities): half
 * the JSONL lines to produce, download and parse.
 */
export const BULK_INVENTORY_SYNC_QUERY = `query BulkInventoryAtLocationForSync {
  inventoryItems {
    edges {
      node {
        ${bulkLevelFields('        ')}
        variant {
          requiresComponents
        }
      }
    }
  }
}`;

export const BULK_RUN_MUTATION = `mutation BulkRunQuery($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation {
      id
      status
    }
    ${USER_ERRORS}
  }
}`;

/** Status of a bulk operation; `query` tells a read started earlier (Inventory → Start Read) apart from others. */
export const BULK_STATUS_QUERY = `query BulkOperationStatus($id: ID!) {
  node(id: $id) {
    ... on BulkOperation {
      id
      status
      errorCode
      objectCount
      url
      partialDataUrl
      query
    }
  }
}`;

/** Absolute write ("available" or "on_hand"). */
export const INVENTORY_SET_MUTATION = `mutation InventorySetQuantities($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup {
      id
    }
    ${USER_ERRORS}
  }
}`;

/** Delta write. */
export const INVENTORY_ADJUST_MUTATION = `mutation InventoryAdjustQuantities($input: InventoryAdjustQuantitiesInput!, $idempotencyKey: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup {
      id
    }
    ${USER_ERRORS}
  }
}`;
