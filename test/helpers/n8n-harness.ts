/**
 * In-process n8n for tests: executes workflow JSON with n8n-core's WorkflowExecute, the way
 * n8n's own node tests do, but with a credentials helper that behaves like n8n's CLI:
 *  - generic `authenticate` blocks are resolved with the credential's values,
 *  - `preAuthentication` runs when the hidden expirable property is empty (or after a 401),
 *    and the refreshed value is persisted to the credential store (like n8n saves it to its DB),
 *  - credential defaults are applied before a node sees them.
 * It also runs webhook triggers: activation (checkExists/create), a loopback HTTP server that feeds
 * requests to the node's `webhook()` and executes the workflow the way n8n's webhook handler does
 * (responseMode onReceived / lastNode), and deactivation (delete).
 */
import { createRequire } from 'node:module';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import {
	ExecuteContext,
	ExecutionLifecycleHooks,
	HookContext,
	RoutingNode,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	createEmptyRunExecutionData,
	createRunExecutionData,
	ICredentialsHelper,
	NodeHelpers,
	resolveWebhookDescriptionField,
	setSafeRegexEngine,
	Workflow,
} from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialType,
	ICredentialsExpressionResolveValues,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
	IConnections,
	WorkflowExecuteMode,
	IWorkflowBase,
	IExecuteData,
	IAuthenticateGeneric,
	IExecuteResponsePromiseData,
} from 'n8n-workflow';

export const PACKAGE_NAME = 'n8n-nodes-filemaker-shopify';

// n8n-workflow runs parameter-validation regexes with a 250 ms wall-clock limit by default; on a busy
// 2-core CI machine that limit is sometimes hit by a trivial regex. Tests use plain RegExp instead
// (the patterns are the nodes' own, not user input).
setSafeRegexEngine({
	exec: (pattern, input, flags) => new RegExp(pattern, flags).exec(input),
	test: (pattern, input, flags) => new RegExp(pattern, flags).test(input),
	replace: (pattern, input, flags, replacement) => input.replace(new RegExp(pattern, flags), replacement),
	matchAll: (pattern, input, flags) => [...input.matchAll(new RegExp(pattern, flags?.includes('g') ? flags : `${flags ?? ''}g`))],
	split: (pattern, input, flags) => input.split(new RegExp(pattern, flags)),
});

const ROOT = path.resolve(__dirname, '..', '..');
const requireFromRoot = createRequire(path.join(ROOT, 'package.json'));

// ---------------------------------------------------------------------------------------------
// Node and credential types
// ---------------------------------------------------------------------------------------------

type NodeClass = new () => INodeType | IVersionedNodeType;
type CredentialClass = new () => ICredentialType;

/** This package's nodes and credentials, by source path (TypeScript, transformed by vitest). */
const PACKAGE_NODES: Record<string, { file: string; exportName: string }> = {
	fileMakerInventory: {
		file: 'nodes/FileMakerInventory/FileMakerInventory.node.ts',
		exportName: 'FileMakerInventory',
	},
	shopifyInventory: {
		file: 'nodes/ShopifyInventory/ShopifyInventory.node.ts',
		exportName: 'ShopifyInventory',
	},
	shopifyInventoryTrigger: {
		file: 'nodes/ShopifyInventoryTrigger/ShopifyInventoryTrigger.node.ts',
		exportName: 'ShopifyInventoryTrigger',
	},
};

const PACKAGE_CREDENTIALS: Record<string, { file: string; exportName: string }> = {
	fileMakerDataApi: {
		file: 'credentials/FileMakerDataApi.credentials.ts',
		exportName: 'FileMakerDataApi',
	},
	shopifyInventoryApi: {
		file: 'credentials/ShopifyInventoryApi.credentials.ts',
		exportName: 'ShopifyInventoryApi',
	},
};

/** n8n-nodes-base nodes the templates and tests may use. */
const BASE_NODES: Record<string, string> = {
	manualTrigger: 'ManualTrigger/ManualTrigger.node.js',
	scheduleTrigger: 'Schedule/ScheduleTrigger.node.js',
	set: 'Set/Set.node.js',
	stickyNote: 'StickyNote/StickyNote.node.js',
	if: 'If/If.node.js',
	filter: 'Filter/Filter.node.js',
	noOp: 'NoOp/NoOp.node.js',
	stopAndError: 'StopAndError/StopAndError.node.js',
	merge: 'Merge/Merge.node.js',
	aggregate: 'Transform/Aggregate/Aggregate.node.js',
	summarize: 'Transform/Summarize/Summarize.node.js',
	respondToWebhook: 'RespondToWebhook/RespondToWebhook.node.js',
	limit: 'Transform/Limit/Limit.node.js',
	splitOut: 'Transform/SplitOut/SplitOut.node.js',
	dateTime: 'DateTime/DateTime.node.js',
	executionData: 'ExecutionData/ExecutionData.node.js',
	switch: 'Switch/Switch.node.js',
	wait: 'Wait/Wait.node.js',
};

/** A tiny node that outputs the items it is given (used by runNode to feed input items). */
class InputItemsNode implements INodeType {
	description = {
		displayName: 'Test Input Items',
		name: 'testInputItems',
		group: ['input'],
		version: 1,
		description: 'Outputs the items of its `items` parameter (tests only)',
		defaults: { name: 'Input' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	} as unknown as INodeType['description'];

	async execute(this: import('n8n-workflow').IExecuteFunctions) {
		const raw = this.getNodeParameter('items', 0) as string | INodeExecutionData[];
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as INodeExecutionData[];
		return [items.map((item) => ({ json: item.json ?? {}, pairedItem: { item: 0 } }))];
	}
}

let loaded: Promise<Registry> | undefined;

interface Registry {
	nodes: Map<string, INodeType | IVersionedNodeType>;
	credentials: Map<string, ICredentialType>;
}

async function importClass<T>(file: string, exportName: string): Promise<T | undefined> {
	try {
		const mod = (await import(path.join(ROOT, file))) as Record<string, unknown>;
		return mod[exportName] as T | undefined;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url/.test(String(error))) {
			return undefined;
		}
		throw error;
	}
}

/** Loads (once per test file) this package's node/credential types and the n8n-nodes-base nodes. */
export async function loadRegistry(): Promise<Registry> {
	loaded ??= (async () => {
		const nodes = new Map<string, INodeType | IVersionedNodeType>();
		const credentials = new Map<string, ICredentialType>();
		for (const [name, { file, exportName }] of Object.entries(PACKAGE_NODES)) {
			const Cls = await importClass<NodeClass>(file, exportName);
			if (Cls) nodes.set(`${PACKAGE_NAME}.${name}`, new Cls());
		}
		for (const [name, { file, exportName }] of Object.entries(PACKAGE_CREDENTIALS)) {
			const Cls = await importClass<CredentialClass>(file, exportName);
			if (Cls) credentials.set(name, new Cls());
		}
		for (const [name, file] of Object.entries(BASE_NODES)) {
			const mod = requireFromRoot(`n8n-nodes-base/dist/nodes/${file}`) as Record<string, NodeClass>;
			const Cls = Object.values(mod).find((v) => typeof v === 'function') as NodeClass;
			nodes.set(`n8n-nodes-base.${name}`, new Cls());
		}
		nodes.set('test.inputItems', new InputItemsNode());
		return { nodes, credentials };
	})();
	return await loaded;
}

/** Registers extra node / credential types (test doubles) in this test file's registry. */
export async function registerTypes(types: {
	nodes?: Record<string, INodeType | IVersionedNodeType>;
	credentials?: Record<string, ICredentialType>;
}) {
	const registry = await loadRegistry();
	for (const [name, node] of Object.entries(types.nodes ?? {})) registry.nodes.set(name, node);
	for (const [name, cred] of Object.entries(types.credentials ?? {})) registry.credentials.set(name, cred);
}

function fullTypeName(type: string): string {
	if (type.includes('.')) return type;
	if (type in PACKAGE_NODES) return `${PACKAGE_NAME}.${type}`;
	return `n8n-nodes-base.${type}`;
}

class HarnessNodeTypes implements INodeTypes {
	constructor(private readonly registry: Registry) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const found = this.registry.nodes.get(nodeType);
		if (!found) throw new Error(`Unknown node type in test harness: ${nodeType}`);
		return found;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		return {};
	}
}

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

/**
 * The credentials "database" of a test. One credential per type (tests rarely need more).
 * `preAuthCalls[type]` counts how often n8n had to (re)run the credential's preAuthentication.
 */
export class CredentialStore {
	private readonly byType = new Map<string, StoredCredential>();

	readonly preAuthCalls: Record<string, number> = {};

	/** Authenticated requests the nodes started, per credential type (counted before sending, so also those an abort cancels). */
	readonly authenticatedRequests: Record<string, number> = {};

	set(type: string, data: ICredentialDataDecryptedObject, name?: string): StoredCredential {
		const stored: StoredCredential = {
			id: `cred-${type}`,
			name: name ?? defaultCredentialName(type),
			type,
			data: { ...data },
		};
		this.byType.set(type, stored);
		return stored;
	}

	get(type: string): StoredCredential | undefined {
		return this.byType.get(type);
	}

	/** Removes a credential (a node that needs it then fails as in n8n without one). */
	delete(type: string): void {
		this.byType.delete(type);
	}

	/** Current stored data (including the persisted session token). */
	data(type: string): ICredentialDataDecryptedObject {
		return { ...(this.byType.get(type)?.data ?? {}) };
	}

	update(type: string, patch: ICredentialDataDecryptedObject) {
		const stored = this.byType.get(type);
		if (!stored) throw new Error(`No credential of type ${type}`);
		stored.data = { ...stored.data, ...patch };
	}

	types(): string[] {
		return [...this.byType.keys()];
	}
}

function defaultCredentialName(type: string): string {
	if (type === 'fileMakerDataApi') return 'FileMaker Data API';
	if (type === 'shopifyInventoryApi') return 'Shopify Inventory API';
	return type;
}

function applyDefaults(properties: INodeProperties[], data: ICredentialDataDecryptedObject) {
	const result: ICredentialDataDecryptedObject = {};
	for (const property of properties) {
		if (property.type === 'notice') continue;
		if (property.default !== undefined) result[property.name] = property.default as never;
	}
	return { ...result, ...data };
}

class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly registry: Registry,
		private readonly store: CredentialStore,
	) {
		super();
	}

	private type(name: string): ICredentialType {
		const type = this.registry.credentials.get(name);
		if (!type) throw new Error(`Unknown credential type in test harness: ${name}`);
		return type;
	}

	getParentTypes(_name: string): string[] {
		return [];
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.type(type).properties;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		this.store.authenticatedRequests[typeName] = (this.store.authenticatedRequests[typeName] ?? 0) + 1;
		const credentialType = this.type(typeName);
		const { authenticate } = credentialType;
		if (authenticate === undefined) return requestOptions;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions);
		}
		const generic = authenticate as IAuthenticateGeneric;
		const resolve = (value: unknown): unknown => {
			if (typeof value !== 'string') return value;
			return workflow.expression.getParameterValue(
				value,
				null,
				0,
				0,
				node.name,
				[],
				'internal',
				{ $credentials: credentials },
				undefined,
				false,
			);
		};
		const options = { ...requestOptions };
		const { properties } = generic;
		for (const key of ['headers', 'qs', 'body'] as const) {
			const block = properties[key];
			if (!block) continue;
			const resolved: IDataObject = {};
			for (const [k, v] of Object.entries(block)) resolved[k] = resolve(v) as never;
			options[key] = { ...((options[key] as IDataObject | undefined) ?? {}), ...resolved } as never;
		}
		if (properties.auth) {
			options.auth = {
				username: resolve(properties.auth.username) as string,
				password: resolve(properties.auth.password) as string,
			};
		}
		return options;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.type(typeName);
		const expirable = credentialType.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (!expirable || typeof credentialType.preAuthentication !== 'function') return undefined;
		const isTestingCredentials = node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
		if (credentials[expirable.name] === '' || credentialsExpired || isTestingCredentials) {
			this.store.preAuthCalls[typeName] = (this.store.preAuthCalls[typeName] ?? 0) + 1;
			const output = await credentialType.preAuthentication.call(helpers, credentials);
			if (output[expirable.name] === undefined) return undefined;
			if (!isTestingCredentials && this.store.get(typeName)) {
				this.store.update(typeName, output as ICredentialDataDecryptedObject);
			}
			return Object.assign(credentials, output) as ICredentialDataDecryptedObject;
		}
		return undefined;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.type(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		return (await credentialType.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		_mode?: WorkflowExecuteMode,
		_executeData?: IExecuteData,
		_raw?: boolean,
		_expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.store.get(type);
		if (!stored) throw new Error(`No credential of type "${type}" in the test's CredentialStore`);
		return applyDefaults(this.type(type).properties, stored.data);
	}

	async getCredentials(): Promise<never> {
		throw new Error('getCredentials is not supported by the test harness');
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store.update(type, data);
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	isCredentialUsableByNode(): boolean {
		return true;
	}
}

/**
 * Runs a credential type's Test the way n8n's CLI does (packages/cli/src/services/credentials-tester.service.ts):
 * the credential's `test.request` becomes the routing request of a temporary NoOp node (parameter
 * `temp: ''`, so the credentials helper always runs `preAuthentication`), executed with n8n-core's
 * RoutingNode and `httpRequestWithAuthentication` (authenticate; a 401 runs preAuthentication once more
 * and resends). Then, like the CLI:
 *  - the request threw with an HTTP response (`error.cause.response`): the first `responseCode` rule
 *    whose value equals the status gives the message; otherwise a non-2xx status answers with the
 *    status text or `Received HTTP status code: N`;
 *  - it threw without a response but with a code (`error.cause.code`, e.g. ECONNREFUSED): that code;
 *  - any other error (e.g. one thrown by preAuthentication): its message;
 *  - the request succeeded: the first `responseSuccessBody` rule whose `key` (a lodash path into the
 *    response body, e.g. `errors[0].extensions.code`) holds exactly (===) its `value` gives the message;
 *  - otherwise OK. (The CLI's text is "Connection successful!"; the editor shows "Connection tested
 *    successfully", which is what this returns.)
 */
export async function testCredential(
	type: string,
	data: ICredentialDataDecryptedObject,
): Promise<{ status: 'OK' | 'Error'; message: string }> {
	const registry = await loadRegistry();
	const credentialType = registry.credentials.get(type);
	if (!credentialType) throw new Error(`Unknown credential type ${type}`);
	const test = credentialType.test;
	if (!test) return { status: 'Error', message: 'No testing function found for this credential.' };

	const store = new CredentialStore();
	const stored = store.set(type, data);
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: stored.id,
		name: stored.name,
		type,
		data: applyDefaults(credentialType.properties, { ...data }),
	};

	// The temporary node type: NoOp's description with one property whose routing is the test request.
	const noOp = NodeHelpers.getVersionedNodeType(registry.nodes.get('n8n-nodes-base.noOp')!);
	const nodeTypeCopy: INodeType = {
		description: {
			...noOp.description,
			name: 'n8n-nodes-base.noOp',
			credentials: [{ name: type, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: test.request },
					default: '',
				},
			],
		},
	};
	const version = nodeTypeCopy.description.version;
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: nodeTypeCopy.description.name,
		typeVersion: Array.isArray(version) ? version.slice(-1)[0] : version,
		position: [0, 0],
		credentials: { [type]: { id: stored.id, name: stored.name } },
	};
	const mockNodeTypes: INodeTypes = {
		getKnownTypes: () => ({}),
		getByName: () => nodeTypeCopy,
		getByNameAndVersion: () => nodeTypeCopy,
	};
	// The Workflow fills the node's parameters with their defaults (temp: '').
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: mockNodeTypes });
	const workflowNode = workflow.getNode(node.name)!;

	const executionId = `credential-test-${++executionCounter}`;
	const hooks = new ExecutionLifecycleHooks('internal', executionId, {
		id: 'credential-test',
		name: 'Credential test',
		active: false,
		nodes: [workflowNode],
		connections: {},
	} as unknown as IWorkflowBase);
	const additionalData = makeAdditionalData(new HarnessCredentialsHelper(registry, store), hooks, executionId);
	const executeData: IExecuteData = { node: workflowNode, data: {}, source: null };
	const context = new ExecuteContext(
		workflow,
		workflowNode,
		additionalData,
		'internal',
		createEmptyRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		executeData,
		[],
	);
	const routingNode = new RoutingNode(context, nodeTypeCopy, credentialsDecrypted);

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await routingNode.runNode();
	} catch (caught) {
		const error = caught as Error & {
			cause?: { response?: { status: number; statusText?: string }; code?: string };
		};
		if (error.cause?.response) {
			const statusCode = error.cause.response.status;
			const statusMessage = error.cause.response.statusText;
			for (const rule of test.rules ?? []) {
				if (rule.type === 'responseCode' && statusCode === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (statusCode < 199 || statusCode > 299) {
				return { status: 'Error', message: statusMessage || `Received HTTP status code: ${statusCode}` };
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: String(error.message) };
	}

	if (Array.isArray(test.rules)) {
		const get = requireFromRoot('lodash/get') as (object: unknown, path: string) => unknown;
		for (const rule of test.rules) {
			if (rule.type === 'responseSuccessBody') {
				const responseData = response![0][0].json;
				if (get(responseData, rule.properties.key) === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
		}
	}
	return { status: 'OK', message: 'Connection tested successfully' };
}

// ---------------------------------------------------------------------------------------------
// Workflow execution
// ---------------------------------------------------------------------------------------------

export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IDataObject;
	staticData?: IDataObject;
	pinData?: IDataObject;
}

export interface WorkflowRunResult {
	run: IRun;
	status: string;
	/** The first run's main output 0 of a node ([] when it did not run). */
	outputOf(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** All runs of a node, flattened output 0. */
	allOutputsOf(nodeName: string): INodeExecutionData[];
	ran(nodeName: string): boolean;
	/** The execution's error (workflow failed), if any. */
	error?: Error & { description?: string; node?: INode };
	nodeError(nodeName: string): (Error & { description?: string }) | undefined;
	executionOrder: string[];
}

function makeAdditionalData(
	helper: ICredentialsHelper,
	hooks: ExecutionLifecycleHooks,
	executionId: string,
	webhookBaseUrl = 'http://127.0.0.1:5678/webhook',
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: helper,
		hooks,
		executionId,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		webhookBaseUrl,
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		variables: {},
		async executeWorkflow() {
			throw new Error('Sub-workflows are not supported by the test harness');
		},
		async getRunExecutionData() {
			return undefined;
		},
		logAiEvent: () => {},
		async startRunnerTask() {
			throw new Error('The Code node needs a task runner: not available in-process');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

let executionCounter = 0;

interface InternalRunOptions {
	registry: Registry;
	store: CredentialStore;
	workflow: WorkflowJson;
	startNode?: string;
	triggerItems?: INodeExecutionData[];
	mode?: WorkflowExecuteMode;
	staticData?: IDataObject;
	onlyBuild?: boolean;
	webhookBaseUrl?: string;
	/** Called when a node answers the webhook (Respond to Webhook, responseMode "responseNode"). */
	onSendResponse?: (response: IExecuteResponsePromiseData) => void;
	/** Called once the execution runs: `cancel()` is what Stop in the editor does. */
	onExecutionStarted?: (execution: RunningExecution) => void;
}

/** A running execution, as the editor's Stop button sees it. */
export interface RunningExecution {
	/** Stops the execution (n8n aborts its cancel signal and ends it as cancelled). */
	cancel(): void;
}

function bindCredentials(workflow: WorkflowJson, store: CredentialStore): INode[] {
	return workflow.nodes.map((node) => {
		const credentials = node.credentials
			? Object.fromEntries(
					Object.entries(node.credentials).map(([type, ref]) => {
						const stored = store.get(type);
						return [type, { id: stored?.id ?? ref.id ?? null, name: stored?.name ?? ref.name }];
					}),
				)
			: undefined;
		return {
			...node,
			type: fullTypeName(node.type),
			parameters: structuredClone(node.parameters ?? {}),
			credentials,
		} as INode;
	});
}

async function runWorkflowInternal(opts: InternalRunOptions): Promise<{ workflow?: Workflow; result?: WorkflowRunResult }> {
	const { registry, store } = opts;
	const nodeTypes = new HarnessNodeTypes(registry);
	const nodes = bindCredentials(opts.workflow, store);
	const workflow = new Workflow({
		id: opts.workflow.id ?? 'test-workflow',
		name: opts.workflow.name ?? 'Test workflow',
		nodes,
		connections: opts.workflow.connections,
		nodeTypes,
		settings: opts.workflow.settings ?? { executionOrder: 'v1' },
		active: false,
		staticData: opts.staticData ?? opts.workflow.staticData ?? {},
	});
	if (opts.onlyBuild) return { workflow };

	const executionId = String(++executionCounter);
	const workflowData: IWorkflowBase = {
		id: workflow.id,
		name: workflow.name ?? 'Test workflow',
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections: opts.workflow.connections,
		settings: opts.workflow.settings,
	} as unknown as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(opts.mode ?? 'trigger', executionId, workflowData);
	const executionOrder: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName: string) => {
		executionOrder.push(nodeName);
	});
	let resolveDone!: (run: IRun) => void;
	const done = { promise: new Promise<IRun>((resolve) => (resolveDone = resolve)) };
	hooks.addHandler('workflowExecuteAfter', (fullRunData: IRun) => resolveDone(fullRunData));
	if (opts.onSendResponse) hooks.addHandler('sendResponse', opts.onSendResponse);

	const helper = new HarnessCredentialsHelper(registry, store);
	const additionalData = makeAdditionalData(helper, hooks, executionId, opts.webhookBaseUrl);

	const startNode = opts.startNode ? workflow.getNode(opts.startNode) : pickStartNode(workflow);
	if (!startNode) throw new Error(`Start node not found: ${opts.startNode ?? '(first trigger)'}`);
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: startNode,
					data: { main: [opts.triggerItems ?? [{ json: {} }]] },
					source: null,
				},
			],
		},
	});
	const workflowExecute = new WorkflowExecute(additionalData, opts.mode ?? 'trigger', runExecutionData);
	const execution = workflowExecute.processRunExecutionData(workflow);
	opts.onExecutionStarted?.({ cancel: () => execution.cancel() });
	// Resolves only when the nodes' code has returned (also after a cancel), so a test sees any request
	// a node would still send after Stop.
	await execution;
	const run = await done.promise;
	return { workflow, result: toResult(run, executionOrder) };
}

function pickStartNode(workflow: Workflow): INode | undefined {
	const nodes = Object.values(workflow.nodes).filter((n) => !n.disabled);
	return (
		nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger') ??
		nodes.find((n) => /trigger/i.test(n.type)) ??
		workflow.getStartNode()
	);
}

function toResult(run: IRun, executionOrder: string[]): WorkflowRunResult {
	const runData = run.data.resultData.runData;
	const outputOf = (nodeName: string, outputIndex = 0) =>
		(runData[nodeName]?.[0]?.data?.main?.[outputIndex] ?? []) as INodeExecutionData[];
	return {
		run,
		status: run.status,
		outputOf,
		allOutputsOf: (nodeName: string) =>
			(runData[nodeName] ?? []).flatMap((task) => (task.data?.main?.[0] ?? []) as INodeExecutionData[]),
		ran: (nodeName: string) => runData[nodeName] !== undefined,
		error: run.data.resultData.error as WorkflowRunResult['error'],
		nodeError: (nodeName: string) => runData[nodeName]?.[0]?.error as never,
		executionOrder,
	};
}

export interface RunWorkflowOptions {
	workflow: WorkflowJson;
	credentials: CredentialStore;
	/** Name of the node to start from (default: the Manual Trigger, else the first trigger). */
	startNode?: string;
	/** Items the start node emits (trigger nodes pass their input through). */
	triggerItems?: INodeExecutionData[];
	mode?: WorkflowExecuteMode;
	staticData?: IDataObject;
	/** Called once the execution runs: `cancel()` is what Stop in the editor does. */
	onExecutionStarted?: (execution: RunningExecution) => void;
}

/** Executes a workflow (e.g. a shipped template) in-process and waits for it to finish. */
export async function runWorkflow(opts: RunWorkflowOptions): Promise<WorkflowRunResult> {
	const registry = await loadRegistry();
	const { result } = await runWorkflowInternal({
		registry,
		store: opts.credentials,
		workflow: opts.workflow,
		startNode: opts.startNode,
		triggerItems: opts.triggerItems,
		mode: opts.mode,
		staticData: opts.staticData,
		onExecutionStarted: opts.onExecutionStarted,
	});
	return result!;
}

export interface RunNodeOptions {
	/** Short ('fileMakerInventory') or full node type name. */
	type: string;
	parameters: IDataObject;
	input?: INodeExecutionData[] | IDataObject[];
	credentials: CredentialStore;
	continueOnFail?: boolean;
	/** The node's On Error setting ("continueOnFail: true" is 'continueRegularOutput'). */
	onError?: 'continueRegularOutput' | 'continueErrorOutput';
	typeVersion?: number;
	name?: string;
	/** Called once the execution runs: `cancel()` is what Stop in the editor does. */
	onExecutionStarted?: (execution: RunningExecution) => void;
}

export interface RunNodeResult {
	/** Main output 0 of the node. */
	items: INodeExecutionData[];
	outputs: INodeExecutionData[][];
	error?: Error & { description?: string; httpCode?: string; context?: IDataObject };
	run: WorkflowRunResult;
}

/** Executes one node with the given input items: Manual Trigger → Input → the node. */
export async function runNode(opts: RunNodeOptions): Promise<RunNodeResult> {
	const registry = await loadRegistry();
	const type = fullTypeName(opts.type);
	const nodeType = NodeHelpers.getVersionedNodeType(
		registry.nodes.get(type) ?? (() => {
			throw new Error(`Node type ${type} is not available (not written yet?)`);
		})(),
		opts.typeVersion,
	);
	const credentialTypes = (nodeType.description.credentials ?? []).map((c) => c.name);
	const credentials: Record<string, { id: string; name: string }> = {};
	for (const credType of credentialTypes) {
		const stored = opts.credentials.get(credType);
		if (stored) credentials[credType] = { id: stored.id, name: stored.name };
	}
	const input = (opts.input ?? [{ json: {} }]).map((item) =>
		'json' in item && typeof item.json === 'object' ? (item as INodeExecutionData) : { json: item as IDataObject },
	);
	const name = opts.name ?? 'Node';
	const workflow: WorkflowJson = {
		nodes: [
			{
				id: 't',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'i',
				name: 'Input',
				type: 'test.inputItems',
				typeVersion: 1,
				position: [200, 0],
				parameters: { items: JSON.stringify(input) },
			},
			{
				id: 'n',
				name,
				type,
				typeVersion: opts.typeVersion ?? (Array.isArray(nodeType.description.version) ? Math.max(...nodeType.description.version) : nodeType.description.version),
				position: [400, 0],
				parameters: opts.parameters,
				credentials,
				...(opts.onError ? { onError: opts.onError } : opts.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			} as INode,
		],
		connections: {
			Start: { main: [[{ node: 'Input', type: 'main', index: 0 }]] },
			Input: { main: [[{ node: name, type: 'main', index: 0 }]] },
		},
	};
	const run = await runWorkflow({ workflow, credentials: opts.credentials, onExecutionStarted: opts.onExecutionStarted });
	const task = run.run.data.resultData.runData[name]?.[0];
	const outputs = (task?.data?.main ?? []) as INodeExecutionData[][];
	return {
		items: outputs[0] ?? [],
		outputs,
		error: (task?.error ?? run.error) as RunNodeResult['error'],
		run,
	};
}

// ---------------------------------------------------------------------------------------------
// Webhook triggers
// ---------------------------------------------------------------------------------------------

export interface WebhookExecution {
	id: number;
	status: string;
	triggerItems: INodeExecutionData[];
	result: WorkflowRunResult;
}

export interface WebhookRunner {
	/** Base URL of the loopback server, e.g. http://127.0.0.1:PORT */
	baseUrl: string;
	/** Production URL of the trigger node's default webhook. */
	url: string;
	/** Executions started by requests (completed ones; await `idle()` first). */
	executions: WebhookExecution[];
	/** Requests answered: status codes in arrival order. */
	responses: { status: number; body: string }[];
	staticData: IDataObject;
	activationError?: Error;
	/** Waits until no execution is running. */
	idle(): Promise<void>;
	deactivate(): Promise<void>;
	close(): Promise<void>;
}

export interface StartWebhookRunnerOptions {
	workflow: WorkflowJson;
	credentials: CredentialStore;
	/** Name of the trigger node (default: the first node whose type has a webhook method). */
	triggerNode?: string;
	/** Run webhookMethods checkExists/create on start (default true). */
	activate?: boolean;
	/** Throw when activation fails (default true). */
	throwOnActivationError?: boolean;
	staticData?: IDataObject;
}

interface ExpressLikeResponse extends http.ServerResponse {
	status(code: number): ExpressLikeResponse;
	json(body: unknown): ExpressLikeResponse;
	send(body?: unknown): ExpressLikeResponse;
	header(name: string, value: string): ExpressLikeResponse;
	set(name: string, value: string): ExpressLikeResponse;
}

function expressify(res: http.ServerResponse, record: (status: number, body: string) => void): ExpressLikeResponse {
	const r = res as ExpressLikeResponse;
	const originalEnd = res.end.bind(res);
	let body = '';
	r.end = ((chunk?: unknown, ...rest: unknown[]) => {
		if (chunk !== undefined && typeof chunk !== 'function') body += String(chunk);
		record(r.statusCode, body);
		return originalEnd(chunk as never, ...(rest as []));
	}) as unknown as ExpressLikeResponse['end'];
	r.status = (code: number) => {
		r.statusCode = code;
		return r;
	};
	r.header = (name: string, value: string) => {
		r.setHeader(name, value);
		return r;
	};
	r.set = r.header;
	r.json = (payload: unknown) => {
		if (!r.getHeader('content-type')) r.setHeader('content-type', 'application/json; charset=utf-8');
		r.end(JSON.stringify(payload));
		return r;
	};
	r.send = (payload?: unknown) => {
		if (payload === undefined) {
			r.end();
		} else if (typeof payload === 'object' && !Buffer.isBuffer(payload)) {
			r.json(payload);
		} else {
			r.end(payload as string);
		}
		return r;
	};
	return r;
}

/**
 * Activates a workflow whose trigger is a webhook node, serves its production webhook on a loopback
 * port, and executes the workflow for every request the node accepts (as n8n's webhook handler does).
 */
export async function startWebhookRunner(opts: StartWebhookRunnerOptions): Promise<WebhookRunner> {
	const registry = await loadRegistry();
	const nodeTypes = new HarnessNodeTypes(registry);
	const store = opts.credentials;
	const staticData: IDataObject = opts.staticData ?? {};
	const nodes = bindCredentials(opts.workflow, store);

	const server = http.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	const baseUrl = `http://127.0.0.1:${port}`;
	const webhookBaseUrl = `${baseUrl}/webhook`;

	const buildWorkflow = () =>
		new Workflow({
			id: opts.workflow.id ?? 'test-webhook-workflow',
			name: opts.workflow.name ?? 'Test webhook workflow',
			nodes,
			connections: opts.workflow.connections,
			nodeTypes,
			settings: opts.workflow.settings ?? { executionOrder: 'v1' },
			active: true,
			staticData,
		});

	const activationWorkflow = buildWorkflow();
	const triggerNode = opts.triggerNode
		? activationWorkflow.getNode(opts.triggerNode)
		: Object.values(activationWorkflow.nodes).find((n) => {
				const t = nodeTypes.getByNameAndVersion(n.type, n.typeVersion);
				return typeof t.webhook === 'function';
			});
	if (!triggerNode) throw new Error('No webhook trigger node in the workflow');
	const triggerType = nodeTypes.getByNameAndVersion(triggerNode.type, triggerNode.typeVersion);
	const webhookDescription = triggerType.description.webhooks?.find((w) => w.name === 'default') ??
		triggerType.description.webhooks?.[0];
	if (!webhookDescription) throw new Error(`Node ${triggerNode.name} has no webhook description`);

	const hooksFor = (mode: WorkflowExecuteMode) =>
		new ExecutionLifecycleHooks(mode, 'activation', { id: activationWorkflow.id, name: 'x', nodes, connections: opts.workflow.connections } as unknown as IWorkflowBase);
	const helper = new HarnessCredentialsHelper(registry, store);
	const activationAdditionalData = makeAdditionalData(helper, hooksFor('trigger'), 'activation', webhookBaseUrl);

	const webhookPath = String(
		activationWorkflow.expression.getSimpleParameterValue(triggerNode, webhookDescription.path, 'internal', {}) ?? '',
	);
	const webhookData: IWebhookData = {
		httpMethod: 'POST',
		node: triggerNode.name,
		path: webhookPath,
		webhookDescription,
		workflowId: activationWorkflow.id,
		workflowExecuteAdditionalData: activationAdditionalData,
		webhookId: triggerNode.webhookId,
	} as IWebhookData;

	const url = NodeHelpers.getNodeWebhookUrl(webhookBaseUrl, activationWorkflow.id, triggerNode, webhookPath, false);

	const methods = triggerType.webhookMethods?.default;
	let activationError: Error | undefined;
	if (opts.activate !== false && methods) {
		try {
			const ctx = new HookContext(activationWorkflow, triggerNode, activationAdditionalData, 'trigger', 'activate', webhookData);
			const exists = methods.checkExists ? await methods.checkExists.call(ctx) : false;
			if (!exists && methods.create) await methods.create.call(ctx);
		} catch (error) {
			activationError = error as Error;
			if (opts.throwOnActivationError !== false) {
				server.close();
				throw error;
			}
		}
	}

	const executions: WebhookExecution[] = [];
	const responses: { status: number; body: string }[] = [];
	const running = new Set<Promise<unknown>>();
	let executionIds = 0;

	const execute = async (
		items: INodeExecutionData[][],
		onSendResponse?: (response: IExecuteResponsePromiseData) => void,
	): Promise<WebhookExecution> => {
		const { result } = await runWorkflowInternal({
			onSendResponse,
			registry,
			store,
			workflow: { ...opts.workflow, nodes },
			startNode: triggerNode.name,
			triggerItems: items[0] ?? [],
			mode: 'webhook',
			staticData,
			webhookBaseUrl,
		});
		const execution: WebhookExecution = {
			id: ++executionIds,
			status: result!.status,
			triggerItems: items[0] ?? [],
			result: result!,
		};
		executions.push(execution);
		return execution;
	};

	server.on('request', (req, rawRes) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const task = (async () => {
				const res = expressify(rawRes, (status, body) => responses.push({ status, body }));
				const rawBody = Buffer.concat(chunks);
				const expected = new URL(url).pathname;
				const reqUrl = new URL(req.url ?? '/', baseUrl);
				if (reqUrl.pathname !== expected || req.method !== 'POST') {
					res.status(404).json({ code: 404, message: 'The requested webhook is not registered.' });
					return;
				}
				let body: unknown = {};
				const contentType = String(req.headers['content-type'] ?? '');
				if (rawBody.length > 0 && contentType.includes('json')) {
					try {
						body = JSON.parse(rawBody.toString('utf8'));
					} catch {
						body = {};
					}
				}
				const expressReq = Object.assign(req, {
					rawBody,
					body,
					query: Object.fromEntries(reqUrl.searchParams),
					params: {},
				});
				const workflow = buildWorkflow();
				const node = workflow.getNode(triggerNode.name)!;
				const hooks = hooksFor('webhook');
				const additionalData = {
					...makeAdditionalData(helper, hooks, 'webhook', webhookBaseUrl),
					httpRequest: expressReq,
					httpResponse: res,
				} as unknown as IWorkflowExecuteAdditionalData;
				const ctx = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], null);
				let response;
				try {
					response = await triggerType.webhook!.call(ctx);
				} catch (error) {
					if (!res.writableEnded) res.status(500).json({ code: 0, message: (error as Error).message });
					return;
				}
				if (response.noWebhookResponse) {
					// As n8n 2.41: the node answered itself; workflowData given still starts the workflow.
					if (!res.writableEnded) res.end();
					if (response.workflowData) await execute(response.workflowData);
					return;
				}
				if (!response.workflowData) {
					if (!res.writableEnded) res.status(200).json(response.webhookResponse ?? { message: 'Workflow was started' });
					return;
				}
				// As n8n 2.41's webhook execution context: the description's own resolver when the node's
				// parameters are static, else the expression.
				const native = resolveWebhookDescriptionField(workflow.getNode(node.name) ?? node, webhookDescription, 'responseMode');
				const responseMode = String(
					(native.resolved
						? native.value
						: workflow.expression.getSimpleParameterValue(node, webhookDescription.responseMode ?? 'onReceived', 'internal', {})) ?? 'onReceived',
				);
				if (responseMode === 'responseNode') {
					// As n8n 2.41's webhook helpers: the Respond to Webhook node answers when it runs; an
					// execution that ends without an answer gets 500 "Error in workflow" if it failed,
					// else the webhook's response code (200) with an empty body.
					const execution = await execute(response.workflowData, (answer) => {
						if (res.writableEnded) return;
						res.status(Number(answer.statusCode ?? 200));
						for (const [name, value] of Object.entries(answer.headers ?? {})) res.header(name, String(value));
						if (answer.body === undefined || answer.body === '') res.end();
						else res.send(answer.body);
					});
					if (!res.writableEnded) {
						if (execution.status !== 'success' || execution.result.error) res.status(500).json({ message: 'Error in workflow' });
						else res.status(200).end();
					}
				} else if (responseMode === 'lastNode') {
					const execution = await execute(response.workflowData);
					if (execution.status !== 'success' || execution.result.error) {
						res.status(500).json({ code: 0, message: 'Error in workflow' });
					} else {
						const last = execution.result.executionOrder.at(-1);
						const first = last ? execution.result.outputOf(last)[0] : undefined;
						res.status(200).json(first?.json ?? {});
					}
				} else {
					res.status(200).json({ message: 'Workflow was started' });
					await execute(response.workflowData);
				}
			})().catch((error) => {
				if (!rawRes.writableEnded) {
					rawRes.statusCode = 500;
					rawRes.end(JSON.stringify({ message: String(error) }));
				}
			});
			running.add(task);
			void task.finally(() => running.delete(task));
		});
	});

	return {
		baseUrl,
		url,
		executions,
		responses,
		staticData,
		activationError,
		async idle() {
			while (running.size > 0) await Promise.allSettled([...running]);
		},
		async deactivate() {
			if (!methods?.delete) return;
			const ctx = new HookContext(buildWorkflow(), triggerNode, activationAdditionalData, 'trigger', 'activate', webhookData);
			await methods.delete.call(ctx);
		},
		async close() {
			while (running.size > 0) await Promise.allSettled([...running]);
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** Reads a shipped workflow template from workflows/. */
export async function loadTemplate(fileName: string): Promise<WorkflowJson> {
	const { readFile } = await import('node:fs/promises');
	return JSON.parse(await readFile(path.join(ROOT, 'workflows', fileName), 'utf8')) as WorkflowJson;
}
