import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ShopifyEmulator } from '../emulators/shopify';
import { CredentialStore, runNode, type RunNodeResult } from '../helpers/n8n-harness';

export const TOKEN = 'shpat_test_token';

export function tokenCredentials(emu: ShopifyEmulator, extra: IDataObject = {}): CredentialStore {
	const creds = new CredentialStore();
	creds.set('shopifyInventoryApi', { shop: emu.url, authentication: 'accessToken', accessToken: TOKEN, ...extra } as never);
	return creds;
}

export function locationParam(emu: ShopifyEmulator, name?: string) {
	return { __rl: true, mode: 'id', value: emu.location(name).id };
}

export function skus(n: number, prefix = 'SKU-'): string[] {
	return Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export async function runSync(
	emu: ShopifyEmulator,
	creds: CredentialStore,
	input: IDataObject[],
	parameters: IDataObject = {},
	continueOnFail = false,
): Promise<RunNodeResult & { summary: IDataObject; details: IDataObject[] }> {
	const r = await runNode({
		type: 'shopifyInventory',
		parameters: { resource: 'inventory', operation: 'sync', location: locationParam(emu), ...parameters },
		input,
		credentials: creds,
		continueOnFail,
	});
	return { ...r, summary: r.items[0]?.json ?? {}, details: r.items.slice(1).map((i: INodeExecutionData) => i.json) };
}

export function mutationsOf(emu: ShopifyEmulator, operationName = 'InventorySetQuantities') {
	return emu.requestLog.filter((l) => l.kind === 'mutation' && l.operationName === operationName);
}

/** The emulator's `available` per SKU at the default location. */
export function availableBySku(emu: ShopifyEmulator, locationId?: string): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [sku, l] of emu.levels(locationId)) out[sku] = l.available;
	return out;
}
