/**
 * Turning the credential's Host / Database / version into Data API URLs, and the Data API paths.
 * Shared by the credential (login, test request) and the client. No other module spells a path.
 */

/**
 * Normalises the Host field: adds https:// when no scheme is given, drops trailing slashes and
 * anything from "/fmi/" on (people paste whole Data API URLs).
 */
export function normalizeHost(host: unknown): string {
	let text = typeof host === 'string' ? host.trim() : '';
	if (text === '') return '';
	if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
	const fmi = text.search(/\/fmi(\/|$)/i);
	if (fmi >= 0) text = text.slice(0, fmi);
	return text.replace(/\/+$/, '');
}

export function normalizeApiVersion(version: unknown): string {
	const text = typeof version === 'string' ? version.trim() : '';
	return text === '' ? 'vLatest' : text;
}

/** The database name as typed, without a ".fmp12" suffix people sometimes add. */
export function normalizeDatabase(database: unknown): string {
	const text = typeof database === 'string' ? database.trim() : '';
	return text.replace(/\.fmp12$/i, '');
}

/** {host}/fmi/data/{version}/databases/{database} */
export function databaseBaseUrl(credentials: { host?: unknown; database?: unknown; apiVersion?: unknown }): string {
	return `${normalizeHost(credentials.host)}/fmi/data/${encodeURIComponent(normalizeApiVersion(credentials.apiVersion))}/databases/${encodeURIComponent(normalizeDatabase(credentials.database))}`;
}

/** Encodes one path segment (layout, script name, record id). */
export function segment(value: string | number): string {
	return encodeURIComponent(String(value));
}

/**
 * The Data API paths below {host}/fmi/data/{version}/databases/{database}. Only the client
 * (./client.ts), the login (./session.ts) and the credential's test request use them.
 */
export const dataApiPath = {
	sessions: (): string => '/sessions',
	layouts: (): string => '/layouts',
	scripts: (): string => '/scripts',
	layout: (layout: string): string => `/layouts/${segment(layout)}`,
	records: (layout: string): string => `/layouts/${segment(layout)}/records`,
	record: (layout: string, recordId: string): string => `/layouts/${segment(layout)}/records/${segment(recordId)}`,
	find: (layout: string): string => `/layouts/${segment(layout)}/_find`,
	script: (layout: string, script: string): string => `/layouts/${segment(layout)}/script/${segment(script)}`,
};
