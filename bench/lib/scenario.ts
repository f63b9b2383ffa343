/**
 * One benchmark scenario: N SKUs in FileMaker (the emulator's deterministic catalogue SKU-000001 …)
 * and the same SKUs in Shopify, where a fixed, evenly spread share of the quantities differs
 * (FileMaker is the source of truth, so exactly those have to be written).
 */
import { numberedCatalogue } from '../../test/emulators/filemaker/catalogue';

export interface Scenario {
	size: number;
	/** FileMaker quantity per SKU index (0-based). */
	fileMaker: number[];
	/** Shopify available per SKU index (0-based) before the sync. */
	shopify: number[];
	changed: number;
	/**
	 * Incremental scenario: indexes of the records modified in FileMaker since the last run (a
	 * delivery: FileMaker's quantity moved, Shopify still has the old one). Every other record was last
	 * modified an hour ago and is equal on both sides.
	 */
	recentlyModified?: Set<number>;
}

export function makeScenario(size: number, changedFraction: number): Scenario {
	const fileMaker = numberedCatalogue(size).map((item) => item.quantity);
	const shopify = [...fileMaker];
	const changed = Math.round(size * changedFraction);
	for (let k = 0; k < changed; k++) {
		const index = Math.floor(((k + 0.5) * size) / changed);
		const step = (k % 7) + 1;
		const q = fileMaker[index];
		// Shopify drifted away from FileMaker: sales not yet booked, a manual edit, a missed webhook …
		shopify[index] = k % 2 === 0 || q - step < 0 ? q + step : q - step;
	}
	return { size, fileMaker, shopify, changed };
}

/** `changed` SKUs, evenly spread over a catalogue of `size`, received a delivery since the last run. */
export function makeIncrementalScenario(size: number, changed: number): Scenario {
	const shopify = numberedCatalogue(size).map((item) => item.quantity);
	const fileMaker = [...shopify];
	const recentlyModified = new Set<number>();
	for (let k = 0; k < changed; k++) {
		const index = Math.floor(((k + 0.5) * size) / changed);
		fileMaker[index] += (k % 7) + 1;
		recentlyModified.add(index);
	}
	return { size, fileMaker, shopify, changed, recentlyModified };
}
