import path from 'node:path';
import { defineConfig } from 'vite';

// Same alias as vitest.config.ts: n8n-core (CommonJS) and this package's TypeScript must share ONE
// copy of n8n-workflow, or `instanceof NodeApiError` checks inside n8n-core fail.
export default defineConfig({
	resolve: {
		alias: {
			'n8n-workflow': path.resolve(__dirname, '..', 'node_modules/n8n-workflow/dist/cjs/index.js'),
		},
	},
	logLevel: 'warn',
});
