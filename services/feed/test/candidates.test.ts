// The candidate store (window, bound, snapshots, personal weights) and the page impression
// encoder, which must write exactly the bytes the generated protobuf code writes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode, encode, ImpressionSchema } from '@botsky/contracts';
import { CandidateStore, PERSONAL_WEIGHT } from '../src/candidates/store.ts';
import { encodePageImpressions } from '../src/impression-codec.ts';
import { rankSnapshotPage } from '../src/ranking/index.ts';

function reply(bot: string, i: number, createdAtMs: number, authorDid = '') {
  return { uri: `at://did:plc:${bot}/app.bsky.feed.post/${i}`, botId: bot, createdAtMs, authorDid, mentionDid: '' };
}

test('the page encoder writes the same bytes as the generated code, for every field shape', () => {
  const page = {
    requestId: 'req-ü-1', viewerDid: 'did:plc:viewer', servedAtUs: 1_795_881_256_232_123, feedUri: 'at://did:web:feed.test/app.bsky.feed.generator/botsky',
    items: [
      { itemUri: 'at://did:plc:a/app.bsky.feed.post/1', botId: 'a', position: 0, probability: 0, feedContext: 'req/0' },
      { itemUri: 'at://did:plc:b/app.bsky.feed.post/2'.padEnd(300, 'x'), botId: 'bot-β', position: 300, probability: 0.3, feedContext: 'req/300' },
    ],
  };
  const ours = encodePageImpressions(page);
  for (const [i, it] of page.items.entries()) {
    const want = encode(ImpressionSchema, { requestId: page.requestId, viewerDid: page.viewerDid, servedAtUs: BigInt(page.servedAtUs), feedUri: page.feedUri, ...it });
    assert.deepEqual(Buffer.from(ours[i] as Uint8Array), Buffer.from(want));
    assert.equal(decode(ImpressionSchema, ours[i] as Uint8Array).position, it.position);
  }
  const anonymous = encodePageImpressions({ ...page, viewerDid: '' });
  assert.equal(decode(ImpressionSchema, anonymous[1] as Uint8Array).viewerDid, '');
});

test('the store keeps the window and the bound, and is idempotent', () => {
  let now = 1_000_000;
  const store = new CandidateStore({ windowMs: 10_000, maxCandidates: 3, now: () => now });
  assert.equal(store.add(reply('a', 1, now)), true);
  assert.equal(store.add(reply('a', 1, now)), false);
  assert.equal(store.add(reply('a', 2, now - 20_000)), false, 'older than the window');
  for (let i = 3; i <= 5; i++) store.add(reply('b', i, now));
  assert.equal(store.size, 3);
  assert.equal(store.get(reply('a', 1, 0).uri), undefined, 'the oldest arrival went first');
  now += 11_000;
  assert.equal(store.expire(), 3);
  assert.equal(store.size, 0);
});

test('a cursor\'s snapshot holds what had arrived by its time, even after new replies and a cache miss', () => {
  let now = 5_000;
  const store = new CandidateStore({ windowMs: 1e9, maxCandidates: 1000, now: () => now, cachedSnapshots: 1 });
  for (let i = 0; i < 10; i++) store.add(reply('a', i, now));
  now += 10;
  const first = store.current();
  assert.equal(first.ranking.size, 10);
  now += 10;
  store.add(reply('b', 0, now));
  now += 1000;
  const second = store.current();
  assert.equal(second.ranking.size, 11);
  store.at(1); // pushes `first` out of the one-entry cache
  const again = store.at(first.atMs);
  assert.deepEqual(rankSnapshotPage(again.ranking, 7, 0, 10), rankSnapshotPage(first.ranking, 7, 0, 10));
  assert.equal(store.remove(reply('b', 0, 0).uri), true);
  assert.equal(store.current().ranking.size, 10);
});

test('personal weights favour the viewer\'s own threads without changing any bot\'s share', () => {
  const store = new CandidateStore({ windowMs: 1e9, maxCandidates: 1000, now: () => 5_000 });
  for (let i = 0; i < 20; i++) store.add(reply('a', i, 5_000, i === 0 ? 'did:plc:me' : ''));
  for (let i = 0; i < 20; i++) store.add(reply('b', i, 5_000));
  const weights = store.personalWeights('did:plc:me');
  assert.deepEqual([...(weights ?? [])], [[reply('a', 0, 0).uri, PERSONAL_WEIGHT]]);
  assert.equal(store.personalWeights('did:plc:other'), undefined);
  const snap = store.at(10_000);
  let mine = 0;
  const slots = { a: 0, b: 0 };
  for (let seed = 0; seed < 400; seed++) {
    for (const s of rankSnapshotPage(snap.ranking, seed, 0, 4, weights)) {
      slots[s.botId as 'a' | 'b']++;
      if (s.uri === reply('a', 0, 0).uri) mine++;
    }
  }
  assert.equal(slots.a, slots.b);
  // Uniform would show it in 2 of 20 draws (10%); weight 4 among 19 others makes it ~36%.
  assert.ok(mine > 0.25 * 400, `own thread shown ${mine} times of 400`);
});
