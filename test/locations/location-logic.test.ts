/** Pure logic of several locations: line locations from fulfillment orders, the Sync mapping, costs. */
import { describe, expect, it } from 'vitest';

import { lineLocationsFromFulfillmentOrders, orderStockChanges, normalizeGraphqlOrder } from '../../nodes/shared/orders';
import { orderLocationSettings } from '../../nodes/shared/orders/locationOptions';
import { fileMakerValueOfLocation, parseLocationMapping, splitItemsByLocation } from '../../nodes/ShopifyInventory/logic/locationMapping';
import { fulfillmentOrdersCost, MAX_REQUESTED_COST } from '../../nodes/ShopifyInventory/transport/orders';

const fo = (location: string | null, lines: Array<[string, number]>, status = 'OPEN') => ({
	status,
	assignedLocation: { location: location === null ? null : { id: `gid://shopify/Location/${location}` } },
	lineItems: { nodes: lines.map(([id, totalQuantity]) => ({ totalQuantity, lineItem: { id: `gid://shopify/LineItem/${id}` } })) },
});

describe('lineLocationsFromFulfillmentOrders', () => {
	it('gives each line the location assigned to fulfil it; a split line the one with most units, ties the lowest id', () => {
		const map = lineLocationsFromFulfillmentOrders({
			nodes: [fo('22', [['1', 2], ['2', 1], ['3', 1]]), fo('11', [['2', 3], ['3', 1]], 'CLOSED'), fo(null, [['4', 1]])],
		});
		expect(Object.fromEntries(map!)).toEqual({ '1': '22', '2': '11', '3': '11' });
	});
	it('null when the order carries no fulfillment orders (not read): the order location is used', () => {
		expect(lineLocationsFromFulfillmentOrders(undefined)).toBeNull();
		const order = normalizeGraphqlOrder({
			id: 'gid://shopify/Order/5',
			retailLocation: { id: 'gid://shopify/Location/33' },
			lineItems: { nodes: [{ id: 'gid://shopify/LineItem/1', sku: 'A', quantity: 1, variant: { id: 'v', inventoryItem: { tracked: true } } }] },
			refunds: [],
		});
		expect(orderStockChanges(order)[0]).toMatchObject({ kind: 'sale', locationId: '33' });
	});
	it('the fulfillment order wins over the order location, and the key stays the single-location key', () => {
		const order = normalizeGraphqlOrder({
			id: 'gid://shopify/Order/5',
			retailLocation: { id: 'gid://shopify/Location/33' },
			fulfillmentOrders: { nodes: [fo('44', [['1', 1]])] },
			lineItems: { nodes: [{ id: 'gid://shopify/LineItem/1', sku: 'A', quantity: 1, variant: { id: 'v', inventoryItem: { tracked: true } } }] },
			refunds: [],
		});
		expect(orderStockChanges(order)[0]).toMatchObject({ idempotencyKey: 'shopify:order:5:line:1:sale', locationId: '44' });
	});
});

describe('the Sync mapping', () => {
	const entry = (fileMakerValue: unknown, value: unknown) => ({ fileMakerValue, shopifyLocation: { __rl: true, mode: 'id', value } });
	it('reads values and locations (ids or gids), and finds a location by either', () => {
		const mapping = parseLocationMapping({ mapping: [entry(' WH ', '11'), entry(7, 'gid://shopify/Location/22')] });
		expect(mapping.map((m) => [m.fileMakerValue, m.locationId])).toEqual([
			['WH', 'gid://shopify/Location/11'],
			['7', 'gid://shopify/Location/22'],
		]);
		expect(fileMakerValueOfLocation(mapping, '22')).toBe('7');
		expect(fileMakerValueOfLocation(mapping, '99')).toBeNull();
		expect(parseLocationMapping({})).toEqual([]);
	});
	it('refuses an empty value, a non-id and a FileMaker value mapped twice', () => {
		expect(() => parseLocationMapping({ mapping: [entry('', '11')] })).toThrow('entry 1');
		expect(() => parseLocationMapping({ mapping: [entry('WH', 'warehouse')] })).toThrow('is not a Shopify location');
		expect(() => parseLocationMapping({ mapping: [entry('WH', '11'), entry('WH', '22')] })).toThrow('"WH" is mapped twice');
	});
	it('splits items by location value; unknown or empty values are unmapped', () => {
		const mapping = parseLocationMapping({ mapping: [entry('WH', '11'), entry('SHOP', '22')] });
		const split = splitItemsByLocation(
			[{ json: { sku: 'A', location: 'SHOP' } }, { json: { sku: 'B', location: 'WH' } }, { json: { sku: 'C', location: 'X' } }, { json: { sku: 'D' } }],
			mapping,
			'location',
		);
		expect(split.groups.map((g) => [g.mapping.fileMakerValue, g.items.map((i) => i.itemIndex)])).toEqual([
			['WH', [1]],
			['SHOP', [0]],
		]);
		expect(split.unmapped).toEqual([
			{ itemIndex: 2, value: 'X' },
			{ itemIndex: 3, value: '' },
		]);
	});
});

describe('order readers: settings and cost', () => {
	it('no mapping: null (single location); a default location as id or gid', () => {
		expect(orderLocationSettings({}, '')).toBeNull();
		const s = orderLocationSettings({ mapping: [{ fileMakerValue: 'WH', shopifyLocation: { value: 'gid://shopify/Location/11' } }] }, { value: '11' });
		expect(s).toEqual({ mapping: [{ fileMakerValue: 'WH', locationId: '11' }], defaultLocationId: '11' });
		expect(() => orderLocationSettings({ mapping: [{ fileMakerValue: 'WH', shopifyLocation: { value: '11' } }] }, 'nowhere')).toThrow('Default Location');
	});
	it('the fulfillment orders read stays below the single-query cost limit', () => {
		expect(fulfillmentOrdersCost()).toBeLessThan(MAX_REQUESTED_COST);
	});
});
