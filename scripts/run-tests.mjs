// `npm test [-- vitest options]`: the unit project first, then the end-to-end project (real n8n, single
// process and queue mode), one after the other so that the end-to-end tests do not compete for the CPU
// with hundreds of in-process tests. Options are passed to both runs. With --outputFile=<f> (JSON
// reporter) each run writes its own file and <f> gets the two merged, so CI can print one count.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const vitest = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs');

const args = process.argv.slice(2);
let outputFile;
const rest = [];
for (let i = 0; i < args.length; i++) {
	const a = args[i];
	if (a.startsWith('--outputFile=')) outputFile = a.slice('--outputFile='.length);
	else if (a === '--outputFile') outputFile = args[++i];
	else rest.push(a);
}

let status = 0;
const parts = [];
for (const project of ['unit', 'e2e']) {
	const out = outputFile ? `${outputFile}.${project}.json` : undefined;
	const run = spawnSync(process.execPath, [vitest, 'run', '--project', project, ...rest, ...(out ? [`--outputFile=${out}`] : [])], {
		cwd: root,
		stdio: 'inherit',
	});
	if (run.status !== 0) status = run.status ?? 1;
	if (out && fs.existsSync(out)) parts.push(JSON.parse(fs.readFileSync(out, 'utf8')));
}

if (outputFile) {
	const sum = (key) => parts.reduce((n, p) => n + (p[key] || 0), 0);
	const merged = {
		numTotalTests: sum('numTotalTests'),
		numPassedTests: sum('numPassedTests'),
		numFailedTests: sum('numFailedTests'),
		numPendingTests: sum('numPendingTests'),
		numTodoTests: sum('numTodoTests'),
		success: status === 0 && parts.every((p) => p.success !== false),
		testResults: parts.flatMap((p) => p.testResults || []),
	};
	fs.writeFileSync(outputFile, JSON.stringify(merged));
}
process.exit(status);
