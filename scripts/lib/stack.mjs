// The whole demo stack in one place: emulators (vite-node child), the package built, packed and
// installed as a community package, credentials + templates imported, the orders workflow
// published, and a real n8n started. Used by scripts/demo.mjs and scripts/screenshots.mjs.
import fs from 'node:fs';
import path from 'node:path';
import {
	REPO_ROOT,
	N8n,
	N8nApi,
	bindTemplates,
	buildAndPack,
	freePort,
	installCommunityPackage,
	installN8n,
	portIsFree,
	sleep,
} from './n8n.mjs';
import { startEmulators } from './emulators.mjs';

export const TEMPLATE_FILES = {
	sync: 'filemaker-to-shopify-sync.json',
	orders: 'shopify-orders-to-filemaker.json',
	single: 'sync-single-sku.json',
};

/**
 * @param {{ workDir: string, port?: number, size?: number, owner: { email: string, password: string },
 *   timer: import('./n8n.mjs').PhaseTimer, log?: (s: string) => void, skipBuild?: boolean,
 *   templatesDir?: string }} o  templatesDir: default workflows/ (other folders only to test this tooling)
 */
export async function startStack(o) {
	const log = o.log ?? ((s) => console.log(s));
	const timer = o.timer;
	const templatesDir = o.templatesDir ?? path.join(REPO_ROOT, 'workflows');
	const missing = Object.values(TEMPLATE_FILES).filter((f) => !fs.existsSync(path.join(templatesDir, f)));
	if (missing.length) throw new Error(`workflow templates missing in workflows/: ${missing.join(', ')}`);

	fs.rmSync(o.workDir, { recursive: true, force: true });
	fs.mkdirSync(o.workDir, { recursive: true });
	const userFolder = path.join(o.workDir, 'n8n');
	const stack = { emulators: undefined, n8n: undefined, api: undefined, ids: {}, workflows: {} };
	stack.stop = async () => {
		await Promise.allSettled([stack.n8n?.stop(), stack.emulators?.stop()]);
	};
	try {
		timer.phase('install n8n (cached after the first run)');
		const install = await installN8n({ onLog: (l) => log(`  ${l}`) });

		timer.phase('build + pack + install the package');
		const tarball = await buildAndPack({ outDir: path.join(o.workDir, 'pack'), skipBuild: o.skipBuild });
		await installCommunityPackage({ tarball, userFolder });

		timer.phase('start emulators');
		stack.emulators = await startEmulators({ size: o.size ?? 300 });
		
		timer.phase('import credentials + templates, publish');
		let port = o.port;
		if (!port) port = (await portIsFree(5678)) ? 5678 : await freePort();
		// As the README recommends for the order webhooks on n8n 2.41: isolates only when an expression runs.
		const n8n = new N8n({ install, userFolder, port, owner: o.owner, logFile: path.join(o.workDir, 'n8n.log'), env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } });
		stack.n8n = n8n;
		await n8n.importCredentials(stack.emulators.ready.credentials);
		const bound = bindTemplates({
			templatesDir,
			files: Object.values(TEMPLATE_FILES),
			outDir: path.join(o.workDir, 'workflows'),
			credentialIds: stack.emulators.ready.credentialIds,
		});
		await n8n.importWorkflowDir(path.join(o.workDir, 'workflows'));
		const needList = bound.some((b) => !b.workflow.id);
		const listed = needList ? await n8n.listWorkflows() : [];
		for (const [key, file] of Object.entries(TEMPLATE_FILES)) {
			const b = bound.find((x) => path.basename(x.file) === file);
			const id = b.workflow.id ?? listed.find((w) => w.name === b.workflow.name)?.id;
			if (!id) throw new Error(`could not find the imported workflow "${b.workflow.name}"`);
			stack.ids[key] = id;
			stack.workflows[key] = b.workflow;
		}
		await n8n.publishWorkflow(stack.ids.orders);

		timer.phase('start n8n');
		await n8n.start();
		stack.api = new N8nApi(n8n.url);
		await stack.api.login(o.owner.email, o.owner.password);
		await stack.api.createApiKey('demo');

		// The trigger subscribes at Shopify (one subscription per topic) when n8n activates the workflow,
		// which can finish just after the "Editor is now accessible" line: wait for it (bounded).
		const trigger = stack.workflows.orders.nodes.find((n) => n.type === 'n8n-nodes-filemaker-shopify.shopifyInventoryTrigger');
		const topics = trigger?.parameters?.topics;
		const expected = Array.isArray(topics) ? topics.length : 1;
		const deadline = Date.now() + 20_000;
		stack.subscriptions = [];
		while (Date.now() < deadline) {
			stack.subscriptions = await stack.emulators.request('subscriptions');
			if (stack.subscriptions.length >= expected) break;
			await sleep(250);
		}
		timer.end();
		return stack;
	} catch (e) {
		if (stack.n8n) log(`--- n8n log (last 80 lines) ---\n${stack.n8n.logTail(80)}`);
		await stack.stop();
		throw e;
	}
}
