import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * The client side of Amazon Cognito's SRP sign-in (`USER_SRP_AUTH`, then the `PASSWORD_VERIFIER`
 * challenge), with Node's crypto and BigInt only.
 *
 * Cognito uses SRP-6a with the 3072-bit group of RFC 5054 / RFC 3526 (g = 2) and SHA-256, in the
 * byte conventions of Amazon's own SDKs (amazon-cognito-identity-js, Apache-2.0):
 *  - numbers are hashed as "padded hex": even length, with a leading 00 byte when the top bit is set;
 *  - k = H(N | g), u = H(A | B), x = H(salt | H(poolName + userId + ":" + password));
 *  - S = (B - k·g^x)^(a + u·x) mod N, and the password key is HKDF-SHA256(ikm = S, salt = u,
 *    info = "Caldera Derived Key"), its first 16 bytes;
 *  - the claim is HMAC-SHA256(key, poolName + userId + secretBlock + timestamp), base64.
 * Pure functions: the HTTP calls are in ./cognito.ts.
 */

const N_HEX =
	'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
	'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
	'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
	'83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
	'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
	'15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
	'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
	'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';

/** The SRP group: the 3072-bit safe prime of RFC 5054 and its generator. */
export const SRP_N = BigInt(`0x${N_HEX}`);
export const SRP_G = 2n;

const HKDF_INFO = Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]);

/** Hex of a non-negative number as Cognito hashes it: even length, 00 prefix when the top bit is set. */
export function padHex(value: bigint): string {
	if (value < 0n) throw new Error('padHex expects a non-negative number');
	let hex = value.toString(16);
	if (hex.length % 2 !== 0) hex = `0${hex}`;
	if (/^[89a-f]/i.test(hex)) hex = `00${hex}`;
	return hex;
}

function sha256Hex(data: Buffer | string): string {
	return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of the bytes a hex string stands for, as a hex string. */
function hashOfHex(hex: string): string {
	return sha256Hex(Buffer.from(hex, 'hex'));
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
	let result = 1n;
	let b = ((base % modulus) + modulus) % modulus;
	let e = exponent;
	while (e > 0n) {
		if (e & 1n) result = (result * b) % modulus;
		e >>= 1n;
		b = (b * b) % modulus;
	}
	return result;
}

/** k = H(N | g), the SRP-6a multiplier. */
export const SRP_K = BigInt(`0x${hashOfHex(padHex(SRP_N) + padHex(SRP_G))}`);

/** The pool name used in the hashes: the part of the user pool id after the underscore. */
export function poolNameOf(userPoolId: string): string {
	const i = userPoolId.indexOf('_');
	return i >= 0 ? userPoolId.slice(i + 1) : userPoolId;
}

/** A fresh secret `a` (128 random bytes) and the public `A = g^a mod N` sent as SRP_A. */
export function newClientEphemeral(random: (n: number) => Buffer = randomBytes): { a: bigint; A: bigint } {
	for (;;) {
		const a = BigInt(`0x${random(128).toString('hex')}`);
		const A = modPow(SRP_G, a, SRP_N);
		if (A % SRP_N !== 0n) return { a, A };
	}
}

/** u = H(A | B). */
export function scramblingParameter(A: bigint, B: bigint): bigint {
	return BigInt(`0x${hashOfHex(padHex(A) + padHex(B))}`);
}

/** x = H(salt | H(poolName + userId + ":" + password)). */
export function privateKeyX(poolName: string, userId: string, password: string, salt: bigint): bigint {
	const inner = sha256Hex(Buffer.from(`${poolName}${userId}:${password}`, 'utf8'));
	return BigInt(`0x${hashOfHex(padHex(salt) + inner)}`);
}

/** HKDF-SHA256 with Cognito's info string, first 16 bytes. */
export function derivePasswordKey(sharedSecret: bigint, u: bigint): Buffer {
	const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex')).update(Buffer.from(padHex(sharedSecret), 'hex')).digest();
	return createHmac('sha256', prk).update(HKDF_INFO).digest().subarray(0, 16);
}

export interface PasswordKeyInput {
	poolName: string;
	/** USER_ID_FOR_SRP from the challenge (Cognito's user name, not necessarily the email typed). */
	userId: string;
	password: string;
	a: bigint;
	A: bigint;
	/** SRP_B from the challenge. */
	B: bigint;
	/** SALT from the challenge. */
	salt: bigint;
}

/** The 16-byte key both sides derive from the SRP exchange; throws on a B or u that would leak the password. */
export function passwordAuthenticationKey(input: PasswordKeyInput): Buffer {
	const { B, a, A, salt } = input;
	if (B % SRP_N === 0n) throw new Error('Cognito sent an invalid SRP_B');
	const u = scramblingParameter(A, B);
	if (u === 0n) throw new Error('The SRP scrambling parameter is zero');
	const x = privateKeyX(input.poolName, input.userId, input.password, salt);
	const base = (((B - SRP_K * modPow(SRP_G, x, SRP_N)) % SRP_N) + SRP_N) % SRP_N;
	const S = modPow(base, a + u * x, SRP_N);
	return derivePasswordKey(S, u);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The TIMESTAMP Cognito expects: "ddd MMM D HH:mm:ss UTC YYYY" (day not padded), e.g. "Fri Dec 4 21:05:09 UTC 2026". */
export function cognitoTimestamp(at: Date): string {
	const two = (n: number) => String(n).padStart(2, '0');
	return (
		`${WEEKDAYS[at.getUTCDay()]} ${MONTHS[at.getUTCMonth()]} ${at.getUTCDate()} ` +
		`${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} UTC ${at.getUTCFullYear()}`
	);
}

/** PASSWORD_CLAIM_SIGNATURE: HMAC-SHA256(key, poolName | userId | secretBlock bytes | timestamp), base64. */
export function passwordClaimSignature(args: {
	key: Buffer;
	poolName: string;
	userId: string;
	/** SECRET_BLOCK from the challenge (base64). */
	secretBlock: string;
	timestamp: string;
}): string {
	return createHmac('sha256', args.key)
		.update(
			Buffer.concat([
				Buffer.from(args.poolName, 'utf8'),
				Buffer.from(args.userId, 'utf8'),
				Buffer.from(args.secretBlock, 'base64'),
				Buffer.from(args.timestamp, 'utf8'),
			]),
		)
		.digest('base64');
}
