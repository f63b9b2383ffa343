/**
 * The trigger's webhook answer mode: the expression the editor (and n8n before 2.41) evaluates and the
 * resolver n8n 2.41 calls instead for static parameters give the same mode for every Respond option,
 * and n8n takes the resolver only while it can (static parameters, expression unchanged).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveWebhookDescriptionField, Workflow, type INode, type INodeType, type INodeTypes, type IWebhookDescription } from 'n8n-workflow';

import { ShopifyInventoryTrigger } from '../../nodes/ShopifyInventoryTrigger/ShopifyInventoryTrigger.node';
import { RESPOND_AFTER_STORED } from '../../nodes/ShopifyInventoryTrigger/storeOnDelivery';

const trigger = new ShopifyInventoryTrigger();
const description = trigger.description.webhooks![0] as IWebhookDescription;
const nodeTypes: INodeTypes = {
	getByName: () => trigger as INodeType,
	getByNameAndVersion: () => trigger as INodeType,
	getKnownTypes: () => ({}),
};

function workflowWith(responseMode: string, typeVersion = 2, parameters: INode['parameters'] = {}): { workflow: Workflow; node: INode } {
	const node: INode = {
		id: 't',
		name: 'Trigger',
		type: 'shopifyInventoryTrigger',
		typeVersion,
		position: [0, 0],
		parameters: { topics: ['orders/create'], responseMode, ...parameters },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return { workflow, node: workflow.getNode('Trigger')! };
}

const respondOptions = (): string[] => {
	const property = trigger.description.properties.find((p) => p.name === 'responseMode');
	return (property?.options ?? []).map((o) => String((o as { value: string }).value));
};

describe('Shopify Inventory Trigger: webhook answer mode', () => {
	it('answers "after stored" from the trigger (n8n: on receipt) and passes every other option on as it is', () => {
		const options = respondOptions();
		expect(options).toContain(RESPOND_AFTER_STORED);
		expect(options.length).toBeGreaterThan(1);
		for (const option of options) {
			const { workflow, node } = workflowWith(option);
			const native = resolveWebhookDescriptionField(node, description, 'responseMode');
			const evaluated = workflow.expression.getSimpleParameterValue(node, description.responseMode!, 'internal', {});
			expect(native).toEqual({ resolved: true, value: option === RESPOND_AFTER_STORED ? 'onReceived' : option });
			expect(evaluated).toBe(native.resolved ? native.value : undefined);
		}
	});

	it('version 1 (resource locators) leaves the expression to n8n, and the expression gives the same mode', () => {
		for (const option of respondOptions()) {
			const { workflow, node } = workflowWith(option, 1);
			expect(resolveWebhookDescriptionField(node, description, 'responseMode').resolved).toBe(false);
			expect(workflow.expression.getSimpleParameterValue(node, description.responseMode!, 'internal', {})).toBe(option === RESPOND_AFTER_STORED ? 'onReceived' : option);
		}
	});

	it('the orders template as shipped: its trigger is version 2 and n8n resolves its answer mode without the expression engine', () => {
		const template = JSON.parse(fs.readFileSync(path.join(__dirname, '../../workflows/shopify-orders-to-filemaker.json'), 'utf8')) as { nodes: INode[] };
		const shipped = template.nodes.find((n) => n.type.endsWith('.shopifyInventoryTrigger'))!;
		expect(shipped.typeVersion).toBe(2);
		const { node } = workflowWith(String(shipped.parameters.responseMode), shipped.typeVersion, shipped.parameters);
		expect(resolveWebhookDescriptionField(node, description, 'responseMode')).toEqual({ resolved: true, value: 'responseNode' });
	});

	it('version 2 with layouts and a default location chosen: still resolved natively; a node-level location mapping (resource locators) leaves it to the engine', () => {
		const chosen = { eventLayout: 'Events', stockLayout: 'Inventory', defaultLocation: 'gid://shopify/Location/2' };
		expect(resolveWebhookDescriptionField(workflowWith(RESPOND_AFTER_STORED, 2, chosen).node, description, 'responseMode')).toEqual({ resolved: true, value: 'onReceived' });
		const mapped = workflowWith(RESPOND_AFTER_STORED, 2, {
			...chosen,
			locations: { mapping: [{ fileMakerValue: 'A', shopifyLocation: { __rl: true, mode: 'list', value: 'gid://shopify/Location/1' } }] },
		});
		expect(resolveWebhookDescriptionField(mapped.node, description, 'responseMode').resolved).toBe(false);
		expect(mapped.workflow.expression.getSimpleParameterValue(mapped.node, description.responseMode!, 'internal', {})).toBe('onReceived');
	});

	it('leaves the expression to n8n when a parameter holds an expression', () => {
		const { node } = workflowWith('responseNode');
		node.parameters.topics = '={{ ["orders/create"] }}';
		expect(resolveWebhookDescriptionField(node, description, 'responseMode').resolved).toBe(false);
	});

	it('needs no expression engine for the webhook description when the parameters are static (version 2)', async () => {
		const { webhookDescriptionIsNativelyResolvable } = await import('n8n-workflow');
		expect(webhookDescriptionIsNativelyResolvable(description)).toBe(true);
		expect(trigger.description.defaultVersion).toBe(2);
	});
});
