/**
 * The server side of Cognito's SRP-6a (what a user pool computes), written for the emulator on its
 * own: it shares no code with the client in nodes/shared/filemaker/clarisId, so a byte-convention
 * mistake on either side makes the sign-in fail instead of agreeing with itself.
 *
 * Group: RFC 5054 3072-bit prime, g = 2, SHA-256. Numbers are hashed in "padded hex" (even length,
 * a 00 byte in front when the top bit is set).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export const N = BigInt(
	'0x' +
		[
			'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD',
			'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED',
			'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F',
			'83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B',
			'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510',
			'15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7',
			'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C',
			'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
		].join(''),
);
export const g = 2n;

function toPaddedBytes(n: bigint): Buffer {
	let hex = n.toString(16);
	if (hex.length % 2) hex = '0' + hex;
	const bytes = Buffer.from(hex, 'hex');
	return bytes[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

function H(...parts: Buffer[]): bigint {
	const h = createHash('sha256');
	for (const p of parts) h.update(p);
	return BigInt('0x' + h.digest('hex'));
}

export function powMod(base: bigint, exp: bigint, mod: bigint): bigint {
	let r = 1n;
	let b = ((base % mod) + mod) % mod;
	for (let e = exp; e > 0n; e >>= 1n) {
		if (e & 1n) r = (r * b) % mod;
		b = (b * b) % mod;
	}
	return r;
}

export const k = H(toPaddedBytes(N), toPaddedBytes(g));

/** The verifier a pool stores for a user: v = g^x, x = H(salt | H(pool + userId + ":" + password)). */
export function makeVerifier(poolName: string, userId: string, password: string): { salt: bigint; verifier: bigint } {
	const salt = BigInt('0x' + randomBytes(16).toString('hex'));
	return { salt, verifier: powMod(g, xOf(poolName, userId, password, salt), N) };
}

function xOf(poolName: string, userId: string, password: string, salt: bigint): bigint {
	const inner = createHash('sha256').update(`${poolName}${userId}:${password}`, 'utf8').digest();
	// The inner hash is taken as its hex text, then as bytes: the same bytes as the digest itself.
	return H(toPaddedBytes(salt), inner);
}

/** Server ephemeral: b random, B = k·v + g^b mod N. */
export function serverEphemeral(verifier: bigint): { b: bigint; B: bigint } {
	for (;;) {
		const b = BigInt('0x' + randomBytes(128).toString('hex'));
		const B = (k * verifier + powMod(g, b, N)) % N;
		if (B !== 0n) return { b, B };
	}
}

/** The 16-byte key of the exchange, server side: S = (A·v^u)^b. */
export function serverKey(A: bigint, B: bigint, b: bigint, verifier: bigint): Buffer {
	const u = H(toPaddedBytes(A), toPaddedBytes(B));
	const S = powMod((A * powMod(verifier, u, N)) % N, b, N);
	const prk = createHmac('sha256', toPaddedBytes(u)).update(toPaddedBytes(S)).digest();
	return createHmac('sha256', prk)
		.update(Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]))
		.digest()
		.subarray(0, 16);
}

export function claimSignature(key: Buffer, poolName: string, userId: string, secretBlock: string, timestamp: string): string {
	return createHmac('sha256', key)
		.update(Buffer.concat([Buffer.from(poolName), Buffer.from(userId), Buffer.from(secretBlock, 'base64'), Buffer.from(timestamp)]))
		.digest('base64');
}
