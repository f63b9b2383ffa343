import { describe, expect, it } from 'vitest';
import type { IHookFunctions, INodeType, IWebhookFunctions } from 'n8n-workflow';

import { CredentialStore, registerTypes, startWebhookRunner } from '../helpers/n8n-harness';

const created: string[] = [];

const fakeTrigger = {
	description: {
		displayName: 'Fake Trigger',
		name: 'fakeTrigger',
		group: ['trigger'],
		version: 1,
		description: '',
		defaults: { name: 'Fake Trigger' },
		inputs: [],
		outputs: ['main'],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: '={{$parameter["responseMode"]}}', path: 'fake' }],
		properties: [{ displayName: 'Response Mode', name: 'responseMode', type: 'string', default: 'lastNode' }],
	},
	webhookMethods: {
		default: {
			async checkExists(this: IHookFunctions) {
				return false;
			},
			async create(this: IHookFunctions) {
				created.push(this.getNodeWebhookUrl('default')!);
				this.getWorkflowStaticData('node').registered = true;
				return true;
			},
			async delete(this: IHookFunctions) {
				created.pop();
				return true;
			},
		},
	},
	async webhook(this: IWebhookFunctions) {
		const req = this.getRequestObject() as unknown as { rawBody: Buffer; headers: Record<string, string> };
		if (req.headers['x-secret'] !== 'ok') {
			this.getResponseObject().status(401).json({ message: 'Unauthorized' });
			return { noWebhookResponse: true };
		}
		const body = JSON.parse(req.rawBody.toString('utf8'));
		return { workflowData: [[{ json: body }]] };
	},
} as unknown as INodeType;

describe('webhook runner', () => {
	it('activates, rejects unauthorised requests without executing, runs the workflow for accepted ones', async () => {
		await registerTypes({ nodes: { 'test.fakeTrigger': fakeTrigger } });
		const runner = await startWebhookRunner({
			credentials: new CredentialStore(),
			workflow: {
				nodes: [
					{ id: '1', name: 'Fake Trigger', type: 'test.fakeTrigger', typeVersion: 1, position: [0, 0], parameters: {}, webhookId: 'abc-123' },
					{ id: '2', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [200, 0], parameters: {} },
				],
				connections: { 'Fake Trigger': { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
			},
		});
		expect(runner.url).toBe(`${runner.baseUrl}/webhook/abc-123/fake`);
		expect(created).toEqual([runner.url]);
		expect(runner.staticData).toMatchObject({ 'node:Fake Trigger': { registered: true } });

		const bad = await fetch(runner.url, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
		expect(bad.status).toBe(401);
		const good = await fetch(runner.url, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json', 'x-secret': 'ok' } });
		expect(good.status).toBe(200);
		expect(await good.json()).toEqual({ a: 1 });
		await runner.idle();
		expect(runner.executions).toHaveLength(1);
		expect(runner.executions[0].result.outputOf('Done').map((i) => i.json)).toEqual([{ a: 1 }]);
		await runner.deactivate();
		expect(created).toEqual([]);
		await runner.close();
	});
});
