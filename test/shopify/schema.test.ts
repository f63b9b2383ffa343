/**
 * Every GraphQL document the package sends is an exported string constant of a `*.documents.ts` file
 * under nodes/. Each one must validate against every supported Admin API version's real schema.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

import {
	buildSchema,
	isInputObjectType,
	Kind,
	parse,
	validate,
	visit,
	type GraphQLSchema,
	type OperationDefinitionNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';

import { SUPPORTED_API_VERSIONS } from '../../nodes/shared/shopify/url';
import { requestedQueryCost, SINGLE_QUERY_MAX_COST } from '../../nodes/shared/shopify/queryCost';
import { requestedCost as emulatorRequestedCost } from '../emulators/shopify/cost';
import { BULK_LOCATION_PLACEHOLDER } from '../../nodes/ShopifyInventory/transport/inventory';

const ROOT = path.resolve(__dirname, '..', '..');

function documentFiles(): string[] {
	return (readdirSync(path.join(ROOT, 'nodes'), { recursive: true }) as string[])
		.filter((f) => f.endsWith('.documents.ts'))
		.map((f) => path.join(ROOT, 'nodes', f))
		.sort();
}

async function collectDocuments(): Promise<Array<{ file: string; name: string; source: string }>> {
	const out: Array<{ file: string; name: string; source: string }> = [];
	for (const file of documentFiles()) {
		const mod = (await import(file)) as Record<string, unknown>;
		for (const [name, value] of Object.entries(mod)) {
			out.push({ file: path.relative(ROOT, file), name, source: value as string });
		}
	}
	return out;
}

const schemas = new Map<string, GraphQLSchema>();
function schemaFor(version: string): GraphQLSchema {
	let s = schemas.get(version);
	if (!s) {
		const sdl = gunzipSync(
			readFileSync(path.join(ROOT, 'test', 'emulators', 'shopify', 'schemas', `admin-${version}.graphql.gz`)),
		).toString('utf8');
		s = buildSchema(sdl, { assumeValidSDL: true });
		schemas.set(version, s);
	}
	return s;
}

describe('GraphQL documents', () => {
	it('are found in every *.documents.ts file and are all strings', async () => {
		const docs = await collectDocuments();
		expect(documentFiles().length).toBeGreaterThanOrEqual(3);
		expect(docs.length).toBeGreaterThanOrEqual(15);
		for (const d of docs) expect(typeof d.source, `${d.file} exports ${d.name}`).toBe('string');
	});

	it.each(SUPPORTED_API_VERSIONS.map((v) => [v]))('all validate against the Admin API %s schema', async (version) => {
		const schema = schemaFor(version);
		const failures: string[] = [];
		for (const d of await collectDocuments()) {
			let errors: readonly { message: string }[];
			try {
				errors = validate(schema, parse(d.source));
			} catch (e) {
				errors = [{ message: (e as Error).message }];
			}
			for (const e of errors) failures.push(`${d.file} ${d.name}: ${e.message}`);
		}
		expect(failures).toEqual([]);
	});

	it.each(SUPPORTED_API_VERSIONS.map((v) => [v]))(
		'%s: inventory writes carry @idempotent(key:) and the input rows accept changeFromQuantity',
		async (version) => {
			const schema = schemaFor(version);
			expect(schema.getDirective('idempotent')).toBeTruthy();
			for (const typeName of ['InventoryQuantityInput', 'InventoryChangeInput']) {
				const t = schema.getType(typeName);
				expect(isInputObjectType(t) && 'changeFromQuantity' in t.getFields(), `${version} ${typeName}`).toBe(true);
			}
			const docs = await collectDocuments();
			const writes = docs.filter((d) => /inventory(Set|Adjust)Quantities\(/.test(d.source));
			expect(writes.length).toBe(2);
			for (const d of writes) {
				let idempotent = false;
				visit(parse(d.source), {
					Field(node) {
						if (/^inventory(Set|Adjust)Quantities$/.test(node.name.value)) {
							idempotent = (node.directives ?? []).some((x) => x.name.value === 'idempotent');
						}
					},
				});
				expect(idempotent, d.name).toBe(true);
			}
		},
	);

	it('the bulk query keeps its location placeholder', async () => {
		const docs = await collectDocuments();
		const bulk = docs.find((d) => d.name === 'BULK_INVENTORY_QUERY')!;
		expect(bulk.source.split(BULK_LOCATION_PLACEHOLDER).length).toBe(2);
	});
});

describe('requested query cost', () => {
	const sampleVariables: Record<string, unknown> = {
		first: 250,
		locationId: 'gid://shopify/Location/1',
		query: 'sku:"A"',
		id: 'gid://shopify/Location/1',
		lineItemsFirst: 50,
		refundsFirst: 10,
		refundLineItemsFirst: 50,
	};

	it('matches Shopify’s documented rules as implemented by the emulator, for every query of the package', async () => {
		const schema = schemaFor('2026-10');
		for (const d of await collectDocuments()) {
			const doc = parse(d.source);
			const op = doc.definitions.find((x) => x.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
			if (op.operation !== 'query') continue;
			for (const first of [1, 10, 100, 250]) {
				const variables = { ...sampleVariables, first };
				const theirs = emulatorRequestedCost(
					{ schema, fragments: {}, variables },
					op.selectionSet,
					schema.getQueryType()!,
				);
				expect(requestedQueryCost(d.source, variables), `${d.name} first=${first}`).toBe(theirs);
			}
		}
	});
});

describe('page sizes', () => {
	it('keep each page query at or below the 1000-point single-query limit', async () => {
		const { LEVELS_PAGE_SIZE, LEVELS_WITH_VARIANTS_PAGE_SIZE } = await import('../../nodes/ShopifyInventory/transport/inventory');
		const { LOCATION_LEVELS_PAGE_QUERY, LOCATION_LEVELS_WITH_VARIANTS_PAGE_QUERY } = await import(
			'../../nodes/ShopifyInventory/transport/inventory.documents'
		);
		// location 1 + connection 2 + n × (level 1 + quantities 2 × 1 + item 1 + item.variant 1)
		expect(requestedQueryCost(LOCATION_LEVELS_PAGE_QUERY, { first: 1 })).toBe(8);
		expect(LEVELS_PAGE_SIZE).toBe(197);
		expect(requestedQueryCost(LOCATION_LEVELS_PAGE_QUERY, { first: LEVELS_PAGE_SIZE })).toBe(988);
		expect(requestedQueryCost(LOCATION_LEVELS_PAGE_QUERY, { first: 198 })).toBe(993); // above the 990 page limit
		// … + item.variants(first: 1): 2 + 1 × 1
		expect(requestedQueryCost(LOCATION_LEVELS_WITH_VARIANTS_PAGE_QUERY, { first: 1 })).toBe(10);
		expect(LEVELS_WITH_VARIANTS_PAGE_SIZE).toBe(141);
		expect(requestedQueryCost(LOCATION_LEVELS_WITH_VARIANTS_PAGE_QUERY, { first: LEVELS_WITH_VARIANTS_PAGE_SIZE })).toBeLessThanOrEqual(
			SINGLE_QUERY_MAX_COST,
		);
		// The hold-back read of Sync: orders 2 + 10 × (order 1 + retailLocation 1 + lineItems 2 + 30 × (line 1 + variant 1 + inventoryItem 1))
		const { HOLD_BACK_PAGE, HOLD_BACK_LINES_PAGE, holdBackPageCost } = await import('../../nodes/ShopifyInventory/transport/holdBack');
		const { HOLD_BACK_ORDER_LINES_QUERY } = await import('../../nodes/ShopifyInventory/transport/holdBack.documents');
		expect(HOLD_BACK_PAGE).toEqual({ first: 10, lineItemsFirst: 30 });
		expect(holdBackPageCost()).toBe(942);
		expect(requestedQueryCost(HOLD_BACK_ORDER_LINES_QUERY, { first: HOLD_BACK_LINES_PAGE })).toBe(753);
		expect(requestedQueryCost('mutation M { inventorySetQuantities(input: {}) { userErrors { field } } }')).toBe(10);
		expect(requestedQueryCost('{ shop { name } }')).toBe(1);
	});
});
