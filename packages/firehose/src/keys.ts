// atproto signing keys (did:key / multikey: secp256k1 or P-256, compressed) and commit signature
// checks in native code: OpenSSL through node:crypto, or libsecp256k1 for secp256k1 keys when the
// optional `secp256k1` package is installed (several times faster than OpenSSL on that curve;
// pure JavaScript, as @atproto/crypto uses, is several times slower again).
import { type KeyObject, createPublicKey, hash, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import { InvalidKeyError } from './errors.ts';

export type Curve = 'secp256k1' | 'p256';

export interface PublicKey {
  curve: Curve;
  /** The multikey it was built from ('z...'), to tell whether a refreshed key is new. */
  multikey: string;
  /** The compressed point (33 bytes). */
  point: Uint8Array;
  keyObject: KeyObject;
}

interface Libsecp256k1 {
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, pubkey: Uint8Array): boolean;
}

function loadLibsecp256k1(): Libsecp256k1 | null {
  try {
    return createRequire(import.meta.url)('secp256k1/bindings.js') as Libsecp256k1;
  } catch {
    return null; // not installed, or no prebuilt binary for this platform: OpenSSL it is
  }
}

const libsecp256k1 = loadLibsecp256k1();

/** Which code checks secp256k1 signatures in this process. */
export const secp256k1Backend: 'libsecp256k1' | 'openssl' = libsecp256k1 ? 'libsecp256k1' : 'openssl';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE58_INDEX = new Map([...BASE58].map((c, i) => [c, i] as const));

// DER prefixes of a SubjectPublicKeyInfo for a compressed EC point (RFC 5480): SEQUENCE {
// AlgorithmIdentifier { id-ecPublicKey, curve OID }, BIT STRING { 0x00, 33-byte point } }.
const SPKI_PREFIX: Record<Curve, Buffer> = {
  secp256k1: Buffer.from('3036301006072a8648ce3d020106052b8104000a032200', 'hex'),
  p256: Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'),
};

// Signatures must be low-S (atproto rejects the malleable high-S twin); OpenSSL accepts both.
const HALF_ORDER: Record<Curve, bigint> = {
  secp256k1: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n >> 1n,
  p256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n >> 1n,
};

/** Parses 'did:key:z...' or a bare multikey 'z...' (as in a DID document's publicKeyMultibase). */
export function parsePublicKey(text: string): PublicKey {
  const multikey = text.startsWith('did:key:') ? text.slice('did:key:'.length) : text;
  if (!multikey.startsWith('z')) throw new InvalidKeyError('key is not base58btc multibase');
  const bytes = base58Decode(multikey.slice(1));
  let curve: Curve;
  if (bytes[0] === 0xe7 && bytes[1] === 0x01) curve = 'secp256k1';
  else if (bytes[0] === 0x80 && bytes[1] === 0x24) curve = 'p256';
  else throw new InvalidKeyError('key is neither secp256k1 nor P-256');
  const point = bytes.subarray(2);
  if (point.length !== 33 || (point[0] !== 2 && point[0] !== 3)) throw new InvalidKeyError('key is not a compressed point');
  try {
    const der = Buffer.concat([SPKI_PREFIX[curve], point]);
    return { curve, multikey, point, keyObject: createPublicKey({ key: der, format: 'der', type: 'spki' }) };
  } catch (err) {
    throw new InvalidKeyError('key is not a point on its curve', { cause: err });
  }
}

/** Verifies a 64-byte compact (r || s) ECDSA signature over sha256(data). */
export function verifySignature(key: PublicKey, data: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== 64) return false;
  if (key.curve === 'secp256k1' && libsecp256k1) {
    try {
      // libsecp256k1 accepts only low-S signatures itself.
      return libsecp256k1.ecdsaVerify(sig, hash('sha256', data, 'buffer'), key.point);
    } catch {
      return false; // r or s out of range
    }
  }
  const s = BigInt(`0x${Buffer.from(sig.buffer, sig.byteOffset + 32, 32).toString('hex')}`);
  if (s > HALF_ORDER[key.curve]) return false;
  return verify('sha256', data, { key: key.keyObject, dsaEncoding: 'ieee-p1363' }, sig);
}

function base58Decode(text: string): Uint8Array {
  if (text.length === 0 || text.length > 128) throw new InvalidKeyError('multikey has a bad length');
  let n = 0n;
  for (const c of text) {
    const digit = BASE58_INDEX.get(c);
    if (digit === undefined) throw new InvalidKeyError('multikey is not base58');
    n = n * 58n + BigInt(digit);
  }
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let zeros = 0;
  while (text[zeros] === '1') zeros++;
  return Buffer.concat([Buffer.alloc(zeros), Buffer.from(n === 0n ? '' : hex, 'hex')]);
}
