/** Texts of the subscription lifecycle (pure). */
import type { UserError } from '../transport/subscriptions';

/** Shopify's userErrors as one line ("field: message; …"). */
export function userErrorText(errors: UserError[]): string {
	return errors
		.map((e) => (e.field && e.field.length ? `${e.field.join('.')}: ${e.message ?? ''}` : e.message ?? ''))
		.filter(Boolean)
		.join('; ');
}

/** What to do when n8n's webhook URL is not a public HTTPS address (empty when it is one). */
export function httpsHint(uri: string): string {
	return /^https:\/\//i.test(uri)
		? ''
		: ` Shopify only delivers webhooks to public HTTPS addresses, and this n8n's webhook URL is ${uri}: set n8n's WEBHOOK_URL to its public https:// address (or use "Subscription Created in Shopify Admin" behind a proxy).`;
}
