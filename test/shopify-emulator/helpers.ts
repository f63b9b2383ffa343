import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { ShopifyEmulator } from '../emulators/shopify';

export const TOKEN = 'shpat_test_token';

export interface GqlResponse {
	status: number;
	headers: Headers;
	/** The parsed JSON answer; each test reads the fields its query asked for. */
	body: any;
}

export async function gql(
	emu: ShopifyEmulator,
	query: string,
	variables?: Record<string, unknown>,
	o: { version?: string; token?: string | null; operationName?: string } = {},
): Promise<GqlResponse> {
	const headers: Record<string, string> = { 'Content-Type': 'application/json' };
	if (o.token !== null) headers['X-Shopify-Access-Token'] = o.token ?? TOKEN;
	const res = await fetch(`${emu.url}/admin/api/${o.version ?? '2026-10'}/graphql.json`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ query, variables, operationName: o.operationName }),
	});
	const text = await res.text();
	return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export interface Received {
	headers: IncomingHttpHeaders;
	raw: string;
}

/** A loopback HTTP receiver; `statuses` are answered in order (then 200). */
export async function startReceiver(statuses: number[] = []): Promise<{ url: string; received: Received[]; close(): Promise<void>; server: Server }> {
	const received: Received[] = [];
	const queue = [...statuses];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(queue.shift() ?? 200, { 'Content-Type': 'text/plain' });
			res.end('ok');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	const addr = server.address();
	const port = typeof addr === 'object' && addr ? addr.port : 0;
	return {
		url: `http://127.0.0.1:${port}/hooks`,
		received,
		server,
		close: () =>
			new Promise<void>((r) => {
				server.closeAllConnections();
				server.close(() => r());
			}),
	};
}

export const SET_MUTATION = /* GraphQL */ `
	mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
		inventorySetQuantities(input: $input) @idempotent(key: $key) {
			inventoryAdjustmentGroup {
				id
				reason
				referenceDocumentUri
				changes { name delta quantityAfterChange item { id } location { id } }
			}
			userErrors { field message code }
		}
	}
`;

export const SET_MUTATION_NO_KEY = /* GraphQL */ `
	mutation SetNoKey($input: InventorySetQuantitiesInput!) {
		inventorySetQuantities(input: $input) {
			inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } }
			userErrors { field message code }
		}
	}
`;

export const ADJUST_MUTATION = /* GraphQL */ `
	mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
		inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
			inventoryAdjustmentGroup { id reason changes { name delta quantityAfterChange item { id } location { id } } }
			userErrors { field message code }
		}
	}
`;
