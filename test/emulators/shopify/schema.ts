/**
 * Real Shopify Admin GraphQL schemas (SDL, gzipped in ./schemas) — built once per version and
 * cached for the whole process; parse + validate results are cached per document string.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
	buildSchema,
	GraphQLError,
	parse,
	validate,
	type DocumentNode,
	type GraphQLSchema,
} from 'graphql';

/** Supported versions, oldest first. */
export const SUPPORTED_VERSIONS = ['2026-01', '2026-04', '2026-07', '2026-10'] as const;
export type ApiVersion = (typeof SUPPORTED_VERSIONS)[number];
export const LATEST_VERSION: ApiVersion = '2026-10';

/**
 * Shopify: a request to a retired or unknown version "falls forward" to the oldest supported
 * stable version. We answer every version we do not have a schema for with 2026-01.
 */
export function resolveVersion(requested: string): ApiVersion {
	return (SUPPORTED_VERSIONS as readonly string[]).includes(requested)
		? (requested as ApiVersion)
		: SUPPORTED_VERSIONS[0];
}

/** Version rules (see README "Per-version rules"). */
export function idempotencyRequired(v: ApiVersion): boolean {
	return v >= '2026-04';
}
export function changeFromQuantityRequired(v: ApiVersion): boolean {
	return v >= '2026-04';
}
export function bulkConcurrencyLimit(v: ApiVersion): number {
	return v >= '2026-01' ? 5 : 1;
}

const schemaCache = new Map<ApiVersion, GraphQLSchema>();

export function getSchema(v: ApiVersion): GraphQLSchema {
	let s = schemaCache.get(v);
	if (!s) {
		const gz = readFileSync(join(__dirname, 'schemas', `admin-${v}.graphql.gz`));
		s = buildSchema(gunzipSync(gz).toString('utf8'), { assumeValidSDL: true });
		schemaCache.set(v, s);
	}
	return s;
}

/** Does enum `enumName` have `value` in this version's schema? */
export function enumHasValue(v: ApiVersion, enumName: string, value: string): boolean {
	const t = getSchema(v).getType(enumName);
	if (!t || !('getValue' in t)) return false;
	return Boolean((t as { getValue(n: string): unknown }).getValue(value));
}

export type ParsedDocument =
	| { ok: true; document: DocumentNode }
	| { ok: false; errors: GraphQLError[] };

const MAX_CACHE = 2000;
const parseCache = new Map<string, ParsedDocument>();
const validateCache = new Map<string, readonly GraphQLError[]>();

function remember<K, V>(m: Map<K, V>, k: K, v: V): V {
	if (m.size >= MAX_CACHE) {
		const first = m.keys().next();
		if (!first.done) m.delete(first.value);
	}
	m.set(k, v);
	return v;
}

export function parseCached(source: string): ParsedDocument {
	const hit = parseCache.get(source);
	if (hit) return hit;
	try {
		return remember(parseCache, source, { ok: true, document: parse(source) });
	} catch (e) {
		const err = e instanceof GraphQLError ? e : new GraphQLError(String(e));
		return remember(parseCache, source, { ok: false, errors: [err] });
	}
}

export function validateCached(
	v: ApiVersion,
	source: string,
	document: DocumentNode,
): readonly GraphQLError[] {
	const key = `${v}\u0000${source}`;
	const hit = validateCache.get(key);
	if (hit) return hit;
	return remember(validateCache, key, validate(getSchema(v), document));
}

/** graphql-js validation message → Shopify (graphql-ruby) style message + code. */
export function shopifyValidationError(e: GraphQLError): {
	message: string;
	locations?: { line: number; column: number }[];
	extensions: Record<string, unknown>;
} {
	const m = e.message;
	let message = m;
	let code = 'GRAPHQL_VALIDATION_FAILED';
	let r: RegExpMatchArray | null;
	if ((r = m.match(/^Cannot query field "(\w+)" on type "(\w+)"/))) {
		message = `Field '${r[1]}' doesn't exist on type '${r[2]}'`;
		code = 'undefinedField';
	} else if ((r = m.match(/^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"/))) {
		message = `Field '${r[3]}' doesn't accept argument '${r[1]}'`;
		code = 'argumentNotAccepted';
	} else if ((r = m.match(/^Field "(\w+)" argument "(\w+)" of type "([^"]+)" is required/))) {
		message = `Field '${r[1]}' is missing required arguments: ${r[2]}`;
		code = 'missingRequiredArguments';
	} else if (/^Unknown type/.test(m)) code = 'undefinedType';
	else if (/^Unknown directive/.test(m)) code = 'undefinedDirective';
	else if (/is never used/.test(m)) code = 'variableNotUsed';
	else if (/is not defined/.test(m)) code = 'undefinedVariable';
	else if (/used in position expecting/.test(m)) code = 'variableMismatch';
	else if (/must have a selection of subfields|must not have a selection/.test(m))
		code = 'selectionMismatch';
	else if (/^(Expected value|Enum ".*" cannot represent|.*cannot represent)/.test(m) || /Expected type/.test(m))
		code = 'argumentLiteralsIncompatible';
	else if (/^Field "[^"]+" of required type/.test(m)) code = 'missingRequiredInputObjectAttribute';
	else if (/^Syntax Error/.test(m)) code = 'PARSE_ERROR';
	return {
		message,
		...(e.locations ? { locations: e.locations.map((l) => ({ line: l.line, column: l.column })) } : {}),
		extensions: { code },
	};
}
