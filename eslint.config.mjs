// The rules of n8n's community-node tooling (@n8n/node-cli's `config`): ESLint recommended,
// typescript-eslint recommended, @n8n/eslint-plugin-community-nodes and eslint-plugin-n8n-nodes-base,
// with the same rule overrides. Two differences, which is why package.json sets "n8n.strict": false
// (strict mode accepts only the unmodified stock file): the stock config lints every file in the
// repository, and the emulators, tests, benchmark and scripts here use Node APIs the community rules
// forbid in node code, so they are ignored below; and eslint-plugin-import-x is not used.
// n8n's scanner (`npm run check:package`) lints the shipped nodes, credentials and package.json with
// inline `eslint-disable` comments ignored, so none are used in nodes/ or credentials/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

const communityNodesRecommended = n8nCommunityNodesPlugin.configs.recommended;

export default tseslint.config(
	{
		ignores: ['dist/**', 'node_modules/**', 'test/**', 'bench/**', 'scripts/**', 'coverage/**', 'docs/**', 'workflows/**', '*.js', '*.mjs', 'vitest.config.ts'],
	},
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended, communityNodesRecommended],
		rules: {
			'prefer-spread': 'off',
			'no-console': 'error',
		},
	},
	{
		plugins: { 'n8n-nodes-base': n8nNodesBase },
	},
	{
		// The scanner ignores inline directives; so does this lint, so that it fails where the scanner would.
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		linterOptions: { noInlineConfig: true },
	},
	{
		files: ['package.json'],
		extends: [communityNodesRecommended],
		rules: {
			...n8nNodesBase.configs.community.rules,
		},
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
	},
	{
		files: ['./credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['./nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
);
