// `npm run bench [-- options]`: runs the bench's sections (TypeScript) with vite-node, which comes with
// vitest. bench/vite.config.ts gives it the same n8n-workflow alias as vitest.config.ts.
//   --section sync           bench/run.ts: the sync template against the baseline and the floor
//   --section order-bursts   bench/order-bursts.ts: order webhook bursts, default vs direct mode
//   (no --section and no options: both, one after the other; options without --section: sync). Options go to the section (bench/README.md,
//   `npm run bench -- --section sync --help`), e.g.
//   npm run bench -- --section sync --sizes 1000,10000,50000 --fm-latency 20 --speedup 1000:1,10000:2,50000:3
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const viteNode = path.join(path.dirname(require.resolve('vite-node/package.json')), 'vite-node.mjs');
const SECTIONS = { sync: 'run.ts', 'order-bursts': 'order-bursts.ts' };

const args = process.argv.slice(2);
let sections = Object.keys(SECTIONS);
const at = args.findIndex((a) => a === '--section' || a.startsWith('--section='));
if (at >= 0) {
	const value = args[at].includes('=') ? args[at].split('=')[1] : args[at + 1];
	args.splice(at, args[at].includes('=') ? 1 : 2);
	if (!(value in SECTIONS)) {
		console.error(`--section takes ${Object.keys(SECTIONS).join(' or ')}, not "${value}"`);
		process.exit(2);
	}
	sections = [value];
} else if (args.length > 0) {
	// Options without --section are the sync section's (as before there were sections).
	sections = ['sync'];
}

let current;
const forward = (signal) => () => current?.kill(signal);
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));

for (const section of sections) {
	const code = await new Promise((resolve) => {
		current = spawn(
			process.execPath,
			[viteNode, '--config', path.join(root, 'bench', 'vite.config.ts'), path.join(root, 'bench', SECTIONS[section]), '--', ...args],
			{ cwd: root, stdio: 'inherit' },
		);
		current.on('close', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
	});
	if (code !== 0) process.exitCode = code;
}
