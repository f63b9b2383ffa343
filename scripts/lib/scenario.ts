/**
 * A believable shop for the demo and the e2e test: one catalogue, seeded into both emulators with
 * deliberate differences (stock out of step, a SKU only on one side, a SKU twice in FileMaker),
 * plus the n8n credentials that point at the emulators and a before/after comparison.
 *
 * Runs in vitest (e2e) and under vite-node (scripts/lib/emulators-runner.ts, used by the demo).
 */
import {
	apparelCatalogue,
	DEFAULT_LAYOUTS,
	type FileMakerEmulator,
	type FileMakerEmulatorOptions,
} from '../../test/emulators/filemaker';
import type { ShopifyEmulator, ShopifyEmulatorOptions } from '../../test/emulators/shopify';
import { prng } from '../../test/emulators/filemaker/catalogue';

export const FILEMAKER_CREDENTIAL_NAME = 'FileMaker Data API';
export const SHOPIFY_CREDENTIAL_NAME = 'Shopify Inventory API';
/** Fixed ids so that templates can be bound to them (16 characters like n8n's own ids). */
export const FILEMAKER_CREDENTIAL_ID = 'fmDataApiCred001';
export const SHOPIFY_CREDENTIAL_ID = 'shopifyInvCred01';

export const FILEMAKER_ACCOUNT = { username: 'admin', password: 'secret', database: 'Inventory' };
/** The emulator's default access token (it has every scope the package needs). */
export const SHOPIFY_ACCESS_TOKEN = 'shpat_test_token';
export const SHOPIFY_WEBHOOK_SECRET = 'whsec_demo_signing_secret';
export const SHOPIFY_LOCATION = 'Main Warehouse';
/** A Shopify-looking numeric id, fixed so that runs are reproducible. */
export const SHOPIFY_LOCATION_ID = 71234567890;

export interface Scenario {
	/** Rows seeded into FileMaker's Stock layout. */
	fileMakerRows: { SKU: string; Quantity: number; Name: string; AppliedKeys: string }[];
	/** Items seeded into Shopify at the location. */
	shopifyItems: { sku: string; available: number; onHand: number; title: string; locationName: string }[];
	/** SKUs whose Shopify stock differs from FileMaker's. */
	outOfStep: string[];
	/** In FileMaker only. */
	missingInShopify: string[];
	/** In Shopify only. */
	missingInFileMaker: string[];
	/** Twice in FileMaker (different quantities). */
	duplicateInFileMaker: string[];
	/** SKUs in step on both sides (good candidates for demo orders). */
	inStep: string[];
}

/**
 * n catalogue items; every `outOfStepEvery`-th one differs in Shopify. With `anomalies` one SKU is only
 * in FileMaker, one only in Shopify and one is twice in FileMaker.
 */
export function buildScenario(n = 300, o: { outOfStepEvery?: number; anomalies?: boolean; seed?: number } = {}): Scenario {
	const every = o.outOfStepEvery ?? 9;
	const anomalies = o.anomalies ?? true;
	const rnd = prng(o.seed ?? 7);
	const items = apparelCatalogue(n, { seed: o.seed ?? 42, maxQuantity: 120 });
	const s: Scenario = {
		fileMakerRows: [],
		shopifyItems: [],
		outOfStep: [],
		missingInShopify: [],
		missingInFileMaker: [],
		duplicateInFileMaker: [],
		inStep: [],
	};
	const missingShopifyIdx = anomalies ? 5 : -1;
	const missingFileMakerIdx = anomalies ? 11 : -1;
	const duplicateIdx = anomalies ? 17 : -1;
	items.forEach((it, i) => {
		if (i !== missingFileMakerIdx) {
			s.fileMakerRows.push({ SKU: it.sku, Quantity: it.quantity, Name: it.name, AppliedKeys: '' });
		}
		if (i === duplicateIdx) {
			s.fileMakerRows.push({ SKU: it.sku, Quantity: it.quantity + 3, Name: `${it.name} (old record)`, AppliedKeys: '' });
			s.duplicateInFileMaker.push(it.sku);
		}
		if (i === missingShopifyIdx) {
			s.missingInShopify.push(it.sku);
			return;
		}
		if (i === missingFileMakerIdx) s.missingInFileMaker.push(it.sku);
		let available = it.quantity;
		if (i % every === 3 && i !== missingFileMakerIdx && i !== duplicateIdx) {
			const delta = 1 + Math.floor(rnd() * 6);
			available = rnd() < 0.5 && it.quantity >= delta ? it.quantity - delta : it.quantity + delta;
			s.outOfStep.push(it.sku);
		} else if (i === duplicateIdx) {
			// Shopify agrees with neither FileMaker record: the sync must not guess which one is right.
			available = it.quantity >= 2 ? it.quantity - 2 : it.quantity + 2;
		} else if (i !== missingFileMakerIdx) {
			s.inStep.push(it.sku);
		}
		s.shopifyItems.push({ sku: it.sku, available, onHand: available, title: it.name, locationName: SHOPIFY_LOCATION });
	});
	return s;
}

/** FileMaker emulator options for the scenario (SKU not unique so that the duplicate can exist). */
export function fileMakerOptions(extra: FileMakerEmulatorOptions = {}): FileMakerEmulatorOptions {
	const layouts = JSON.parse(JSON.stringify(DEFAULT_LAYOUTS)) as NonNullable<FileMakerEmulatorOptions['layouts']>;
	for (const f of layouts.Stock?.fields ?? []) if (f.name === 'SKU') f.unique = false;
	return {
		host: '127.0.0.1',
		port: 0,
		database: FILEMAKER_ACCOUNT.database,
		accounts: [{ username: FILEMAKER_ACCOUNT.username, password: FILEMAKER_ACCOUNT.password }],
		layouts,
		...extra,
	};
}

export function shopifyOptions(extra: ShopifyEmulatorOptions = {}): ShopifyEmulatorOptions {
	return {
		host: '127.0.0.1',
		port: 0,
		webhookSecret: SHOPIFY_WEBHOOK_SECRET,
		...extra,
	};
}

export function seedScenario(fm: FileMakerEmulator, shop: ShopifyEmulator, s: Scenario): void {
	fm.seed('Stock', s.fileMakerRows);
	shop.seed({ locations: [{ id: SHOPIFY_LOCATION_ID, name: SHOPIFY_LOCATION }], items: s.shopifyItems });
}

/** The credentials n8n imports (`n8n import:credentials`), pointing at the emulators. */
export function scenarioCredentials(fm: { url: string; database?: string }, shop: { url: string }) {
	return [
		{
			id: FILEMAKER_CREDENTIAL_ID,
			name: FILEMAKER_CREDENTIAL_NAME,
			type: 'fileMakerDataApi',
			data: {
				host: fm.url,
				database: fm.database ?? FILEMAKER_ACCOUNT.database,
				username: FILEMAKER_ACCOUNT.username,
				password: FILEMAKER_ACCOUNT.password,
				apiVersion: 'vLatest',
				allowUnauthorizedCerts: false,
				sessionToken: '',
			},
		},
		{
			id: SHOPIFY_CREDENTIAL_ID,
			name: SHOPIFY_CREDENTIAL_NAME,
			type: 'shopifyInventoryApi',
			data: {
				shop: shop.url,
				authentication: 'accessToken',
				accessToken: SHOPIFY_ACCESS_TOKEN,
				apiVersion: '2026-10',
				webhookSigningSecret: SHOPIFY_WEBHOOK_SECRET,
				sessionToken: '',
			},
		},
	];
}

export const CREDENTIAL_IDS: Record<string, string> = {
	fileMakerDataApi: FILEMAKER_CREDENTIAL_ID,
	shopifyInventoryApi: SHOPIFY_CREDENTIAL_ID,
};

/**
 * Edits FileMaker the way a FileMaker user's change reaches the Data API (login, edit, logout), to
 * change stock between sync runs. Plain documented Data API calls, nothing emulator-specific.
 */
export async function fileMakerEdit(
	fm: { url: string; database: string },
	edits: ({ layout?: string; recordId: string } & ({ delete: true } | { fieldData: Record<string, unknown> }))[],
): Promise<void> {
	const base = `${fm.url}/fmi/data/vLatest/databases/${encodeURIComponent(fm.database)}`;
	const basic = Buffer.from(`${FILEMAKER_ACCOUNT.username}:${FILEMAKER_ACCOUNT.password}`).toString('base64');
	const login = await fetch(`${base}/sessions`, {
		method: 'POST',
		headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
		body: '{}',
	});
	const token = login.headers.get('x-fm-data-access-token') ?? ((await login.json()) as { response?: { token?: string } }).response?.token;
	if (!login.ok || !token) throw new Error(`FileMaker login failed: HTTP ${login.status}`);
	const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
	try {
		for (const e of edits) {
			const url = `${base}/layouts/${encodeURIComponent(e.layout ?? 'Stock')}/records/${e.recordId}`;
			const res =
				'delete' in e
					? await fetch(url, { method: 'DELETE', headers: auth })
					: await fetch(url, { method: 'PATCH', headers: auth, body: JSON.stringify({ fieldData: e.fieldData }) });
			if (!res.ok) throw new Error(`FileMaker ${'delete' in e ? 'DELETE' : 'PATCH'} record ${e.recordId}: HTTP ${res.status} ${await res.text()}`);
		}
	} finally {
		await fetch(`${base}/sessions/${token}`, { method: 'DELETE' }).catch(() => undefined);
	}
}

/** Record ids of the extra ("old record") rows of the scenario's duplicated SKU. */
export function duplicateRecordIds(fm: FileMakerEmulator, sku: string): string[] {
	return fm
		.records('Stock')
		.filter((r) => r.fieldData.SKU === sku)
		.slice(1)
		.map((r) => r.recordId);
}

export interface StockRow {
	sku: string;
	fileMaker: number[];
	shopify: number | undefined;
	status: 'in step' | 'differs' | 'only in FileMaker' | 'only in Shopify' | 'duplicate in FileMaker';
}

/** Stock on both sides right now, SKU by SKU (FileMaker quantities as a list because of duplicates). */
export function stockSnapshot(fm: FileMakerEmulator, shop: ShopifyEmulator): Map<string, StockRow> {
	const out = new Map<string, StockRow>();
	for (const r of fm.records('Stock')) {
		const sku = String(r.fieldData.SKU ?? '');
		const q = Number(r.fieldData.Quantity);
		const row = out.get(sku) ?? { sku, fileMaker: [], shopify: undefined, status: 'in step' as const };
		row.fileMaker.push(q);
		out.set(sku, row);
	}
	const location = shop.location(SHOPIFY_LOCATION);
	for (const [sku, level] of shop.levels(location.id)) {
		const row = out.get(sku) ?? { sku, fileMaker: [], shopify: undefined, status: 'in step' as const };
		row.shopify = Number(level.available);
		out.set(sku, row);
	}
	for (const row of out.values()) {
		if (row.fileMaker.length === 0) row.status = 'only in Shopify';
		else if (row.shopify === undefined) row.status = 'only in FileMaker';
		else if (row.fileMaker.length > 1) row.status = 'duplicate in FileMaker';
		else row.status = row.fileMaker[0] === row.shopify ? 'in step' : 'differs';
	}
	return out;
}

export function countByStatus(snapshot: Map<string, StockRow>): Record<string, number> {
	const out: Record<string, number> = {};
	for (const r of snapshot.values()) out[r.status] = (out[r.status] ?? 0) + 1;
	return out;
}
