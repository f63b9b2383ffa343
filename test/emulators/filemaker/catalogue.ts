/**
 * Deterministic stock catalogues for tests, demos and benchmarks.
 *
 *   seedCatalogue(fm, 50_000)                       → SKU-000001 … SKU-050000 with quantities
 *   seedCatalogue(fm, 300, { style: 'apparel' })    → TSHIRT-RED-M, HOODIE-NAVY-XL, …
 *
 * The same (n, options) always give the same SKUs, names and quantities.
 */
import type { FileMakerEmulator } from './types';

export interface CatalogueItem {
	sku: string;
	quantity: number;
	name: string;
}

export interface SeedCatalogueOptions {
	/** Layout to seed. Default 'Stock'. */
	layout?: string;
	/** 'numbered' (SKU-000001 …, default) or 'apparel' (TSHIRT-RED-M …). */
	style?: 'numbered' | 'apparel';
	/** First number for 'numbered' SKUs. Default 1. */
	start?: number;
	/** PRNG seed for quantities. Default 42. */
	seed?: number;
	/** Largest random quantity. Default 250. */
	maxQuantity?: number;
	/** Share of items with quantity 0 (0..1). Default 0.08. */
	zeroShare?: number;
	/** Override: quantity of item i (0-based). */
	quantity?: (index: number, sku: string) => number;
	/** Field names on the layout. Defaults: SKU, Quantity, Name. Set nameField to null to skip names. */
	skuField?: string;
	quantityField?: string;
	nameField?: string | null;
	/** Extra fields written on every row (e.g. { AppliedKeys: '' }). */
	extra?: Record<string, unknown>;
}

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function catalogueSku(i: number): string {
	return `SKU-${String(i).padStart(6, '0')}`;
}

const PRODUCTS: [code: string, name: string][] = [
	['TSHIRT', 'T-Shirt'],
	['HOODIE', 'Hoodie'],
	['SWEAT', 'Sweatshirt'],
	['POLO', 'Polo Shirt'],
	['JACKET', 'Rain Jacket'],
	['CAP', 'Baseball Cap'],
	['BEANIE', 'Beanie'],
	['SOCKS', 'Crew Socks'],
	['SCARF', 'Wool Scarf'],
	['TOTE', 'Canvas Tote'],
	['SHORTS', 'Shorts'],
	['JOGGER', 'Jogger Pants'],
];
const COLOURS: [code: string, name: string][] = [
	['RED', 'Red'],
	['BLUE', 'Blue'],
	['BLACK', 'Black'],
	['WHITE', 'White'],
	['GREEN', 'Green'],
	['GREY', 'Grey'],
	['NAVY', 'Navy'],
	['SAND', 'Sand'],
];
const SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];

function quantities(n: number, o: SeedCatalogueOptions, skus: string[]): number[] {
	const rnd = prng(o.seed ?? 42);
	const max = o.maxQuantity ?? 250;
	const zero = o.zeroShare ?? 0.08;
	const out: number[] = new Array(n);
	for (let i = 0; i < n; i++) {
		const r1 = rnd();
		const r2 = rnd();
		out[i] = o.quantity ? o.quantity(i, skus[i]) : r1 < zero ? 0 : 1 + Math.floor(r2 * r2 * max);
	}
	return out;
}

/** TSHIRT-RED-M style catalogue (product × colour × size; a -B2, -B3 … batch suffix beyond 576 items). */
export function apparelCatalogue(n: number, o: SeedCatalogueOptions = {}): CatalogueItem[] {
	const skus: string[] = [];
	const names: string[] = [];
	const per = PRODUCTS.length * COLOURS.length * SIZES.length;
	for (let i = 0; i < n; i++) {
		const batch = Math.floor(i / per);
		const j = i % per;
		const size = SIZES[j % SIZES.length];
		const colour = COLOURS[Math.floor(j / SIZES.length) % COLOURS.length];
		const product = PRODUCTS[Math.floor(j / (SIZES.length * COLOURS.length))];
		const suffix = batch > 0 ? `-B${batch + 1}` : '';
		skus.push(`${product[0]}-${colour[0]}-${size}${suffix}`);
		names.push(`${product[1]} ${colour[1]} ${size}${batch > 0 ? ` (batch ${batch + 1})` : ''}`);
	}
	const q = quantities(n, o, skus);
	return skus.map((sku, i) => ({ sku, quantity: q[i], name: names[i] }));
}

/** SKU-000001 style catalogue. */
export function numberedCatalogue(n: number, o: SeedCatalogueOptions = {}): CatalogueItem[] {
	const start = o.start ?? 1;
	const skus: string[] = new Array(n);
	for (let i = 0; i < n; i++) skus[i] = catalogueSku(start + i);
	const q = quantities(n, o, skus);
	return skus.map((sku, i) => ({ sku, quantity: q[i], name: `Item ${start + i}` }));
}

/** Seeds n catalogue rows into the emulator (one seed() call; 50,000 rows take well under a second). */
export function seedCatalogue(emulator: FileMakerEmulator, n: number, opts: SeedCatalogueOptions = {}): CatalogueItem[] {
	const items = opts.style === 'apparel' ? apparelCatalogue(n, opts) : numberedCatalogue(n, opts);
	const skuField = opts.skuField ?? 'SKU';
	const qtyField = opts.quantityField ?? 'Quantity';
	const nameField = opts.nameField === undefined ? 'Name' : opts.nameField;
	const rows = items.map((it) => {
		const row: Record<string, unknown> = { ...opts.extra, [skuField]: it.sku, [qtyField]: it.quantity };
		if (nameField) row[nameField] = it.name;
		return row;
	});
	emulator.seed(opts.layout ?? 'Stock', rows);
	return items;
}
