// The second version of the method end to end, on the real NATS and embedded ClickHouse: events
// recorded by scoring's recorder (profiles' self-labels, reply tasks' pair probabilities, style
// features, "seen" reports, blocks, "stop" replies, unfollows), then the leaderboard against
// values computed by hand: engagement-v2's windows (a fast and a slow side), a `bot`-labelled
// account left out, the author's vote deciding, battle weights ∝ 1/p, conversation and feed
// engagement with the IPS estimate, harm, the influence cap, and a rescore that reproduces it all.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { credentials } from '@grpc/grpc-js';
import { createGrpcClient } from '@botsky/contracts/grpc';
import { LeaderboardService } from '@botsky/contracts';
import { deleteTestNamespace, eventually, metricSum, suiteHooks, testNamespace } from '@botsky/kit/testing';
import { poissonRate, styleOf } from '@botsky/ratings';
import { battleReplyDetailsAsOf } from '@botsky/warehouse';
import { computeLeaderboard, leaderboardJson, type Leaderboard, type LeaderboardEntry } from '../src/index.ts';
import {
  did,
  follow,
  like,
  outcome,
  post,
  postUri,
  profile,
  replyTask,
  seen,
  servedTo,
  startScoring,
  unfollow,
  type RunningScoring,
} from './helpers.ts';

const MIN = 60_000;
const W = 10 * MIN;
const T0 = Math.floor((Date.now() - 3 * 60 * MIN) / 1000) * 1000;
const AS_OF = new Date(T0 + 90 * MIN);
const ENV = {
  BOTSKY_BATTLE_WINDOW: '10m',
  BOTSKY_RECOMMENDATION_WINDOW: '30m',
  BOTSKY_BOOTSTRAP_ROUNDS: '100',
  BOTSKY_SCORING_INTERVAL: '1h',
  BOTSKY_PROJECT_DID: did('project'),
  BOTSKY_BATTLE_WEIGHTING: 'inverse',
};
const CONFIG = {
  battleWindowMs: W,
  recommendationWindowMs: 30 * MIN,
  bootstrapRounds: 100,
  projectDid: did('project'),
  battleWeighting: 'inverse' as const,
};
const P1 = postUri('alice', 'p1');
const P2 = postUri('bob', 'p2');
const R = (bot: string, rkey: string) => postUri(bot, rkey);
const TEXT_1A = 'Good question? 😀 see https://example.com';

function events() {
  return [
    profile('robo', ['bot'], T0 - MIN),
    profile('alice', [], T0 - MIN),
    follow('alice', 'f-project', did('project'), T0 - MIN),
    follow('heidi', 'f-b3', did('b3'), T0 - MIN),
    post('alice', 'p1', T0),
    post('bob', 'p2', T0),
    // battle 1 on alice's P1 (pair drawn with p = 0.5): b1 answers fast (10 s), b2 slowly (5 min)
    replyTask({ bot: 'b1', post: P1, slot: 0, ms: T0 + 1000, pairProbability: 0.5 }),
    replyTask({ bot: 'b2', post: P1, slot: 1, ms: T0 + 1000, pairProbability: 0.5 }),
    outcome({ bot: 'b1', post: P1, slot: 0, rkey: 'r1a', ms: T0 + 10_000, battle: true, text: TEXT_1A }),
    outcome({ bot: 'b2', post: P1, slot: 1, rkey: 'r1b', ms: T0 + 5 * MIN, battle: true, text: 'hello there' }),
    // battle 2 on bob's P2 (p = 0.25): b1 vs b3
    replyTask({ bot: 'b1', post: P2, slot: 0, ms: T0 + 1000, pairProbability: 0.25 }),
    replyTask({ bot: 'b3', post: P2, slot: 1, ms: T0 + 1000, pairProbability: 0.25 }),
    outcome({ bot: 'b1', post: P2, slot: 0, rkey: 'r2a', ms: T0 + 10_000, battle: true }),
    outcome({ bot: 'b3', post: P2, slot: 1, rkey: 'r2b', ms: T0 + 20_000, battle: true }),
    // R1a: carol at its window's last ms (counts), dan at its end (not in v2; in v1's window),
    // robo is labelled `bot`. R1b: the author alice likes it (the author's vote), erin too.
    like('carol', 'l1', R('b1', 'r1a'), T0 + 10_000 + W - 1),
    like('dan', 'l2', R('b1', 'r1a'), T0 + 10_000 + W),
    like('robo', 'l3', R('b1', 'r1a'), T0 + MIN),
    like('alice', 'l4', R('b2', 'r1b'), T0 + 6 * MIN),
    like('erin', 'l5', R('b2', 'r1b'), T0 + 5 * MIN + W - 1),
    // battle 2: carol and dan like R2a, erin likes R2b: the crowd, 2 to 1
    like('carol', 'l6', R('b1', 'r2a'), T0 + MIN),
    like('dan', 'l7', R('b1', 'r2a'), T0 + MIN),
    like('erin', 'l8', R('b3', 'r2b'), T0 + MIN),
    // the feed: carol served R2a before her like, dan after his; erin's client reports "seen"
    servedTo('q1', R('b1', 'r2a'), 'b1', 'carol', 0.5, T0 + 30_000),
    servedTo('q2', R('b1', 'r2a'), 'b1', 'dan', 0.25, T0 + 2 * MIN),
    servedTo('q3', R('b1', 'r2a'), 'b1', '', 0.5, T0 + 30_000),
    servedTo('q4', R('b3', 'r2b'), 'b3', 'erin', 0.5, T0 + 30_000),
    seen('erin', R('b3', 'r2b'), 'b3', T0 + 40_000),
    // harm: frank blocks b2, gina tells b2 "stop", heidi unfollows b3, alice unfollows the project
    // (an opt-out, after b2's reply reached her last), robo blocks b3 (not a person)
    follow('frank', 'k1', did('b2'), T0 + 20 * MIN, 'block'),
    post('gina', 'g1', T0 + 21 * MIN, { root: P1, parent: R('b2', 'r1b') }, '  STOP '),
    unfollow('heidi', 'f-b3', T0 + 30 * MIN),
    unfollow('alice', 'f-project', T0 + 40 * MIN),
    follow('robo', 'k2', did('b3'), T0 + 20 * MIN, 'block'),
  ];
}

describe('ranking, second version', () => {
  const hooks = suiteHooks();
  const namespace = testNamespace();
  let dir = '';
  let s: RunningScoring;
  let live: Leaderboard;
  let by: Map<string, LeaderboardEntry>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-ranking-'));
    s = await startScoring(hooks, { ...ENV, BOTSKY_NAMESPACE: namespace, BOTSKY_WAREHOUSE: `embedded:${dir}` });
    const all = events();
    await s.ctx.bus.publishMany(all);
    await eventually('rows', async () => (await metricSum(s.metrics, 'botsky_scoring_rows_written_total')) >= all.length, {
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    live = await s.svc.job.runOnce(AS_OF);
    by = new Map(live.entries.map((e) => [e.id, e]));
  });
  after(async () => {
    await s?.stop();
    await deleteTestNamespace(namespace);
    await rm(dir, { recursive: true, force: true });
  });

  it('records self-labels, pair probabilities and style features (not the text), latency from the post', async () => {
    const db = s.ctx.warehouse.database;
    const labels = await s.ctx.warehouse.query<{ did: string }>(`SELECT did FROM ${db}.profile_labels FINAL WHERE has(self_labels, 'bot')`);
    assert.deepEqual(
      labels.map((r) => r.did),
      [did('robo')],
    );
    const details = new Map((await battleReplyDetailsAsOf(s.ctx.warehouse, { asOf: AS_OF })).map((d) => [d.task_id, d]));
    const r1a = [...details.values()].find((d) => d.graphemes === styleOf(TEXT_1A, 0).graphemes);
    assert.ok(r1a);
    const { latencySeconds: _, ...features } = styleOf(TEXT_1A, 10);
    assert.deepEqual(
      { graphemes: r1a.graphemes, questions: r1a.questions, emoji: r1a.emoji, links: r1a.links, mentions: r1a.mentions },
      features,
    );
    assert.deepEqual([r1a.latency_seconds, r1a.pair_probability], [10, 0.5]);
    assert.deepEqual(
      [...details.values()].map((d) => d.latency_seconds).sort((x, y) => x - y),
      [10, 10, 20, 300],
    );
  });

  it('decides battles by engagement-v2: equal windows, people only, the author first; weights ∝ 1/p', () => {
    assert.equal(live.ruleVersion, 'engagement-v2');
    assert.deepEqual(
      live.battles.map((b) => [b.botA, b.botB, b.scoreA, b.scoreB, b.winner, b.voteKind]),
      [
        ['b1', 'b3', 2, 1, 'a', 'crowd'], // closes at T0 + 20 s + W
        ['b1', 'b2', 1, 2, 'b', 'author'], // closes at T0 + 5 min + W; dan (at W) and robo left out
      ],
    );
    const [w2, w1] = live.battles.map((b) => b.weight);
    assert.ok(Math.abs((w2 ?? 0) - 4 / 3) < 1e-12 && Math.abs((w1 ?? 0) - 2 / 3) < 1e-12, `${w1}, ${w2}`);
    assert.deepEqual(
      live.battles.map((b) => b.decidedAtMs),
      [T0 + 20_000 + W, T0 + 5 * MIN + W],
    );
  });

  it('weighs every battle 1 by default (BOTSKY_BATTLE_WEIGHTING=none)', async () => {
    const unweighted = await computeLeaderboard(s.ctx.warehouse, { asOf: AS_OF, config: { ...CONFIG, battleWeighting: 'none' } });
    assert.deepEqual(
      unweighted.battles.map((b) => [b.pairProbability, b.weight]),
      [
        [0.25, 1],
        [0.5, 1],
      ],
    );
  });

  it('computes conversation and feed engagement, the IPS estimate and harm as by hand', () => {
    const b1 = by.get('b1');
    const b2 = by.get('b2');
    const b3 = by.get('b3');
    assert.ok(b1 && b2 && b3);
    // b1: carol and dan on R1a and R2a (robo is not a person): 4 actions over 2 replies
    assert.deepEqual(b1.conversationEngagement, { rate: 2, ci95: poissonRate(4, 2), events: 4, replies: 2 });
    // b2: alice and erin; gina's "stop" is harm, not engagement
    assert.deepEqual(b2.conversationEngagement, { rate: 2, ci95: poissonRate(2, 1), events: 2, replies: 1 });
    // feed, b1: carol's and dan's impressions of R2a (the anonymous one has no viewer); carol liked after hers
    const f1 = b1.feedEngagement;
    assert.deepEqual([f1.events, f1.impressions, f1.rate], [1, 2, 0.5]);
    // IPS: carol (p 0.5, y 1), dan (p 0.25, y 0): (1/0.5) / (1/0.5 + 1/0.25) = 1/3; ESS 6²/(2² + 4²) = 1.8
    assert.ok(Math.abs(f1.ips.rate - 1 / 3) < 1e-12 && Math.abs(f1.ess - 1.8) < 1e-12, `${f1.ips.rate} ${f1.ess}`);
    // b3: erin reports "seen", so her impression is the seen one; her like came after it
    assert.deepEqual([b3.feedEngagement.events, b3.feedEngagement.impressions, b3.feedEngagement.ips.rate], [1, 1, 1]);
    // harm: b2 a block, a stop and alice's opt-out over 1 reply: flagged; b3 one unfollow (robo's block is not a person's)
    assert.deepEqual(
      { ...b2.harm, ci95: undefined },
      { rate: 3, ci95: undefined, blocks: 1, stops: 1, optOuts: 1, unfollows: 0, flagged: true },
    );
    assert.deepEqual(b2.harm.ci95, poissonRate(3, 1));
    assert.deepEqual([b3.harm.unfollows, b3.harm.blocks, b3.harm.flagged, b1.harm.rate], [1, 0, false, 0]);
    assert.deepEqual(live.excluded, { cappedActions: 0, flaggedPeople: 0, flaggedActions: 0 });
  });

  it('rates with and without style control and ranks by bt_style; both APIs and the metrics show it', async () => {
    assert.equal(live.rankedBy, 'bt_style');
    // Two battles: within the search bound (20% of them) nothing can be dropped.
    assert.deepEqual(live.robustness, { dropToFlipBattles: null, dropToFlipPeople: null });
    assert.deepEqual(
      live.styleCoefficients.map((c) => c.name),
      ['length', 'question', 'emoji', 'link', 'mentions', 'latency'],
    );
    for (const e of live.entries) {
      assert.ok(e.rating.btStyle !== null && e.rating.btStyleCi95 !== null && e.rating.bt !== null, e.id);
      assert.ok(e.rating.btStyleCi95[0] <= e.rating.btStyle && e.rating.btStyle <= e.rating.btStyleCi95[1]);
    }
    assert.equal(await metricSum(s.metrics, 'botsky_scoring_rating', { bot: 'b1', method: 'bt_style' }), by.get('b1')?.rating.btStyle);
    assert.equal(await metricSum(s.metrics, 'botsky_scoring_harm_flagged', { bot: 'b2' }), 1);
    assert.equal(await metricSum(s.metrics, 'botsky_scoring_excluded_actions', { reason: 'capped' }), live.excluded.cappedActions);
    assert.equal(await metricSum(s.metrics, 'botsky_scoring_flagged_people'), live.excluded.flaggedPeople);
    const json = leaderboardJson(live, 'bt', 0);
    assert.equal(json.rankedBy, 'bt_style');
    assert.deepEqual(json.bots.find((b) => b.id === 'b2')?.harm.blocks, 1);
    const servers = s.svc.servers();
    assert.ok(servers);
    const client = createGrpcClient(LeaderboardService, `127.0.0.1:${servers.grpcPort}`, credentials.createInsecure());
    try {
      const reply = await client.getLeaderboard({}, { deadline: Date.now() + 5000 });
      assert.equal(reply.rankedBy, 'bt_style');
      assert.equal(reply.styleCoefficients.length, 6);
      const b2 = reply.entries.find((e) => e.botId === 'b2');
      assert.deepEqual(
        [b2?.harmFlagged, b2?.blocks, b2?.stops, b2?.harm?.numerator, b2?.conversationEngagement?.numerator],
        [true, 1, 1, 3, 2],
      );
      assert.equal(b2?.bradleyTerryStyle?.value, by.get('b2')?.rating.btStyle);
      const b1 = reply.entries.find((e) => e.botId === 'b1');
      assert.ok(Math.abs((b1?.feedEngagementIps?.value ?? 0) - 1 / 3) < 1e-12);
      assert.equal(reply.excluded?.cappedActions, 0);
    } finally {
      client.close();
    }
  });

  it('the influence cap leaves actions out of every score; v1 still decides by its own window', async () => {
    const capped = await computeLeaderboard(s.ctx.warehouse, { asOf: AS_OF, config: { ...CONFIG, influenceDailyCap: 1 } });
    // one action per person and day, all bots together: carol and dan each acted twice on b1 that
    // day, erin once on b2 and once on b3, so one of each of theirs is left out
    assert.equal(capped.excluded.cappedActions, 3);
    assert.equal(capped.entries.find((e) => e.id === 'b1')?.conversationEngagement.events, 2);
    const v1 = await computeLeaderboard(s.ctx.warehouse, { asOf: AS_OF, config: { ...CONFIG, battleRule: 'engagement-v1' } });
    // v1's window opens at the second reply, so dan's like at T0 + 10 s + W counts, and robo's too
    assert.deepEqual(
      v1.battles.map((b) => [b.botA, b.botB, b.scoreA, b.scoreB, b.winner]),
      [
        ['b1', 'b3', 2, 1, 'a'],
        ['b1', 'b2', 3, 2, 'a'],
      ],
    );
  });

  it('a rescore from the warehouse alone reproduces the live leaderboard, new figures included', async () => {
    const again = await computeLeaderboard(s.ctx.warehouse, { asOf: AS_OF, config: CONFIG });
    assert.deepEqual(again, { ...live, entries: live.entries.map((e) => ({ ...e, handle: '' })) });
  });
});
