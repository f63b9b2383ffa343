/** Shopify accepts at most 250 entries in any array input. */
export const MAX_ROWS_PER_MUTATION = 250;

export function chunk<T>(rows: readonly T[], size = MAX_ROWS_PER_MUTATION): T[][] {
	if (!Number.isInteger(size) || size < 1) throw new Error(`Invalid batch size ${size}`);
	const out: T[][] = [];
	for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
	return out;
}
