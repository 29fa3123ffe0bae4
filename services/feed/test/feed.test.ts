// The feed generator over HTTP, on the real NATS: paging, equal exposure, impressions,
// interactions, describeFeedGenerator and did.json. (Tokens: auth.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BotOutcomeSchema, encode, InteractionEvent, NetworkEventSchema, OutcomeStatus, SUBJECTS } from '@botsky/contracts';
import { startDevnet, type Devnet } from '@botsky/devnet';
import { createServiceJwt } from '@atproto/xrpc-server';
import { eventually } from '@botsky/kit/testing';
import { collectFeedEvents, publishReplies, startFeed, xrpcGet, xrpcPost, type TestFeed } from './helpers.ts';

const SKELETON = 'app.bsky.feed.getFeedSkeleton';

describe('feed generator', () => {
  let net: Devnet;
  let feed: TestFeed;
  before(async () => {
    net = await startDevnet();
  });
  after(async () => {
    await net.stop();
  });

  it('pages through the whole feed with cursors: no repeats, no gaps, stable under new replies', async (t) => {
    feed = await startFeed(t, net.createIdResolver());
    const uris = await publishReplies(feed, { a: 37, b: 12, c: 25 });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const r = await xrpcGet(feed.url, SKELETON, { feed: feed.feedUri, limit: 10, ...(cursor ? { cursor } : {}) });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const items = r.body.feed as Array<{ post: string }>;
      seen.push(...items.map((i) => i.post));
      cursor = r.body.cursor as string | undefined;
      // Replies arriving mid-paging belong to later snapshots: they must not shift this one.
      if (page === 2) await publishReplies(feed, { d: 5 });
      if (!cursor) break;
    }
    assert.equal(seen.length, uris.length);
    assert.deepEqual(new Set(seen), new Set(uris));
    const fresh = await xrpcGet(feed.url, SKELETON, { feed: feed.feedUri, limit: 100 });
    assert.equal((fresh.body.feed as unknown[]).length, uris.length + 5);
  });

  it('refuses a bad cursor, an unknown feed and an out-of-range limit with the lexicon errors', async (t) => {
    feed = await startFeed(t, net.createIdResolver());
    const bad = await xrpcGet(feed.url, SKELETON, { feed: feed.feedUri, cursor: 'not-a-cursor' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'InvalidRequest');
    const future = await xrpcGet(feed.url, SKELETON, { feed: feed.feedUri, cursor: `1.${(Date.now() + 3_600_000).toString(36)}.0` });
    assert.equal(future.body.error, 'InvalidRequest');
    const unknown = await xrpcGet(feed.url, SKELETON, { feed: 'at://did:plc:x/app.bsky.feed.generator/other' });
    assert.equal(unknown.body.error, 'UnknownFeed');
    const limit = await xrpcGet(feed.url, SKELETON, { feed: feed.feedUri, limit: 101 });
    assert.equal(limit.status, 400);
    assert.equal(limit.body.error, 'InvalidRequest');
  });

  it('over many requests each bot gets equal exposure (within 10%), and each served item is an impression', async (t) => {
    feed = await startFeed(t, net.createIdResolver());
    await publishReplies(feed, { a: 80, b: 10, c: 40, d: 25 });
    const events = await collectFeedEvents(feed);
    const shown = new Map<string, number>();
    // 10 items for 4 bots: two full rounds, then 2 of the 4 bots at random, so shares really vary.
    const requests = 300;
    const limit = 10;
    for (let i = 0; i < requests; i++) {
      const r = await xrpcGet(feed.url, SKELETON, { feed: feed.feedUri, limit });
      for (const item of r.body.feed as Array<{ post: string }>) {
        const bot = feed.service.state.store.get(item.post)?.botId as string;
        shown.set(bot, (shown.get(bot) ?? 0) + 1);
      }
    }
    const mean = [...shown.values()].reduce((a, b) => a + b, 0) / shown.size;
    assert.equal(shown.size, 4);
    for (const [bot, n] of shown) assert.ok(Math.abs(n - mean) / mean < 0.1, `${bot}: ${n} vs mean ${mean}`);
    await eventually('impressions', () => events.impressions.length >= requests * limit, { timeoutMs: 10_000 });
    assert.equal(events.impressions.length, requests * limit);
    const imp = events.impressions[0];
    assert.ok(imp);
    assert.equal(imp.feedUri, feed.feedUri);
    assert.equal(imp.viewerDid, '');
    assert.equal(imp.feedContext, `${imp.requestId}/${imp.position}`);
    // Bot b has 10 replies: in a page where it got k slots, each of its replies had p = k / 10.
    const byRequest = Map.groupBy(events.impressions, (e) => e.requestId);
    assert.equal(byRequest.size, requests);
    assert.deepEqual(
      events.pageIds,
      [...byRequest.keys()].map((id) => `imp:${id}`),
      'one message per page, named by its request',
    );
    for (const page of byRequest.values()) {
      assert.deepEqual(
        page.map((e) => e.position).sort((x, y) => x - y),
        Array.from({ length: limit }, (_, i) => i),
      );
      const b = page.filter((e) => e.botId === 'b');
      assert.ok(b.length === 2 || b.length === 3);
      for (const e of b) assert.ok(Math.abs(e.probability - b.length / 10) < 1e-9);
    }
  });

  it("sendInteractions publishes the viewer's interactions, joined to the impression by feedContext", async (t) => {
    feed = await startFeed(t, net.createIdResolver());
    const [uri] = await publishReplies(feed, { a: 3 });
    const events = await collectFeedEvents(feed);
    const viewer = await net.createServiceIdentity({});
    const jwt = (lxm: string) => createServiceJwt({ iss: viewer.did, aud: feed.serviceDid, lxm, keypair: viewer.key });
    const page = await xrpcGet(feed.url, SKELETON, { feed: feed.feedUri }, await jwt(SKELETON));
    const first = (page.body.feed as Array<{ post: string; feedContext: string }>)[0];
    assert.ok(first);
    const interactions = [
      { item: first.post, event: 'app.bsky.feed.defs#interactionSeen', feedContext: first.feedContext, reqId: page.body.reqId },
      { item: uri, event: 'app.bsky.feed.defs#somethingNew' },
    ];
    const nsid = 'app.bsky.feed.sendInteractions';
    const anonymous = await xrpcPost(feed.url, nsid, { interactions });
    assert.equal(anonymous.status, 401);
    const bad = await xrpcPost(feed.url, nsid, { interactions: [{ item: 'not a uri' }] }, await jwt(nsid));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'InvalidRequest');
    const ok = await xrpcPost(feed.url, nsid, { feed: feed.feedUri, interactions }, await jwt(nsid));
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    await eventually('interactions', () => events.interactions.length >= 2, { timeoutMs: 10_000 });
    const seen = events.interactions.find((e) => e.event === InteractionEvent.SEEN);
    assert.ok(seen);
    assert.equal(seen.viewerDid, viewer.did);
    assert.equal(seen.botId, 'a');
    assert.equal(seen.requestId, page.body.reqId);
    const imp = events.impressions.find((e) => e.feedContext === seen.feedContext);
    assert.equal(imp?.viewerDid, viewer.did);
    const unknownToken = events.interactions.find((e) => e.eventToken.endsWith('#somethingNew'));
    assert.equal(unknownToken?.event, InteractionEvent.UNSPECIFIED);
  });

  it('drops deleted replies, skips failed outcomes and counts malformed ones', async (t) => {
    feed = await startFeed(t, net.createIdResolver());
    const [gone, kept] = await publishReplies(feed, { a: 2 });
    assert.ok(gone && kept);
    const del = encode(NetworkEventSchema, {
      did: 'did:plc:a',
      uri: gone,
      payload: { case: 'delete', value: { collection: 'app.bsky.feed.post', rkey: '0000' } },
    });
    await feed.bus.publish(SUBJECTS.networkDelete, del, { msgId: `del-${gone}` });
    const failed = encode(BotOutcomeSchema, { taskId: 'f', botId: 'a', status: OutcomeStatus.FAILED });
    await feed.bus.publish(SUBJECTS.botOutcome, failed, { msgId: 'failed-1' });
    await feed.bus.publish(SUBJECTS.botOutcome, new Uint8Array([0xff, 0xff, 0xff]), { msgId: 'garbage-1' });
    await eventually('the delete', () => !feed.service.state.store.get(gone), { timeoutMs: 10_000 });
    await eventually('the malformed outcome', () => (feed.service.state.bus.stats().followers[SUBJECTS.botOutcome]?.failed ?? 0) === 1, {
      timeoutMs: 10_000,
    });
    const results = (await feed.service.state.metrics.outcomes.get()).values;
    assert.equal(results.find((v) => v.labels.result === 'skipped')?.value, 1);
    assert.equal(results.find((v) => v.labels.result === 'malformed')?.value, 1);
    const r = await xrpcGet(feed.url, SKELETON, { feed: feed.feedUri });
    assert.deepEqual(
      (r.body.feed as Array<{ post: string }>).map((i) => i.post),
      [kept],
    );
  });

  it('describes the feed and serves the did:web document with the #bsky_fg endpoint', async (t) => {
    feed = await startFeed(t, net.createIdResolver());
    assert.equal(feed.serviceDid, 'did:web:feed.test');
    const d = await xrpcGet(feed.url, 'app.bsky.feed.describeFeedGenerator', {});
    assert.deepEqual(d.body, { did: 'did:web:feed.test', feeds: [{ uri: feed.feedUri }] });
    assert.equal(feed.feedUri, 'at://did:web:feed.test/app.bsky.feed.generator/botsky');
    const doc = (await (await fetch(new URL('/.well-known/did.json', feed.url))).json()) as Record<string, unknown>;
    assert.equal(doc.id, 'did:web:feed.test');
    assert.deepEqual(doc.service, [{ id: '#bsky_fg', type: 'BskyFeedGenerator', serviceEndpoint: 'https://feed.test' }]);
  });
});
