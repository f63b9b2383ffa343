import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { FileMakerClient } from '../../../shared/filemaker/client';
import { getEventStoreConfig, getLayout, getLocationField, getText, readChangeOptions, readLocation, readSku, readWholeParameter } from '../../helpers/parameters';
import { applyStockChange } from '../../helpers/stockChange';
import { idempotencyKeyProblem } from '../../logic/events';
import { buildScriptParam, parseScriptOutcome } from '../../logic/scriptResult';
import { DEFAULTS, changeInputProperties, changeTargetProperties, skuProperty } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName:
			'The change is saved as a stock event in FileMaker and applied to the stock before the node answers; a change whose Change Key FileMaker already has is reported as a duplicate and not counted again. Good for single changes (deliveries, counts, corrections). For order webhooks and many changes to one SKU at once, use Stock Event → Store (answers fast) followed by Stock Event → Apply Pending.',
		name: 'adjustNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { adjustMode: ['node'] } },
	},
	{
		displayName: 'Mode',
		name: 'adjustMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Node (Event Store)',
				value: 'node',
				description: 'The node stores the change as a stock event and applies the SKU\'s pending events (safe under concurrency)',
			},
			{
				name: 'Run FileMaker Script',
				value: 'script',
				description:
					'Call a script of your solution that does the whole change in one transaction (for solutions that already have one)',
			},
		],
		default: 'node',
	},
	{ ...skuProperty, description: 'SKU whose stock to change (exact match)' },
	{
		displayName: 'Change',
		name: 'delta',
		type: 'number',
		default: 0,
		required: true,
		placeholder: 'e.g. -1',
		description: 'Signed whole number to add to the quantity: -2 takes two out, 5 puts five in',
	},
	...changeInputProperties,
	{
		displayName: 'Script Name or ID',
		name: 'scriptName',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getScripts' },
		default: '',
		required: true,
		displayOptions: { show: { adjustMode: ['script'] } },
		description:
			'Script that applies the change. It gets JSON {sku, delta, key, reason, source, reference} as its parameter and must exit with JSON {applied, quantityAfter, duplicate}. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	// Where and how the node itself writes: not used when a script does the change.
	...changeTargetProperties.map((p) => ({ ...p, displayOptions: { show: { adjustMode: ['node'] } } })),
];

const displayOptions = { show: { resource: ['stock'], operation: ['adjust'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions, client: FileMakerClient, itemIndex: number): Promise<IDataObject[]> {
	const mode = this.getNodeParameter('adjustMode', itemIndex, 'node') as string;
	const sku = readSku.call(this, itemIndex);
	const delta = readWholeParameter.call(this, 'delta', 'change', sku, itemIndex);
	const idempotencyKey = getText.call(this, 'idempotencyKey', itemIndex);
	const reason = getText.call(this, 'reason', itemIndex);
	const reference = getText.call(this, 'reference', itemIndex);
	const source = getText.call(this, 'source', itemIndex, DEFAULTS.source);

	if (mode === 'script') {
		return [await runAdjustScript.call(this, client, { sku, delta, key: idempotencyKey, reason, reference, source }, itemIndex)];
	}

	const result = await applyStockChange.call(
		this,
		client,
		getEventStoreConfig.call(this, itemIndex),
		{ sku, location: readLocation.call(this, itemIndex, getLocationField.call(this, itemIndex)), mode: 'delta', amount: delta, idempotencyKey, reason, reference, source },
		readChangeOptions.call(this, itemIndex),
		itemIndex,
	);
	return [result];
}

async function runAdjustScript(
	this: IExecuteFunctions,
	client: FileMakerClient,
	p: { sku: string; delta: number; key: string; reason: string; reference: string; source: string },
	itemIndex: number,
): Promise<IDataObject> {
	const script = getText.call(this, 'scriptName', itemIndex);
	if (script === '') {
		throw new NodeOperationError(this.getNode(), 'No script is chosen. Pick the FileMaker script that applies the change.', {
			itemIndex,
		});
	}
	if (p.key !== '') {
		const problem = idempotencyKeyProblem(p.key);
		if (problem) throw new NodeOperationError(this.getNode(), `${problem} (SKU '${p.sku}')`, { itemIndex });
	}
	const layout = getLayout.call(this, 'stockLayout', itemIndex);
	const param = buildScriptParam({ ...p });
	const response = await client.runScript(layout, script, param, {
		context: { layout, script, sku: p.sku, action: `running the script '${script}' for SKU '${p.sku}'` },
		itemIndex,
	});
	const outcome = parseScriptOutcome(script, response.scriptError, response.scriptResult);
	if (!outcome.ok) {
		throw new NodeOperationError(this.getNode(), `${outcome.message} (SKU '${p.sku}')`, { itemIndex });
	}
	const output: IDataObject = {
		sku: p.sku,
		applied: outcome.applied,
		duplicate: outcome.duplicate,
		change: p.delta,
		quantityAfter: outcome.quantityAfter ?? null,
		script,
		scriptResult: outcome.result as IDataObject,
	};
	if (p.key !== '') output.idempotencyKey = p.key;
	return output;
}
