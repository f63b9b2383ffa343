/**
 * The baseline: what a user builds without this package (and the old service's design).
 *
 * 1. FileMaker: n8n's built-in FileMaker node (n8n-nodes-base, "Get Records"), the very node, run
 *    in-process through the test harness. It logs in at the start of each execution and out at the
 *    end, and sends one GET …/records?_offset&_limit per input item. A user who does not know the
 *    catalogue size runs it twice: once with limit 1 to read dataInfo.totalRecordCount, then once
 *    with one input item per page.
 * 2. Shopify, legacy REST Admin API under its limit (bucket 40, 2 requests/s, 429 + Retry-After):
 *    GET inventory_levels.json?location_ids=…&limit=250 pages (Link header) for the current
 *    quantities, then one POST inventory_levels/set.json per changed item.
 *    The emulator's REST subset has no products.json, so the SKU → inventory_item_id map the old
 *    service kept is handed over by the parent and not charged (in favour of the baseline).
 */
import http from 'node:http';

import { sleep } from 'n8n-workflow';
import type { ICredentialType, INodeType } from 'n8n-workflow';

import { CredentialStore, registerTypes, runNode } from '../../test/helpers/n8n-harness';
import { sideMain } from './common';

import { FileMaker as FileMakerNode } from 'n8n-nodes-base/dist/nodes/FileMaker/FileMaker.node.js';
import { FileMaker as FileMakerCredentialType } from 'n8n-nodes-base/dist/credentials/FileMaker.credentials.js';

const FileMaker: new () => INodeType = FileMakerNode;
const FileMakerCredentials: new () => ICredentialType = FileMakerCredentialType;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

interface RestAnswer {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: unknown;
}

function rest(method: 'GET' | 'POST', url: string, token: string, body?: unknown): Promise<RestAnswer> {
	return new Promise((resolve, reject) => {
		const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
		const req = http.request(
			url,
			{
				method,
				agent,
				headers: {
					'X-Shopify-Access-Token': token,
					accept: 'application/json',
					...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
				},
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let parsed: unknown = text;
					try {
						parsed = JSON.parse(text);
					} catch {
						/* not JSON */
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
				});
			},
		);
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

/**
 * The REST client of the old service: a client-side copy of the leaky bucket (40 requests, leaking
 * 2/s on the Shopify clock) so that it does not run into 429s, and 429 + Retry-After honoured when
 * it still does.
 */
class RestClient {
	calls = 0;
	throttled = 0;
	waitedMs = 0;
	private level = 0;
	private at = Date.now();

	constructor(
		private readonly token: string,
		private readonly leakPerRealMs: number,
		private readonly bucketSize = 40,
	) {}

	private leak() {
		const now = Date.now();
		this.level = Math.max(0, this.level - (now - this.at) * this.leakPerRealMs);
		this.at = now;
	}

	async send(method: 'GET' | 'POST', url: string, body?: unknown): Promise<RestAnswer> {
		for (let attempt = 0; attempt < 20; attempt++) {
			this.leak();
			if (this.level + 1 > this.bucketSize) {
				const wait = Math.ceil((this.level + 1 - this.bucketSize) / this.leakPerRealMs);
				this.waitedMs += wait;
				await sleep(wait);
				this.leak();
			}
			this.calls++;
			this.level += 1;
			const answer = await rest(method, url, this.token, body);
			const header = String(answer.headers['x-shopify-shop-api-call-limit'] ?? '');
			const m = /^(\d+)\/(\d+)$/.exec(header);
			if (m) {
				// Trust the server's count (it may differ from ours after other clients' calls).
				this.level = Number(m[1]);
				this.at = Date.now();
			}
			if (answer.status === 429) {
				this.throttled++;
				const retryAfter = Number(answer.headers['retry-after'] ?? '1');
				const wait = Math.max(1, Math.round((Number.isFinite(retryAfter) ? retryAfter : 1) * 1000));
				this.waitedMs += wait;
				await sleep(wait);
				continue;
			}
			if (answer.status >= 400) {
				throw new Error(`Shopify REST ${method} ${url} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
			}
			return answer;
		}
		throw new Error(`Shopify REST ${method} ${url}: still throttled after 20 attempts`);
	}
}

function nextLink(link: string | string[] | undefined): string | undefined {
	const value = Array.isArray(link) ? link.join(', ') : link;
	if (!value) return undefined;
	for (const part of value.split(',')) {
		const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
		if (m) return m[1];
	}
	return undefined;
}

sideMain(async (config, sw) => {
	const extra = config.baseline;
	if (!extra) throw new Error('baseline config missing');
	await registerTypes({
		nodes: { 'n8n-nodes-base.filemaker': new FileMaker() },
		credentials: { fileMaker: new FileMakerCredentials() },
	});
	const credentials = new CredentialStore();
	credentials.set('fileMaker', {
		host: config.filemaker.httpsHost,
		db: config.filemaker.database,
		login: config.filemaker.username,
		password: config.filemaker.password,
	});

	sw.start();
	// 1a. How many records? (Get Records, limit 1 → dataInfo.totalRecordCount)
	const count = await runNode({
		type: 'n8n-nodes-base.filemaker',
		parameters: { action: 'records', layout: config.filemaker.layout, offset: 1, limit: 1 },
		credentials,
	});
	if (count.error) throw count.error;
	const envelope = count.items[0]?.json as { response?: { dataInfo?: { totalRecordCount?: number } }; messages?: unknown };
	const total = Number(envelope?.response?.dataInfo?.totalRecordCount);
	if (!Number.isFinite(total)) throw new Error(`FileMaker count failed: ${JSON.stringify(envelope).slice(0, 500)}`);
	sw.phase('filemakerCount');

	// 1b. Every page, one input item per page, one execution of the node.
	const page = config.baselineFmPage;
	const pages = [];
	for (let offset = 1; offset <= total; offset += page) pages.push({ offset, limit: page });
	const read = await runNode({
		type: 'n8n-nodes-base.filemaker',
		parameters: { action: 'records', layout: config.filemaker.layout, offset: '={{ $json.offset }}', limit: '={{ $json.limit }}' },
		input: pages,
		credentials,
	});
	if (read.error) throw read.error;
	const fmQuantities = new Map<string, number>();
	for (const item of read.items) {
		const data = (item.json as { response?: { data?: { fieldData: Record<string, unknown> }[] } }).response?.data ?? [];
		for (const record of data) {
			fmQuantities.set(String(record.fieldData.SKU), Number(record.fieldData.Quantity));
		}
	}
	if (fmQuantities.size !== total) throw new Error(`Read ${fmQuantities.size} FileMaker records, expected ${total}`);
	sw.phase('filemakerRead');

	// 2a. Current quantities at the location via REST pages.
	const client = new RestClient(config.shopify.accessToken, (2 * config.speedUp) / 1000);
	const base = `${config.shopify.url}/admin/api/${config.shopify.apiVersion}`;
	const available = new Map<number, number>();
	let url: string | undefined = `${base}/inventory_levels.json?location_ids=${extra.locationNumericId}&limit=250`;
	let levelPages = 0;
	while (url) {
		const answer = await client.send('GET', url);
		levelPages++;
		const levels = (answer.body as { inventory_levels: { inventory_item_id: number | string; available: number | string | null }[] })
			.inventory_levels;
		for (const level of levels) available.set(Number(level.inventory_item_id), Number(level.available ?? 0));
		url = nextLink(answer.headers.link);
	}
	sw.phase('shopifyRead');

	// 2b. One set.json per changed item.
	let written = 0;
	let missing = 0;
	for (const [sku, quantity] of fmQuantities) {
		const itemId = extra.mapping[sku];
		if (itemId === undefined) {
			missing++;
			continue;
		}
		if (available.get(itemId) === quantity) continue;
		await client.send('POST', `${base}/inventory_levels/set.json`, {
			location_id: extra.locationNumericId,
			inventory_item_id: itemId,
			available: quantity,
		});
		written++;
	}
	sw.phase('shopifyWrite');
	return {
		fileMakerRecords: total,
		fileMakerPages: pages.length,
		restCalls: client.calls,
		restThrottled: client.throttled,
		restWaitedMs: client.waitedMs,
		levelPages,
		written,
		missingSkus: missing,
	};
});
