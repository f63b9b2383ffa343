/**
 * The two workflows the order-bursts section measures, both answering Shopify through a Respond to
 * Webhook node (trigger responseMode "responseNode"):
 * - default: workflows/shopify-orders-to-filemaker.json as shipped (trigger → Stock Event → Store →
 *   Respond to Webhook → Apply Pending);
 * - direct: the same trigger → Stock → Adjust (stores the event and applies the SKU's pending events)
 *   → Respond to Webhook, i.e. the change is applied before Shopify hears the answer.
 * - storing-trigger: the template's trigger with Respond "After Storing the Changes in FileMaker" (it
 *   stores the changes and answers itself) → the template's Apply Pending; `--start-when-quiet` turns on
 *   the trigger's "Start the Workflow Once n8n Is Quiet".
 */
import fs from 'node:fs';
import path from 'node:path';

export type OrdersMode = 'default' | 'direct' | 'storing-trigger';

export interface BenchWorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	[k: string]: unknown;
}

export interface BenchWorkflow {
	id?: string;
	name: string;
	nodes: BenchWorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[k: string]: unknown;
}

export const ORDERS_TEMPLATE = 'shopify-orders-to-filemaker.json';
const FILEMAKER_TYPE = 'n8n-nodes-filemaker-shopify.fileMakerInventory';
const TRIGGER_TYPE = 'n8n-nodes-filemaker-shopify.shopifyInventoryTrigger';
const RESPOND_TYPE = 'n8n-nodes-base.respondToWebhook';

export function loadOrdersTemplate(repoRoot: string): BenchWorkflow {
	return JSON.parse(fs.readFileSync(path.join(repoRoot, 'workflows', ORDERS_TEMPLATE), 'utf8')) as BenchWorkflow;
}

function find(workflow: BenchWorkflow, test: (n: BenchWorkflowNode) => boolean, what: string): BenchWorkflowNode {
	const node = workflow.nodes.find(test);
	if (!node) throw new Error(`${ORDERS_TEMPLATE} has no ${what} node (the bench expects trigger → Store → Respond to Webhook → Apply Pending)`);
	return node;
}

/** The shipped template, checked for the shape the bench reports on; only its webhook id is made unique. */
export function defaultWorkflow(template: BenchWorkflow, webhookId: string): BenchWorkflow {
	const workflow = structuredClone(template);
	const trigger = find(workflow, (n) => n.type === TRIGGER_TYPE, 'Shopify Inventory Trigger');
	if (trigger.parameters.responseMode !== 'responseNode') {
		throw new Error(`${ORDERS_TEMPLATE}: the trigger's responseMode is ${String(trigger.parameters.responseMode)}, not responseNode`);
	}
	find(workflow, (n) => n.type === FILEMAKER_TYPE && n.parameters.resource === 'event' && n.parameters.operation === 'store', 'Stock Event → Store');
	find(workflow, (n) => n.type === RESPOND_TYPE, 'Respond to Webhook');
	find(workflow, (n) => n.type === FILEMAKER_TYPE && n.parameters.operation === 'applyPending', 'Stock Event → Apply Pending');
	trigger.webhookId = webhookId;
	workflow.name = `${template.name} (bench: default)`;
	return workflow;
}

/** Direct mode built from the template's own trigger and answer: trigger → Stock → Adjust → Respond to Webhook. */
export function directWorkflow(template: BenchWorkflow, webhookId: string): BenchWorkflow {
	const trigger = structuredClone(find(template, (n) => n.type === TRIGGER_TYPE, 'Shopify Inventory Trigger'));
	const store = find(template, (n) => n.type === FILEMAKER_TYPE && n.parameters.operation === 'store', 'Stock Event → Store');
	const respond = structuredClone(find(template, (n) => n.type === RESPOND_TYPE, 'Respond to Webhook'));
	trigger.webhookId = webhookId;
	const p = store.parameters;
	const adjust: BenchWorkflowNode = {
		id: 'bench-direct-adjust',
		name: 'Adjust FileMaker stock (direct)',
		type: FILEMAKER_TYPE,
		typeVersion: store.typeVersion,
		position: [trigger.position[0] + 240, trigger.position[1]],
		parameters: {
			resource: 'stock',
			operation: 'adjust',
			adjustMode: 'node',
			stockLayout: p.stockLayout,
			movementLayout: p.eventLayout,
			// The fields Store's "Shopify Stock Changes" input reads, mapped as a user of Adjust would.
			sku: '={{ $json.sku }}',
			delta: '={{ $json.quantity }}',
			idempotencyKey: '={{ $json.idempotencyKey }}',
			reason: "={{ 'Shopify ' + $json.kind }}",
			reference: '={{ $json.orderName || $json.orderId }}',
			source: p.source,
		},
		credentials: store.credentials,
	};
	respond.position = [adjust.position[0] + 240, adjust.position[1]];
	return {
		name: `${template.name} (bench: direct)`,
		nodes: [trigger, adjust, respond],
		connections: {
			[trigger.name]: { main: [[{ node: adjust.name, type: 'main', index: 0 }]] },
			[adjust.name]: { main: [[{ node: respond.name, type: 'main', index: 0 }]] },
		},
		settings: template.settings ?? { executionOrder: 'v1' },
	};
}

/**
 * The storing trigger built from the template's own nodes: trigger (Respond: After Storing the Changes
 * in FileMaker, layouts and source of the template's Store) → the template's Apply Pending.
 */
function layoutName(value: unknown): unknown {
	return value && typeof value === 'object' && '__rl' in value ? (value as unknown as { value: unknown }).value : value;
}

export function storingTriggerWorkflow(template: BenchWorkflow, webhookId: string, startWhenQuiet: boolean): BenchWorkflow {
	const trigger = structuredClone(find(template, (n) => n.type === TRIGGER_TYPE, 'Shopify Inventory Trigger'));
	const store = find(template, (n) => n.type === FILEMAKER_TYPE && n.parameters.operation === 'store', 'Stock Event → Store');
	const apply = structuredClone(find(template, (n) => n.type === FILEMAKER_TYPE && n.parameters.operation === 'applyPending', 'Stock Event → Apply Pending'));
	trigger.webhookId = webhookId;
	trigger.parameters = {
		topics: trigger.parameters.topics,
		registration: trigger.parameters.registration,
		responseMode: 'afterStored',
		// The trigger (version 2) takes the layouts as plain names; the Store node has resource locators.
		eventLayout: layoutName(store.parameters.eventLayout),
		stockLayout: layoutName(store.parameters.stockLayout),
		source: store.parameters.source,
		startWhenQuiet,
	};
	trigger.credentials = { ...(trigger.credentials ?? {}), ...(store.credentials ?? {}) };
	apply.position = [trigger.position[0] + 240, trigger.position[1]];
	return {
		name: `${template.name} (bench: storing trigger)`,
		nodes: [trigger, apply],
		connections: { [trigger.name]: { main: [[{ node: apply.name, type: 'main', index: 0 }]] } },
		settings: template.settings ?? { executionOrder: 'v1' },
	};
}
