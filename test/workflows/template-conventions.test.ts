/**
 * The shipped templates as n8n 2.41 shows them: every n8n-nodes-base node at its newest type version
 * (Respond to Webhook stays at 1: later versions refuse to run after a trigger that is not n8n's own
 * Webhook node), links absolute and to this project's repository, n8n 2.x wording, and the runs a
 * user starts by hand are dry runs.
 */
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import type { IVersionedNodeType, INodeType } from 'n8n-workflow';

import { loadRegistry, loadTemplate, type WorkflowJson } from '../helpers/n8n-harness';

const ROOT = path.resolve(__dirname, '..', '..');
const TEMPLATES = fs.readdirSync(path.join(ROOT, 'workflows')).filter((f) => f.endsWith('.json'));
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { repository: { url: string } };
const REPOSITORY = manifest.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

function newestVersion(type: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in type) return Math.max(...Object.keys(type.nodeVersions).map(Number));
	const version = type.description.version;
	return Array.isArray(version) ? Math.max(...version) : version;
}

const stickyText = (workflow: WorkflowJson) =>
	workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote').map((n) => String(n.parameters.content));

describe.each(TEMPLATES)('%s', (file) => {
	it('uses the newest type version of every n8n-nodes-base node (Respond to Webhook: 1)', async () => {
		const { nodes } = await loadRegistry();
		const workflow = await loadTemplate(file);
		for (const node of workflow.nodes.filter((n) => n.type.startsWith('n8n-nodes-base.'))) {
			const expected = node.type === 'n8n-nodes-base.respondToWebhook' ? 1 : newestVersion(nodes.get(node.type)!);
			expect(node.typeVersion, `${node.name} (${node.type})`).toBe(expected);
			if (['n8n-nodes-base.if', 'n8n-nodes-base.filter'].includes(node.type)) {
				// The conditions' format version that goes with If/Filter 2.3
				expect((node.parameters.conditions as { options: { version: number } }).options.version, node.name).toBe(3);
			}
		}
	});

	it('sticky notes: links absolute and into the repository of package.json, n8n 2.x wording', async () => {
		const notes = stickyText(await loadTemplate(file));
		expect(notes.length).toBeGreaterThan(0);
		for (const note of notes) {
			for (const [, target] of note.matchAll(/\]\(([^)]+)\)/g)) expect(target, target).toMatch(/^https:\/\//);
			for (const [link] of note.matchAll(/https:\/\/github\.com\/[^\s)]+/g)) expect(link.startsWith(`${REPOSITORY}/`), link).toBe(true);
			expect(note).not.toMatch(/\b(Activate|Deactivate|active workflow)\b/i);
			expect(note).not.toMatch(/CONSISTENCY\.md|\bdocs\/[\w-]+\.md(?!\))/);
		}
	});

	it('a Dry Run setting fed by a Manual Trigger is on for the manual run only', async () => {
		const workflow = await loadTemplate(file);
		const manual = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger');
		for (const node of workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.set')) {
			const dryRun = (node.parameters.assignments as { assignments: Array<{ name: string; value: unknown }> } | undefined)?.assignments.find(
				(a) => a.name === 'dryRun',
			);
			if (!dryRun || !manual) continue;
			const fedByManual = (workflow.connections[manual.name]?.main ?? []).some((out) => (out ?? []).some((c) => c.node === node.name));
			if (!fedByManual) continue;
			const fedBySchedule = Object.entries(workflow.connections).some(
				([from, c]) => from !== manual.name && (c.main ?? []).some((out) => (out ?? []).some((t) => t.node === node.name)),
			);
			expect(dryRun.value, node.name).toBe(fedBySchedule ? `={{ $('${manual.name}').isExecuted }}` : true);
		}
	});
});
