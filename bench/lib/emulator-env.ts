/**
 * Imported first by bench/run.ts, before anything loads graphql: the bench's process hosts the Shopify
 * emulator, and graphql-js runs its costly development checks (`instanceOf`) unless NODE_ENV is
 * 'production' when it is imported. A real Shopify does not spend the bench's cores on them. The measured
 * n8n processes keep the environment the bench was started with (MEASURED_NODE_ENV).
 */
export const MEASURED_NODE_ENV: string | undefined = process.env.NODE_ENV;
process.env.NODE_ENV = 'production';

/** The environment of a measured process: the bench's own, with NODE_ENV as the bench was started. */
export function measuredEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
	if (MEASURED_NODE_ENV) env.NODE_ENV = MEASURED_NODE_ENV;
	else delete env.NODE_ENV;
	return env;
}
