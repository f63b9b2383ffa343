/**
 * The Claris ID SRP client against an independent implementation: amazon-cognito-identity-js
 * (Amazon's SDK, a test-only devDependency). Same inputs, same numbers, same key, same timestamp text.
 */
import { createRequire } from 'node:module';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { FileMakerDataApi } from '../../credentials/FileMakerDataApi.credentials';
import {
	cognitoTimestamp,
	modPow,
	padHex,
	passwordAuthenticationKey,
	poolNameOf,
	SRP_G,
	SRP_K,
	SRP_N,
} from '../../nodes/shared/filemaker/clarisId/srp';
import { CLARIS_COGNITO_DEFAULTS, jwtExpiry } from '../../nodes/shared/filemaker/clarisId/tokens';

const require = createRequire(__filename);

interface SdkBigInteger {
	toString(radix: number): string;
}
interface SdkHelper {
	N: SdkBigInteger;
	g: SdkBigInteger;
	k: SdkBigInteger;
	smallAValue: SdkBigInteger;
	largeAValue: SdkBigInteger | undefined;
	padHex(n: SdkBigInteger): string;
	getLargeAValue(cb: (err: unknown, A: SdkBigInteger) => void): void;
	getPasswordAuthenticationKey(
		userId: string,
		password: string,
		B: SdkBigInteger,
		salt: SdkBigInteger,
		cb: (err: unknown, key: Uint8Array) => void,
	): void;
}
const sdk = require('amazon-cognito-identity-js') as {
	AuthenticationHelper: new (poolName: string) => SdkHelper;
	DateHelper: new () => { getNowString(): string };
};
const SdkBigInteger = (require('amazon-cognito-identity-js/lib/BigInteger') as { default: new (hex: string, radix: number) => SdkBigInteger })
	.default;

const big = (hex: string) => new SdkBigInteger(hex, 16);

/** Deterministic "random" hex of n bytes (a counter through a simple LCG: inputs only, not security). */
function hexBytes(seed: number, n: number): string {
	let x = seed >>> 0;
	let out = '';
	for (let i = 0; i < n; i++) {
		x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
		out += (x >>> 24).toString(16).padStart(2, '0');
	}
	return out;
}

function sdkA(helper: SdkHelper, aHex: string): string {
	helper.smallAValue = big(aHex);
	helper.largeAValue = undefined;
	let A = '';
	helper.getLargeAValue((err, value) => {
		if (err) throw err;
		A = value.toString(16);
	});
	return A;
}

async function sdkKey(helper: SdkHelper, userId: string, password: string, bHex: string, saltHex: string): Promise<string> {
	return await new Promise((resolve, reject) =>
		helper.getPasswordAuthenticationKey(userId, password, big(bHex), big(saltHex), (err, key) =>
			err ? reject(err as Error) : resolve(Buffer.from(key).toString('hex')),
		),
	);
}

afterEach(() => {
	vi.useRealTimers();
});

describe('SRP group and padding', () => {
	it('N, g and k equal the SDK values', () => {
		const helper = new sdk.AuthenticationHelper('NqkuZcXQY');
		expect(SRP_N.toString(16)).toBe(helper.N.toString(16));
		expect(SRP_G.toString(16)).toBe(helper.g.toString(16));
		expect(SRP_K.toString(16)).toBe(helper.k.toString(16));
		expect(SRP_N.toString(16)).toHaveLength(768); // 3072 bits
	});

	it.each(['0', '1', '7f', '80', 'ff', '100', 'abc', '0fff', '8000000000', hexBytes(3, 40)])('padHex(0x%s) as the SDK pads it', (hex) => {
		const helper = new sdk.AuthenticationHelper('pool');
		expect(padHex(BigInt(`0x${hex}`))).toBe(helper.padHex(big(hex)));
	});
});

describe('the password key: same inputs, same 16 bytes as amazon-cognito-identity-js', () => {
	const cases = [
		{ name: 'high-bit salt and B', seed: 1, saltHex: 'f1' + hexBytes(11, 15), userId: '4f1c2d3e-aaaa-bbbb-cccc-0123456789ab', password: 'Correct horse 1!' },
		{ name: 'low salt (leading zero nibble)', seed: 2, saltHex: '0a' + hexBytes(12, 15), userId: 'ops@example.com', password: 'p' },
		{ name: 'non-ASCII password', seed: 3, saltHex: hexBytes(13, 16), userId: 'user-3', password: 'Grüße, 東京 ✓' },
		{ name: 'short salt', seed: 4, saltHex: '5', userId: 'u', password: 'secret-4' },
	];
	it.each(cases)('$name', async ({ seed, saltHex, userId, password }) => {
		const poolName = poolNameOf('us-west-2_NqkuZcXQY');
		expect(poolName).toBe('NqkuZcXQY');
		const helper = new sdk.AuthenticationHelper(poolName);
		const aHex = hexBytes(100 + seed, 128);
		const a = BigInt(`0x${aHex}`);
		const A = modPow(SRP_G, a, SRP_N);
		expect(A.toString(16)).toBe(sdkA(helper, aHex));
		// Any B in [1, N) is a valid server value for the arithmetic; take one with a known shape.
		const B = modPow(SRP_G, BigInt(`0x${hexBytes(200 + seed, 64)}`), SRP_N) ^ BigInt(seed);
		const key = passwordAuthenticationKey({ poolName, userId, password, a, A, B, salt: BigInt(`0x${saltHex}`) });
		expect(key).toHaveLength(16);
		expect(key.toString('hex')).toBe(await sdkKey(helper, userId, password, B.toString(16), saltHex));
		// And the key depends on the password.
		const other = passwordAuthenticationKey({ poolName, userId, password: `${password}x`, a, A, B, salt: BigInt(`0x${saltHex}`) });
		expect(other.toString('hex')).not.toBe(key.toString('hex'));
	});

	it('refuses a B that is a multiple of N', () => {
		expect(() =>
			passwordAuthenticationKey({ poolName: 'p', userId: 'u', password: 'x', a: 5n, A: 32n, B: SRP_N, salt: 1n }),
		).toThrow(/SRP_B/);
	});
});

describe('TIMESTAMP', () => {
	it.each([
		Date.UTC(2026, 11, 4, 9, 5, 7), // single-digit day and hour
		Date.UTC(2027, 0, 31, 23, 59, 59),
		Date.UTC(2028, 1, 29, 0, 0, 0),
	])('formats %i as the SDK does', (at) => {
		vi.useFakeTimers({ toFake: ['Date'] });
		vi.setSystemTime(at);
		expect(cognitoTimestamp(new Date(at))).toBe(new sdk.DateHelper().getNowString());
	});

	it('has the documented shape', () => {
		expect(cognitoTimestamp(new Date(Date.UTC(2026, 11, 4, 9, 5, 7)))).toBe('Fri Dec 4 09:05:07 UTC 2026');
	});
});

describe('Claris pool defaults', () => {
	it("the credential's defaults are the values Claris publishes", () => {
		const props = new FileMakerDataApi().properties;
		const defaultOf = (name: string) => props.find((p) => p.name === name)?.default;
		expect(defaultOf('cognitoRegion')).toBe(CLARIS_COGNITO_DEFAULTS.region);
		expect(defaultOf('cognitoUserPoolId')).toBe(CLARIS_COGNITO_DEFAULTS.userPoolId);
		expect(defaultOf('cognitoClientId')).toBe(CLARIS_COGNITO_DEFAULTS.clientId);
		expect(CLARIS_COGNITO_DEFAULTS).toEqual({ region: 'us-west-2', userPoolId: 'us-west-2_NqkuZcXQY', clientId: '4l9rvl4mv5es1eep1qe97cautn' });
		expect(defaultOf('signInWith')).toBe('fileMakerAccount');
	});

	it('jwtExpiry reads exp (seconds) as milliseconds, and nothing from a non-JWT', () => {
		const token = ['e30', Buffer.from(JSON.stringify({ exp: 1_800_000_000 })).toString('base64url'), 'sig'].join('.');
		expect(jwtExpiry(token)).toBe(1_800_000_000_000);
		expect(jwtExpiry('not-a-jwt')).toBeUndefined();
	});
});
