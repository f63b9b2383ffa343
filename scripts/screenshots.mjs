#!/usr/bin/env node
// `npm run screenshots`: runs the demo (real n8n + emulators), logs into the editor with headless
// Chromium over the Chrome DevTools Protocol (Node's global WebSocket, no npm dependencies) and saves
// PNGs of each workflow template and of the finished sync execution to docs/screenshots/.
//
//   CHROMIUM_BIN=/usr/bin/chromium   (Debian: apt-get install -y chromium)
//   SCREENSHOT_WIDTH=1600 SCREENSHOT_HEIGHT=900
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Node 20 has WebSocket only behind a flag: re-run this script with it.
if (typeof WebSocket === 'undefined' && !process.env.SCREENSHOTS_REEXEC) {
	const r = spawnSync(process.execPath, ['--experimental-websocket', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
		stdio: 'inherit',
		env: { ...process.env, SCREENSHOTS_REEXEC: '1' },
	});
	process.exit(r.status ?? 1);
}

const { REPO_ROOT, sleep } = await import('./lib/n8n.mjs');
const { runDemo } = await import('./demo.mjs');
const { Cdp, launchChromium } = await import('./lib/cdp.mjs');

const OUT_DIR = path.join(REPO_ROOT, 'docs', 'screenshots');
const WIDTH = Number(process.env.SCREENSHOT_WIDTH || 1600);
const HEIGHT = Number(process.env.SCREENSHOT_HEIGHT || 900);

async function settleCanvas(page, expectedNodes) {
	await page.waitFor(`document.querySelectorAll('.vue-flow__node').length >= ${expectedNodes}`, {
		timeoutMs: 45_000,
		what: `${expectedNodes} canvas nodes`,
	});
	// Close whatever popped up (what's new, tours, the production checklist of published workflows)
	// and let the fit-view animation end.
	await page.key('Escape', 'Escape', 27);
	await sleep(800);
	await page.eval(DISMISS_POPUPS);
	await sleep(1_200);
}

/** Closes the "Production Checklist" card n8n 2.41 shows on published workflows. */
const DISMISS_POPUPS = `(() => {
	let closed = 0;
	for (const el of document.querySelectorAll('[data-test-id="suggested-actions-close"]')) { el.click(); closed++; }
	return closed;
})()`;

async function main() {
	const shots = [];
	let handle;
	let chromium;
	let cdp;
	const stopAll = async () => {
		cdp?.close();
		await chromium?.stop().catch(() => undefined);
		await handle?.stop().catch(() => undefined);
	};
	process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
	try {
		handle = await runDemo({ workDir: path.join(REPO_ROOT, '.demo') });
		const { url, owner, ids, stack } = handle;

		console.log('\nTaking screenshots with headless Chromium …');
		chromium = await launchChromium({ width: WIDTH, height: HEIGHT });
		cdp = await Cdp.connect(chromium.wsUrl);
		const page = await cdp.newPage({ width: WIDTH, height: HEIGHT });

		// Log in from inside the page, so the auth cookie is bound to the editor's own browser id.
		await page.goto(`${url}/signin`);
		const status = await page.eval(`(async () => {
			let bid = localStorage.getItem('n8n-browserId');
			if (!bid) { bid = crypto.randomUUID(); localStorage.setItem('n8n-browserId', bid); }
			const r = await fetch('/rest/login', {
				method: 'POST', credentials: 'include',
				headers: { 'content-type': 'application/json', 'browser-id': bid },
				body: JSON.stringify(${JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password })}),
			});
			return r.status;
		})()`);
		if (status !== 200) throw new Error(`login from the browser answered HTTP ${status}`);

		const templates = [
			['sync', 'filemaker-to-shopify-sync.png'],
			['orders', 'shopify-orders-to-filemaker.png'],
			['single', 'sync-single-sku.png'],
		];
		for (const [key, file] of templates) {
			await page.goto(`${url}/workflow/${ids[key]}`);
			await settleCanvas(page, stack.workflows[key].nodes.length);
			shots.push(await page.screenshot(path.join(OUT_DIR, file)));
		}

		if (handle.syncExecutionId) {
			await page.goto(`${url}/workflow/${ids.sync}/executions/${handle.syncExecutionId}`);
			// n8n 2.41 shows the execution inline (older versions used an iframe).
			await page.waitFor(`/Succeeded|Success/.test(document.body.innerText)`, { timeoutMs: 45_000, what: 'a succeeded execution' });
			await settleCanvas(page, stack.workflows.sync.nodes.length);
			shots.push(await page.screenshot(path.join(OUT_DIR, 'sync-execution.png')));

			// Open the sync node (FileMaker items in, the summary out) to show what it did.
			const syncNode = stack.workflows.sync.nodes.find(
				(n) => n.type === 'n8n-nodes-filemaker-shopify.shopifyInventory' && n.parameters?.operation === 'sync',
			);
			const last = syncNode?.name ?? handle.syncLastNode;
			if (last) {
				const box = await page.eval(`(() => {
					const want = ${JSON.stringify(last)};
					for (const n of document.querySelectorAll('.vue-flow__node')) {
						const label = n.querySelector('[data-test-id="canvas-node-box-title"], .label, [class*="label"]');
						const text = (label ? label.innerText : n.innerText).split('\\n')[0].trim();
						if (text === want || n.innerText.split('\\n').map((s) => s.trim()).includes(want)) {
							const box = (n.querySelector('[data-test-id="canvas-node"], [class*="node"]') || n).getBoundingClientRect();
							return { x: box.left + box.width / 2, y: box.top + Math.min(box.height, 100) / 2 };
						}
					}
					return null;
				})()`);
				if (box) {
					await page.doubleClick(box.x, box.y);
					await page
						.waitFor(`!!document.querySelector('[data-test-id="ndv"], .ndv-wrapper, [class*="ndv"]')`, { timeoutMs: 15_000, what: 'the node details view' })
						.then(() => sleep(1_500))
						// Output as a schema (one field per line) so that the summary counts are readable.
						.then(() =>
							page.eval(`(() => {
								const tabs = [...document.querySelectorAll('body *')].filter((e) => e.childElementCount === 0 && e.textContent.trim() === 'Schema');
								const last = tabs[tabs.length - 1];
								if (last) last.click();
								return tabs.length;
							})()`),
						)
						.then(() => sleep(1_500))
						.then(async () => shots.push(await page.screenshot(path.join(OUT_DIR, 'sync-execution-summary.png'))))
						.catch((e) => console.log(`could not open "${last}" in the execution: ${e.message}`));
				}
			}
		} else {
			console.log('No sync execution was recorded: sync-execution.png not taken');
		}
		console.log(`Saved:\n${shots.map((s) => `  ${path.relative(REPO_ROOT, s)}`).join('\n')}`);
	} finally {
		await stopAll();
	}
}

main().then(
	() => process.exit(0),
	(e) => {
		console.error(`screenshots failed: ${e.stack ?? e.message}`);
		process.exit(1);
	},
);
