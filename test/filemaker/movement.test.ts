import { beforeEach, describe, expect, it } from 'vitest';

import type { IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';

import { FileMakerDataApi } from '../../credentials/FileMakerDataApi.credentials';
import { FileMakerInventory } from '../../nodes/FileMakerInventory/FileMakerInventory.node';
import { runWorkflow } from '../helpers/n8n-harness';
import type { Env } from './_support';
import { credentialData, n8nHttpHelpers, requestsTo, useFileMakerEnv } from './_support';

let env: Env;
useFileMakerEnv((e) => (env = e));

/** Captures the JSON bodies of requests whose path ends with `pathEnd`. */
function captureBodies(pathEnd: string) {
	const bodies: unknown[] = [];
	env.fm.injectFault({
		when: (req) => {
			if (req.path.endsWith(pathEnd)) bodies.push(req.body);
			return false;
		},
		times: 1,
		httpStatus: 500,
		code: '-1',
	});
	return bodies;
}

describe('Movement → Record', () => {
	it('writes one row with the configured fields and does not touch the stock', async () => {
		env.fm.seed('Stock', [{ SKU: 'A-1', Quantity: 3 }]);
		const r = await env.run({
			resource: 'movement',
			operation: 'record',
			sku: 'A-1',
			change: 12,
			quantityAfter: '15',
			reason: 'delivery',
			reference: 'PO-88',
			source: 'warehouse',
		});
		expect(r.error).toBeUndefined();
		expect(r.items[0].json).toMatchObject({ sku: 'A-1', change: 12, quantityAfter: 15, reference: 'PO-88', recordId: '1' });
		expect(env.fm.records('StockMovements')[0].fieldData).toMatchObject({
			SKU: 'A-1',
			Change: 12,
			QuantityAfter: 15,
			Reason: 'delivery',
			Reference: 'PO-88',
			Source: 'warehouse',
			AppliedBatch: 'recorded',
		});
		expect(env.fm.records('StockMovements')[0].fieldData.EventKey).toMatch(/^movement:n8n:/);
		expect(env.fm.records('Stock')[0].fieldData.Quantity).toBe(3);
		// a logged movement is not a stock event: the sweep leaves the stock alone
		expect((await env.run({ resource: 'event', operation: 'applyPending', options: { scope: 'all' } })).items).toEqual([]);
		expect(env.fm.records('Stock')[0].fieldData.Quantity).toBe(3);
	});

	it('leaves out optional fields set to None and validates numbers', async () => {
		const r = await env.run({
			resource: 'movement',
			operation: 'record',
			sku: 'A-1',
			change: -1,
			movementFields: { quantityAfterField: '', sourceField: '' },
		});
		expect(r.error).toBeUndefined();
		expect(env.fm.records('StockMovements')[0].fieldData).toMatchObject({ QuantityAfter: '', Source: '' });
		const bad = await env.run({ resource: 'movement', operation: 'record', sku: 'A-1', change: 1, quantityAfter: 'lots' });
		expect(bad.error?.message).toBe("The quantity after the change for SKU 'A-1' must be a whole number (got 'lots').");
	});
});

describe('Movement → Get Many', () => {
	beforeEach(() => {
		env.fm.seed('StockMovements', [
			{ SKU: 'A-1', Change: -1, QuantityAfter: 9, Reference: 'k1', Source: 'shopify', CreatedAt: '11/20/2026 10:00:00' },
			{ SKU: 'A-10', Change: -2, QuantityAfter: 3, Reference: 'k2', Source: 'shopify', CreatedAt: '11/21/2026 10:00:00' },
			{ SKU: 'A-1', Change: 5, QuantityAfter: 14, Reference: 'PO-1', Source: 'n8n', CreatedAt: '11/23/2026 08:00:00' },
			{ SKU: 'B-2', Change: -1, QuantityAfter: 0, Reference: 'k3', Source: 'shopify', CreatedAt: '11/24/2026 09:00:00' },
		]);
	});

	it('reads all rows page by page', async () => {
		const r = await env.run({ resource: 'movement', operation: 'getMany', options: { pageSize: 3 } });
		expect(r.items).toHaveLength(4);
		expect(r.items[0].json).toEqual({
			sku: 'A-1',
			change: -1,
			recordId: '1',
			modId: '0',
			quantityAfter: 9,
			reason: '',
			reference: 'k1',
			source: 'shopify',
			createdAt: '11/20/2026 10:00:00',
		});
		expect(requestsTo(env.fm, 'GET', '/layouts/StockMovements/records')).toHaveLength(2);
	});

	it('filters by SKU (exactly), reference and creation date', async () => {
		const bySku = await env.run({ resource: 'movement', operation: 'getMany', filters: { sku: 'A-1' } });
		expect(bySku.items.map((i) => i.json.recordId)).toEqual(['1', '3']);
		const byRef = await env.run({ resource: 'movement', operation: 'getMany', filters: { reference: 'k2' } });
		expect(byRef.items.map((i) => i.json.recordId)).toEqual(['2']);
		const since = await env.run({ resource: 'movement', operation: 'getMany', filters: { since: '2026-11-21T10:00:00', sku: 'A-1' } });
		expect(since.items.map((i) => i.json.recordId)).toEqual(['3']);
		const none = await env.run({ resource: 'movement', operation: 'getMany', filters: { sku: 'ZZZ' } });
		expect(none.error).toBeUndefined();
		expect(none.items).toHaveLength(0);
	});
});

describe('Stock → Get Many with find criteria and "modified since"', () => {
	beforeEach(() => {
		env.fm.seed('Stock', [
			{ SKU: 'TSHIRT-RED-M', Quantity: 0, Name: 'Red shirt', ModifiedAt: '11/20/2026 10:00:00' },
			{ SKU: 'TSHIRT-RED-L', Quantity: 4, Name: 'Red shirt', ModifiedAt: '11/23/2026 10:00:00' },
			{ SKU: 'TSHIRT-BLUE-M', Quantity: 9, Name: 'Blue shirt', ModifiedAt: '11/24/2026 07:30:00' },
			{ SKU: 'CAP-RED', Quantity: 2, Name: 'Red cap', ModifiedAt: '11/24/2026 08:00:00' },
		]);
	});

	it('ANDs the criteria and omits "not equals"', async () => {
		const r = await env.run({
			resource: 'stock',
			operation: 'getMany',
			findCriteria: {
				criteria: [
					{ field: 'Name', operator: 'contains', value: 'shirt' },
					{ field: 'Quantity', operator: 'greaterThan', value: '0' },
					{ field: 'SKU', operator: 'notEquals', value: 'TSHIRT-BLUE-M' },
				],
			},
			options: { extraFields: ['Name'] },
		});
		expect(r.error).toBeUndefined();
		expect(r.items.map((i) => i.json)).toEqual([{ sku: 'TSHIRT-RED-L', quantity: 4, recordId: '2', modId: '0', Name: 'Red shirt' }]);
	});

	it('only "not equals" criteria find every other record', async () => {
		const r = await env.run({
			resource: 'stock',
			operation: 'getMany',
			findCriteria: { criteria: [{ field: 'SKU', operator: 'notEquals', value: 'CAP-RED' }] },
		});
		expect(r.items.map((i) => i.json.sku)).toEqual(['TSHIRT-RED-M', 'TSHIRT-RED-L', 'TSHIRT-BLUE-M']);
	});

	it('turns "modified since" into a >= find in FileMaker date format', async () => {
		const bodies = captureBodies('/layouts/Stock/_find');
		const r = await env.run({
			resource: 'stock',
			operation: 'getMany',
			options: { modifiedSince: '2026-11-23T10:00:00', pageSize: 1 },
		});
		expect(r.items.map((i) => i.json.sku)).toEqual(['TSHIRT-RED-L', 'TSHIRT-BLUE-M', 'CAP-RED']);
		expect(bodies[0]).toEqual({ query: [{ ModifiedAt: '>=11/23/2026 10:00:00' }], offset: 1, limit: 1 });
		expect(requestsTo(env.fm, 'POST', '/layouts/Stock/_find')).toHaveLength(3);
	});

	it("converts an instant to the workflow's time zone", async () => {
		const bodies = captureBodies('/layouts/Stock/_find');
		const w = await runWorkflow({
			credentials: env.creds,
			workflow: {
				settings: { executionOrder: 'v1', timezone: 'Europe/Berlin' },
				nodes: [
					{ id: '1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					{
						id: '2',
						name: 'FileMaker',
						type: 'fileMakerInventory',
						typeVersion: 1,
						position: [200, 0],
						parameters: {
							resource: 'stock',
							operation: 'getMany',
							options: { modifiedSince: '2026-11-24T06:45:00Z' },
						},
						credentials: { fileMakerDataApi: { id: 'x', name: 'FileMaker' } },
					},
				],
				connections: { Start: { main: [[{ node: 'FileMaker', type: 'main', index: 0 }]] } },
			},
		});
		expect(w.error).toBeUndefined();
		expect(bodies[0]).toMatchObject({ query: [{ ModifiedAt: '>=11/24/2026 07:45:00' }] });
		expect(w.outputOf('FileMaker').map((i) => i.json.sku)).toEqual(['CAP-RED']);
	});

	it('a find with no match is an empty result, not an error', async () => {
		const r = await env.run({
			resource: 'stock',
			operation: 'getMany',
			findCriteria: { criteria: [{ field: 'SKU', operator: 'equals', value: 'NOTHING' }] },
		});
		expect(r.error).toBeUndefined();
		expect(r.items).toHaveLength(0);
	});
});

describe('dropdowns read from the server', () => {
	function loadOptionsContext(parameters: Record<string, unknown>): ILoadOptionsFunctions {
		const credential = new FileMakerDataApi();
		const data = { apiVersion: 'vLatest', allowUnauthorizedCerts: false, ...credentialData(env.fm) } as Record<string, unknown>;
		const http = n8nHttpHelpers();
		return {
			getNode: () => ({ id: 'n', name: 'FileMaker', type: 'fileMakerInventory', typeVersion: 1, position: [0, 0], parameters: {} }),
			getCredentials: async () => data,
			getNodeParameter: (name: string) => parameters[name],
			helpers: {
				httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
					if (!data.sessionToken) Object.assign(data, await credential.preAuthentication.call(http as never, data as never));
					return await http.helpers.httpRequest({
						...options,
						headers: { ...options.headers, Authorization: `Bearer ${String(data.sessionToken)}` },
					});
				},
			},
		} as unknown as ILoadOptionsFunctions;
	}

	const node = new FileMakerInventory();

	it('lists layouts (folders flattened, filterable)', async () => {
		const ctx = loadOptionsContext({});
		const all = await node.methods.listSearch.searchLayouts.call(ctx);
		expect(all.results.map((r) => r.value)).toEqual(expect.arrayContaining(['Stock', 'StockMovements']));
		const filtered = await node.methods.listSearch.searchLayouts.call(ctx, 'movem');
		expect(filtered.results.map((r) => r.value)).toEqual(['StockMovements']);
	});

	it('the Shopify Inventory Trigger (version 2) offers the same layouts as a dropdown', async () => {
		const { getLayouts } = await import('../../nodes/ShopifyInventoryTrigger/methods/loadOptions');
		const options = await getLayouts.call(loadOptionsContext({}));
		const listed = await node.methods.listSearch.searchLayouts.call(loadOptionsContext({}));
		expect(options).toEqual(listed.results);
		expect(options.map((o) => o.value)).toEqual(expect.arrayContaining(['Stock', 'StockMovements']));
	});

	it('lists the fields of the chosen layout, with "None" where a field is optional', async () => {
		const stock = await node.methods.loadOptions.getStockFields.call(
			loadOptionsContext({ stockLayout: { __rl: true, mode: 'list', value: 'Stock' } }),
		);
		expect(stock.map((o) => o.value)).toEqual(['AppliedKeys', 'LastBatch', 'ModifiedAt', 'Name', 'Quantity', 'SKU']);
		const optional = await node.methods.loadOptions.getStockFieldsOrNone.call(loadOptionsContext({ stockLayout: 'Stock' }));
		expect(optional[0]).toEqual({ name: '- None (Disabled) -', value: '' });
		const movement = await node.methods.loadOptions.getMovementFields.call(loadOptionsContext({ movementLayout: 'StockMovements' }));
		expect(movement.map((o) => o.value)).toContain('QuantityAfter');
		await expect(node.methods.loadOptions.getStockFields.call(loadOptionsContext({ stockLayout: 'Nope' }))).rejects.toThrow(
			/layout 'Nope' does not exist/,
		);
	});

	it('lists scripts', async () => {
		env.fm.setOptions({ scripts: { 'Adjust Stock': () => ({ scriptResult: '{}' }) }, scriptFolders: { Inventory: ['Adjust Stock'] } });
		const scripts = await node.methods.loadOptions.getScripts.call(loadOptionsContext({}));
		expect(scripts).toEqual([{ name: 'Adjust Stock', value: 'Adjust Stock' }]);
	});
});
