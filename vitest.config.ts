import path from 'node:path';
import { defineConfig } from 'vitest/config';

// n8n-core (loaded natively as CommonJS) and this package's TypeScript (transformed by vitest) must
// share ONE copy of n8n-workflow, or `instanceof NodeApiError` checks inside n8n-core fail.
const n8nWorkflowCjs = path.resolve(__dirname, 'node_modules/n8n-workflow/dist/cjs/index.js');

const shared = {
	alias: { 'n8n-workflow': n8nWorkflowCjs },
	pool: 'forks' as const,
};


export default defineConfig({
	resolve: { alias: { 'n8n-workflow': n8nWorkflowCjs } },
	test: {
		projects: [
			{
				resolve: { alias: shared.alias },
				test: {
					name: 'unit',
					include: ['test/**/*.test.ts'],
					exclude: ['test/e2e/**', 'node_modules/**'],
					testTimeout: 120_000,
					hookTimeout: 120_000,
					pool: shared.pool,
				},
			},
			{
				resolve: { alias: shared.alias },
				test: {
					name: 'e2e',
					include: ['test/e2e/**/*.test.ts'],
					testTimeout: 900_000,
					hookTimeout: 1_800_000,
					pool: shared.pool,
					poolOptions: { forks: { singleFork: true } },
				},
			},
		],
	},
});
