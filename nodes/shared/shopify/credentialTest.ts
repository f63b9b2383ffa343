/** Probe field → scope it needs (the probes of CREDENTIAL_TEST_QUERY in credentialTest.documents.ts). */
export const SCOPE_PROBES: ReadonlyArray<{ field: string; scope: string }> = [
	{ field: 'location', scope: 'read_locations' },
	{ field: 'inventoryItem', scope: 'read_inventory' },
	{ field: 'productVariant', scope: 'read_products' },
	{ field: 'order', scope: 'read_orders' },
];
