import type { ICredentialDataDecryptedObject, IDataObject, NodeApiError } from 'n8n-workflow';

import type { ErrorContext, FailureInfo } from './errors';
import { flattenLayouts, flattenScripts } from './lists';
import { shouldFetchNextPage } from './paging';
import type { Connection, FileMakerContext, FileMakerRecord, FileMakerResponse, RequestOptions } from './transport';
import { countOf, fileMakerCall, fileMakerError, getConnection, metadataFieldNames, recordsOf } from './transport';
import { dataApiPath } from './url';

/**
 * The FileMaker Data API client: every call the nodes make to FileMaker is a method here.
 *
 * Made once per execution (or per dropdown load) from n8n's context; all its requests share one
 * Data API session (n8n keeps the token on the credential and renews it on 952, see ./session.ts).
 * Methods that throw give a NodeApiError whose message says what to fix; `tryUpdateRecord` returns
 * FileMaker's answer instead, so that the stock-change algorithm can retry 306/301.
 */
export interface FileMakerClient {
	readonly connection: Connection;
	/** POST /layouts/{layout}/_find. "No records match" (401) is an empty found set, not an error. */
	find(layout: string, request: FindRequestBody, call?: CallOptions): Promise<FoundSet>;
	/** GET /layouts/{layout}/records: a range of the layout's records (offset is 1-based). */
	listRecords(layout: string, range: { offset: number; limit: number }, call?: CallOptions): Promise<FoundSet>;
	/** Every record of a layout (range) or of a find, page by page; see ReadAllPagesArgs. */
	readAllPages(args: ReadAllPagesArgs): Promise<{ requests: number; foundCount?: number }>;
	/** POST /layouts/{layout}/records. */
	createRecord(layout: string, fieldData: IDataObject, call?: CallOptions): Promise<{ recordId: string; modId: string }>;
	/** POST /layouts/{layout}/records; FileMaker's answer, never thrown (504: a unique field refused the value). */
	tryCreateRecord(layout: string, fieldData: IDataObject): Promise<CreateResult>;
	/** PATCH /layouts/{layout}/records/{id}, guarded by `modId` when given; FileMaker's answer, never thrown. */
	tryUpdateRecord(layout: string, recordId: string, fieldData: IDataObject, modId?: string): Promise<UpdateResult>;
	/** GET /layouts/{layout}/script/{script}?script.param=… */
	runScript(layout: string, script: string, param: string, call?: CallOptions): Promise<ScriptOutcome>;
	/** GET /layouts: layout names (folders flattened). */
	listLayouts(): Promise<string[]>;
	/** GET /layouts/{layout}: the field names of a layout. */
	layoutFieldNames(layout: string): Promise<string[]>;
	/** Which of `fields` are not on the layout (GET /layouts/{layout}); empty when that cannot be told. */
	findMissingFields(layout: string, fields: string[]): Promise<string[]>;
	/** GET /scripts: script names (folders flattened). */
	listScripts(): Promise<string[]>;
	/** The NodeApiError for a failed call (host and database added to the context). */
	error(info: FailureInfo, context: ErrorContext, itemIndex?: number): NodeApiError;
}

/** A find request of the Data API: `query` is a list of find requests (see logic/findQuery). */
export interface FindRequestBody {
	query: Array<Record<string, string>>;
	sort?: Array<{ fieldName: string; sortOrder?: 'ascend' | 'descend' }>;
	offset?: number;
	limit?: number;
}

/** What the error message of a failed call should name. */
export interface CallOptions {
	context?: ErrorContext;
	itemIndex?: number;
}

export interface FoundSet {
	records: FileMakerRecord[];
	/** dataInfo.foundCount, when FileMaker gave it (0 for "no records match"). */
	foundCount?: number;
}

export type CreateResult = { ok: true; recordId: string; modId: string } | { ok: false; info: FailureInfo };

export type UpdateResult = { ok: true; modId: string } | { ok: false; info: FailureInfo };

export interface ScriptOutcome {
	scriptResult?: string;
	scriptError?: string | number;
}

export interface ReadAllPagesArgs {
	layout: string;
	/** Find requests; undefined reads every record (range requests). */
	query?: Array<Record<string, string>>;
	pageSize: number;
	fields: string[];
	action: string;
	itemIndex: number;
	/** Gets each page's new records, in order. Return false to stop reading (e.g. after a fatal problem in the data). */
	onPage: (records: FileMakerRecord[]) => boolean | void;
	/**
	 * Pages requested at the same time after the first (default 1: one after another). See
	 * MAX_PAGE_READ_CONCURRENCY for why a few are safe in one session.
	 */
	concurrency?: number;
}

/**
 * Most pages a read requests at the same time. All of them use the one session of the credential: the
 * first page is read alone (it logs in or renews the token if needed, and gives the found count), so
 * the token was just used when the others start and cannot time out meanwhile (15 minutes idle): no
 * second session is opened. The Data API serves concurrent requests of one session; each page is an
 * independent range (offset, limit) of the same layout or find. More than a few requests at once only
 * queue on the server (the Data API engine handles a limited number of requests in parallel).
 */
export const MAX_PAGE_READ_CONCURRENCY = 8;

/** The page offsets (1-based) after the first page that cover `foundCount` records. */
export function remainingPageOffsets(firstReturned: number, pageSize: number, foundCount: number): number[] {
	const offsets: number[] = [];
	for (let offset = 1 + firstReturned; offset <= foundCount; offset += pageSize) offsets.push(offset);
	return offsets;
}

/**
 * The client for the credential of the node, trigger or dropdown being run (`credentials`: the
 * credential when the caller has read it already).
 */
export async function fileMakerClient(this: FileMakerContext, credentials?: ICredentialDataDecryptedObject): Promise<FileMakerClient> {
	return new DataApiClient(this, await getConnection.call(this, credentials));
}

class DataApiClient implements FileMakerClient {
	constructor(
		private readonly ctx: FileMakerContext,
		readonly connection: Connection,
	) {}

	async find(layout: string, request: FindRequestBody, call: CallOptions = {}): Promise<FoundSet> {
		return foundSetOf(await this.request('POST', dataApiPath.find(layout), { body: { ...request } }, call));
	}

	async listRecords(layout: string, range: { offset: number; limit: number }, call: CallOptions = {}): Promise<FoundSet> {
		return foundSetOf(
			await this.request('GET', dataApiPath.records(layout), { qs: { _offset: range.offset, _limit: range.limit } }, call),
		);
	}

	/**
	 * Reads in one session. Records seen before (same recordId) are dropped, which guards against
	 * rows shifting between pages when records are added while reading.
	 */
	async readAllPages(args: ReadAllPagesArgs): Promise<{ requests: number; foundCount?: number }> {
		const { layout, query, pageSize, itemIndex } = args;
		const concurrency = Math.min(Math.max(1, Math.floor(args.concurrency ?? 1)), MAX_PAGE_READ_CONCURRENCY);
		const seen = new Set<string>();
		let requests = 0;
		let foundCount: number | undefined;
		const call = { context: { layout, fields: args.fields, action: args.action }, itemIndex };
		const readPage = async (offset: number, renewSession = true): Promise<FoundSet | 'sessionExpired'> => {
			const endpoint = query ? dataApiPath.find(layout) : dataApiPath.records(layout);
			const options: RequestOptions = query
				? { body: { query, offset, limit: pageSize }, renewSession }
				: { qs: { _offset: offset, _limit: pageSize }, renewSession };
			const response = await this.requestOrExpired(query ? 'POST' : 'GET', endpoint, options, call);
			requests++;
			return response === 'sessionExpired' ? response : foundSetOf(response);
		};
		const readPageRenewing = async (offset: number) => (await readPage(offset)) as FoundSet;
		// Pages in flight together must not each renew an expired session (one login each): they are sent
		// without renewal, and the first that finds the token expired renews it; the others wait for
		// that and are sent again with the new token.
		let renewal: Promise<unknown> | undefined;
		const readConcurrentPage = async (offset: number): Promise<FoundSet> => {
			const page = await readPage(offset, false);
			if (page !== 'sessionExpired') return page;
			if (renewal === undefined) {
				const renewed = readPageRenewing(offset);
				renewal = renewed.catch(() => undefined);
				return await renewed;
			}
			await renewal;
			return await readPageRenewing(offset);
		};
		/** Hands a page's new records on; false when the reader asked to stop. */
		const deliver = (page: FoundSet): boolean => {
			foundCount = page.foundCount ?? foundCount;
			// The page itself; a copy only from the first record that was handed on before.
			const records = page.records;
			let fresh: FileMakerRecord[] | undefined;
			for (let i = 0; i < records.length; i++) {
				const recordId = records[i].recordId;
				const known = recordId !== '' && seen.has(recordId);
				if (!known) seen.add(recordId);
				if (known && fresh === undefined) fresh = records.slice(0, i);
				else if (!known && fresh !== undefined) fresh.push(records[i]);
			}
			return args.onPage(fresh ?? records) !== false;
		};

		let offset = 1;
		let page = await readPageRenewing(offset);
		if (!deliver(page)) return { requests, foundCount };
		if (concurrency > 1 && foundCount !== undefined && shouldFetchNextPage({ offset, limit: pageSize, returned: page.records.length, foundCount })) {
			// The pages the found count announces, up to `concurrency` in flight, handed on in order.
			const offsets = remainingPageOffsets(page.records.length, pageSize, foundCount);
			const inFlight = new Map<number, Promise<FoundSet>>();
			let started = 0;
			for (let i = 0; i < offsets.length; i++) {
				while (started < offsets.length && started < i + concurrency) {
					const request = readConcurrentPage(offsets[started]);
					// A failure is reported when its page's turn comes; a page not waited for (stopped early) is dropped.
					request.catch(() => undefined);
					inFlight.set(started, request);
					started++;
				}
				page = await inFlight.get(i)!;
				inFlight.delete(i);
				offset = offsets[i];
				if (!deliver(page)) {
					await Promise.allSettled(inFlight.values());
					return { requests, foundCount };
				}
			}
		}
		// One page after another (and after a concurrent read, for records added while reading).
		while (shouldFetchNextPage({ offset, limit: pageSize, returned: page.records.length, foundCount })) {
			offset += page.records.length;
			page = await readPageRenewing(offset);
			if (!deliver(page)) break;
		}
		return { requests, foundCount };
	}

	async createRecord(layout: string, fieldData: IDataObject, call: CallOptions = {}): Promise<{ recordId: string; modId: string }> {
		const response = await this.request('POST', dataApiPath.records(layout), { body: { fieldData } }, call);
		return { recordId: String(response.recordId ?? ''), modId: String(response.modId ?? '') };
	}

	async tryCreateRecord(layout: string, fieldData: IDataObject): Promise<CreateResult> {
		const result = await fileMakerCall.call(this.ctx, this.connection, 'POST', dataApiPath.records(layout), { body: { fieldData } });
		return result.ok
			? { ok: true, recordId: String(result.response.recordId ?? ''), modId: String(result.response.modId ?? '') }
			: { ok: false, info: result.info };
	}

	async tryUpdateRecord(layout: string, recordId: string, fieldData: IDataObject, modId?: string): Promise<UpdateResult> {
		const body: IDataObject = modId === undefined ? { fieldData } : { fieldData, modId };
		const result = await fileMakerCall.call(this.ctx, this.connection, 'PATCH', dataApiPath.record(layout, recordId), { body });
		return result.ok ? { ok: true, modId: String(result.response.modId ?? '') } : { ok: false, info: result.info };
	}

	async runScript(layout: string, script: string, param: string, call: CallOptions = {}): Promise<ScriptOutcome> {
		const response = await this.request('GET', dataApiPath.script(layout, script), { qs: { 'script.param': param } }, call);
		return { scriptResult: response.scriptResult, scriptError: response.scriptError };
	}

	async listLayouts(): Promise<string[]> {
		const response = await this.answerOrThrow('GET', dataApiPath.layouts(), { action: 'listing the layouts' });
		return flattenLayouts(response.layouts);
	}

	async layoutFieldNames(layout: string): Promise<string[]> {
		const response = await this.answerOrThrow('GET', dataApiPath.layout(layout), {
			layout,
			action: `reading the fields of layout '${layout}'`,
		});
		return metadataFieldNames(response) ?? [];
	}

	async findMissingFields(layout: string, fields: string[]): Promise<string[]> {
		const result = await fileMakerCall.call(this.ctx, this.connection, 'GET', dataApiPath.layout(layout));
		const names = result.ok ? metadataFieldNames(result.response) : undefined;
		if (!names) return [];
		const present = new Set(names);
		return [...new Set(fields.filter((f) => f !== '' && !present.has(f)))];
	}

	async listScripts(): Promise<string[]> {
		const response = await this.answerOrThrow('GET', dataApiPath.scripts(), { action: 'listing the scripts' });
		return flattenScripts(response.scripts);
	}

	error(info: FailureInfo, context: ErrorContext, itemIndex?: number): NodeApiError {
		const { host, database } = this.connection;
		return fileMakerError.call(this.ctx, info, { host, database, ...context }, itemIndex);
	}

	/** One call whose failure is thrown as is (no "no records" or missing-field handling). */
	private async answerOrThrow(method: 'GET', endpoint: string, context: ErrorContext): Promise<FileMakerResponse> {
		const result = await fileMakerCall.call(this.ctx, this.connection, method, endpoint);
		if (!result.ok) throw this.error(result.info, context);
		return result.response;
	}

	/**
	 * One call that throws a clear NodeApiError on failure. FileMaker code 401 ("no records match")
	 * is not an error: it returns an empty result. On code 102 (field missing) the layout's field
	 * list is read to name the missing field(s).
	 */
	private async request(method: 'GET' | 'POST', endpoint: string, options: RequestOptions, call: CallOptions): Promise<FileMakerResponse> {
		const response = await this.requestOrExpired(method, endpoint, { ...options, renewSession: true }, call);
		if (response === 'sessionExpired') throw new Error('FileMaker session expired'); // not reached: n8n renews it
		return response;
	}

	/** A call; with `renewSession: false` an expired token comes back as 'sessionExpired' (not renewed). */
	private async requestOrExpired(
		method: 'GET' | 'POST',
		endpoint: string,
		options: RequestOptions,
		call: CallOptions,
	): Promise<FileMakerResponse | 'sessionExpired'> {
		const result = await fileMakerCall.call(this.ctx, this.connection, method, endpoint, options);
		if (result.ok) return result.response;
		if (result.sessionExpired) return 'sessionExpired';
		if (result.info.code === '401') return { data: [], dataInfo: { foundCount: 0, returnedCount: 0 } };
		const context: ErrorContext = { ...call.context };
		if (result.info.code === '102' && context.layout && context.fields && context.fields.length > 0) {
			context.missingFields = await this.findMissingFields(context.layout, context.fields);
		}
		throw this.error(result.info, context, call.itemIndex);
	}
}

function foundSetOf(response: FileMakerResponse): FoundSet {
	return { records: recordsOf(response), foundCount: countOf(response.dataInfo?.foundCount) };
}

