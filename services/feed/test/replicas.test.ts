// Every feed replica reads all outcomes and deletes of the window itself (bus.follow), on the
// real NATS: a feed started after replies were published serves them (a restart rebuilds its
// candidates), a reply deleted before the restart stays out, and two replicas each serve every
// bot, including replies published while both run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdResolver } from '@atproto/identity';
import { encode, NetworkEventSchema, SUBJECTS } from '@botsky/contracts';
import { eventually } from '@botsky/kit/testing';
import { publishReplies, startFeed, xrpcGet, type TestFeed } from './helpers.ts';

// No test here sends a token, so the resolver is never asked.
const idResolver = new IdResolver({ plcUrl: 'http://127.0.0.1:9' });

/** What the feed serves once a fresh snapshot holds every arrival (snapshots refresh every 250 ms). */
async function servedEventually(feed: TestFeed, expected: readonly string[]): Promise<string[]> {
  const end = Date.now() + 10_000;
  let last = await served(feed);
  while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    last = await served(feed);
  }
  return last;
}

async function served(feed: TestFeed): Promise<string[]> {
  const r = await xrpcGet(feed.url, 'app.bsky.feed.getFeedSkeleton', { feed: feed.feedUri, limit: 100 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body.feed as Array<{ post: string }>).map((i) => i.post).sort();
}

const botOf = (uri: string) => uri.split('/')[2];

test('a restarted feed rebuilds its candidates from the streams, and two replicas each serve every bot', async (t) => {
  const first = await startFeed(t, idResolver);
  const env = { BOTSKY_NAMESPACE: first.namespace };
  const uris = await publishReplies(first, { a: 4, b: 3, c: 5 });
  const gone = uris[0] as string;
  const del = encode(NetworkEventSchema, {
    did: 'did:plc:a',
    uri: gone,
    payload: { case: 'delete', value: { collection: 'app.bsky.feed.post', rkey: '0000' } },
  });
  await first.bus.publish(SUBJECTS.networkDelete, del, { msgId: `del-${gone}` });
  await eventually('the delete', () => !first.service.state.store.get(gone), { timeoutMs: 10_000 });
  await first.stop();

  const kept = uris.filter((u) => u !== gone).sort();
  const [one, two] = await Promise.all([startFeed(t, idResolver, env), startFeed(t, idResolver, env)]);
  for (const feed of [one, two]) {
    // Started means replayed: no waiting for the candidates.
    assert.ok(
      kept.every((u) => feed.service.state.store.get(u)),
      'the replayed outcomes, as soon as it started',
    );
    assert.equal(feed.service.state.store.size, kept.length, 'the replayed delete');
  }
  for (const feed of [one, two]) {
    assert.deepEqual(await servedEventually(feed, kept), kept, 'everything published before it started, minus the delete');
  }

  const more = await publishReplies(one, { d: 2 });
  await eventually('the other replica has the new ones too', () => more.every((u) => two.service.state.store.get(u)), {
    timeoutMs: 10_000,
  });
  for (const feed of [one, two]) {
    const items = await servedEventually(feed, [...kept, ...more].sort());
    assert.deepEqual(items, [...kept, ...more].sort());
    assert.deepEqual([...new Set(items.map(botOf))].sort(), ['did:plc:a', 'did:plc:b', 'did:plc:c', 'did:plc:d']);
  }
});
