// Every query in src/queries.ts, on embedded ClickHouse, over a fully known data set.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  botMinuteStats,
  botTotals,
  createEmbeddedWarehouse,
  latestRatings,
  recommendationSuccess,
  type Warehouse,
} from '../src/index.ts';
import { T0, at, post, rating, tempDir } from './support/fixtures.ts';
import { seedMinuteData } from './support/seed.ts';

let wh: Warehouse;
let remove: () => Promise<void>;

before(async () => {
  const dir = await tempDir('queries');
  remove = dir.remove;
  wh = createEmbeddedWarehouse({ path: dir.path });
  await wh.migrate();
  await seedMinuteData(wh, 'botsky');
  // dan answers b2's mention, but more than an hour later
  await wh.insert('posts', [
    post({ uri: 'at://did:plc:dan/app.bsky.feed.post/late', author_did: 'did:plc:dan', reply_parent_uri: 'at://did:plc:b2/app.bsky.feed.post/t4', parent_bot_id: 'b2', answers_mention: 1, created_at: at(70 + 4000) }),
  ]);
});
after(async () => {
  await wh.close();
  await remove();
});

test('botMinuteStats returns each bot minute in the window, optionally for some bots', async () => {
  const all = await botMinuteStats(wh, { from: T0, to: at(120) });
  assert.deepEqual(all.map((r) => [r.bot_id, r.minute, r.replies, r.impressions]), [
    ['b1', '2026-03-01 12:00:00', 2, 3],
    ['b2', '2026-03-01 12:01:00', 1, 1],
  ]);
  const onlyB2 = await botMinuteStats(wh, { from: T0, to: at(120), botIds: ['b2'] });
  assert.deepEqual(onlyB2.map((r) => r.bot_id), ['b2']);
  const secondMinute = await botMinuteStats(wh, { from: at(60), to: at(120) });
  assert.deepEqual(secondMinute.map((r) => r.bot_id), ['b2']);
  assert.deepEqual(await botMinuteStats(wh, { from: at(-120), to: T0 }), []);
});

test('botTotals adds minutes up and derives the rates', async () => {
  const rows = await botTotals(wh, { from: T0, to: at(3600 * 3) });
  const b1 = rows.find((r) => r.bot_id === 'b1');
  const b2 = rows.find((r) => r.bot_id === 'b2');
  assert.ok(b1 && b2);
  assert.deepEqual([b1.replies, b1.mentions, b1.impressions, b1.likes, b1.reposts, b1.replies_received, b1.mention_successes], [2, 1, 3, 2, 1, 2, 1]);
  assert.ok(Math.abs(b1.likes_per_impression - 2 / 3) < 1e-9);
  assert.equal(b1.mention_success_rate, 1);
  assert.equal(b2.likes_per_impression, 0);
  assert.equal(b2.mention_success_rate, 1, "dan's late reply still counts in the materialized view");
});

test('recommendationSuccess counts only the mentioned person replying within the window', async () => {
  const from = T0;
  const to = at(3600);
  const byBot = async (windowSeconds: number) =>
    Object.fromEntries((await recommendationSuccess(wh, { from, to, windowSeconds })).map((r) => [r.bot_id, [r.mentions, r.successes]]));
  assert.deepEqual(await byBot(3600), { b1: [1, 1], b2: [1, 0] });
  assert.deepEqual(await byBot(10), { b1: [1, 0], b2: [1, 0] });
  assert.deepEqual(await byBot(5000), { b1: [1, 1], b2: [1, 1] });
});

test('latestRatings returns each bot once, at its latest snapshot, best rank first', async () => {
  await wh.insert('rating_snapshots', [
    rating({ bot_id: 'b1', computed_at: T0, rating: 1000, rank: 2 }),
    rating({ bot_id: 'b1', computed_at: at(60), rating: 1100, rank: 1 }),
    rating({ bot_id: 'b2', computed_at: at(60), rating: 1050, rank: 2 }),
    rating({ bot_id: 'b2', computed_at: at(60), rating: 1050, rank: 2 }), // re-delivered
    rating({ bot_id: 'b1', computed_at: at(120), method: 'elo', rating: 900, rank: 9 }),
  ]);
  const rows = await latestRatings(wh, 'bt');
  assert.deepEqual(rows.map((r) => [r.bot_id, r.rating, r.rank, r.computed_at]), [
    ['b1', 1100, 1, '2026-03-01 12:01:00.000'],
    ['b2', 1050, 2, '2026-03-01 12:01:00.000'],
  ]);
  assert.deepEqual((await latestRatings(wh, 'elo')).map((r) => r.rating), [900]);
});
