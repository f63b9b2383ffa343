/**
 * The credential's Locations field (pure parser and name resolution): one line per location,
 * `<FileMaker value> = <Shopify location>` split at the first `=`, ids or exact names.
 */
import { describe, expect, it } from 'vitest';

import {
	CredentialLocationsError,
	needsLocationList,
	parseCredentialLocations,
	parseLocationReference,
	resolveCredentialLocations,
} from '../../nodes/shared/shopify/credentialLocations';

const SHOP = [
	{ id: 'gid://shopify/Location/111', name: 'Main warehouse' },
	{ id: 'gid://shopify/Location/222', name: 'Shop = Front' },
	{ id: 'gid://shopify/Location/333', name: 'Pop-up' },
];

describe('parseCredentialLocations', () => {
	it('empty, blank lines and comments only: no lines (one location)', () => {
		expect(parseCredentialLocations('').lines).toEqual([]);
		expect(parseCredentialLocations(undefined).lines).toEqual([]);
		expect(parseCredentialLocations('\n   \n# WH = Main warehouse\n  # another\n').lines).toEqual([]);
		expect(parseCredentialLocations('', '').defaultLocation).toBeNull();
	});

	it('trims both sides, skips blank and comment lines, keeps line numbers', () => {
		const parsed = parseCredentialLocations('# my shop\n\n  WH =  Main warehouse  \r\nSHOP=gid://shopify/Location/222\n  POP = 333', ' Pop-up ');
		expect(parsed.lines).toEqual([
			{ line: 3, fileMakerValue: 'WH', location: { kind: 'name', name: 'Main warehouse' } },
			{ line: 4, fileMakerValue: 'SHOP', location: { kind: 'id', id: '222' } },
			{ line: 5, fileMakerValue: 'POP', location: { kind: 'id', id: '333' } },
		]);
		expect(parsed.defaultLocation).toEqual({ kind: 'name', name: 'Pop-up' });
	});

	it('splits at the first =: a location name may contain =, the FileMaker value may not', () => {
		expect(parseCredentialLocations('FRONT = Shop = Front').lines[0]).toMatchObject({ fileMakerValue: 'FRONT', location: { kind: 'name', name: 'Shop = Front' } });
		expect(parseCredentialLocations('A=B=C').lines[0]).toMatchObject({ fileMakerValue: 'A', location: { kind: 'name', name: 'B=C' } });
	});

	it('refuses a FileMaker value mapped twice, naming both lines', () => {
		expect(() => parseCredentialLocations('WH = 111\n\nWH = 222')).toThrow(new CredentialLocationsError('Locations, lines 1 and 3: the FileMaker location "WH" is mapped twice'));
	});

	it('refuses a Shopify location mapped twice (same id written two ways, or the same name)', () => {
		expect(() => parseCredentialLocations('WH = 111\nSHOP = gid://shopify/Location/111')).toThrow(/lines 1 and 2: the Shopify location id 111 is mapped to both "WH" and "SHOP"/);
		expect(() => parseCredentialLocations('WH = Pop-up\nSHOP = Pop-up')).toThrow(/lines 1 and 2: the Shopify location "Pop-up" is mapped to both/);
	});

	it('refuses a line without =, or with an empty side, naming the line', () => {
		expect(() => parseCredentialLocations('WH = 111\nSHOP 222')).toThrow(/Locations, line 2 \("SHOP 222"\): write the FileMaker location value, then =/);
		expect(() => parseCredentialLocations(' = 111')).toThrow(/line 1: the FileMaker location value before = is empty/);
		expect(() => parseCredentialLocations('WH =  ')).toThrow(/line 1 \("WH"\): the Shopify location after = is empty/);
	});
});

describe('parseLocationReference', () => {
	it('ids in both forms, anything else a name, empty nothing', () => {
		expect(parseLocationReference('123')).toEqual({ kind: 'id', id: '123' });
		expect(parseLocationReference(' gid://shopify/Location/123 ')).toEqual({ kind: 'id', id: '123' });
		expect(parseLocationReference('gid://shopify/Product/123')).toEqual({ kind: 'name', name: 'gid://shopify/Product/123' });
		expect(parseLocationReference('Store 12')).toEqual({ kind: 'name', name: 'Store 12' });
		expect(parseLocationReference('  ')).toBeNull();
	});
});

describe('resolveCredentialLocations', () => {
	it('names become ids; ids need no list', () => {
		const parsed = parseCredentialLocations('WH = Main warehouse\nFRONT = Shop = Front\nPOP = 333', 'Main warehouse');
		expect(needsLocationList(parsed)).toBe(true);
		expect(resolveCredentialLocations(parsed, SHOP)).toEqual({
			mapping: [
				{ fileMakerValue: 'WH', locationId: '111' },
				{ fileMakerValue: 'FRONT', locationId: '222' },
				{ fileMakerValue: 'POP', locationId: '333' },
			],
			defaultLocationId: '111',
		});
		const idsOnly = parseCredentialLocations('WH = 111\nPOP = gid://shopify/Location/333', '111');
		expect(needsLocationList(idsOnly)).toBe(false);
		expect(resolveCredentialLocations(idsOnly)).toEqual({
			mapping: [
				{ fileMakerValue: 'WH', locationId: '111' },
				{ fileMakerValue: 'POP', locationId: '333' },
			],
			defaultLocationId: '111',
		});
		expect(needsLocationList(parseCredentialLocations('WH = 111', 'Pop-up'))).toBe(true);
	});

	it('an unknown name is refused naming it, its line and the shop’s location names', () => {
		const parsed = parseCredentialLocations('WH = Main warehouse\nSHOP = Main Warehose');
		expect(() => resolveCredentialLocations(parsed, SHOP)).toThrow(
			'Locations, line 2 ("SHOP"): the shop has no location named "Main Warehose". The shop\'s locations: "Main warehouse" (111), "Shop = Front" (222), "Pop-up" (333).',
		);
	});

	it('names match exactly; a case-only difference is pointed out', () => {
		expect(() => resolveCredentialLocations(parseCredentialLocations('WH = main warehouse'), SHOP)).toThrow(/no location named "main warehouse". Did you mean "Main warehouse"\?/);
	});

	it('with the list, an id the shop does not have is refused too; so is an unknown default', () => {
		expect(() => resolveCredentialLocations(parseCredentialLocations('WH = 999'), SHOP)).toThrow(/line 1 \("WH"\): the shop has no location with id 999. The shop's locations: "Main warehouse"/);
		expect(() => resolveCredentialLocations(parseCredentialLocations('WH = 111', 'Nowhere'), SHOP)).toThrow(/^Default Location: the shop has no location named "Nowhere"/);
	});

	it('a name and an id naming the same location, or two locations with one name, are refused', () => {
		expect(() => resolveCredentialLocations(parseCredentialLocations('WH = Main warehouse\nSHOP = 111'), SHOP)).toThrow(/lines 1 and 2: both name the Shopify location 111/);
		const twins = [...SHOP, { id: 'gid://shopify/Location/444', name: 'Pop-up' }];
		expect(() => resolveCredentialLocations(parseCredentialLocations('POP = Pop-up'), twins)).toThrow(/2 locations named "Pop-up" \(333, 444\); write the id/);
	});
});
