/**
 * Deterministic demo catalogue: SKU-000001 … SKU-nnnnnn, the same SKUs the FileMaker side seeds.
 * Quantities are a pure function of the index so both sides can compute the expected state.
 */
import type { ShopifyEmulator } from './index';

export interface CatalogueOptions {
	/** First index (default 1). */
	start?: number;
	/** SKU prefix (default 'SKU-'). */
	prefix?: string;
	/** Zero-padding width (default 6). */
	pad?: number;
	/** Location to stock at (created if missing; default the primary location). */
	locationName?: string;
	/** Available quantity per item (default catalogueQuantity(i)). */
	available?: number | ((i: number, sku: string) => number);
	/** Committed quantity per item (default 0). */
	committed?: number | ((i: number, sku: string) => number);
	/** Product title (default `Product SKU-000001`). */
	title?: (i: number, sku: string) => string;
}

export function catalogueSku(i: number, prefix = 'SKU-', pad = 6): string {
	return `${prefix}${String(i).padStart(pad, '0')}`;
}

/** Default quantity of item i: 0…99, deterministic, about 1 % zeros. */
export function catalogueQuantity(i: number): number {
	return (i * 37 + 11) % 100;
}

export function seedCatalogue(emulator: Pick<ShopifyEmulator, 'seed'>, n: number, opts: CatalogueOptions = {}): { skus: string[] } {
	const start = opts.start ?? 1;
	const skus: string[] = [];
	const items: Parameters<ShopifyEmulator['seed']>[0]['items'] = [];
	const pick = (v: number | ((i: number, sku: string) => number) | undefined, i: number, sku: string, d: number) =>
		v === undefined ? d : typeof v === 'number' ? v : v(i, sku);
	for (let i = start; i < start + n; i++) {
		const sku = catalogueSku(i, opts.prefix, opts.pad);
		skus.push(sku);
		items.push({
			sku,
			available: pick(opts.available, i, sku, catalogueQuantity(i)),
			committed: pick(opts.committed, i, sku, 0),
			locationName: opts.locationName,
			title: opts.title ? opts.title(i, sku) : `Product ${sku}`,
		});
	}
	emulator.seed({ items });
	return { skus };
}
