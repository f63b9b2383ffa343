#!/usr/bin/env node
// Packs the package exactly as `npm pack` / `npm publish` would (the build runs through "prepack"),
// lists the tarball's files and fails when:
//   - a node, credential, codex file, icon, template, the licence or the changelog is missing;
//   - tests, benchmarks, scripts, docs or TypeScript sources ship;
//   - package.json lacks what n8n's verification asks for (repository, bugs, homepage, licence, author);
//   - a link to this project's repository names another URL than package.json's "repository";
//   - n8n's community-package scanner (@n8n/scan-community-package) finds a violation.
// The scanner's own command line downloads a published version from the registry and checks its
// provenance; before publication we run its analysis functions on the same two legs it lints:
// the source (nodes, credentials, package.json) and the unpacked tarball (compiled .js, package.json).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];
const fail = (message) => problems.push(message);

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

// 1. Pack from a state without build output, so the tarball proves that `npm pack` builds.
fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'package-check-'));
console.log('== npm pack (prepack runs the build)');
execFileSync('npm', ['pack', '--pack-destination', workDir], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
const tarball = fs.readdirSync(workDir).find((name) => name.endsWith('.tgz'));
if (!tarball) {
	console.error('npm pack produced no tarball');
	process.exit(1);
}
const tarballPath = path.join(workDir, tarball);
const files = execFileSync('tar', ['-tzf', tarballPath], { encoding: 'utf8' })
	.split('\n')
	.filter((line) => line && !line.endsWith('/'))
	.map((line) => line.replace(/^package\//, ''))
	.sort();

console.log(`\n== tarball ${tarball}: ${files.length} files, ${fs.statSync(tarballPath).size} bytes`);
for (const file of files) console.log(`  ${file}`);

// 2. What must ship.
const shipped = new Set(files);
const required = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'];
for (const entry of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
	required.push(entry);
}
for (const nodeFile of manifest.n8n.nodes) {
	required.push(nodeFile.replace(/\.js$/, '.json')); // codex file: categories, aliases, links
	const sourceDir = path.join(root, path.dirname(nodeFile).replace(/^dist\//, ''));
	for (const icon of fs.readdirSync(sourceDir).filter((name) => name.endsWith('.svg') || name.endsWith('.png'))) {
		required.push(path.posix.join(path.dirname(nodeFile), icon));
	}
}
for (const icon of fs.readdirSync(path.join(root, 'credentials')).filter((name) => /\.(svg|png)$/.test(name))) {
	required.push(`dist/credentials/${icon}`);
}
for (const template of fs.readdirSync(path.join(root, 'workflows')).filter((name) => name.endsWith('.json'))) {
	required.push(`workflows/${template}`);
}
for (const file of required) {
	if (!shipped.has(file)) fail(`missing from the tarball: ${file}`);
}

// 3. What must not ship.
const forbidden = [
	[/^(test|bench|scripts|docs|coverage|\.ci|\.github|node_modules)\//, 'development folder'],
	[/(^|\/)(test|bench|__tests__)\//, 'compiled tests or benchmark'],
	[/\.test\.(js|ts|d\.ts|js\.map)$/, 'test file'],
	[/(?<!\.d)\.ts$/, 'TypeScript source'],
	[/^dist\/(?!nodes\/|credentials\/)/, 'build output outside nodes/credentials'],
	[/\.tsbuildinfo$|(^|\/)tsconfig[^/]*\.json$|(^|\/)\.env/, 'build or environment file'],
];
for (const file of files) {
	for (const [pattern, what] of forbidden) {
		if (pattern.test(file)) {
			fail(`${what} in the tarball: ${file}`);
			break;
		}
	}
}

// 3b. Each built node against its codex file: the codex names the node, gives categories and a
//     documentation link; action nodes are usable as AI tools, triggers are not.
const requireFromRoot = createRequire(path.join(root, 'package.json'));
for (const nodeFile of manifest.n8n.nodes) {
	const exported = requireFromRoot(path.join(root, nodeFile));
	const NodeClass = Object.values(exported).find((value) => typeof value === 'function');
	const description = new NodeClass().description;
	const codexPath = path.join(root, nodeFile.replace(/\.js$/, '.json'));
	if (!fs.existsSync(codexPath)) continue; // reported above as missing
	const codex = JSON.parse(fs.readFileSync(codexPath, 'utf8'));
	const label = `${description.displayName} (${nodeFile})`;
	if (codex.node !== `${manifest.name}.${description.name}`) fail(`${label}: codex "node" is ${codex.node}, expected ${manifest.name}.${description.name}`);
	if (!Array.isArray(codex.categories) || codex.categories.length === 0) fail(`${label}: codex has no categories`);
	if (!codex.resources?.primaryDocumentation?.[0]?.url) fail(`${label}: codex has no documentation link`);
	const isTrigger = description.group.includes('trigger');
	if (isTrigger && description.usableAsTool === true) fail(`${label}: a trigger must not set usableAsTool`);
	if (!isTrigger && description.usableAsTool !== true) fail(`${label}: action nodes set usableAsTool: true`);
}

// 4. package.json as n8n's verification and the npm page need it.
const repositoryUrl = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
const repositoryBase = (repositoryUrl ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
if (!/^https:\/\/github\.com\/[^/]+\/[^/]+$/.test(repositoryBase)) {
	fail(`package.json "repository" must name the public GitHub source (found ${JSON.stringify(repositoryUrl)})`);
}
if (!manifest.bugs?.url?.startsWith(`${repositoryBase}/`)) fail('package.json "bugs.url" must be the repository\'s issues page');
if (!manifest.homepage?.startsWith(repositoryBase)) fail('package.json "homepage" must be in the repository');
if (!manifest.license) fail('package.json has no "license"');
if (!manifest.author?.name) fail('package.json has no author name');
if (!manifest.keywords?.includes('n8n-community-node-package')) fail('keyword n8n-community-node-package missing');
if (Object.keys(manifest.dependencies ?? {}).length > 0) fail('community nodes must have no runtime dependencies');

// 5. The repository URL lives in package.json only: every other link to this project's repository
//    (README, codex files, templates) must agree with it.
const projectLink = new RegExp(`https://github\\.com/[\\w.-]+/${manifest.name}[\\w./#?=&%-]*`, 'g');
const linkSources = ['README.md', 'CHANGELOG.md', ...manifest.n8n.nodes.map((entry) => entry.replace(/^dist\//, '').replace(/\.js$/, '.json'))];
for (const template of fs.readdirSync(path.join(root, 'workflows')).filter((name) => name.endsWith('.json'))) {
	linkSources.push(`workflows/${template}`);
}
for (const source of linkSources) {
	const text = fs.existsSync(path.join(root, source)) ? fs.readFileSync(path.join(root, source), 'utf8') : '';
	for (const link of text.match(projectLink) ?? []) {
		if (link !== repositoryBase && !link.startsWith(`${repositoryBase}/`) && !link.startsWith(`${repositoryBase}#`)) {
			fail(`${source} links ${link}, not the repository in package.json (${repositoryBase})`);
		}
	}
}

// 6. n8n's scanner, on the source and on the unpacked tarball.
const unpacked = path.join(workDir, 'unpacked');
fs.mkdirSync(unpacked);
execFileSync('tar', ['-xzf', tarballPath, '-C', unpacked, '--strip-components=1']);
const scannerVersion = JSON.parse(
	fs.readFileSync(path.join(root, 'node_modules/@n8n/scan-community-package/package.json'), 'utf8'),
).version;
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import('@n8n/scan-community-package/scanner/scanner.mjs');
const sourceResult = await analyzePackage(root, SOURCE_FILE_PATTERNS);
const tarballResult = await analyzePackage(unpacked, ['**/*.js', 'package.json']);
const scannerPassed = sourceResult.passed && tarballResult.passed;
console.log(`\n== n8n community-package scanner ${scannerVersion} (analysis; provenance is checked by n8n after publication)`);
console.log(`  source  (${SOURCE_FILE_PATTERNS.join(', ')}): ${sourceResult.passed ? 'passed' : `FAILED: ${sourceResult.message}`}`);
console.log(`  tarball (**/*.js, package.json): ${tarballResult.passed ? 'passed' : `FAILED: ${tarballResult.message}`}`);
for (const details of [sourceResult.details, tarballResult.details].filter(Boolean)) console.log(details);
console.log(`Scanner verdict: ${scannerPassed ? 'PASSED' : 'FAILED'}`);
if (!scannerPassed) fail('n8n community-package scanner found violations (see above)');

fs.rmSync(workDir, { recursive: true, force: true });
if (problems.length > 0) {
	console.error(`\nPackage check FAILED:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
	process.exit(1);
}
console.log(`\nPackage check passed: ${files.length} files, nothing from tests, benchmarks or sources.`);
