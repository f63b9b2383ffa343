/**
 * Inventory → Set (absolute) and Inventory → Adjust (delta): one row per input item. Each row is
 * written with the changeFromQuantity it was computed from (read just before), in batches of 250 with
 * content-derived idempotency keys; rows that changed in Shopify meanwhile are re-read and written again.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { errorItem } from '../../../shared/router';
import { asNodeError } from '../../../shared/shopify/transport';
import { indexLevels } from '../../logic/diff';
import { checkQuantity, MAX_QUANTITY, normalizeSku } from '../../logic/validate';
import { currentApiVersion, readLevelsForRows, type WriteRow } from '../../transport/inventory';
import { resolveLocation } from '../../transport/locations';
import { bulkThresholdOption, locationLocator, optionsCollection, readModeOption, reasonOption, referenceDocumentUriOption, skuParameter } from '../common.descriptions';
import type { ShopifyExecution } from '../execution';
import { maxStaleRetriesOption, rereadOptions, writeOptionsOf } from './options';
import { executionScope, referenceUri } from './reference';
import { applyWithStaleRetry } from './staleRetry';
import { adjustWithChangeLog, type ChangeResult } from './ledgerAdjust';
import { changeKeyOf } from '../../logic/changeLedger';

type Mode = 'set' | 'adjust';

export function writeDescription(mode: Mode): INodeProperties[] {
	const displayOptions = { show: { resource: ['inventory'], operation: [mode] } };
	return [
		locationLocator([mode]),
		skuParameter('The SKU to change (exact match), usually mapped from the input, e.g. {{ $JSON.sku }}', displayOptions),
		mode === 'set'
			? {
					displayName: 'Quantity',
					name: 'quantity',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: MAX_QUANTITY },
					default: 0,
					required: true,
					description: 'The new absolute quantity (0 to 1,000,000,000)',
					displayOptions,
				}
			: {
					displayName: 'Change',
					name: 'delta',
					type: 'number',
					default: 0,
					required: true,
					placeholder: 'e.g. -1',
					description: 'Whole number to add to the quantity: -2 takes two out, 5 puts five in',
					displayOptions,
				},
		...(mode === 'adjust'
			? [
					{
						displayName: 'Change Key',
						name: 'changeKey',
						type: 'string',
						default: '={{ $json.idempotencyKey }}',
						placeholder: 'order-1001-line-3',
						description:
							'Identifies this change (for example the order line it comes from). Shopify applies a change key at most once, also when the workflow is run again after a partial failure or retried: rows whose key was already applied are skipped (status alreadyApplied). Empty: derived from SKU, change and the Reference Document URI option, or, without that option, from this execution only.',
						displayOptions,
					} satisfies INodeProperties,
				]
			: []),
		optionsCollection(displayOptions, [
			bulkThresholdOption,
			maxStaleRetriesOption,
			{
				displayName: 'Quantity Name',
				name: 'quantityName',
				type: 'options',
				options: [
					{ name: 'Available', value: 'available' },
					{ name: 'On Hand', value: 'on_hand' },
				],
				default: 'available',
				description:
					mode === 'adjust'
						? 'Which of Shopify’s quantities to change. On Hand adjustments carry a ledger document (option Ledger Document URI), as Shopify requires for every name except Available.'
						: 'Which of Shopify’s quantities to change',
			},
			...(mode === 'adjust'
				? [
						{
							displayName: 'Ledger Document URI',
							name: 'ledgerDocumentUri',
							type: 'string',
							default: '',
							placeholder: 'gid://my-app/StockCount/2026-12-04',
							description:
								'Only for Quantity Name On Hand: the document behind the change, as a URI with a scheme (not gid://shopify/…). Empty: the reference document URI of this execution.',
						} satisfies INodeProperties,
					]
				: []),
			readModeOption,
			reasonOption,
			referenceDocumentUriOption,
		]),
	];
}

interface Row {
	itemIndex: number;
	locationId: string;
	sku: string;
	value: number;
}

interface ItemResult {
	json: IDataObject;
	error?: string;
}

export async function executeWrite(
	this: IExecuteFunctions,
	run: ShopifyExecution,
	items: INodeExecutionData[],
	mode: Mode,
): Promise<INodeExecutionData[]> {
	const { budget } = run;
	const apiVersion = await currentApiVersion.call(this);
	const results = new Map<number, ItemResult>();
	const rows: Row[] = [];
	const fail = (itemIndex: number, message: string, json: IDataObject = {}) => {
		results.set(itemIndex, { json: { ...json, status: 'failed', error: message }, error: message });
	};

	// Validate every item first: with bad input and without "Continue On Fail", nothing is written.
	for (let i = 0; i < items.length; i++) {
		let locationId: string;
		try {
			({ id: locationId } = await resolveLocation.call(this, run, i));
		} catch (error) {
			// Shopify failing to answer (the primary-location lookup) is no input problem: stop.
			if (error instanceof NodeApiError) throw asNodeError(this.getNode(), error, i);
			fail(i, (error as Error).message);
			continue;
		}
		const sku = normalizeSku(this.getNodeParameter('sku', i, '') as unknown);
		if (sku === undefined) {
			fail(i, `Item ${i + 1}: the SKU is empty`, { locationId });
			continue;
		}
		const raw = this.getNodeParameter(mode === 'set' ? 'quantity' : 'delta', i, 0) as unknown;
		const check =
			mode === 'set'
				? checkQuantity(raw)
				: checkQuantity(raw, { min: -MAX_QUANTITY, max: MAX_QUANTITY, label: 'change' });
		if (!check.ok) {
			fail(i, `SKU "${sku}": ${check.reason}`, { sku, locationId });
			continue;
		}
		rows.push({ itemIndex: i, locationId, sku, value: check.value });
	}
	const groups = new Map<string, Row[]>();
	for (const row of rows) {
		const key = `${row.locationId}\u0000${row.sku}`;
		const g = groups.get(key);
		if (g) g.push(row);
		else groups.set(key, [row]);
	}
	const unique: Row[] = [];
	for (const g of groups.values()) {
		if (g.length === 1) {
			unique.push(g[0]);
			continue;
		}
		for (const row of g) {
			fail(
				row.itemIndex,
				`SKU "${row.sku}" occurs ${g.length} times in the input (items ${g.map((r) => r.itemIndex + 1).join(', ')}); none of them was written`,
				{ sku: row.sku, locationId: row.locationId },
			);
		}
	}
	if (results.size > 0 && !this.continueOnFail()) {
		const first = [...results.entries()].sort((a, b) => a[0] - b[0])[0];
		throw new NodeOperationError(this.getNode(), first[1].error ?? 'Invalid input', {
			itemIndex: first[0],
			description: 'Nothing was written. Fix the input, or enable "Continue On Fail" to write the valid items.',
		});
	}

	const options = (items.length > 0 ? this.getNodeParameter('options', 0, {}) : {}) as IDataObject;
	const quantityName = (options.quantityName as string | undefined) ?? 'available';
	const { read: readOpts, maxStaleRetries, reason } = writeOptionsOf(options, this.getNode());
	const operationName = mode === 'set' ? 'InventorySet' : 'InventoryAdjust';
	const referenceDocumentUri = referenceUri.call(this, operationName, options.referenceDocumentUri);
	// Shopify requires a ledger document for every quantity name except `available` (adjust only).
	const ledgerDocumentUri =
		mode === 'adjust' && quantityName !== 'available'
			? (typeof options.ledgerDocumentUri === 'string' && options.ledgerDocumentUri.trim()) || referenceDocumentUri
			: undefined;
	const scope = executionScope.call(this);
	const current = (level: { available: number; onHand?: number }) =>
		quantityName === 'on_hand' ? level.onHand : level.available;

	const byLocation = new Map<string, Row[]>();
	for (const row of unique) {
		const g = byLocation.get(row.locationId);
		if (g) g.push(row);
		else byLocation.set(row.locationId, [row]);
	}
	for (const [locationId, locRows] of byLocation) {
		const read = await readLevelsForRows.call(this, budget, locationId, locRows.map((r) => r.sku), readOpts);
		const { bySku, duplicates } = indexLevels(read.levels);
		const toWrite: Array<WriteRow<Row>> = [];
		for (const row of locRows) {
			const base = { sku: row.sku, locationId, quantityName };
			if (duplicates.has(row.sku)) {
				fail(row.itemIndex, `SKU "${row.sku}" belongs to ${duplicates.get(row.sku)!.length} inventory items at this location; nothing was written`, base);
				continue;
			}
			const level = bySku.get(row.sku);
			if (!level) {
				fail(row.itemIndex, `SKU "${row.sku}" is not stocked at this location in Shopify (or does not exist)`, base);
				continue;
			}
			const from = current(level);
			if (from === undefined) {
				fail(row.itemIndex, `Shopify did not return the ${quantityName} quantity of SKU "${row.sku}"`, base);
				continue;
			}
			const unchanged = mode === 'set' ? from === row.value : row.value === 0;
			if (unchanged) {
				results.set(row.itemIndex, {
					json: { ...base, inventoryItemId: level.inventoryItemId, from, to: from, delta: 0, status: 'unchanged' },
				});
				continue;
			}
			toWrite.push({
				sku: row.sku,
				inventoryItemId: level.inventoryItemId,
				value: row.value,
				changeFromQuantity: from,
				ref: row,
			});
		}
		if (toWrite.length === 0) continue;
		if (mode === 'adjust') {
			const configuredReference =
				typeof options.referenceDocumentUri === 'string' && options.referenceDocumentUri.trim() ? options.referenceDocumentUri.trim() : undefined;
			const changes = toWrite.map((w) => ({
				itemIndex: w.ref.itemIndex,
				sku: w.sku,
				inventoryItemId: w.inventoryItemId,
				delta: w.value,
				changeKey: changeKeyOf({
					callerKey: this.getNodeParameter('changeKey', w.ref.itemIndex, '') as unknown,
					sku: w.sku,
					delta: w.value,
					locationId,
					configuredReference,
					executionScope: scope,
				}).changeKey,
			}));
			const outcome = await adjustWithChangeLog.call(
				this,
				budget,
				{ locationId, name: quantityName, reason, referenceDocumentUri, ledgerDocumentUri },
				changes,
				{ maxStaleRetries },
			);
			for (const r of outcome) setChangeResult(results, r, locationId, quantityName);
			continue;
		}
		const result = await (applyWithStaleRetry<Row>).call(
			this,
			budget,
			{ operation: mode, name: quantityName, reason, referenceDocumentUri, ledgerDocumentUri, locationId, apiVersion, executionScope: scope },
			toWrite,
			{
				maxStaleRetries,
				read: rereadOptions(readOpts, read.mode),
				recompute: (row, level) => {
					const fresh = current(level);
					if (fresh === undefined) return { ...row, changeFromQuantity: null };
					if (mode === 'set' && fresh === row.value) return 'unchanged';
					return { ...row, changeFromQuantity: fresh };
				},
			},
		);
		const rowJson = (row: WriteRow<Row>, from: number, to: number, status: 'updated' | 'unchanged') => ({
			json: { sku: row.sku, locationId, quantityName, inventoryItemId: row.inventoryItemId, from, to, delta: to - from, status },
		});
		for (const row of result.applied) {
			const from = row.changeFromQuantity ?? 0;
			results.set(row.ref.itemIndex, rowJson(row, from, mode === 'set' ? row.value : from + row.value, 'updated'));
		}
		for (const row of result.nowUnchanged) results.set(row.ref.itemIndex, rowJson(row, row.value, row.value, 'unchanged'));
		for (const f of result.failed) {
			fail(f.row.ref.itemIndex, `SKU "${f.row.sku}": ${f.message}${f.code ? ` (${f.code})` : ''}`, {
				sku: f.row.sku,
				locationId,
				quantityName,
				inventoryItemId: f.row.inventoryItemId,
				...(f.code ? { code: f.code } : {}),
				retryable: f.retryable === true,
			});
		}
	}

	const failures = [...results.entries()].filter(([, r]) => r.error !== undefined).sort((a, b) => a[0] - b[0]);
	if (failures.length > 0 && !this.continueOnFail() && mode === 'adjust') {
		const summary = adjustSummary([...results.values()].map((r) => r.json));
		throw new NodeOperationError(
			this.getNode(),
			failures.length === 1 ? (failures[0][1].error as string) : `${failures.length} rows were not applied; first: ${failures[0][1].error}`,
			{ itemIndex: failures[0][0], description: summary },
		);
	}
	if (failures.length > 0 && !this.continueOnFail()) {
		const written = [...results.values()].filter((r) => r.json.status === 'updated').length;
		throw new NodeOperationError(
			this.getNode(),
			failures.length === 1
				? (failures[0][1].error as string)
				: `${failures.length} rows were not written; first: ${failures[0][1].error}`,
			{
				itemIndex: failures[0][0],
				description: `${written} other row(s) were written. Enable "Continue On Fail" to get one item per row with its error.`,
			},
		);
	}
	const out: INodeExecutionData[] = [];
	// On Error "Continue (using error output)": rows not written leave through the error output.
	const toErrorOutput = this.getNode().onError === 'continueErrorOutput';
	for (let i = 0; i < items.length; i++) {
		const r = results.get(i) ?? { json: { status: 'failed', error: 'Not processed' }, error: 'Not processed' };
		if (toErrorOutput && r.error !== undefined) {
			const fields = { ...r.json };
			delete fields.error;
			out.push(errorItem.call(this, new Error(r.error), [i], fields));
			continue;
		}
		out.push({ json: r.json, pairedItem: { item: i } });
	}
	return out;
}

/** Puts one change-log result of Adjust into the per-item results. */
function setChangeResult(
	results: Map<number, ItemResult>,
	r: ChangeResult,
	locationId: string,
	quantityName: string,
): void {
	const json: IDataObject = {
		sku: r.row.sku,
		locationId,
		quantityName,
		inventoryItemId: r.row.inventoryItemId,
		changeKey: r.row.changeKey,
	};
	if (r.status === 'updated' || r.status === 'alreadyApplied') {
		Object.assign(json, { from: r.from, to: r.to, delta: r.row.delta, status: r.status });
		if (r.confirmedLater) json.confirmedFromEarlierRun = true;
		if (r.logNotUpdated) json.changeLogNotUpdated = true;
		results.set(r.row.itemIndex, { json });
		return;
	}
	const message = r.message ?? `SKU "${r.row.sku}": not applied`;
	Object.assign(json, {
		delta: r.row.delta,
		status: r.status,
		...(r.from !== undefined ? { from: r.from } : {}),
		...(r.code ? { code: r.code } : {}),
		retryable: r.retryable === true,
		error: message,
	});
	results.set(r.row.itemIndex, { json, error: message });
}

/** What a partly failed Adjust did, for the error description (never claims more than the rows say). */
export function adjustSummary(rows: IDataObject[]): string {
	const count = (status: string) => rows.filter((r) => r.status === status).length;
	const applied = count('updated');
	const already = count('alreadyApplied');
	const check = count('needsCheck');
	const failed = count('failed');
	const unconfirmed = rows.filter((r) => r.status === 'failed' && r.code === 'CHANGE_UNCONFIRMED').length;
	const parts = [
		`${applied} row(s) applied in this run`,
		`${already} already applied by an earlier run (skipped)`,
		`${failed} not applied${unconfirmed > 0 ? ` (${unconfirmed} of them sent without a confirmation: the next run checks them)` : ''}`,
	];
	if (check > 0) parts.push(`${check} need a check in Shopify (unknown whether an earlier send was applied; never sent again automatically)`);
	return (
		`${parts.join(', ')}. Each change key is applied at most once, so running the workflow again with the same input applies only what is missing` +
		`${check > 0 ? ', except the rows that need a check' : ''}. Enable "Continue On Fail" to get one item per row with its status.`
	);
}
