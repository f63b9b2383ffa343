/**
 * Round trips for the floor, measured in the same run on emulators set up exactly like the measured
 * ones (same options, same catalogue; own instances, so the measured emulators' counters stay
 * clean). Each kind of request the floor counts is timed with the payload it really carries (a
 * 1,000-record FileMaker page, a 250-row inventorySetQuantities, the bulk JSONL of N items …) by a
 * bare HTTP client that does nothing with the answer: no client-side work is in these figures.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

interface Answer {
	status: number;
	text: string;
}

function request(method: string, url: string, headers: Record<string, string>, body?: string): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const payload = body === undefined ? undefined : Buffer.from(body);
		const req = http.request(
			url,
			{
				method,
				agent,
				headers: { ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) },
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
			},
		);
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median ms of `n` calls of fn(i) (after one untimed warm-up call when `warmUp`). */
async function timed(n: number, fn: (i: number) => Promise<void>, warmUp = true): Promise<number> {
	if (warmUp) await fn(-1);
	const samples: number[] = [];
	for (let i = 0; i < n; i++) {
		const t0 = performance.now();
		await fn(i);
		samples.push(performance.now() - t0);
	}
	return median(samples);
}

function must(answer: Answer, what: string): Answer {
	if (answer.status !== 200) throw new Error(`${what} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
	return answer;
}

export interface FileMakerRtt {
	/** Cheapest request (GET …/records?_limit=1): also stands for login and logout. */
	minMs: number;
	/** GET …/records?_offset&_limit=L with L records. */
	pageMs: number;
	pageSize: number;
}

export async function probeFileMaker(o: {
	url: string;
	database: string;
	layout: string;
	username: string;
	password: string;
	pageSize: number;
	records: number;
}): Promise<FileMakerRtt> {
	const base = `${o.url}/fmi/data/vLatest/databases/${encodeURIComponent(o.database)}`;
	const login = must(
		await request(
			'POST',
			`${base}/sessions`,
			{
				authorization: `Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}`,
				'content-type': 'application/json',
			},
			'{}',
		),
		'FileMaker login',
	);
	const token = (JSON.parse(login.text) as { response: { token: string } }).response.token;
	const auth = { authorization: `Bearer ${token}` };
	const records = `${base}/layouts/${encodeURIComponent(o.layout)}/records`;
	const minMs = await timed(7, async () => {
		must(await request('GET', `${records}?_limit=1`, auth), 'FileMaker probe');
	});
	const pages = Math.max(1, Math.ceil(o.records / o.pageSize));
	const pageMs = await timed(Math.min(7, pages), async (i) => {
		const offset = 1 + (Math.max(0, i) % pages) * o.pageSize;
		must(await request('GET', `${records}?_offset=${offset}&_limit=${o.pageSize}`, auth), 'FileMaker page probe');
	});
	await request('DELETE', `${base}/sessions/${token}`, {});
	return { minMs, pageMs, pageSize: o.pageSize };
}

export interface ShopifyRtt {
	/** Cheapest GraphQL call (`{ shop { id } }`): stands for bulkOperationRunQuery and its status poll. */
	minMs: number;
	/** inventorySetQuantities with min(250, changed) rows. */
	writeMs: number;
	/** One lean page of 250 levels (item id, sku, available). */
	leanPageMs: number;
	/**
	 * A lean bulk query over every item, from sending bulkOperationRunQuery until the result is ready
	 * (the answer of the first status poll that says COMPLETED, less one rtt_min for that poll). Like
	 * Shopify, the emulator answers bulkOperationRunQuery at once and builds the result in the
	 * background; a poll made once its modelled duration has passed waits for the build.
	 */
	bulkRunMs: number;
	/** Download of the bulk JSONL of that query. */
	bulkDownloadMs: number;
	bulkLines: number;
}

const LEAN_PAGE_QUERY = `query LeanLevelsPage($locationId: ID!) {
  location(id: $locationId) {
    inventoryLevels(first: 250) {
      pageInfo { hasNextPage endCursor }
      nodes { quantities(names: ["available"]) { name quantity } item { id sku } }
    }
  }
}`;

const SET_MUTATION = `mutation ProbeSet($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}`;

export async function probeShopify(o: {
	url: string;
	accessToken: string;
	apiVersion: string;
	locationId: string;
	/** The items (inventory item gid, current available) of the catalogue. */
	items: { inventoryItemId: string; available: number }[];
	/** Rows of the probed write (min(250, changed)). */
	writeRows: number;
	/** Emulated clock of the emulator (to wait for the bulk query without guessing). */
	sleepUntilBulkDone: () => Promise<void>;
}): Promise<ShopifyRtt> {
	const endpoint = `${o.url}/admin/api/${o.apiVersion}/graphql.json`;
	const headers = { 'x-shopify-access-token': o.accessToken, 'content-type': 'application/json' };
	const gql = async (query: string, variables: Record<string, unknown> = {}) => {
		const answer = must(await request('POST', endpoint, headers, JSON.stringify({ query, variables })), 'Shopify probe');
		const body = JSON.parse(answer.text) as { data?: Record<string, unknown>; errors?: unknown };
		if (body.errors) throw new Error(`Shopify probe: ${JSON.stringify(body.errors).slice(0, 300)}`);
		return body.data ?? {};
	};
	const minMs = await timed(7, async () => {
		await gql('query Probe { shop { id } }');
	});
	// 2 samples of 753 points each stay inside the 2,000-point bucket (no throttling in the figure).
	const leanPageMs = await timed(
		2,
		async () => {
			await gql(LEAN_PAGE_QUERY, { locationId: o.locationId });
		},
		false,
	);
	const rows = o.items.slice(0, Math.max(1, Math.min(250, o.writeRows)));
	const writeMs = await timed(3, async (i) => {
		await gql(SET_MUTATION, {
			key: `00000000-0000-4000-8000-${String(1000 + i + 1).padStart(12, '0')}`,
			input: {
				name: 'available',
				reason: 'correction',
				quantities: rows.map((r) => ({
					inventoryItemId: r.inventoryItemId,
					locationId: o.locationId,
					quantity: r.available,
					changeFromQuantity: null,
				})),
			},
		});
	});
	const bulkQuery = `{ inventoryItems { edges { node { id sku inventoryLevel(locationId: ${JSON.stringify(o.locationId)}) { quantities(names: ["available"]) { name quantity } } } } } }`;
	let url: string | undefined;
	const runSamples: number[] = [];
	for (let sample = 0; sample < 3; sample++) {
		const t0 = performance.now();
		const started = await gql(
			`mutation ProbeBulk($query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation { id } userErrors { message } } }`,
			{ query: bulkQuery },
		);
		const id = (started.bulkOperationRunQuery as { bulkOperation?: { id: string } }).bulkOperation?.id;
		if (!id) throw new Error(`Shopify probe: no bulk operation: ${JSON.stringify(started)}`);
		url = undefined;
		for (let i = 0; i < 200 && !url; i++) {
			await o.sleepUntilBulkDone();
			const status = (await gql('query ProbeBulkStatus($id: ID!) { node(id: $id) { ... on BulkOperation { status url } } }', { id }))
				.node as { status: string; url?: string };
			if (status.status === 'COMPLETED') url = status.url;
		}
		if (!url) throw new Error('Shopify probe: the bulk query did not complete');
		runSamples.push(Math.max(0, performance.now() - t0 - minMs));
	}
	const bulkRunMs = median(runSamples);
	let bulkLines = 0;
	const bulkDownloadMs = await timed(3, async () => {
		const answer = must(await request('GET', url!, {}), 'bulk download');
		bulkLines = answer.text.split('\n').filter(Boolean).length;
	});
	return { minMs, writeMs, leanPageMs, bulkRunMs, bulkDownloadMs, bulkLines };
}
