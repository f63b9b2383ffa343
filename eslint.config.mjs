import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

export default [
	{
		ignores: ['dist/**', 'node_modules/**', 'test/**', 'bench/**', 'scripts/**', 'coverage/**', '*.js', '*.mjs', 'vitest.config.ts'],
	},
	{
		files: ['**/*.ts'],
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
		},
	},
	n8nCommunityNodesPlugin.configs.recommended,
];
