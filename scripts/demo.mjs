#!/usr/bin/env node
// One-command demo: `npm run demo` (after `npm install`).
//
// Starts the FileMaker and Shopify emulators with a believable catalogue (some stock out of step,
// a SKU twice in FileMaker, a SKU missing on each side), builds and packs this package, installs it
// into a real n8n 2.x (cached Node 24 + n8n, see scripts/install-n8n.sh) as a community package,
// imports the credentials and the shipped workflow templates, activates the orders workflow, runs the
// sync, sends a demo order (signed webhook), prints what changed, and leaves the editor open.
//
//   DEMO_EXIT_AFTER_RUN=1   exit after printing (smoke test)
//   DEMO_PORT=5678          n8n port (default 5678 when free, else a free port)
//   DEMO_SIZE=300           catalogue size
//   DEMO_EMAIL / DEMO_PASSWORD  the editor login (defaults printed at the end)
//   DEMO_WORK_DIR=.demo     where n8n's user folder, the packed tarball and the log go (wiped at start)
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PhaseTimer, REPO_ROOT, sleep, outputsOf } from './lib/n8n.mjs';
import { startStack } from './lib/stack.mjs';

export const DEFAULT_OWNER = { email: 'demo@example.com', password: 'Demo-Stock-2026' };

const pad = (s, n) => String(s).padEnd(n);
const padL = (s, n) => String(s).padStart(n);

function fmtQty(list) {
	if (!list || list.length === 0) return '—';
	return list.join(' + ');
}

function statusCounts(rows) {
	const c = {};
	for (const r of rows) c[r.status] = (c[r.status] ?? 0) + 1;
	return Object.entries(c)
		.map(([k, v]) => `${v} ${k}`)
		.join(', ');
}

function printBeforeAfter(before, after, out) {
	const a = new Map(after.map((r) => [r.sku, r]));
	const interesting = before.filter((r) => r.status !== 'in step' || a.get(r.sku)?.status !== 'in step');
	interesting.sort((x, y) => x.status.localeCompare(y.status) || x.sku.localeCompare(y.sku));
	out(`  ${pad('SKU', 20)} ${padL('FileMaker', 10)} ${padL('Shopify before', 15)} ${padL('Shopify after', 14)}   after the sync`);
	out(`  ${'-'.repeat(20)} ${'-'.repeat(10)} ${'-'.repeat(15)} ${'-'.repeat(14)}   ${'-'.repeat(22)}`);
	for (const r of interesting) {
		const x = a.get(r.sku);
		out(
			`  ${pad(r.sku, 20)} ${padL(fmtQty(r.fileMaker), 10)} ${padL(r.shopify ?? '—', 15)} ${padL(x?.shopify ?? '—', 14)}   ${x?.status ?? '?'}`,
		);
	}
	out(`  before: ${statusCounts(before)}`);
	out(`  after:  ${statusCounts(after)}`);
}

function compactJson(v, max = 1500) {
	const s = JSON.stringify(v);
	return s.length > max ? `${s.slice(0, max)}…` : s;
}

/**
 * Runs the demo; resolves with a handle ({ url, owner, stack, syncExecutionId, stop }).
 * @param {{ exitAfterRun?: boolean, port?: number, size?: number, owner?: { email: string, password: string },
 *   workDir?: string, log?: (s: string) => void, templatesDir?: string }} o
 */
export async function runDemo(o = {}) {
	const out = o.log ?? ((s) => console.log(s));
	const owner = o.owner ?? {
		email: process.env.DEMO_EMAIL || DEFAULT_OWNER.email,
		password: process.env.DEMO_PASSWORD || DEFAULT_OWNER.password,
	};
	const timer = new PhaseTimer('demo', (l) => out(l));
	out('n8n-nodes-filemaker-shopify demo: FileMaker (source of truth) → Shopify, orders back to FileMaker');
	const stack = await startStack({
		workDir: o.workDir ?? (process.env.DEMO_WORK_DIR || path.join(REPO_ROOT, '.demo')),
		port: o.port ?? (process.env.DEMO_PORT ? Number(process.env.DEMO_PORT) : undefined),
		size: o.size ?? (process.env.DEMO_SIZE ? Number(process.env.DEMO_SIZE) : 300),
		owner,
		timer,
		log: out,
		templatesDir: o.templatesDir,
	});
	const { emulators, n8n, api, ids, workflows } = stack;
	const handle = { url: n8n.url, owner, stack, ids, syncExecutionId: undefined, stop: stack.stop };
	try {
		const ready = emulators.ready;
		const sc = ready.scenario;
		out('');
		out(`FileMaker Data API emulator: ${ready.fileMaker.url}  (database ${ready.fileMaker.database})`);
		out(`Shopify Admin API emulator:  ${ready.shopify.url}  (${ready.shopify.shopDomain})`);
		out(
			`Catalogue: ${sc.fileMakerRecords} FileMaker records, ${sc.shopifyItems} Shopify variants; ` +
				`${sc.outOfStep.length} out of step, only in FileMaker: ${sc.missingInShopify.join(', ')}, ` +
				`only in Shopify: ${sc.missingInFileMaker.join(', ')}, twice in FileMaker: ${sc.duplicateInFileMaker.join(', ')}`,
		);
		out(
			`Orders workflow "${workflows.orders.name}" is active; Shopify subscriptions: ` +
				(stack.subscriptions.length
					? stack.subscriptions.map((s) => `${s.topic} → ${s.uri}`).join('; ')
					: 'NONE (the trigger did not subscribe: see the n8n log)'),
		);

		// --- the sync -------------------------------------------------------------------------
		const before = await emulators.request('snapshot');
		timer.phase('run the sync (n8n execute)');
		out('');
		out(`Running "${workflows.sync.name}" with n8n execute --id=${ids.sync} …`);
		const exec = await n8n.executeWorkflow(ids.sync);
		timer.end();
		const after = await emulators.request('snapshot');
		const executions = await api.listExecutions({ workflowId: ids.sync });
		handle.syncExecutionId = executions[0]?.id;
		if (!exec.ok) {
			out(`The sync FAILED (exit ${exec.code}). Last lines:\n${exec.output.split('\n').slice(-30).join('\n')}`);
		} else {
			const last = exec.run?.data?.resultData?.lastNodeExecuted;
			handle.syncLastNode = last;
			const outputs = outputsOf(exec.run);
			const items = last ? outputs[last] ?? [] : [];
			out(`Sync finished (execution ${handle.syncExecutionId ?? '?'}, ${(exec.ms / 1000).toFixed(1)} s including CLI start-up).`);
			out(`Sync summary (node "${last}", ${items.length} item${items.length === 1 ? '' : 's'}):`);
			for (const it of items.slice(0, 5)) out(`  ${compactJson(it)}`);
			if (items.length > 5) out(`  … ${items.length - 5} more`);
		}
		out('');
		out('Before / after the sync (SKUs that were not in step):');
		printBeforeAfter(before, after, out);

		// --- a demo order -------------------------------------------------------------------------
		timer.phase('demo order (signed webhook → FileMaker)');
		const trigger = workflows.orders.nodes.find((n) => /Trigger$/.test(n.type));
		const topics = trigger?.parameters?.topics;
		const topic = Array.isArray(topics) && topics.length ? topics[0] : typeof topics === 'string' ? topics : 'orders/paid';
		const candidates = sc.inStep.filter((sku) => {
			const r = after.find((x) => x.sku === sku);
			return r && r.status === 'in step' && r.fileMaker[0] >= 3;
		});
		const lines = [
			{ sku: candidates[0], quantity: 2 },
			{ sku: candidates[1], quantity: 1 },
		];
		out('');
		out(`Demo order: ${lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ')} (Shopify delivers ${topic} to n8n) …`);
		const fmBefore = new Map(after.map((r) => [r.sku, r]));
		const order = await emulators.request('createOrder', { lineItems: lines, deliver: true, topic });
		let afterOrder = after;
		const deadline = Date.now() + 30_000;
		while (Date.now() < deadline) {
			afterOrder = await emulators.request('snapshot');
			const done = lines.every((l) => afterOrder.find((r) => r.sku === l.sku)?.fileMaker[0] !== fmBefore.get(l.sku)?.fileMaker[0]);
			if (done) break;
			await sleep(300);
		}
		timer.end();
		const orderName = order?.order?.name ?? order?.order?.id ?? '';
		out(`  order ${orderName}`);
		out(`  ${pad('SKU', 20)} ${padL('ordered', 8)} ${padL('FileMaker before', 17)} ${padL('FileMaker after', 16)} ${padL('Shopify', 8)}`);
		for (const l of lines) {
			const b = fmBefore.get(l.sku);
			const x = afterOrder.find((r) => r.sku === l.sku);
			out(
				`  ${pad(l.sku, 20)} ${padL(l.quantity, 8)} ${padL(fmtQty(b?.fileMaker), 17)} ${padL(fmtQty(x?.fileMaker), 16)} ${padL(x?.shopify ?? '—', 8)}`,
			);
		}
		const orderExecs = await api.listExecutions({ workflowId: ids.orders });
		out(`  orders workflow executions: ${orderExecs.map((e) => `#${e.id} ${e.status}`).join(', ') || 'none'}`);

		out('');
		out(timer.summary());
		out('');
		out(`n8n editor: ${n8n.url}`);
		out(`  login:    ${owner.email} / ${owner.password}`);
		out(`  sync:     ${n8n.url}/workflow/${ids.sync}`);
		out(`  orders:   ${n8n.url}/workflow/${ids.orders}`);
		if (handle.syncExecutionId) out(`  the sync run: ${n8n.url}/workflow/${ids.sync}/executions/${handle.syncExecutionId}`);
		out(`  n8n log:  ${n8n.logFile}`);
		return handle;
	} catch (e) {
		out(`--- n8n log (last 80 lines) ---\n${n8n.logTail(80)}`);
		await stack.stop();
		throw e;
	}
}

async function main() {
	const exitAfterRun = process.env.DEMO_EXIT_AFTER_RUN === '1' || process.env.DEMO_EXIT_AFTER_RUN === 'true';
	let handle;
	let stopping = false;
	const stopAll = async (code) => {
		if (stopping) return;
		stopping = true;
		if (handle) {
			console.log('\nStopping n8n and the emulators …');
			await handle.stop();
		}
		process.exit(code);
	};
	process.on('SIGINT', () => void stopAll(130));
	process.on('SIGTERM', () => void stopAll(143));
	try {
		handle = await runDemo();
	} catch (e) {
		console.error(`\nThe demo failed: ${e.message}`);
		process.exit(1);
	}
	if (exitAfterRun) {
		await stopAll(0);
		return;
	}
	console.log('\nThe editor stays open. Press Ctrl-C to stop everything.');
	// Keep the event loop alive until a signal arrives.
	setInterval(() => undefined, 1 << 30);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	await main();
}
