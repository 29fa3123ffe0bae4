// Every query in src/queries/, on embedded ClickHouse, over a fully known data set.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  botEngagementAsOf,
  botMinuteStats,
  botRepliesAsOf,
  botTotals,
  createEmbeddedWarehouse,
  frozenSeasonRows,
  itemImpressions,
  latestRatings,
  recentBotReplies,
  recommendationSuccess,
  replyEngagementEvents,
  threadRecommendationAsOf,
  type Warehouse,
} from '../src/index.ts';
import { T0, at, interaction, post, rating, tempDir } from './support/fixtures.ts';
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
    post({
      uri: 'at://did:plc:dan/app.bsky.feed.post/late',
      author_did: 'did:plc:dan',
      reply_parent_uri: 'at://did:plc:b2/app.bsky.feed.post/t4',
      parent_bot_id: 'b2',
      answers_mention: 1,
      created_at: at(70 + 4000),
    }),
  ]);
});
after(async () => {
  await wh.close();
  await remove();
});

test('botMinuteStats returns each bot minute in the window, optionally for some bots', async () => {
  const all = await botMinuteStats(wh, { from: T0, to: at(120) });
  assert.deepEqual(
    all.map((r) => [r.bot_id, r.minute, r.replies, r.impressions]),
    [
      ['b1', '2026-03-01 12:00:00', 2, 3],
      ['b2', '2026-03-01 12:01:00', 1, 1],
    ],
  );
  const onlyB2 = await botMinuteStats(wh, { from: T0, to: at(120), botIds: ['b2'] });
  assert.deepEqual(
    onlyB2.map((r) => r.bot_id),
    ['b2'],
  );
  const secondMinute = await botMinuteStats(wh, { from: at(60), to: at(120) });
  assert.deepEqual(
    secondMinute.map((r) => r.bot_id),
    ['b2'],
  );
  assert.deepEqual(await botMinuteStats(wh, { from: at(-120), to: T0 }), []);
});

test('botTotals adds minutes up and derives the rates', async () => {
  const rows = await botTotals(wh, { from: T0, to: at(3600 * 3) });
  const b1 = rows.find((r) => r.bot_id === 'b1');
  const b2 = rows.find((r) => r.bot_id === 'b2');
  assert.ok(b1 && b2);
  assert.deepEqual(
    [b1.replies, b1.mentions, b1.impressions, b1.likes, b1.reposts, b1.replies_received, b1.mention_successes],
    [2, 1, 3, 2, 1, 2, 1],
  );
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
  assert.deepEqual(
    rows.map((r) => [r.bot_id, r.rating, r.rank, r.computed_at]),
    [
      ['b1', 1100, 1, '2026-03-01 12:01:00.000'],
      ['b2', 1050, 2, '2026-03-01 12:01:00.000'],
    ],
  );
  assert.deepEqual(
    (await latestRatings(wh, 'elo')).map((r) => r.rating),
    [900],
  );
});

test('frozenSeasonRows counts the rows of a season’s frozen board only', async () => {
  const season = (name: string, frozen: number, bot: string) =>
    rating({ bot_id: bot, computed_at: at(60), season: name, started_at: T0, ended_at: at(30), frozen });
  assert.equal(await frozenSeasonRows(wh, 'spring'), 0);
  await wh.insert('season_snapshots', [season('spring', 0, 'b1'), season('autumn', 1, 'b1')]);
  assert.equal(await frozenSeasonRows(wh, 'spring'), 0, 'a running board is not the frozen one');
  await wh.insert('season_snapshots', [season('spring', 1, 'b1'), season('spring', 1, 'b2')]);
  assert.equal(await frozenSeasonRows(wh, 'spring'), 2);
});

// ---- scoring's reads (asOf-bounded, raw tables, bots excluded)

const B1_REPLY = 'at://did:plc:b1/app.bsky.feed.post/t1';

test('botRepliesAsOf lists posted replies before asOf, oldest first', async () => {
  const rows = await botRepliesAsOf(wh, { asOf: at(3600) });
  assert.deepEqual(
    rows.map((r) => [r.task_id, r.bot_id, r.mention_did, r.finished_ms]),
    [
      ['t1', 'b1', 'did:plc:bob', at(0).getTime()],
      ['t2', 'b1', '', at(10).getTime()],
      ['t4', 'b2', 'did:plc:dan', at(70).getTime()],
    ],
  );
  assert.deepEqual(
    (await botRepliesAsOf(wh, { asOf: at(10) })).map((r) => r.task_id),
    ['t1'],
  );
  assert.deepEqual(
    (await recentBotReplies(wh, 2)).map((r) => r.reply_uri),
    ['at://did:plc:b2/app.bsky.feed.post/t4', 'at://did:plc:b1/app.bsky.feed.post/t2'],
  );
});

test('botEngagementAsOf counts each person once per reply and action, never a bot, before asOf', async () => {
  await wh.insert('interactions', [
    // a bot liking another bot's reply is not engagement; carol's second like of the same reply
    // (the seed's l2 is hers too) and a re-delivered row count once
    interaction({
      kind: 'like',
      uri: 'at://did:plc:b2/app.bsky.feed.like/x1',
      actor_did: 'did:plc:b2',
      subject_uri: B1_REPLY,
      created_at: at(8),
    }),
    interaction({
      kind: 'like',
      uri: 'at://did:plc:carol/app.bsky.feed.like/l1',
      subject_uri: B1_REPLY,
      subject_bot_id: 'b1',
      created_at: at(5),
    }),
  ]);
  const rows = await botEngagementAsOf(wh, { asOf: at(3600) });
  assert.deepEqual(rows, [
    { bot_id: 'b1', impressions: 3, likes: 1, reposts: 1, replies_received: 2 },
    { bot_id: 'b2', impressions: 1, likes: 0, reposts: 0, replies_received: 0 },
  ]);
  // before the repost (7 s) and the replies (30 s, 40 s) were indexed
  const early = await botEngagementAsOf(wh, { asOf: at(6) });
  assert.deepEqual(
    early.find((r) => r.bot_id === 'b1'),
    { bot_id: 'b1', impressions: 2, likes: 1, reposts: 0, replies_received: 0 },
  );
});

test('threadRecommendationAsOf counts closed mentions answered in the thread within the window', async () => {
  const byBot = async (asOf: Date, windowS: number) =>
    Object.fromEntries(
      (await threadRecommendationAsOf(wh, { asOf, windowMs: windowS * 1000 })).map((r) => [r.bot_id, [r.mentions, r.successes]]),
    );
  assert.deepEqual(await byBot(at(3 * 3600), 3600), { b1: [1, 1], b2: [1, 0] });
  assert.deepEqual(await byBot(at(3 * 3600), 20), { b1: [1, 0], b2: [1, 0] });
  assert.deepEqual(await byBot(at(3 * 3600), 5000), { b1: [1, 1], b2: [1, 1] });
  // mentions whose window is still open are not counted yet
  assert.deepEqual(await byBot(at(3000), 3600), {});
  // a reply elsewhere in the thread (same root) counts too
  await wh.insert('posts', [
    post({
      uri: 'at://did:plc:dan/app.bsky.feed.post/thread',
      author_did: 'did:plc:dan',
      reply_root_uri: 'at://did:plc:alice/app.bsky.feed.post/1',
      reply_parent_uri: 'at://did:plc:alice/app.bsky.feed.post/1',
      created_at: at(100),
    }),
  ]);
  assert.deepEqual(await byBot(at(3 * 3600), 3600), { b1: [1, 1], b2: [1, 1] });
});

test('replyEngagementEvents and itemImpressions list what a battle reply earned before asOf', async () => {
  const events = await replyEngagementEvents(wh, { asOf: at(3600), replyUris: [B1_REPLY] });
  assert.deepEqual(
    events.map((e) => [e.actor_did, e.kind, e.at_ms]),
    [
      ['did:plc:bob', 'reply', at(30).getTime()],
      ['did:plc:carol', 'like', at(5).getTime()], // her first like of the reply
      ['did:plc:carol', 'repost', at(7).getTime()],
      ['did:plc:eve', 'reply', at(40).getTime()],
    ],
  );
  assert.deepEqual(await replyEngagementEvents(wh, { asOf: at(3600), replyUris: [] }), []);
  const shown = await itemImpressions(wh, { asOf: at(60), uris: ['at://x/app.bsky.feed.post/1'] });
  assert.deepEqual(
    shown.map((r) => [r.post_uri, r.n, r.at_ms]),
    [['at://x/app.bsky.feed.post/1', 4, [T0.getTime(), T0.getTime(), T0.getTime(), at(59).getTime()]]],
  );
});
