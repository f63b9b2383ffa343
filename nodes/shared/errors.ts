import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/**
 * The error helpers every node of the package shares: walking the `cause` chain of whatever n8n's
 * request helpers threw (a NodeApiError wrapping an axios error, a bare axios error, a legacy request
 * error, …) and building the NodeApiError a non-developer can act on.
 *
 * API-specific meaning (FileMaker codes, Shopify GraphQL error kinds) stays in nodes/shared/filemaker
 * and nodes/shared/shopify; this module knows only the generic shapes.
 */

export type ErrorLink = 'errorResponse' | 'cause' | 'reason';

type ErrorObject = Record<string, unknown>;

function isErrorObject(value: unknown): value is ErrorObject {
	return typeof value === 'object' && value !== null;
}

/**
 * The error and every error it wraps, outermost first, each once (cycles are cut). Followed links:
 * `cause` (standard), `reason` (legacy request errors) and, unless left out, `errorResponse`
 * (n8n's NodeApiError keeps the original error there).
 */
export function errorChain(error: unknown, links: readonly ErrorLink[] = ['errorResponse', 'cause', 'reason']): ErrorObject[] {
	const chain: ErrorObject[] = [];
	const seen = new Set<unknown>();
	const queue: unknown[] = [error];
	while (queue.length > 0) {
		const current = queue.shift();
		if (!isErrorObject(current) || seen.has(current)) continue;
		seen.add(current);
		chain.push(current);
		for (const link of links) {
			if (link in current) queue.push(current[link]);
		}
	}
	return chain;
}

/** The first value `pick` finds in the error chain (outermost first), or undefined. */
export function findInErrorChain<T>(
	error: unknown,
	pick: (link: ErrorObject) => T | undefined,
	links?: readonly ErrorLink[],
): T | undefined {
	for (const link of errorChain(error, links)) {
		const found = pick(link);
		if (found !== undefined) return found;
	}
	return undefined;
}

/** The HTTP status of the answer somewhere in the chain (`response.status`, `httpCode`, `statusCode`). */
export function httpStatusOf(error: unknown, links?: readonly ErrorLink[]): number | undefined {
	return findInErrorChain(
		error,
		(e) => {
			const response = isErrorObject(e.response) ? e.response : undefined;
			const status = Number(response?.status ?? response?.statusCode ?? e.httpCode ?? e.statusCode);
			return Number.isFinite(status) && status >= 100 && status < 600 ? status : undefined;
		},
		links,
	);
}

/** The body of the answer somewhere in the chain (`response.data`, then `response.body`). */
export function responseBodyOf(error: unknown, links?: readonly ErrorLink[]): unknown {
	return findInErrorChain(
		error,
		(e) => {
			const response = isErrorObject(e.response) ? e.response : undefined;
			if (response?.data !== undefined) return response.data;
			return response?.body;
		},
		links,
	);
}

/** A network error code (ECONNREFUSED, ETIMEDOUT, …) somewhere in the chain that matches `pattern`. */
export function networkCodeOf(error: unknown, pattern = /^E[A-Z_]+$/, links?: readonly ErrorLink[]): string | undefined {
	return findInErrorChain(error, (e) => (typeof e.code === 'string' && pattern.test(e.code) ? e.code : undefined), links);
}

/** The message of an error, or the value as text. */
export function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

export type ApiErrorOptions = {
	/** HTTP status of the answer, as n8n shows it. */
	httpCode?: string;
	itemIndex?: number;
	/** What goes into the error's details; `{ message }` unless given. Must not hold secrets. */
	raw?: JsonObject;
};

/**
 * The NodeApiError for a failed call. `message` says what went wrong in words a non-developer can act
 * on (no codes n8n would replace, no secrets); `description` says what to do about it.
 */
export function apiError(
	this: { getNode(): INode },
	message: string,
	description?: string,
	options: ApiErrorOptions = {},
): NodeApiError {
	return new NodeApiError(this.getNode(), options.raw ?? ({ message } as JsonObject), {
		message,
		description,
		httpCode: options.httpCode,
		itemIndex: options.itemIndex,
	});
}
