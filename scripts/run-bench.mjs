// `npm run bench [-- options]`: runs bench/run.ts (TypeScript) with vite-node, which comes with vitest.
// bench/vite.config.ts gives it the same n8n-workflow alias as vitest.config.ts. Options are passed
// through (see bench/README.md or `npm run bench -- --help`), e.g.
//   npm run bench -- --sizes 1000,10000,50000 --fm-latency 20 --speedup 1000:1,10000:2,50000:3
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const viteNode = path.join(path.dirname(require.resolve('vite-node/package.json')), 'vite-node.mjs');

const child = spawn(
	process.execPath,
	[viteNode, '--config', path.join(root, 'bench', 'vite.config.ts'), path.join(root, 'bench', 'run.ts'), '--', ...process.argv.slice(2)],
	{ cwd: root, stdio: 'inherit' },
);
const forward = (signal) => () => child.kill(signal);
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));
child.on('close', (code, signal) => {
	process.exitCode = code ?? (signal ? 1 : 0);
});
