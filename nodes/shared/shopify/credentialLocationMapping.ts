/**
 * The credential's location mapping inside a node: read from the Shopify Inventory API credential,
 * names turned into ids with at most one call (the shop's locations), errors a merchant can act on.
 * The node's own Locations parameter, when filled in, wins over the credential (callers check it first).
 */
import { NodeOperationError } from 'n8n-workflow';

import type { CostBudget } from './cost';
import { CREDENTIAL_LOCATION_NAMES_QUERY } from './credentialLocations.documents';
import {
	needsLocationList,
	parseCredentialLocations,
	resolveCredentialLocations,
	type CredentialLocations,
	type ResolvedCredentialLocations,
	type ShopLocation,
} from './credentialLocations';
import { shopifyGraphql, type ShopifyContext } from './transport';

export const CREDENTIAL_LOCATIONS_ADVICE =
	'Fix Locations / Default Location in the Shopify Inventory API credential: one line per location, the FileMaker value, =, then the Shopify location name or id (Shopify Inventory → Location → Get Many lists them).';

/** The shop's locations (one call, up to 250: the most a shop's location list is read in one page). */
export async function readShopLocationNames(this: ShopifyContext, budget?: CostBudget): Promise<ShopLocation[]> {
	const { data } = await shopifyGraphql.call(this, CREDENTIAL_LOCATION_NAMES_QUERY, {}, { budget });
	const nodes = (data.locations as { nodes?: unknown } | null | undefined)?.nodes;
	return Array.isArray(nodes) ? (nodes as ShopLocation[]) : [];
}

/**
 * The credential's mapping with ids, or null when it is empty (one location). Reads the shop's
 * locations only when a name is used. A malformed field or an unknown location stops the node with a
 * NodeOperationError naming the line.
 */
export async function resolvedCredentialLocations(
	this: ShopifyContext,
	budget?: CostBudget,
	itemIndex?: number,
): Promise<ResolvedCredentialLocations | null> {
	const credentials = await this.getCredentials('shopifyInventoryApi');
	const refuse = (error: unknown) =>
		new NodeOperationError(this.getNode(), (error as Error).message, { description: CREDENTIAL_LOCATIONS_ADVICE, itemIndex });
	let written: CredentialLocations;
	try {
		written = parseCredentialLocations(credentials.locationMapping, credentials.defaultLocation);
	} catch (error) {
		throw refuse(error);
	}
	if (written.lines.length === 0) return null;
	const shop = needsLocationList(written) ? await readShopLocationNames.call(this, budget) : undefined;
	try {
		return resolveCredentialLocations(written, shop);
	} catch (error) {
		throw refuse(error);
	}
}
