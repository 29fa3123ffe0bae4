// Service-auth on the feed, against a real devnet: tokens minted by the PDS for a real account
// (com.atproto.server.getServiceAuth, signed with the account's repo key) and by a did:plc with
// a key we hold. Valid ones are accepted and name the viewer; forged, expired, mis-addressed and
// wrong-method ones are refused with the lexicon's errors, and counted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Secp256k1Keypair } from '@atproto/crypto';
import { createServiceJwt } from '@atproto/xrpc-server';
import { startDevnet, type Devnet, type DevnetAccount, type ServiceIdentity } from '@botsky/devnet';
import { eventually } from '@botsky/kit/testing';
import { collectFeedEvents, publishReplies, startFeed, xrpcGet, type TestFeed } from './helpers.ts';

const SKELETON = 'app.bsky.feed.getFeedSkeleton';

describe('feed service-auth', () => {
  let net: Devnet;
  let alice: DevnetAccount;
  let viewer: ServiceIdentity;
  let feed: TestFeed;
  before(async () => {
    net = await startDevnet();
    alice = await net.createAccount({ handle: 'alice', password: 'alice-pw' });
    viewer = await net.createServiceIdentity({});
  });
  after(async () => {
    await net.stop();
  });

  const get = (token?: string) => xrpcGet(feed.url, SKELETON, { feed: feed.feedUri, limit: 5 }, token);
  const pdsToken = async (aud: string, lxm = SKELETON) => (await alice.agent.com.atproto.server.getServiceAuth({ aud, lxm })).data.token;
  const failures = async (reason: string) =>
    (await feed.service.state.metrics.authFailures.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;

  it("accepts a token from the viewer's PDS and records the viewer on the impressions", async (t) => {
    feed = await startFeed(t, net.createIdResolver());
    await publishReplies(feed, { a: 4, b: 4 });
    const events = await collectFeedEvents(feed);
    const r = await get(await pdsToken(feed.serviceDid));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((r.body.feed as unknown[]).length, 5);
    await eventually('impressions', () => events.impressions.length >= 5, { timeoutMs: 10_000 });
    assert.ok(events.impressions.every((e) => e.viewerDid === alice.did));
    // A known key signing for its own did:plc works the same way.
    const own = await createServiceJwt({ iss: viewer.did, aud: feed.serviceDid, lxm: SKELETON, keypair: viewer.key });
    assert.equal((await get(own)).status, 200);
  });

  it('refuses forged, expired, mis-addressed and wrong-method tokens with the lexicon errors', async (t) => {
    feed = await startFeed(t, net.createIdResolver());
    const stranger = await Secp256k1Keypair.create();
    const forged = await createServiceJwt({ iss: alice.did, aud: feed.serviceDid, lxm: SKELETON, keypair: stranger });
    const expired = await createServiceJwt({
      iss: viewer.did,
      aud: feed.serviceDid,
      lxm: SKELETON,
      keypair: viewer.key,
      iat: Math.floor(Date.now() / 1000) - 120,
      exp: Math.floor(Date.now() / 1000) - 60,
    });
    const cases: Array<[string, string, string]> = [
      ['forged', forged, 'BadJwtSignature'],
      ['expired', expired, 'JwtExpired'],
      ['wrong audience', await pdsToken('did:web:someone-else.test'), 'BadJwtAudience'],
      ['wrong method', await pdsToken(feed.serviceDid, 'app.bsky.feed.getFeed'), 'BadJwtLexiconMethod'],
      ['not a JWT', 'abc.def', 'BadJwt'],
    ];
    for (const [what, token, error] of cases) {
      const r = await get(token);
      assert.equal(r.status, 401, what);
      assert.equal(r.body.error, error, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(await failures(error), 1, `${what} counted`);
    }
    // Without a token the feed is served anonymously (BOTSKY_FEED_AUTH=optional).
    assert.equal((await get()).status, 200);
  });

  it('with BOTSKY_FEED_AUTH=required, a request without a token is refused', async (t) => {
    feed = await startFeed(t, net.createIdResolver(), { BOTSKY_FEED_AUTH: 'required' });
    const r = await get();
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'AuthMissing');
    assert.equal((await get(await pdsToken(feed.serviceDid))).status, 200);
  });
});
