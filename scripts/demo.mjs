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
	out(`  ${pad('', 20)} ${pad('---- before ----', 22)} ${pad('---- after -----', 22)}`);
	out(`  ${pad('SKU', 20)} ${padL('FileMaker', 10)} ${padL('Shopify', 10)}  ${padL('FileMaker', 10)} ${padL('Shopify', 10)}   status after`);
	for (const r of interesting) {
		const x = a.get(r.sku);
		out(
			`  ${pad(r.sku, 20)} ${padL(fmtQty(r.fileMaker), 10)} ${padL(r.shopify ?? '—', 10)}  ` +
				`${padL(fmtQty(x?.fileMaker), 10)} ${padL(x?.shopify ?? '—', 10)}   ${x?.status ?? '?'}`,
		);
	}
	out(`  before: ${statusCounts(before)}`);
	out(`  after:  ${statusCounts(after)}`);
}

/** Finds the sync's summary in a run: the item with a `summary` text (the template's Summary node). */
function findSummary(run) {
	const outputs = outputsOf(run);
	const names = Object.keys(outputs);
	const preferred = names.includes('Summary') ? ['Summary', ...names] : names;
	for (const name of preferred) {
		const item = outputs[name]?.find((j) => typeof j?.summary === 'string');
		if (item) return { node: name, item };
	}
	return undefined;
}

async function runSync(stack, timer, out, label) {
	const { n8n, api, ids, workflows } = stack;
	timer.phase(label);
	out(`Running "${workflows.sync.name}" with n8n execute --id=${ids.sync} …`);
	const exec = await n8n.executeWorkflow(ids.sync);
	timer.end();
	const executions = await api.listExecutions({ workflowId: ids.sync });
	const executionId = executions[0]?.id;
	const lastNode = exec.run?.data?.resultData?.lastNodeExecuted;
	const error = exec.run?.data?.resultData?.error;
	const summary = findSummary(exec.run);
	out(
		`  execution ${executionId ?? '?'}: ${exec.ok ? 'succeeded' : 'marked as failed'} ` +
			`(${(exec.ms / 1000).toFixed(1)} s including the CLI start-up)`,
	);
	if (summary) {
		out(`  summary: ${summary.item.summary}`);
		const counts = Object.entries(summary.item)
			.filter(([k, v]) => typeof v === 'number' || typeof v === 'boolean')
			.map(([k, v]) => `${k}=${v}`)
			.join(' ');
		if (counts) out(`  counts:  ${counts}`);
	}
	if (!exec.ok) {
		if (exec.hint) out(`  why:     ${exec.hint}`);
		else if (error?.message) out(`  why:     ${error.message}`);
		else out(`  n8n said:\n${exec.output.split('\n').slice(-25).join('\n')}`);
	}
	return { ...exec, executionId, lastNode, summary };
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
		out('');
		const first = await runSync(stack, timer, out, 'run the sync (n8n execute)');
		let after = await emulators.request('snapshot');
		let exec = first;
		if (sc.duplicateInFileMaker.length > 0 && after.some((r) => r.status === 'duplicate in FileMaker')) {
			out('');
			out(
				`A SKU twice in FileMaker is not guessed at: the sync leaves it alone and flags it. Fixing it the way a ` +
					`FileMaker user would, by deleting the old record of ${sc.duplicateInFileMaker.join(', ')} (Data API DELETE) …`,
			);
			await emulators.request('fixDuplicates');
			exec = await runSync(stack, timer, out, 'run the sync again');
			after = await emulators.request('snapshot');
		}
		handle.syncExecutionId = exec.executionId;
		handle.syncLastNode = exec.lastNode;
		out('');
		out('Before / after (SKUs that were not in step):');
		printBeforeAfter(before, after, out);

		// --- a demo order -------------------------------------------------------------------------
		timer.phase('demo order (signed webhook → FileMaker)');
		const trigger = workflows.orders.nodes.find((n) => n.type === 'n8n-nodes-filemaker-shopify.shopifyInventoryTrigger');
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
		const count = (rows) => Object.fromEntries(Object.entries(rows.reduce((c, r) => ((c[r.status] = (c[r.status] ?? 0) + 1), c), {})));
		handle.result = {
			syncOk: exec.ok,
			firstSyncOk: first.ok,
			firstSyncError: first.run?.data?.resultData?.error?.message ?? null,
			summary: exec.summary?.item?.summary ?? null,
			syncExecutionId: handle.syncExecutionId ?? null,
			before: count(before),
			after: count(after),
			subscriptions: stack.subscriptions.length,
			order: lines.map((l) => ({
				sku: l.sku,
				quantity: l.quantity,
				fileMakerBefore: fmBefore.get(l.sku)?.fileMaker ?? [],
				fileMakerAfter: afterOrder.find((r) => r.sku === l.sku)?.fileMaker ?? [],
			})),
			orderExecutions: orderExecs.map((e) => e.status),
		};
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
		if (handle.result) console.log(`DEMO_RESULT ${JSON.stringify(handle.result)}`);
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
