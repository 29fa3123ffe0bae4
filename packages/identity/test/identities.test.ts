// Identities against the local network: the devnet's PLC over http, handles asked of its PDS
// (as BOTSKY_HANDLE_RESOLVER_URL does), a handle change followed, a claim that does not verify,
// a second PDS, a did:web whose document is served here, and resolvers that go away.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDevnet, type Devnet, type DevnetAccount } from '@botsky/devnet';
import { Identities, type LookupResult } from '../src/index.ts';

let net: Devnet;
let alice: DevnetAccount;

before(async () => {
  net = await startDevnet();
  alice = await net.createAccount({ handle: 'alice', password: 'pw' });
});
after(() => net?.stop());

function identities(opts: { ttlMs?: number; now?: () => number; onLookup?: (r: LookupResult) => void } = {}): Identities {
  return new Identities(
    { plcUrl: net.plcUrl, handleResolverUrl: net.pdsUrl, identityTtlMs: opts.ttlMs ?? 60_000, identityTimeoutMs: 2000 },
    { ...(opts.now ? { now: opts.now } : {}), ...(opts.onLookup ? { onLookup: opts.onLookup } : {}) },
  );
}

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('Identities', () => {
  it('verifies a handle both ways and finds the PDS, with no #identity event ever seen', async () => {
    const id = await identities().lookup(alice.did);
    assert.equal(id.result, 'verified');
    assert.equal(id.handle, 'alice.test');
    assert.equal(id.pds, net.pdsUrl);
  });

  it('caches within the TTL, shares a lookup in flight, and asks again after it or after forget()', async () => {
    let now = 1_000_000;
    const results: LookupResult[] = [];
    const ids = identities({ ttlMs: 10_000, now: () => now, onLookup: (r) => results.push(r) });
    await Promise.all([ids.lookup(alice.did), ids.lookup(alice.did)]);
    assert.equal(results.length, 1, 'one lookup for two concurrent asks');
    assert.equal(ids.peek(alice.did)?.handle, 'alice.test');
    now += 9_000;
    await ids.lookup(alice.did);
    assert.equal(results.length, 1, 'fresh within the TTL');
    now += 2_000;
    assert.equal(ids.peek(alice.did), undefined, 'stale after the TTL');
    await ids.lookup(alice.did);
    assert.equal(results.length, 2);
    ids.forget(alice.did);
    await ids.lookup(alice.did);
    assert.equal(results.length, 3);
  });

  it('follows a handle change, and drops a claim that no longer verifies', async () => {
    const bob = await net.createAccount({ handle: 'bob', password: 'pw' });
    const ids = identities();
    assert.equal(await ids.verifiedHandle(bob.did), 'bob.test');
    await bob.agent.com.atproto.identity.updateHandle({ handle: 'robert.test' });
    ids.forget(bob.did);
    assert.equal(await ids.verifiedHandle(bob.did), 'robert.test');
    // The DID document now claims alice's handle, which resolves to alice: not bob's.
    await net.claimHandleInPlc(bob.did, 'alice.test');
    ids.forget(bob.did);
    const id = await ids.lookup(bob.did);
    assert.equal(id.result, 'unverified');
    assert.equal(id.handle, undefined);
    assert.equal(id.claimedHandle, 'alice.test');
    // A claim of a handle nobody has: unverified too.
    await net.claimHandleInPlc(bob.did, 'ghost.test');
    ids.forget(bob.did);
    assert.equal((await ids.lookup(bob.did)).result, 'unverified');
  });

  it('finds the PDS of an account hosted on a second PDS', async () => {
    const second = await net.startSecondPds();
    const carol = await second.createAccount({ handle: 'carol', password: 'pw' });
    const id = await identities().lookup(carol.did);
    assert.equal(id.pds, second.pdsUrl);
    assert.notEqual(id.pds, net.pdsUrl);
  });

  it('reads a did:web document from its domain', async () => {
    const { server, port } = await serve((req, res) => {
      if (req.url !== '/.well-known/did.json') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          '@context': ['https://www.w3.org/ns/did/v1'],
          id: `did:web:localhost%3A${port}`,
          alsoKnownAs: ['at://alice.test'],
          service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: 'https://pds.example' }],
        }),
      );
    });
    try {
      const id = await identities().lookup(`did:web:localhost%3A${port}`);
      assert.equal(id.pds, 'https://pds.example');
      // alice.test resolves to alice's did:plc, not to this did:web.
      assert.equal(id.result, 'unverified');
    } finally {
      server.close();
    }
  });

  it('answers without throwing when the DID is malformed, unknown, or the resolvers are gone', async () => {
    const ids = identities();
    assert.equal((await ids.lookup('not a did')).result, 'not_found');
    assert.equal((await ids.lookup('did:plc:aaaaaaaaaaaaaaaaaaaaaaaa')).result, 'not_found');
    const { server, port } = await serve((_req, res) => res.writeHead(500).end());
    const broken = new Identities({
      plcUrl: `http://127.0.0.1:${port}`,
      handleResolverUrl: `http://127.0.0.1:${port}`,
      identityTtlMs: 60_000,
      identityTimeoutMs: 500,
    });
    const id = await broken.lookup(alice.did);
    assert.equal(id.result, 'error');
    assert.equal(id.handle, undefined);
    server.close();
    const gone = new Identities({
      plcUrl: net.plcUrl,
      handleResolverUrl: `http://127.0.0.1:${port}`,
      identityTtlMs: 60_000,
      identityTimeoutMs: 500,
    });
    const noHandles = await gone.lookup(alice.did);
    assert.equal(noHandles.result, 'error', 'the handle resolver is down');
    assert.equal(noHandles.handle, undefined);
    assert.equal(noHandles.pds, net.pdsUrl, 'the DID document was still read');
  });
});
