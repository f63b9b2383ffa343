/**
 * What to do with one webhook delivery (pure; no n8n imports, so unit tests call it directly).
 *
 * Order of checks (each one ends the delivery without a workflow execution):
 *  1. no secret configured                      → 401 (and an error in the n8n log: configuration)
 *  2. signature header missing / wrong          → 401 (also for an empty or non-JSON body: an unsigned
 *                                                  request is rejected before its content is looked at)
 *  3. topic header not among the selected topics → 200 { ignored } (Shopify must not retry it)
 *  4. correctly signed but empty / not JSON / not an order or refund
 *                                               → 400 (logged; Shopify retries, then gives up)
 *  5. stock-change output with nothing to apply (e.g. a refund without restock) → 200, no execution
 *  6. a topic whose payload only names the order (orders/edited, reverse_fulfillment_orders/dispose)
 *     → "readOrder": the node reads the order through the API and projects it like the catch-up
 * Otherwise the items for the workflow are returned.
 * Responses never contain the body, the secret or the expected signature.
 */
import {
	headerString,
	ORDER_READ_TOPICS,
	orderIdOfReadTopicPayload,
	parseJsonKeepingBigIds,
	PayloadError,
	stockChangesFromWebhook,
	UnsupportedTopicError,
	verifyShopifyHmac,
	type StockChange,
} from '../../shared/orders';

export type OutputMode = 'stockChanges' | 'raw';

export interface DeliveryInput {
	rawBody: Buffer;
	headers: Record<string, unknown>;
	secret: string | undefined;
	/** Topics selected in the node (REST names, e.g. orders/paid). */
	topics: string[];
	output: OutputMode;
	/**
	 * Several locations: order topics are read through the API (with their fulfillment orders) instead
	 * of projected from the payload, which does not say where each line is fulfilled from.
	 */
	readOrderTopics?: boolean;
}

export interface StockChangeItem extends StockChange {
	topic: string;
	/** X-Shopify-Event-Id (same on every delivery of one event), else X-Shopify-Webhook-Id. */
	eventId: string | null;
}

export type DeliveryDecision =
	| { action: 'reject'; status: 400 | 401; body: { message: string }; log: { level: 'warn' | 'error'; message: string } }
	| { action: 'ignore'; status: 200; body: { received: true; ignored: true; reason: string }; log?: { level: 'info'; message: string } }
	| { action: 'run'; items: Array<Record<string, unknown>>; topic: string; eventId: string | null }
	/** The payload only names the order (orders/edited, return dispositions): read it, then project it. */
	| { action: 'readOrder'; orderId: string; topic: string; eventId: string | null };

function header(headers: Record<string, unknown>, name: string): string | undefined {
	const direct = headerString(headers[name]);
	if (direct !== undefined) return direct;
	const lower = name.toLowerCase();
	for (const [k, v] of Object.entries(headers)) {
		if (k.toLowerCase() === lower) return headerString(v);
	}
	return undefined;
}

const UNAUTHORIZED = { message: 'Unauthorized' };

export function decideDelivery(input: DeliveryInput): DeliveryDecision {
	const { headers } = input;
	const hmacHeader = header(headers, 'x-shopify-hmac-sha256');
	const check = verifyShopifyHmac(input.rawBody, hmacHeader, input.secret);
	if (!check.ok) {
		if (check.reason === 'missingSecret') {
			return {
				action: 'reject',
				status: 401,
				body: UNAUTHORIZED,
				log: {
					level: 'error',
					message:
						'Shopify Inventory Trigger: cannot verify a Shopify webhook because the credential has neither a Webhook Signing Secret nor a Client Secret. The delivery was rejected (401). Enter the secret in the Shopify Inventory API credential.',
				},
			};
		}
		const why =
			check.reason === 'missingHeader'
				? 'it has no X-Shopify-Hmac-Sha256 header'
				: 'its X-Shopify-Hmac-Sha256 signature does not match (wrong secret in the credential, or the body was changed on the way)';
		return {
			action: 'reject',
			status: 401,
			body: UNAUTHORIZED,
			log: { level: 'warn', message: `Shopify Inventory Trigger: rejected a webhook delivery (401) because ${why}` },
		};
	}

	const topic = (header(headers, 'x-shopify-topic') ?? '').trim().toLowerCase();
	const eventId = header(headers, 'x-shopify-event-id')?.trim() || header(headers, 'x-shopify-webhook-id')?.trim() || null;
	const selected = input.topics.map((t) => t.trim().toLowerCase());
	if (!topic || !selected.includes(topic)) {
		const reason = topic
			? `Topic "${topic}" is not selected in this trigger`
			: 'The delivery has no X-Shopify-Topic header';
		return {
			action: 'ignore',
			status: 200,
			body: { received: true, ignored: true, reason },
			log: { level: 'info', message: `Shopify Inventory Trigger: ignored a delivery. ${reason}.` },
		};
	}

	const text = input.rawBody.toString('utf8');
	if (text.trim() === '') {
		return badRequest('The webhook body is empty', topic);
	}
	let payload: unknown;
	try {
		payload = parseJsonKeepingBigIds(text);
	} catch {
		return badRequest('The webhook body is not valid JSON', topic);
	}
	if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
		return badRequest('The webhook body is not a JSON object', topic);
	}

	if (input.output === 'raw') {
		return { action: 'run', items: [payload as Record<string, unknown>], topic, eventId };
	}

	let changes: StockChange[];
	try {
		if (ORDER_READ_TOPICS.has(topic) || (input.readOrderTopics === true && topic.startsWith('orders/'))) {
			return { action: 'readOrder', orderId: orderIdOfReadTopicPayload(topic, payload), topic, eventId };
		}
		changes = stockChangesFromWebhook(topic, payload).changes;
	} catch (error) {
		const what = topic.startsWith('refunds/') ? 'refund' : 'order';
		const detail =
			error instanceof PayloadError || error instanceof UnsupportedTopicError
				? error.message
				: `unexpected content (${(error as Error).message})`;
		return badRequest(`The ${topic} body is not a Shopify ${what}: ${detail}`, topic);
	}
	return runOrIgnore(changes, topic, eventId);
}

/** The items of a delivery's stock changes, or "ignore" when there are none. */
export function runOrIgnore(
	changes: StockChange[],
	topic: string,
	eventId: string | null,
): Extract<DeliveryDecision, { action: 'run' | 'ignore' }> {
	if (changes.length === 0) {
		return {
			action: 'ignore',
			status: 200,
			body: { received: true, ignored: true, reason: 'No stock changes in this delivery' },
		};
	}
	const items = changes.map((c): StockChangeItem => ({ ...c, topic, eventId }));
	return { action: 'run', items: items as unknown as Array<Record<string, unknown>>, topic, eventId };
}

function badRequest(message: string, topic: string): DeliveryDecision {
	return {
		action: 'reject',
		status: 400,
		body: { message },
		log: { level: 'error', message: `Shopify Inventory Trigger: rejected a signed ${topic} delivery (400): ${message}` },
	};
}

/** The secret that signs deliveries: Webhook Signing Secret, else the app's Client Secret. */
export function signingSecret(
	credentials: Record<string, unknown>,
	registration: 'api' | 'manual',
): string | undefined {
	const signing = typeof credentials.webhookSigningSecret === 'string' ? credentials.webhookSigningSecret.trim() : '';
	if (signing) return signing;
	if (registration === 'manual') return undefined;
	const client = typeof credentials.clientSecret === 'string' ? credentials.clientSecret.trim() : '';
	return client || undefined;
}
