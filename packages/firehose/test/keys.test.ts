// Signing keys: did:key parsing for both atproto curves, signature checks that agree with
// @atproto/crypto (including its refusal of high-S signatures), and the key cache's policy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { P256Keypair, Secp256k1Keypair, verifySignature as referenceVerify } from '@atproto/crypto';
import { createKeyCache, InvalidKeyError, parsePublicKey } from '../src/index.ts';
import { verifySignature } from '../src/keys.ts';

const ORDER = {
  secp256k1: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
  p256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
};

/** The same signature with s replaced by n - s: valid ECDSA, but malleated. */
function highS(sig: Uint8Array, n: bigint): Uint8Array {
  const s = BigInt(`0x${Buffer.from(sig.subarray(32)).toString('hex')}`);
  const flipped = Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex');
  return new Uint8Array(Buffer.concat([sig.subarray(0, 32), flipped]));
}

for (const [curve, Keypair] of [
  ['secp256k1', Secp256k1Keypair],
  ['p256', P256Keypair],
] as const) {
  test(`${curve}: signatures verify exactly when @atproto/crypto says so`, async () => {
    const keypair = await Keypair.create();
    const other = await Keypair.create();
    const key = parsePublicKey(keypair.did());
    assert.equal(key.curve, curve);
    assert.deepEqual(parsePublicKey(keypair.did().slice('did:key:'.length)).point, key.point);
    for (let i = 0; i < 20; i++) {
      const data = new TextEncoder().encode(`commit ${i}`);
      const sig = await keypair.sign(data);
      assert.equal(verifySignature(key, data, sig), true);
      assert.equal(verifySignature(parsePublicKey(other.did()), data, sig), false);
      assert.equal(verifySignature(key, new TextEncoder().encode(`commit ${i + 1}`), sig), false);
      const malleated = highS(sig, ORDER[curve]);
      assert.equal(await referenceVerify(keypair.did(), data, malleated), false);
      assert.equal(verifySignature(key, data, malleated), false, 'high-S must be refused');
      assert.equal(verifySignature(key, data, sig.subarray(0, 63)), false);
    }
  });
}

test('keys that are not secp256k1 or P-256 points are InvalidKeyError', () => {
  for (const bad of [
    'did:key:xyz',
    'did:key:z0OIl',
    'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    'zQ3sh',
    `did:key:z${'1'.repeat(200)}`,
  ]) {
    assert.throws(() => parsePublicKey(bad), InvalidKeyError, bad);
  }
});

test('the key cache resolves once, remembers misses briefly and rate-limits refreshes', async () => {
  const keypair = await Secp256k1Keypair.create();
  let t = 0;
  const calls: Array<[string, boolean]> = [];
  const cache = createKeyCache(
    async (did, { forceRefresh }) => {
      calls.push([did, forceRefresh]);
      return did === 'did:plc:alice' ? keypair.did() : null;
    },
    { now: () => t, ttlMs: 1000, negativeTtlMs: 100, minRefreshIntervalMs: 500 },
  );
  const [a, b] = await Promise.all([cache.get('did:plc:alice'), cache.get('did:plc:alice')]);
  assert.equal(a, b);
  assert.equal(cache.get('did:plc:alice'), a, 'a hit is synchronous');
  assert.equal(await cache.get('did:plc:nobody'), null);
  assert.equal(await cache.get('did:plc:nobody'), null);
  assert.deepEqual(calls, [
    ['did:plc:alice', false],
    ['did:plc:nobody', false],
  ]);
  assert.equal(await cache.refresh('did:plc:alice'), a, 'refreshed too soon: the cached key');
  t = 600;
  await cache.refresh('did:plc:alice');
  t = 700;
  await cache.get('did:plc:nobody');
  t = 1700;
  await cache.get('did:plc:alice');
  assert.deepEqual(calls.slice(2), [
    ['did:plc:alice', true],
    ['did:plc:nobody', false],
    ['did:plc:alice', false],
  ]);
});

test('a key cache holds at most maxEntries DIDs', async () => {
  const keypair = await Secp256k1Keypair.create();
  let resolved = 0;
  const cache = createKeyCache(
    () => {
      resolved++;
      return keypair.did();
    },
    { maxEntries: 2 },
  );
  for (const did of ['did:plc:a', 'did:plc:b', 'did:plc:c']) await cache.get(did);
  assert.ok(!((cache.get('did:plc:b') as unknown) instanceof Promise));
  assert.ok(cache.get('did:plc:a') instanceof Promise, 'the oldest entry was dropped');
  await cache.get('did:plc:a');
  assert.equal(resolved, 4);
});
