import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { FileMakerEmulator } from '../emulators/filemaker';

export interface FmResponse {
	status: number;
	headers: Headers;
	json: {
		response: Record<string, any>;
		messages: { code: string; message: string }[];
	};
	code: string;
}

export function fixture(name: string): any {
	return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'filemaker', name), 'utf8'));
}

/** Recursive shape: object → sorted keys with their shapes, array → shape of first element, scalar → typeof. */
export function shape(v: unknown): unknown {
	if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
	if (v !== null && typeof v === 'object') {
		const out: Record<string, unknown> = {};
		for (const k of Object.keys(v).sort()) out[k] = shape((v as Record<string, unknown>)[k]);
		return out;
	}
	return v === null ? 'null' : typeof v;
}

export function basic(user = 'admin', password = 'secret'): string {
	return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export class FmClient {
	token = '';
	constructor(
		readonly fm: FileMakerEmulator,
		readonly version = 'vLatest',
		public database = fm.database,
	) {}

	get base(): string {
		return `${this.fm.url}/fmi/data/${this.version}`;
	}

	async raw(
		method: string,
		path: string,
		o: { body?: unknown; headers?: Record<string, string>; token?: string | null; rawBody?: string } = {},
	): Promise<FmResponse> {
		const headers: Record<string, string> = { ...o.headers };
		const token = o.token === undefined ? this.token : o.token;
		if (token && !('Authorization' in headers)) headers.Authorization = `Bearer ${token}`;
		let body: string | undefined;
		if (o.rawBody !== undefined) body = o.rawBody;
		else if (o.body !== undefined) {
			body = JSON.stringify(o.body);
			if (!('Content-Type' in headers)) headers['Content-Type'] = 'application/json';
		}
		const res = await fetch(path.startsWith('http') ? path : `${this.base}${path}`, { method, headers, body });
		const json = (await res.json()) as FmResponse['json'];
		return { status: res.status, headers: res.headers, json, code: json.messages?.[0]?.code };
	}

	db(path: string): string {
		return `/databases/${encodeURIComponent(this.database)}${path}`;
	}

	async login(user = 'admin', password = 'secret'): Promise<FmResponse> {
		const r = await this.raw('POST', this.db('/sessions'), {
			body: {},
			headers: { Authorization: basic(user, password) },
			token: null,
		});
		if (r.status === 200) this.token = r.json.response.token as string;
		return r;
	}

	logout(token = this.token): Promise<FmResponse> {
		return this.raw('DELETE', this.db(`/sessions/${token}`), { token: null });
	}

	range(layout: string, query = ''): Promise<FmResponse> {
		return this.raw('GET', this.db(`/layouts/${encodeURIComponent(layout)}/records${query ? `?${query}` : ''}`));
	}

	get(layout: string, id: string | number, query = ''): Promise<FmResponse> {
		return this.raw('GET', this.db(`/layouts/${encodeURIComponent(layout)}/records/${id}${query ? `?${query}` : ''}`));
	}

	create(layout: string, body: unknown): Promise<FmResponse> {
		return this.raw('POST', this.db(`/layouts/${encodeURIComponent(layout)}/records`), { body });
	}

	edit(layout: string, id: string | number, body: unknown): Promise<FmResponse> {
		return this.raw('PATCH', this.db(`/layouts/${encodeURIComponent(layout)}/records/${id}`), { body });
	}

	del(layout: string, id: string | number, query = ''): Promise<FmResponse> {
		return this.raw('DELETE', this.db(`/layouts/${encodeURIComponent(layout)}/records/${id}${query ? `?${query}` : ''}`));
	}

	find(layout: string, body: unknown): Promise<FmResponse> {
		return this.raw('POST', this.db(`/layouts/${encodeURIComponent(layout)}/_find`), { body });
	}

	/** SKUs found by a find (empty array on 401). */
	async skus(layout: string, query: unknown[], extra: Record<string, unknown> = {}): Promise<string[]> {
		const r = await this.find(layout, { query, limit: 100000, ...extra });
		if (r.code === '401') return [];
		if (r.code !== '0') throw new Error(`find failed: ${r.code} ${r.json.messages[0].message}`);
		return (r.json.response.data as { fieldData: { SKU: string } }[]).map((d) => d.fieldData.SKU);
	}
}
