// Types for scripts/lib/n8n.mjs (used from the TypeScript e2e tests).
export declare const REPO_ROOT: string;
export declare const PACKAGE_NAME: string;

export interface RunResult {
	code: number;
	stdout: string;
	stderr: string;
}
export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	timeoutMs?: number;
	input?: string;
}
export declare function run(cmd: string, args: string[], opts?: RunOptions): Promise<RunResult>;
export declare function runOk(cmd: string, args: string[], opts?: RunOptions): Promise<RunResult>;
export declare function tail(text: string, lines?: number): string;
export declare function stopGroup(pid: number | undefined, graceMs?: number): Promise<void>;
export declare function trackGroup(pid: number): void;
export declare function sleep(ms: number): Promise<void>;
export declare function freePort(): Promise<number>;
export declare function portIsFree(port: number): Promise<boolean>;
export declare function waitForHttp(url: string, timeoutMs?: number): Promise<void>;

export declare class PhaseTimer {
	constructor(label?: string, out?: (line: string) => void);
	phases: { name: string; ms: number }[];
	phase(name: string): void;
	end(): void;
	time<T>(name: string, fn: () => Promise<T>): Promise<T>;
	summary(): string;
}

export interface N8nInstall {
	nodeBin: string;
	n8nBin: string;
	n8nDir: string;
	ms?: number;
}
export declare function installN8n(o?: { timeoutMs?: number; onLog?: (line: string) => void }): Promise<Required<N8nInstall>>;
export declare function bcryptHash(n8nDir: string, password: string): string;
export declare function buildAndPack(o: { outDir: string; skipBuild?: boolean; timeoutMs?: number }): Promise<string>;
export declare function installCommunityPackage(o: {
	tarball: string;
	userFolder: string;
}): Promise<{ dir: string; version: string; files: string[] }>;

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: {
		id?: string;
		name: string;
		type: string;
		typeVersion: number;
		parameters: Record<string, unknown>;
		webhookId?: string;
		credentials?: Record<string, { id: string; name: string }>;
		[k: string]: unknown;
	}[];
	connections: Record<string, unknown>;
	[k: string]: unknown;
}
export declare function bindTemplates(o: {
	templatesDir?: string;
	files: string[];
	outDir: string;
	credentialIds: Record<string, string>;
}): { file: string; source: string; workflow: WorkflowJson }[];

export interface CliResult extends RunResult {
	ms: number;
}
export interface ImportableCredential {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}
export declare class N8n {
	constructor(o: {
		install: N8nInstall;
		userFolder: string;
		port?: number;
		owner?: { email: string; password: string };
		encryptionKey?: string;
		env?: Record<string, string>;
		logFile?: string;
		logLevel?: string;
	});
	install: N8nInstall;
	userFolder: string;
	port: number | undefined;
	owner: { email: string; password: string };
	logFile: string;
	startMs?: number;
	readonly url: string;
	readonly pid: number | undefined;
	env(extra?: Record<string, string>): Record<string, string>;
	cli(args: string[], o?: { timeoutMs?: number; env?: Record<string, string> }): Promise<CliResult>;
	cliOk(args: string[], o?: { timeoutMs?: number; env?: Record<string, string> }): Promise<CliResult>;
	importCredentials(credentials: ImportableCredential[], dir?: string): Promise<CliResult>;
	importWorkflowDir(dir: string): Promise<CliResult>;
	listWorkflows(): Promise<{ id: string; name: string }[]>;
	publishWorkflow(id: string): Promise<CliResult>;
	executeWorkflow(
		id: string,
		o?: { timeoutMs?: number },
	): Promise<{ ok: boolean; code: number; run: ExecutionLike | undefined; output: string; ms: number; hint?: string }>;
	appendLog(text: string): void;
	logTail(n?: number): string;
	start(o?: { timeoutMs?: number }): Promise<number>;
	stop(): Promise<void>;
}

export interface ExecutionLike {
	id?: string | number;
	status?: string;
	finished?: boolean;
	mode?: string;
	workflowId?: string;
	startedAt?: string;
	stoppedAt?: string | null;
	data?: {
		resultData?: {
			runData?: Record<string, { data?: { main?: ({ json: Record<string, unknown> }[] | null)[] }; error?: unknown }[]>;
			error?: { message?: string; [k: string]: unknown };
			lastNodeExecuted?: string;
		};
	};
	[k: string]: unknown;
}

export declare class N8nApi {
	constructor(baseUrl: string);
	baseUrl: string;
	browserId: string;
	cookie: string | undefined;
	apiKey: string | undefined;
	get(pathname: string): Promise<{ status: number; json: any; text: string }>;
	rest(
		method: string,
		pathname: string,
		body?: unknown,
		o?: { expectOk?: boolean },
	): Promise<{ status: number; json: any; data: any; text: string }>;
	login(email: string, password: string): Promise<Record<string, unknown>>;
	createApiKey(label?: string, scopes?: string[]): Promise<string>;
	public(method: string, pathname: string, body?: unknown): Promise<any>;
	listExecutions(o?: { workflowId?: string; includeData?: boolean; status?: string; limit?: number }): Promise<ExecutionLike[]>;
	getExecution(id: string | number, includeData?: boolean): Promise<ExecutionLike>;
	testCredential(id: string): Promise<{ status: 'OK' | 'Error'; message: string }>;
}

export declare function outputsOf(execution: ExecutionLike | undefined): Record<string, Record<string, unknown>[]>;
