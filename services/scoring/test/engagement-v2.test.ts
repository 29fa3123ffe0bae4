// The engagement-v2 rule as a pure function on in-memory rows (what a simulation harness calls):
// equal windows from each side's own post time, at their edges, for a fast and a slow side; only
// people vote; the author's vote decides over the crowd's; battle weights ∝ 1/pair probability.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replyTaskId } from '@botsky/contracts';
import { battleVoters, decideBattlesV2, type BattleReplyRow, type EngagementEvent } from '../src/index.ts';

const W = 60_000;
const AUTHOR = 'did:plc:alice';

function side(bot: string, slot: number, postedMs: number, battle = 'bt_1', p = 0): BattleReplyRow {
  const post = `at://${AUTHOR}/app.bsky.feed.post/${battle}`;
  return {
    task_id: replyTaskId(post, slot),
    bot_id: bot,
    post_uri: post,
    reply_uri: `at://did:plc:${bot}/app.bsky.feed.post/${battle}`,
    battle_id: battle,
    finished_ms: postedMs,
    post_author_did: AUTHOR,
    pair_probability: p,
  };
}
const ev = (reply: BattleReplyRow, actor: string, kind: string, at: number): EngagementEvent => ({
  reply_uri: reply.reply_uri,
  actor_did: actor,
  kind,
  at_ms: at,
});
const nobody = () => false;

test("each side's window is [its own post time, + W): the edges for a fast and a slow side", () => {
  const fast = side('b1', 0, 0);
  const slow = side('b2', 1, 30_000);
  const events = [
    ev(fast, 'p1', 'like', W - 1),
    ev(fast, 'p2', 'like', W), // fast: the last ms counts, W does not
    ev(slow, 'p3', 'like', 30_000 + W - 1),
    ev(slow, 'p4', 'like', 30_000 + W), // slow: the same, 30 s later
    ev(slow, 'p5', 'repost', 30_000 + W - 1),
  ];
  const opts = { windowMs: W, excluded: nobody };
  assert.deepEqual(decideBattlesV2([fast, slow], events, { ...opts, asOfMs: 30_000 + W - 1 }), [], 'decided at max(t_A, t_B) + W');
  const [d] = decideBattlesV2([fast, slow], events, { ...opts, asOfMs: 30_000 + W });
  assert.ok(d);
  assert.deepEqual([d.engagementA.likes, d.engagementB.likes, d.engagementB.reposts], [1, 1, 1]);
  assert.deepEqual(
    [d.scoreA, d.scoreB, d.winner, d.voteKind, d.decidedAtMs, d.ruleVersion],
    [1, 2, 'b', 'crowd', 30_000 + W, 'engagement-v2'],
  );
  assert.deepEqual(battleVoters([fast, slow], events, { ...opts, asOfMs: 30_000 + W }), ['p1', 'p3', 'p5']);
});

test('only people vote, each once per side and action', () => {
  const a = side('b1', 0, 0);
  const b = side('b2', 1, 0);
  const events = [
    ev(a, 'did:plc:b2', 'like', 10),
    ev(a, 'did:plc:labelled', 'like', 10),
    ev(a, 'did:plc:labelled', 'reply', 11), // not people
    ev(a, 'p1', 'like', 10),
    ev(a, 'p1', 'like', 20), // once
    ev(b, 'p2', 'like', 10),
    ev(b, 'p2', 'reply', 12), // two actions: two
  ];
  const excluded = (did: string) => did === 'did:plc:b2' || did === 'did:plc:labelled';
  const [d] = decideBattlesV2([a, b], events, { windowMs: W, asOfMs: W, excluded });
  assert.deepEqual([d?.scoreA, d?.scoreB, d?.winner, d?.voteKind], [1, 2, 'b', 'crowd']);
  const [all] = decideBattlesV2([a, b], events, { windowMs: W, asOfMs: W, excluded: nobody });
  assert.deepEqual([all?.scoreA, all?.winner], [4, 'a'], 'the same events with everyone counted');
});

test("the author's vote decides over the crowd's; an equal author vote leaves it to the crowd; equal is a tie", () => {
  const a = side('b1', 0, 0);
  const b = side('b2', 1, 0);
  const crowdForA = [ev(a, 'p1', 'like', 5), ev(a, 'p2', 'like', 5), ev(a, 'p3', 'repost', 5)];
  const decide = (events: EngagementEvent[]) => decideBattlesV2([a, b], events, { windowMs: W, asOfMs: W, excluded: nobody })[0];
  const byAuthor = decide([...crowdForA, ev(b, AUTHOR, 'like', 7)]);
  assert.deepEqual([byAuthor?.winner, byAuthor?.voteKind, byAuthor?.authorA, byAuthor?.authorB], ['b', 'author', 0, 1]);
  const even = decide([...crowdForA, ev(a, AUTHOR, 'like', 7), ev(b, AUTHOR, 'like', 7)]);
  assert.deepEqual([even?.winner, even?.voteKind], ['a', 'crowd']);
  const tie = decide([ev(a, 'p1', 'like', 5), ev(b, 'p2', 'reply', 5)]);
  assert.deepEqual([tie?.winner, tie?.voteKind], ['tie', 'tie']);
});

test("under inverse weighting a battle's weight is ∝ 1/its pair's sampling probability, mean 1; unknown weighs 1; by default 1", () => {
  const rows = [
    side('b1', 0, 0, 'x', 0.5),
    side('b2', 1, 0, 'x', 0.5),
    side('b1', 0, 0, 'y', 0.25),
    side('b3', 1, 0, 'y', 0.25),
    side('b2', 0, 0, 'z'),
    side('b3', 1, 0, 'z'),
  ];
  const decided = decideBattlesV2(rows, [], { windowMs: W, asOfMs: W, excluded: nobody, weighting: 'inverse' });
  const weight = new Map(decided.map((d) => [d.battleId, d.weight]));
  assert.ok(Math.abs((weight.get('y') ?? 0) / (weight.get('x') ?? 1) - 2) < 1e-12);
  assert.ok(Math.abs((weight.get('x') ?? 0) + (weight.get('y') ?? 0) - 2) < 1e-12);
  assert.equal(weight.get('z'), 1);
  const unweighted = decideBattlesV2(rows, [], { windowMs: W, asOfMs: W, excluded: nobody });
  assert.deepEqual(
    unweighted.map((d) => d.weight),
    [1, 1, 1],
  );
});
