/** Shared set-up for the FileMaker Inventory tests (emulator + credential store + node runner). */
import { createRequire } from 'node:module';
import path from 'node:path';

import type { IDataObject, IHttpRequestOptions, INodeExecutionData } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach } from 'vitest';

import { DEFAULT_LAYOUTS, startFileMakerEmulator } from '../emulators/filemaker';
import type { FileMakerEmulator, FileMakerEmulatorOptions } from '../emulators/filemaker';
import { CredentialStore, runNode } from '../helpers/n8n-harness';
import type { RunNodeResult } from '../helpers/n8n-harness';

export const DATABASE = 'Inventory';

export interface Env {
	fm: FileMakerEmulator;
	creds: CredentialStore;
	run(
		parameters: Record<string, unknown>,
		input?: Record<string, unknown>[],
		opts?: { continueOnFail?: boolean },
	): Promise<RunNodeResult>;
	json(result: RunNodeResult): IDataObject[];
	close(): Promise<void>;
}

export function credentialData(fm: FileMakerEmulator, patch: IDataObject = {}) {
	return { host: fm.url, database: DATABASE, username: 'admin', password: 'secret', ...patch } as IDataObject as Record<
		string,
		string | boolean
	>;
}

/**
 * One emulator and credential store for a test file: started before its tests and closed after them;
 * before each test the emulator is emptied (tables, request log, sessions, faults, hooks) and the
 * stored session token cleared. `use` receives the environment once it is started.
 */
export function useFileMakerEnv(use: (env: Env) => void, options: FileMakerEmulatorOptions = {}): void {
	let env: Env | undefined;
	beforeAll(async () => {
		env = await startEnv(options);
		use(env);
	});
	afterAll(async () => {
		await env?.close();
	});
	beforeEach(() => {
		env!.fm.reset();
		env!.creds.update('fileMakerDataApi', { sessionToken: '' });
	});
}

export async function startEnv(options: FileMakerEmulatorOptions = {}): Promise<Env> {
	const fm = await startFileMakerEmulator(options);
	const creds = new CredentialStore();
	creds.set('fileMakerDataApi', credentialData(fm));
	return {
		fm,
		creds,
		run: async (parameters, input, opts) =>
			await runNode({
				type: 'fileMakerInventory',
				parameters: parameters as IDataObject,
				input: (input ?? [{}]) as IDataObject[],
				credentials: creds,
				continueOnFail: opts?.continueOnFail,
			}),
		json: (result) => result.items.map((i: INodeExecutionData) => i.json),
		close: async () => await fm.close(),
	};
}

/** Stock layout whose SKU is not unique (to have duplicate SKUs). */
export const LAYOUTS_WITHOUT_UNIQUE_SKU = {
	...DEFAULT_LAYOUTS,
	Stock: {
		table: 'Stock',
		fields: DEFAULT_LAYOUTS.Stock.fields.map((f) => (f.name === 'SKU' ? { ...f, unique: false } : f)),
	},
};

export function stockOf(fm: FileMakerEmulator, sku: string) {
	return fm.records('Stock').find((r) => r.fieldData.SKU === sku);
}

export function movementsOf(fm: FileMakerEmulator, sku?: string) {
	return fm.records('StockMovements').filter((r) => sku === undefined || r.fieldData.SKU === sku);
}

/** Requests of the log that match method and path suffix. */
export function requestsTo(fm: FileMakerEmulator, method: string, pathEnd: string) {
	return fm.requestLog.filter((l) => l.method === method && l.path.endsWith(pathEnd));
}

const ROOT = path.resolve(__dirname, '..', '..');
const requireFromRoot = createRequire(path.join(ROOT, 'package.json'));

/** n8n's own httpRequest helper (what `this.helpers.httpRequest` is inside preAuthentication). */
export function n8nHttpHelpers() {
	const { Container } = requireFromRoot('@n8n/di') as { Container: { get<T>(c: unknown): T } };
	const { OutboundHttp } = requireFromRoot('@n8n/backend-network') as { OutboundHttp: unknown };
	const outbound = Container.get<{ requests(): { request(o: IHttpRequestOptions): Promise<unknown> } }>(OutboundHttp);
	return { helpers: { httpRequest: async (o: IHttpRequestOptions) => await outbound.requests().request(o) } };
}

/** Stock Event → Store with the event's fields taken from each input item (sku, change, key). */
export function storeEventParameters(extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		resource: 'event',
		operation: 'store',
		sku: '={{ $json.sku }}',
		change: '={{ $json.change }}',
		idempotencyKey: '={{ $json.key }}',
		...extra,
	};
}
