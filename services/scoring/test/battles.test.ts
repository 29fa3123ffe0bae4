// The battle rule on its own: sides by bot id, the window, people counted once per action, ties.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replyTaskId } from '@botsky/contracts';
import type { BotReplyRow, ReplyEngagementEvent } from '@botsky/warehouse';
import { battleSides, decideBattles } from '../src/scores/battles.ts';
import { ReplyIndex } from '../src/consumers/reply-index.ts';

const POST = 'at://did:plc:alice/app.bsky.feed.post/p';
const WINDOW = 60_000;

function reply(bot: string, slot: number, finishedMs: number, post = POST, battle = 'bt_1'): BotReplyRow {
  return {
    task_id: replyTaskId(post, slot),
    bot_id: bot,
    model: 'm',
    provider: 'builtin',
    post_uri: post,
    reply_uri: `at://did:plc:${bot}/app.bsky.feed.post/${slot}`,
    mention_did: '',
    battle_id: battle,
    finished_ms: finishedMs,
  };
}

const ev = (reply_uri: string, actor_did: string, kind: string, at_ms: number): ReplyEngagementEvent => ({
  reply_uri,
  actor_did,
  kind,
  at_ms,
});

test('side A is the bot whose id sorts first, whatever the slots and the order of outcomes; incomplete battles wait', () => {
  const sides = battleSides([reply('b1', 1, 1000), reply('b2', 0, 3000), reply('b9', 0, 10, 'at://x/p2', 'bt_2')], WINDOW);
  assert.equal(sides.length, 1);
  assert.deepEqual([sides[0]?.a.bot_id, sides[0]?.b.bot_id, sides[0]?.closesAtMs], ['b1', 'b2', 3000 + WINDOW]);
});

test('decided only once the window has closed, counting what came before the close', () => {
  const a = reply('b1', 0, 0);
  const b = reply('b2', 1, 0);
  const sides = battleSides([a, b], WINDOW);
  const events = [
    ev(a.reply_uri, 'p1', 'like', 10),
    ev(a.reply_uri, 'p1', 'like', 20), // the same person twice: once
    ev(b.reply_uri, 'p2', 'like', 10),
    ev(b.reply_uri, 'p2', 'reply', 30), // one person, two actions: two
    ev(a.reply_uri, 'p3', 'repost', WINDOW),
    ev(a.reply_uri, 'p4', 'like', WINDOW + 1), // at or after the close
  ];
  const impressions = new Map([
    [a.reply_uri, [5, 6, WINDOW]],
    [b.reply_uri, [5]],
  ]);
  assert.deepEqual(decideBattles(sides, events, impressions, WINDOW - 1), []);
  const [d] = decideBattles(sides, events, impressions, WINDOW);
  assert.ok(d);
  assert.deepEqual([d.scoreA, d.scoreB, d.winner, d.decidedAtMs], [1, 2, 'b', WINDOW]);
  assert.deepEqual(d.engagementA, { impressions: 2, likes: 1, reposts: 0, replies: 0 });
});

test('equal engagement, none included, is a tie', () => {
  const sides = battleSides([reply('b1', 0, 0), reply('b2', 1, 0)], WINDOW);
  assert.equal(decideBattles(sides, [], new Map(), WINDOW)[0]?.winner, 'tie');
});

test('the reply index keeps the newest entries within its bound', () => {
  const index = new ReplyIndex(2);
  index.add('u1', { botId: 'b1', mentionDid: '' });
  index.add('u2', { botId: 'b2', mentionDid: 'did:plc:x' });
  index.add('u1', { botId: 'b1', mentionDid: '' }); // refreshed: now the newest
  index.add('u3', { botId: 'b3', mentionDid: '' });
  assert.deepEqual([index.get('u1')?.botId, index.get('u2'), index.get('u3')?.botId, index.size], ['b1', undefined, 'b3', 2]);
});
