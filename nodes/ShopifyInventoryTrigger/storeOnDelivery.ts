/**
 * Respond "After Storing the Changes in FileMaker": the trigger stores each stock change of a verified
 * delivery as one row of FileMaker's event layout (its change key unique, so a redelivery is stored
 * once), answers Shopify itself, and only then starts the workflow, which applies the stored events.
 * No workflow step is on the answer path: the answer waits for at most 2 FileMaker requests per change
 * (one SKU check shared by the delivery's changes, one create each), not for an execution (in queue
 * mode it comes from the webhook process, without a queue hop).
 *
 * Answers: 200 once every change is stored (or already was; a line FileMaker can never take, such as an
 * unknown SKU, is reported in the output with status "notStored" and does not make Shopify deliver
 * again); 503 when FileMaker failed (Shopify delivers again; changes already stored come back as
 * duplicates); 500 when the FileMaker settings are wrong. The workflow starts in every case but the
 * last, so the execution shows what happened.
 */
import type { IDataObject, INodeProperties, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { fileMakerClient, type FileMakerClient } from '../shared/filemaker/client';
import { locationFieldOf } from '../FileMakerInventory/helpers/credentialLocationField';
import { CREDENTIAL_TYPE as FILEMAKER_CREDENTIAL } from '../shared/filemaker/transport';
import { DEFAULTS, eventLayoutLocator, stockLayoutLocator } from '../FileMakerInventory/actions/common.descriptions';
import type { EventStoreConfig, StockEvent } from '../FileMakerInventory/helpers/eventStore';
import { skuProblem, storeFailureAdvice } from '../FileMakerInventory/helpers/eventStore';
import { movementConfigFrom, stockConfigFrom, text } from '../FileMakerInventory/helpers/parameters';
import { checkAndStoreEvents, eventFromFields, isNotAnEvent, shopifyChangeFields } from '../FileMakerInventory/helpers/storeStockEvents';
import { locationValue, stockKey } from '../FileMakerInventory/logic/stockKey';
import { waitForQuiet } from './startWhenQuiet';
import { forVersions } from './versionTwoProperties';

export const RESPOND_AFTER_STORED = 'afterStored';

const WHEN_STORING = { show: { responseMode: [RESPOND_AFTER_STORED] } };

/** The trigger's FileMaker settings, shown with Respond: After Storing the Changes in FileMaker. */
export const storeOnDeliveryProperties: INodeProperties[] = [
	{
		displayName:
			'Each stock change is stored as one row of the event layout (change key unique: a delivery Shopify repeats is stored once) and Shopify is answered right away. Connect FileMaker Inventory → Stock Event → Apply Pending (Input Items: Store\'s Output) to apply them, and run Apply Pending (Scope: All) on a schedule as the sweep. Uses the FileMaker Data API credential (and its Location Field).',
		name: 'storeNotice',
		type: 'notice',
		default: '',
		displayOptions: WHEN_STORING,
	},
	...forVersions({ ...eventLayoutLocator, displayOptions: WHEN_STORING }),
	...forVersions({ ...stockLayoutLocator, displayOptions: WHEN_STORING }),
	{
		displayName: 'Source',
		name: 'source',
		type: 'string',
		default: 'shopify',
		placeholder: 'e.g. shopify',
		description: 'Written to each event row (where the change came from)',
		displayOptions: WHEN_STORING,
	},
	{
		displayName: 'Start the Workflow Once N8n Is Quiet',
		name: 'startWhenQuiet',
		type: 'boolean',
		default: false,
		description:
			'Whether to start the workflow (which applies the stored changes) only once this n8n process is no longer busy answering other deliveries, at most 10 s after the answer. On sale days the answers then go out first; a single order starts at once. The changes are stored either way.',
		displayOptions: WHEN_STORING,
	},
];

/** One Shopify change and what became of it. */
type Outcome = { json: IDataObject; event?: StockEvent };

function answer(this: IWebhookFunctions, status: number, body: IDataObject): void {
	this.getResponseObject().status(status).json(body);
}

function notStored(json: IDataObject, problem: string): IDataObject {
	return { ...json, status: 'notStored', retryable: false, problem };
}

/**
 * Stores the delivery's changes (the trigger's Stock Changes items), answers Shopify, and gives n8n
 * the items to start the workflow with: each change with `status` stored, duplicate, skipped,
 * notStored (never storable: reported, Shopify hears OK) or failed (Shopify delivers again).
 */
export async function storeAndAnswer(this: IWebhookFunctions, changes: IDataObject[]): Promise<IWebhookResponseData> {
	let config: EventStoreConfig;
	let client: FileMakerClient;
	let source: string;
	try {
		// Read once: the location field and the connection both come from it.
		const credentials = await this.getCredentials(FILEMAKER_CREDENTIAL);
		const locationField = locationFieldOf(credentials);
		const layout = (name: 'stockLayout' | 'eventLayout', fallback: string) => {
			const value = text(this.getNodeParameter(name, fallback, { extractValue: true }), '');
			if (value === '') throw new Error(`no ${name === 'stockLayout' ? 'Stock' : 'Event'} Layout is set`);
			return value;
		};
		config = {
			stock: { ...stockConfigFrom(layout('stockLayout', DEFAULTS.stockLayout), {}), locationField },
			events: { ...movementConfigFrom(layout('eventLayout', DEFAULTS.eventLayout), {}), locationField },
		};
		source = text(this.getNodeParameter('source', 'shopify'), 'shopify');
		client = await fileMakerClient.call(this, credentials);
	} catch (error) {
		this.logger.error(
			`Shopify Inventory Trigger: the FileMaker settings for storing the changes are incomplete (${(error as Error).message}). Choose the FileMaker Data API credential and the layouts in the trigger; answered 500, Shopify delivers again.`,
		);
		answer.call(this, 500, { message: 'The trigger is not configured correctly' });
		return { noWebhookResponse: true };
	}

	const outcomes: Outcome[] = [];
	const toStore: number[] = [];
	for (const json of changes) {
		const fields = shopifyChangeFields(json, source);
		if (isNotAnEvent(json, fields)) {
			outcomes.push({ json: { ...json, status: 'skipped' } });
			continue;
		}
		const location = config.stock.locationField ? locationValue(json.location) : undefined;
		const read =
			location === ''
				? {
						problem: `The change of SKU '${fields.sku}' names no location, but the FileMaker credential has a Location Field. Map every Shopify location in the Shopify credential's Locations.`,
					}
				: eventFromFields(fields, location);
		if ('problem' in read) {
			outcomes.push({ json: notStored(json, read.problem) });
			continue;
		}
		toStore.push(outcomes.length);
		outcomes.push({ json, event: read.event });
	}

	let failures = 0;
	let firstFailure = '';
	try {
		const stored = await checkAndStoreEvents(
			client,
			config,
			toStore.map((i) => outcomes[i].event as StockEvent),
		);
		stored.forEach((result, j) => {
			const outcome = outcomes[toStore[j]];
			const event = outcome.event as StockEvent;
			if (result.status === 'stored') outcome.json = { ...outcome.json, status: 'stored', recordId: result.recordId };
			else if (result.status === 'duplicate') outcome.json = { ...outcome.json, status: 'duplicate' };
			else if (result.status === 'unknownSku') {
				const problem = skuProblem.call(this, config.stock, stockKey(event.sku, event.location), result.check, 0);
				outcome.json = notStored(outcome.json, problem.message);
			} else {
				failures++;
				const message = `${result.error.message}${result.error.description ? ` — ${result.error.description}` : ''} ${storeFailureAdvice(result.info)}`;
				firstFailure ||= message;
				outcome.json = { ...outcome.json, status: 'failed', retryable: true, problem: message };
			}
		});
	} catch (error) {
		// The SKU check failed: nothing was stored.
		const e = error as Error & { description?: string | null };
		failures = toStore.length;
		firstFailure = `${e.message}${e.description ? ` — ${e.description}` : ''}`;
		for (const i of toStore) outcomes[i].json = { ...outcomes[i].json, status: 'failed', retryable: true, problem: firstFailure };
	}

	const items = outcomes.map((o) => ({ json: o.json }));
	if (failures > 0) {
		this.logger.error(
			`Shopify Inventory Trigger: ${failures} of ${toStore.length} stock changes could not be stored in FileMaker: ${firstFailure.replace(/\.+$/, "")}. Answered 503: Shopify delivers the event again; changes already stored are not stored twice.`,
		);
		answer.call(this, 503, { message: 'FileMaker could not store every stock change; deliver again later' });
	} else {
		const count = (status: string) => items.filter((item) => item.json.status === status).length;
		answer.call(this, 200, { stored: count('stored'), duplicate: count('duplicate'), notStored: count('notStored') });
	}
	// Answered. n8n starts the workflow with the outcomes (Apply Pending takes the stored ones) when
	// this returns: once the process is quiet, so that a burst's answers are not slowed by its applies.
	if (this.getNodeParameter('startWhenQuiet', false) === true) await waitForQuiet({ now: () => performance.now(), sleep: async (ms) => await sleep(ms) });
	return { noWebhookResponse: true, workflowData: [items] };
}
