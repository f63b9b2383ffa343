/**
 * The two workflows the order-bursts section measures:
 * - default: workflows/shopify-orders-to-filemaker.json as shipped: the trigger stores the changes
 *   and answers Shopify itself (Respond: After Storing the Changes in FileMaker), then the workflow
 *   applies them (Stock Event → Apply Pending);
 * - direct: the same trigger answering through a Respond to Webhook node after Stock → Adjust (stores
 *   the event and applies the SKU's pending events), i.e. the change is applied before Shopify hears
 *   the answer.
 */
import fs from 'node:fs';
import path from 'node:path';

export type OrdersMode = 'default' | 'direct';

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
	if (!node) throw new Error(`${ORDERS_TEMPLATE} has no ${what} node (the bench expects the storing trigger → Apply Pending)`);
	return node;
}

/** The shipped template, checked for the shape the bench reports on; only its webhook id is made unique. */
export function defaultWorkflow(template: BenchWorkflow, webhookId: string): BenchWorkflow {
	const workflow = structuredClone(template);
	const trigger = find(workflow, (n) => n.type === TRIGGER_TYPE, 'Shopify Inventory Trigger');
	if (trigger.parameters.responseMode !== 'afterStored') {
		throw new Error(`${ORDERS_TEMPLATE}: the trigger's responseMode is ${String(trigger.parameters.responseMode)}, not afterStored`);
	}
	find(workflow, (n) => n.type === FILEMAKER_TYPE && n.parameters.operation === 'applyPending', 'Stock Event → Apply Pending');
	trigger.webhookId = webhookId;
	workflow.name = `${template.name} (bench: default)`;
	return workflow;
}

/** Direct mode built from the template's own trigger: trigger → Stock → Adjust → Respond to Webhook (200). */
export function directWorkflow(template: BenchWorkflow, webhookId: string): BenchWorkflow {
	const trigger = structuredClone(find(template, (n) => n.type === TRIGGER_TYPE, 'Shopify Inventory Trigger'));
	const apply = find(template, (n) => n.type === FILEMAKER_TYPE && n.parameters.operation === 'applyPending', 'Stock Event → Apply Pending');
	const p = trigger.parameters;
	trigger.webhookId = webhookId;
	trigger.parameters = { topics: p.topics, registration: p.registration, responseMode: 'responseNode', output: 'stockChanges' };
	trigger.credentials = { shopifyInventoryApi: (trigger.credentials ?? {}).shopifyInventoryApi };
	const adjust: BenchWorkflowNode = {
		id: 'bench-direct-adjust',
		name: 'Adjust FileMaker stock (direct)',
		type: FILEMAKER_TYPE,
		typeVersion: apply.typeVersion,
		position: [trigger.position[0] + 240, trigger.position[1]],
		parameters: {
			resource: 'stock',
			operation: 'adjust',
			adjustMode: 'node',
			stockLayout: p.stockLayout,
			movementLayout: p.eventLayout,
			// The fields the storing trigger reads, mapped as a user of Adjust would.
			sku: '={{ $json.sku }}',
			delta: '={{ $json.quantity }}',
			idempotencyKey: '={{ $json.idempotencyKey }}',
			reason: "={{ 'Shopify ' + $json.kind }}",
			reference: '={{ $json.orderName || $json.orderId }}',
			source: p.source,
		},
		credentials: apply.credentials,
	};
	const respond: BenchWorkflowNode = {
		id: 'bench-direct-respond',
		name: 'Answer Shopify (200)',
		type: RESPOND_TYPE,
		typeVersion: 1,
		position: [adjust.position[0] + 240, adjust.position[1]],
		parameters: { respondWith: 'noData', options: { responseCode: 200 } },
	};
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
