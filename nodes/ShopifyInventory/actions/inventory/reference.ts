/** Where a change comes from, as Shopify records it: the reference document URI and the idempotency scope. */
import { randomUUID } from 'node:crypto';

import type { IExecuteFunctions } from 'n8n-workflow';

const REFERENCE_URI_PREFIX = 'gid://n8n-nodes-filemaker-shopify';

function executionIdOf(this: IExecuteFunctions): string | undefined {
	try {
		const id = this.getExecutionId();
		return typeof id === 'string' && id.trim() !== '' ? id : undefined;
	} catch {
		return undefined;
	}
}

/** Scope of this execution's idempotency keys: n8n's execution id (a random id if n8n gives none). */
export function executionScope(this: IExecuteFunctions): string {
	return executionIdOf.call(this) ?? randomUUID();
}

/** The reference document URI written with every change (option, or one naming this execution). */
export function referenceUri(this: IExecuteFunctions, operation: string, configured: unknown): string {
	const value = typeof configured === 'string' ? configured.trim() : '';
	if (value) return value;
	return `${REFERENCE_URI_PREFIX}/${operation}/${executionIdOf.call(this) ?? 'manual'}`;
}
