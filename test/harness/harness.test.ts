import { describe, expect, it } from 'vitest';

import { CredentialStore, runNode, runWorkflow } from '../helpers/n8n-harness';

describe('in-process n8n harness', () => {
	it('runs a workflow of n8n-nodes-base nodes from the Manual Trigger', async () => {
		const result = await runWorkflow({
			credentials: new CredentialStore(),
			workflow: {
				nodes: [
					{ id: '1', name: 'When clicking Execute workflow', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					{
						id: '2',
						name: 'Set',
						type: 'n8n-nodes-base.set',
						typeVersion: 3.4,
						position: [200, 0],
						parameters: {
							mode: 'manual',
							assignments: { assignments: [{ id: 'a', name: 'sku', value: '={{ "SKU-" + 1 }}', type: 'string' }] },
							options: {},
						},
					},
				],
				connections: { 'When clicking Execute workflow': { main: [[{ node: 'Set', type: 'main', index: 0 }]] } },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.outputOf('Set').map((i) => i.json)).toEqual([{ sku: 'SKU-1' }]);
	});

	it('feeds input items to a single node', async () => {
		const result = await runNode({
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: {
				mode: 'manual',
				includeOtherFields: true,
				assignments: { assignments: [{ id: 'a', name: 'double', value: '={{ $json.n * 2 }}', type: 'number' }] },
				options: {},
			},
			input: [{ n: 1 }, { n: 2 }],
			credentials: new CredentialStore(),
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json)).toEqual([
			{ n: 1, double: 2 },
			{ n: 2, double: 4 },
		]);
	});
});

describe('credentials like n8n: preAuthentication, persistence and renewal on 401', () => {
	it('logs in once, reuses the token across executions, renews it after a 401', async () => {
		const http = await import('node:http');
		const { registerTypes } = await import('../helpers/n8n-harness');
		let logins = 0;
		let valid = new Set<string>();
		const server = http.createServer((req, res) => {
			if (req.url === '/login') {
				logins++;
				const token = `t${logins}`;
				valid.add(token);
				res.setHeader('content-type', 'application/json');
				res.end(JSON.stringify({ token }));
				return;
			}
			const auth = String(req.headers.authorization ?? '');
			if (!valid.has(auth.replace('Bearer ', ''))) {
				res.statusCode = 401;
				res.setHeader('content-type', 'application/json');
				res.end(JSON.stringify({ messages: [{ code: '952' }] }));
				return;
			}
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ ok: true, auth }));
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const port = (server.address() as import('node:net').AddressInfo).port;
		await registerTypes({
			credentials: {
				fakeSessionApi: {
					name: 'fakeSessionApi',
					displayName: 'Fake',
					properties: [
						{ displayName: 'URL', name: 'url', type: 'string', default: '' },
						{ displayName: 'Token', name: 'sessionToken', type: 'hidden', typeOptions: { expirable: true }, default: '' },
					],
					async preAuthentication(this: import('n8n-workflow').IHttpRequestHelper, credentials: import('n8n-workflow').ICredentialDataDecryptedObject) {
						const r = (await this.helpers.httpRequest({ method: 'POST', url: `${credentials.url}/login`, json: true })) as { token: string };
						return { sessionToken: r.token };
					},
					authenticate: { type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.sessionToken}}' } } },
				} as import('n8n-workflow').ICredentialType,
			},
			nodes: {
				'test.fakeApi': {
					description: {
						displayName: 'Fake API',
						name: 'fakeApi',
						group: ['transform'],
						version: 1,
						description: '',
						defaults: { name: 'Fake' },
						inputs: ['main'],
						outputs: ['main'],
						credentials: [{ name: 'fakeSessionApi', required: true }],
						properties: [],
					},
					async execute(this: import('n8n-workflow').IExecuteFunctions) {
						const creds = await this.getCredentials('fakeSessionApi');
						const r = await this.helpers.httpRequestWithAuthentication.call(this, 'fakeSessionApi', {
							method: 'GET',
							url: `${creds.url}/data`,
							json: true,
						});
						return [[{ json: r, pairedItem: { item: 0 } }]];
					},
				} as unknown as import('n8n-workflow').INodeType,
			},
		});
		const store = new CredentialStore();
		store.set('fakeSessionApi', { url: `http://127.0.0.1:${port}` });
		for (let i = 0; i < 3; i++) {
			const r = await runNode({ type: 'test.fakeApi', parameters: {}, credentials: store });
			expect(r.error).toBeUndefined();
			expect(r.items[0].json).toEqual({ ok: true, auth: 'Bearer t1' });
		}
		expect(logins).toBe(1);
		valid = new Set(); // the server forgets every session (expiry)
		const r = await runNode({ type: 'test.fakeApi', parameters: {}, credentials: store });
		expect(r.error).toBeUndefined();
		expect(r.items[0].json).toEqual({ ok: true, auth: 'Bearer t2' });
		expect(logins).toBe(2);
		expect(store.data('fakeSessionApi').sessionToken).toBe('t2');
		expect(store.preAuthCalls.fakeSessionApi).toBe(2);
		server.close();
	});
});
