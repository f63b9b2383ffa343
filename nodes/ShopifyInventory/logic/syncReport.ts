/**
 * How Inventory → Sync reports each row it did not write (pure): the status of its output item, the
 * summary count it adds to, and whether the user must act on it. See docs/stock-model.md, "One item
 * never stops the others".
 */

/** Statuses of output items that report a problem (the others: updated, unchanged, wouldUpdate, heldBack). */
export const PROBLEM_STATUSES = new Set([
	'failed',
	'retryable',
	'bundleParent',
	'untracked',
	'notStocked',
	'deletedItem',
	'missingInShopify',
	'missingInFileMaker',
	'duplicateInShopify',
	'duplicateSku',
	'invalidQuantity',
	'emptySku',
	'inputError',
]);

export type WriteFailureStatus = 'retryable' | 'bundleParent' | 'notStocked' | 'deletedItem' | 'failed';

/**
 * A row Shopify refused at write time → its status. NON_MUTABLE_INVENTORY_ITEM is what a bundle parent
 * answers (its stock comes from its components); ITEM_NOT_STOCKED_AT_LOCATION an item not (or no longer)
 * stocked at the location; INVALID_INVENTORY_ITEM an item that does not exist (deleted meanwhile).
 */
export function writeFailureStatus(code: string | undefined, retryable: boolean | undefined): WriteFailureStatus {
	if (retryable) return 'retryable';
	switch (code) {
		case 'NON_MUTABLE_INVENTORY_ITEM':
			return 'bundleParent';
		case 'ITEM_NOT_STOCKED_AT_LOCATION':
			return 'notStocked';
		case 'INVALID_INVENTORY_ITEM':
			return 'deletedItem';
		default:
			return 'failed';
	}
}

export const WRITE_FAILURE_HINT: Record<WriteFailureStatus, string> = {
	retryable: 'Shopify asked to try again; the next run writes it',
	bundleParent: 'Shopify computes this item’s stock from its components (a bundle) and refuses writes to it; keep it out of the sync or ignore this',
	notStocked: 'the item is not stocked at this location in Shopify',
	deletedItem: 'the inventory item no longer exists in Shopify (deleted?)',
	failed: 'Shopify refused this row',
};

/**
 * What the user must act on: invalid or duplicate input rows, SKUs Shopify holds twice at the
 * location, and rows Shopify refused for a reason that is neither expected (bundle parent, untracked,
 * not stocked, deleted) nor cured by running again (`retryable`, counted apart).
 */
export function needsAttention(counts: {
	invalidQuantities: number;
	duplicateSkus: number;
	otherFailures: number;
}): number {
	return counts.invalidQuantities + counts.duplicateSkus + counts.otherFailures;
}
