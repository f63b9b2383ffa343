import type { IDataObject } from 'n8n-workflow';

/**
 * n8n's key for a webhook description's own resolvers (n8n-workflow `WEBHOOK_RESOLVERS`, since n8n 2.41).
 * A global symbol: n8n versions without it never look at the key, and JSON (the editor's copy of the
 * description) drops it.
 */
const WEBHOOK_RESOLVERS = Symbol.for('n8n.webhookDescriptionResolvers');

/**
 * The answer mode n8n uses for the trigger's *Respond* parameter. "After storing the changes in
 * FileMaker" (`afterStored`) answers from the trigger itself, which for n8n is "answer on receipt".
 *
 * Self-contained on purpose: n8n inlines this function's source into the expression it evaluates when
 * the node's parameters hold an expression, so it may not refer to anything outside itself.
 */
export const n8nResponseMode = (parameters: IDataObject): unknown =>
	parameters.responseMode === 'afterStored' ? 'onReceived' : parameters.responseMode;

/**
 * The webhook description's `responseMode`, as n8n's own Webhook node declares its fields: the
 * expression the editor (and any n8n before 2.41) evaluates, plus a resolver n8n calls instead when the
 * node's parameters are static. With the resolver n8n needs no expression engine to answer a delivery:
 * under `N8N_EXPRESSION_ENGINE=vm` with `N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true` no V8 isolate is
 * built for it. n8n uses the resolver only while it still matches the expression exactly.
 */
export function responseModeField(): { responseMode: string } {
	const template = `={{(${String(n8nResponseMode)})($parameter)}}`;
	return {
		responseMode: template,
		[WEBHOOK_RESOLVERS]: { responseMode: { template, resolve: n8nResponseMode } },
	} as { responseMode: string };
}
