/**
 * Minimal round trips, measured on the same kind of emulators the run uses (own instances, so the
 * measured emulators' counters stay clean). They feed the floor's round-trip term.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(
	method: string,
	url: string,
	headers: Record<string, string>,
	body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
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
				res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
			},
		);
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timed(n: number, fn: () => Promise<void>): Promise<number> {
	await fn(); // warm-up (connection set-up)
	const samples: number[] = [];
	for (let i = 0; i < n; i++) {
		const t0 = performance.now();
		await fn();
		samples.push(performance.now() - t0);
	}
	return median(samples);
}

/** Median ms of `GET …/layouts/{layout}/records?_limit=1` with a session (the cheapest read). */
export async function probeFileMaker(o: {
	url: string;
	database: string;
	layout: string;
	username: string;
	password: string;
	samples?: number;
}): Promise<number> {
	const base = `${o.url}/fmi/data/vLatest/databases/${encodeURIComponent(o.database)}`;
	const login = await request(
		'POST',
		`${base}/sessions`,
		{
			authorization: `Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}`,
			'content-type': 'application/json',
		},
		'{}',
	);
	const token = (JSON.parse(login.text) as { response: { token: string } }).response.token;
	const ms = await timed(o.samples ?? 7, async () => {
		const r = await request('GET', `${base}/layouts/${encodeURIComponent(o.layout)}/records?_limit=1`, {
			authorization: `Bearer ${token}`,
		});
		if (r.status !== 200) throw new Error(`FileMaker probe answered ${r.status}: ${r.text.slice(0, 200)}`);
	});
	await request('DELETE', `${base}/sessions/${token}`, {});
	return ms;
}

/** Median ms of the cheapest GraphQL query (`{ shop { id } }`, 1 point). */
export async function probeShopify(o: { url: string; accessToken: string; apiVersion: string; samples?: number }): Promise<number> {
	const body = JSON.stringify({ query: 'query Probe { shop { id } }' });
	return await timed(o.samples ?? 7, async () => {
		const r = await request(
			'POST',
			`${o.url}/admin/api/${o.apiVersion}/graphql.json`,
			{ 'x-shopify-access-token': o.accessToken, 'content-type': 'application/json' },
			body,
		);
		if (r.status !== 200) throw new Error(`Shopify probe answered ${r.status}: ${r.text.slice(0, 200)}`);
	});
}
