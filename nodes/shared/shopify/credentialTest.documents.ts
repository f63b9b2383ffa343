/**
 * The credential Test button's query: reads the shop and probes one nullable field per read scope with an
 * id that does not exist. With the scope, each probe answers null; without it, Shopify adds an
 * ACCESS_DENIED error whose `path[0]` names the field, which the credential's test rules map to the
 * missing scope (n8n's test rules can only compare single values).
 */
export const CREDENTIAL_TEST_QUERY = `query CredentialTest {
  shop {
    name
  }
  location(id: "gid://shopify/Location/0") {
    id
  }
  inventoryItem(id: "gid://shopify/InventoryItem/0") {
    id
  }
  productVariant(id: "gid://shopify/ProductVariant/0") {
    id
  }
  order(id: "gid://shopify/Order/0") {
    id
  }
}`;
