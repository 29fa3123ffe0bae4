// The candidate store: window, bound, snapshots, personal weights.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CandidateStore, PERSONAL_WEIGHT } from '../src/candidates/store.ts';
import { rankSnapshotPage } from '../src/ranking/index.ts';

function reply(bot: string, i: number, createdAtMs: number, authorDid = '') {
  return { uri: `at://did:plc:${bot}/app.bsky.feed.post/${i}`, botId: bot, createdAtMs, authorDid, mentionDid: '' };
}

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

test("a cursor's snapshot holds what had arrived by its time, even after new replies and a cache miss", () => {
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

test("personal weights favour the viewer's own threads without changing any bot's share", () => {
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

test('a deleted post stays out even when its reply arrives after the delete, for the window', () => {
  let now = 1_000_000;
  const store = new CandidateStore({ windowMs: 10_000, maxCandidates: 2, now: () => now });
  const [first, second, third] = [reply('a', 1, now), reply('a', 2, now), reply('a', 3, now)];
  assert.equal(store.add(first), true);
  assert.equal(store.delete(first.uri), true);
  assert.equal(store.delete(second.uri), false, 'not here yet');
  assert.equal(store.add(second), false, 'deleted before its outcome was read: kept out');
  assert.equal(store.add(first), false);
  assert.equal(store.delete('at://did:plc:x/app.bsky.feed.like/1'), false, 'only posts are remembered');
  store.delete(third.uri);
  assert.equal(store.add(first), true, 'at most maxCandidates deletes are remembered: the oldest went');
  now += 10_001;
  store.expire();
  assert.equal(store.add(reply('a', 3, now)), true, 'remembered only for the window');
  assert.equal(store.size, 1);
});
