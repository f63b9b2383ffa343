import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { FileMakerClient } from '../../shared/filemaker/client';
import { fileMakerClient } from '../../shared/filemaker/client';
import type { BatchOperation, OperationTable, PerItemOperation } from '../../shared/router';
import { route } from '../../shared/router';
import { loadCredentialLocationField } from '../helpers/credentialLocationField';
import { isItemProblem } from '../helpers/problems';
import * as event from './event/Event.resource';
import * as movement from './movement/Movement.resource';
import * as stock from './stock/Stock.resource';

const routeFileMaker = route<FileMakerClient>;

function perItem(operation: { execute: PerItemOperation<FileMakerClient>['execute'] }): PerItemOperation<FileMakerClient> {
	return { mode: 'perItem', execute: operation.execute };
}

function batch(operation: { execute: BatchOperation<FileMakerClient>['execute'] }): BatchOperation<FileMakerClient> {
	return { mode: 'batch', execute: operation.execute };
}

/** Stock and movement operations run once per input item, in order; Store and Apply Pending once for all items. */
const operations: OperationTable<FileMakerClient> = {
	stock: { getMany: perItem(stock.getMany), get: perItem(stock.get), set: perItem(stock.set), adjust: perItem(stock.adjust) },
	movement: { record: perItem(movement.record), getMany: perItem(movement.getMany) },
	event: { store: batch(event.store), applyPending: batch(event.applyPending), getMany: perItem(event.getMany) },
};

/**
 * Runs the chosen operation through the shared router. The context is the FileMaker client, made
 * once per execution: all requests of the execution share one Data API session (n8n keeps the
 * token on the credential). With "continue on fail" an item's error output also carries its SKU and
 * whether retrying it can help.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeFileMaker.call(this, { operations, context: clientWithLocationField, describeFailure });
}

/** The FileMaker client, after the credential's Location Field is read for this execution. */
async function clientWithLocationField(this: IExecuteFunctions): Promise<FileMakerClient> {
	await loadCredentialLocationField.call(this);
	return await fileMakerClient.call(this);
}

function describeFailure(this: IExecuteFunctions, error: unknown, itemIndex: number): IDataObject {
	const extra: IDataObject = {};
	const sku = safeSku.call(this, itemIndex);
	if (sku !== undefined) extra.sku = sku;
	// false: the item's data is the problem (retrying cannot help); true: FileMaker/network/configuration
	extra.retryable = !isItemProblem(error);
	return extra;
}

function safeSku(this: IExecuteFunctions, itemIndex: number): string | undefined {
	try {
		const sku = this.getNodeParameter('sku', itemIndex, '') as unknown;
		return typeof sku === 'string' && sku.trim() !== '' ? sku.trim() : undefined;
	} catch {
		return undefined;
	}
}
