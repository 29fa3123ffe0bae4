// scoring end to end on the real NATS and embedded ClickHouse: realistic events for three bots
// (outcomes with mentions, impressions, likes, reposts and replies, a mention answered in the
// thread, three battles) are recorded exactly once even when published twice; the scores equal
// hand-computed values; battles are decided by the rule after the window (a tie included); the
// ratings follow; the leaderboard answers over HTTP and gRPC; and a rescore from the warehouse
// alone, in-process and through `botsky rescore`, reproduces the live numbers exactly.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { credentials } from '@grpc/grpc-js';
import { createGrpcClient } from '@botsky/contracts/grpc';
import { encode, LeaderboardService, LlmCallSchema, SUBJECTS, toUs } from '@botsky/contracts';
import { deleteTestNamespace, eventually, metricSum, runNode, suiteHooks, testNamespace } from '@botsky/kit/testing';
import { onlineElo, poissonRate, wilson } from '@botsky/ratings';
import { createMemoryBus, type OutgoingMessage } from '@botsky/bus';
import { createMetrics } from '@botsky/kit';
import { createBatchWriter } from '@botsky/warehouse';
import { buildLeaderboardApp, computeLeaderboard, leaderboardJson, type Leaderboard } from '../src/index.ts';
import { createScoringMetrics } from '../src/metrics.ts';
import { recordMessage } from '../src/consumers/record.ts';
import { ReplyIndex } from '../src/consumers/reply-index.ts';
import { createScoreJob } from '../src/scores/job.ts';
import { impressionPage, like, outcome, post, postUri, startScoring, type RunningScoring } from './helpers.ts';

const CLI = fileURLToPath(new URL('../../../packages/cli/src/main.ts', import.meta.url));
const MIN = 60_000;
// Two hours ago, so every window (battle 10 min, recommendation 30 min) has closed by now.
const T0 = Math.floor((Date.now() - 2 * 60 * MIN) / 1000) * 1000;
const AS_OF = new Date(T0 + 60 * MIN);
const ENV = {
  BOTSKY_BATTLE_WINDOW: '10m',
  BOTSKY_RECOMMENDATION_WINDOW: '30m',
  BOTSKY_BOOTSTRAP_ROUNDS: '200',
  BOTSKY_SCORING_INTERVAL: '1h',
};
const P1 = postUri('alice', 'p1');
const P2 = postUri('bob', 'p2');
const P3 = postUri('carol', 'p3');
const R = (bot: string, rkey: string) => postUri(bot, rkey);

function events(): OutgoingMessage[] {
  return [
    post('alice', 'p1', T0),
    post('bob', 'p2', T0),
    post('carol', 'p3', T0),
    // battle 1 on P1: b1 (mentions dan) vs b2 (mentions erin)
    outcome({ bot: 'b1', post: P1, slot: 0, rkey: 'r1a', ms: T0 + 10_000, mention: 'dan', battle: true }),
    outcome({ bot: 'b2', post: P1, slot: 1, rkey: 'r1b', ms: T0 + 20_000, mention: 'erin', battle: true }),
    // battle 2 on P2: b2 vs b3 (mentions alice); battle 3 on P3: b1 vs b3
    outcome({ bot: 'b2', post: P2, slot: 0, rkey: 'r2a', ms: T0 + 30_000, battle: true }),
    outcome({ bot: 'b3', post: P2, slot: 1, rkey: 'r2b', ms: T0 + 40_000, mention: 'alice', battle: true }),
    outcome({ bot: 'b1', post: P3, slot: 0, rkey: 'r3a', ms: T0 + 50_000, battle: true }),
    outcome({ bot: 'b3', post: P3, slot: 1, rkey: 'r3b', ms: T0 + 60_000, battle: true }),
    // engagement on R1a: bob and carol like, a bot likes (not a person), dan (mentioned) replies
    like('bob', 'l1', R('b1', 'r1a'), T0 + MIN),
    like('carol', 'l2', R('b1', 'r1a'), T0 + MIN),
    like('b2', 'l3', R('b1', 'r1a'), T0 + MIN),
    post('dan', 'd1', T0 + 2 * MIN, { root: P1, parent: R('b1', 'r1a') }),
    // R1b: bob likes; erin (mentioned) answers in the thread, under alice's post; carol reposts
    // after battle 1's window closed (counts for engagement, not for the battle)
    like('bob', 'l4', R('b2', 'r1b'), T0 + MIN),
    post('erin', 'e1', T0 + 3 * MIN, { root: P1, parent: P1 }),
    like('carol', 'rp1', R('b2', 'r1b'), T0 + 20 * MIN, 'repost'),
    // battle 2: dan likes R2a; erin and carol like R2b; alice answers R2b 45 min later (too late)
    like('dan', 'l5', R('b2', 'r2a'), T0 + MIN),
    like('erin', 'l6', R('b3', 'r2b'), T0 + MIN),
    like('carol', 'l7', R('b3', 'r2b'), T0 + MIN),
    post('alice', 'a1', T0 + 40_000 + 45 * MIN, { root: P2, parent: R('b3', 'r2b') }),
    // battle 3: one like each: a tie
    like('alice', 'l8', R('b1', 'r3a'), T0 + MIN),
    like('bob', 'l9', R('b3', 'r3b'), T0 + MIN),
    // impressions: R1a 3, R3a 1 (b1: 4); R1b 2, R2a 2 (b2: 4); R2b 2, R3b 2 (b3: 4), in four pages
    // as the feed publishes them (one message each).
    impressionPage(
      'q1',
      [
        [0, R('b1', 'r1a'), 'b1'],
        [1, R('b2', 'r1b'), 'b2'],
        [2, R('b2', 'r2a'), 'b2'],
        [3, R('b3', 'r2b'), 'b3'],
      ],
      T0 + MIN,
    ),
    impressionPage(
      'q2',
      [
        [0, R('b2', 'r1b'), 'b2'],
        [1, R('b1', 'r1a'), 'b1'],
        [2, R('b2', 'r2a'), 'b2'],
        [3, R('b3', 'r2b'), 'b3'],
      ],
      T0 + MIN,
    ),
    impressionPage(
      'q3',
      [
        [0, R('b1', 'r1a'), 'b1'],
        [1, R('b1', 'r3a'), 'b1'],
        [2, R('b3', 'r3b'), 'b3'],
      ],
      T0 + MIN,
    ),
    impressionPage('q4', [[0, R('b3', 'r3b'), 'b3']], T0 + MIN),
  ];
}

/** Rows one pass of events() writes: one per message, plus three more for each four-item page. */
function rowsPerPass(all: readonly OutgoingMessage[]): number {
  return all.length + 2 * 3;
}

describe('scoring', () => {
  const hooks = suiteHooks();
  const namespace = testNamespace();
  let dir = '';
  let s: RunningScoring;
  let live: Leaderboard;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-scoring-'));
    s = await startScoring(hooks, { ...ENV, BOTSKY_NAMESPACE: namespace, BOTSKY_WAREHOUSE: `embedded:${dir}` });
  });
  after(async () => {
    await s?.stop();
    await deleteTestNamespace(namespace);
    await rm(dir, { recursive: true, force: true });
  });

  const count = async (sql: string) => Number((await s.ctx.warehouse.query<{ n: number }>(sql))[0]?.n ?? 0);

  it('records every event once, even when it is delivered twice, and dead-letters poison', async () => {
    const all = events();
    await s.ctx.bus.publishMany(all);
    // The same events again without msgIds: the bus stores them, as a redelivery would arrive.
    await s.ctx.bus.publishMany(all.map(({ subject, data }) => ({ subject, data })));
    await s.ctx.bus.publish(SUBJECTS.botOutcome, new Uint8Array([0xff, 0xff, 0xff]));
    await eventually('rows', async () => (await metricSum(s.metrics, 'botsky_scoring_rows_written_total')) >= 2 * rowsPerPass(all), {
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    await eventually(
      'the bad outcome dead-lettered',
      async () => (await metricSum(s.metrics, 'botsky_scoring_dead_lettered_total', { consumer: 'scoring-recorder-outcomes' })) === 1,
      { intervalMs: 100 },
    );
    const db = s.ctx.warehouse.database;
    assert.equal(await count(`SELECT count() AS n FROM ${db}.posts FINAL`), 6);
    assert.equal(await count(`SELECT count() AS n FROM ${db}.interactions FINAL`), 10);
    assert.equal(await count(`SELECT count() AS n FROM ${db}.bot_replies FINAL`), 6);
    assert.equal(await count(`SELECT count() AS n FROM ${db}.mentions FINAL`), 3);
    assert.equal(await count(`SELECT count() AS n FROM ${db}.impressions FINAL`), 12);
    // A page's rows are named by request id and position, with the page's shared fields.
    const pageRow = `SELECT count() AS n FROM ${db}.impressions FINAL WHERE impression_id = 'q2:1' AND feed_request_id = 'q2' AND bot_id = 'b1' AND position = 1 AND viewer_did = 'did:plc:viewer'`;
    assert.equal(await count(pageRow), 1);
    // The recorder attributed replies and likes to bots, for the per-minute views.
    assert.equal(await count(`SELECT count() AS n FROM ${db}.posts FINAL WHERE parent_bot_id = 'b1' AND answers_mention = 1`), 1);
    assert.equal(await count(`SELECT count() AS n FROM ${db}.interactions FINAL WHERE subject_bot_id = 'b3'`), 3);
    // The batching writer's counters: every row written is in some flushed batch, none refused.
    const written = await metricSum(s.metrics, 'botsky_scoring_rows_written_total');
    assert.equal(await metricSum(s.metrics, 'botsky_scoring_rows_flushed_total'), written);
    const flushes = await metricSum(s.metrics, 'botsky_scoring_flushes_total');
    assert.ok(flushes >= 1 && flushes <= written, `${flushes} flushes`);
    assert.equal(await metricSum(s.metrics, 'botsky_scoring_rows_rejected_total'), 0);
    assert.equal(await metricSum(s.metrics, 'botsky_scoring_pending_rows'), 0);
  });

  it("records the gateway's LLM calls into llm_calls, once each (a redelivery is the same call)", async () => {
    const call = (id: string, builder: string, cost: number) =>
      encode(LlmCallSchema, {
        callId: id,
        keyId: 'k1',
        builder,
        model: 'small',
        provider: 'openai',
        promptTokens: 10n,
        completionTokens: 5n,
        costUsd: cost,
        latencyMs: 120n,
        outcome: 'ok',
        streamed: true,
        atUs: toUs(T0),
      });
    await s.ctx.bus.publish(SUBJECTS.llmCall, call('c1', 'ada', 0.002), { msgId: 'c1' });
    await s.ctx.bus.publish(SUBJECTS.llmCall, call('c1', 'ada', 0.002));
    await s.ctx.bus.publish(SUBJECTS.llmCall, call('c2', 'grace', 0.003), { msgId: 'c2' });
    const db = s.ctx.warehouse.database;
    await eventually('the calls recorded', async () => (await count(`SELECT count() AS n FROM ${db}.llm_calls FINAL`)) === 2, {
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    const rows = await s.ctx.warehouse.query<{ builder: string; tokens: number; usd: number; streamed: number }>(
      `SELECT builder, sum(prompt_tokens + completion_tokens) AS tokens, sum(cost_usd) AS usd, any(streamed) AS streamed FROM ${db}.llm_calls FINAL GROUP BY builder ORDER BY builder`,
    );
    assert.deepEqual(
      rows.map((r) => [r.builder, Number(r.tokens), Number(r.usd), Number(r.streamed)]),
      [
        ['ada', 15, 0.002, 1],
        ['grace', 15, 0.003, 1],
      ],
    );
  });

  it('computes engagement, recommendation, battles and ratings as computed by hand', async () => {
    live = await s.svc.job.runOnce(AS_OF);
    const by = new Map(live.entries.map((e) => [e.id, e]));
    const expect = { b1: [2, 4, 3, 0, 1, 1, 1], b2: [2, 4, 2, 1, 0, 1, 1], b3: [2, 4, 3, 0, 1, 1, 0] } as const;
    for (const [bot, [replies, impressions, likes, reposts, repliesReceived, mentions, successes]] of Object.entries(expect)) {
      const e = by.get(bot);
      assert.ok(e, bot);
      assert.deepEqual(
        [e.replies, e.impressions, e.likes, e.reposts, e.repliesReceived],
        [replies, impressions, likes, reposts, repliesReceived],
        bot,
      );
      const events = likes + reposts + repliesReceived;
      assert.deepEqual(e.engagement, { rate: events / impressions, ci95: poissonRate(events, impressions), events }, bot);
      assert.deepEqual(e.likesPerImpression, { rate: likes / impressions, ci95: wilson(likes, impressions) }, bot);
      assert.deepEqual(e.recommendation, { mentions, successes, rate: successes / mentions, ci95: wilson(successes, mentions) }, bot);
    }
    // battles: b1 beats b2 (3 to 1: the late repost is outside the window), b3 beats b2, b1 ties b3
    assert.deepEqual(
      live.battles.map((b) => [b.botA, b.botB, b.scoreA, b.scoreB, b.winner]),
      [
        ['b1', 'b2', 3, 1, 'a'],
        ['b2', 'b3', 1, 2, 'b'],
        ['b1', 'b3', 1, 1, 'tie'],
      ],
    );
    assert.equal(live.battles[0]?.decidedAtMs, T0 + 20_000 + 10 * MIN);
    const elo = onlineElo([
      { a: 'b1', b: 'b2', winner: 'a' },
      { a: 'b2', b: 'b3', winner: 'b' },
      { a: 'b1', b: 'b3', winner: 'tie' },
    ]);
    assert.ok(Math.abs((by.get('b1')?.rating.elo ?? 0) - 1001.99993) < 1e-4);
    for (const [bot, r] of elo) assert.equal(by.get(bot)?.rating.elo, r);
    assert.deepEqual(
      live.entries.map((e) => e.rating.battles),
      [2, 2, 2],
    );
    assert.equal(by.get('b2')?.rating.bt !== null && (by.get('b2')?.rating.bt ?? 0) < 1000, true, 'b2 lost both battles');
    for (const e of live.entries)
      assert.ok(e.rating.ci95 && e.rating.ci95[0] <= (e.rating.bt ?? 0) && (e.rating.bt ?? 0) <= e.rating.ci95[1]);
  });

  it('engagement-v2 decides these battles by the crowd; engagement-v1 stays computable with its old numbers', async () => {
    assert.equal(live.ruleVersion, 'engagement-v2');
    assert.deepEqual(
      live.battles.map((b) => [b.voteKind, b.ruleVersion, b.weight]),
      [
        ['crowd', 'engagement-v2', 1],
        ['crowd', 'engagement-v2', 1],
        ['tie', 'engagement-v2', 1],
      ],
    );
    const config = {
      battleWindowMs: 10 * MIN,
      recommendationWindowMs: 30 * MIN,
      bootstrapRounds: 200,
      battleRule: 'engagement-v1' as const,
    };
    const v1 = await computeLeaderboard(s.ctx.warehouse, { asOf: AS_OF, config });
    assert.equal(v1.ruleVersion, 'engagement-v1');
    assert.deepEqual(
      v1.battles.map((b) => [b.botA, b.botB, b.scoreA, b.scoreB, b.winner, b.voteKind]),
      [
        ['b1', 'b2', 3, 1, 'a', ''],
        ['b2', 'b3', 1, 2, 'b', ''],
        ['b1', 'b3', 1, 1, 'tie', ''],
      ],
    );
    assert.equal(v1.battles[0]?.decidedAtMs, T0 + 20_000 + 10 * MIN);
  });

  it('publishes battle outcomes and rating snapshots once, and records them', async () => {
    const db = s.ctx.warehouse.database;
    await s.svc.job.runOnce(AS_OF); // a second run publishes nothing new
    // Three bots, three methods each (Elo, raw Bradley–Terry, Bradley–Terry with style control).
    await eventually('snapshots', async () => (await count(`SELECT count() AS n FROM ${db}.rating_snapshots FINAL`)) === 9, {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    assert.equal(await count(`SELECT count() AS n FROM ${db}.rating_snapshots FINAL WHERE method = 'bt_style'`), 3);
    await eventually('battles', async () => (await count(`SELECT count() AS n FROM ${db}.battles FINAL`)) === 3, {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    const rows = await s.ctx.warehouse.query<{ winner: string; score_a: number; score_b: number }>(
      `SELECT winner, score_a, score_b FROM ${db}.battles FINAL ORDER BY decided_at`,
    );
    assert.deepEqual(
      rows.map((r) => [r.winner, r.score_a, r.score_b]),
      [
        ['b1', 3, 1],
        ['b3', 1, 2],
        ['', 1, 1],
      ],
    );
    assert.equal(await metricSum(s.metrics, 'botsky_scoring_battles_decided_total'), 3);
    assert.equal(await metricSum(s.metrics, 'botsky_scoring_battles_decided_total', { winner: 'tie' }), 1);
    assert.equal(
      await metricSum(s.metrics, 'botsky_scoring_rating', { bot: 'b1', method: 'elo' }),
      live.entries.find((e) => e.id === 'b1')?.rating.elo,
    );
    // A bot's rating history comes back from the warehouse over HTTP: its bt_style snapshot.
    const base = `http://127.0.0.1:${s.svc.servers()?.httpPort}`;
    const history = (await (await fetch(`${base}/v1/bots/b1/history`)).json()) as { points: Array<{ rating: number; battles: number }> };
    const b1 = live.entries.find((e) => e.id === 'b1');
    assert.deepEqual(
      history.points.map((p) => [p.rating, p.battles]),
      [[b1?.rating.btStyle, b1?.rating.battles]],
    );
    assert.deepEqual(((await (await fetch(`${base}/v1/bots/nobody/history`)).json()) as { points: unknown[] }).points, []);
  });

  it('serves the leaderboard over HTTP (inject and the real listener) and gRPC', async () => {
    const app = buildLeaderboardApp(() => live);
    const res = await app.inject({ method: 'GET', url: '/v1/leaderboard' });
    assert.equal(res.statusCode, 200);
    const body = res.json() as ReturnType<typeof leaderboardJson>;
    assert.deepEqual(body, JSON.parse(JSON.stringify(leaderboardJson(live, 'bt', 0))));
    assert.deepEqual(
      body.bots.map((b) => b.id),
      live.entries.map((e) => e.id),
    );
    assert.equal((await app.inject({ method: 'GET', url: '/v1/leaderboard?orderBy=nope' })).statusCode, 400);
    assert.equal((await buildLeaderboardApp(() => undefined).inject({ method: 'GET', url: '/v1/leaderboard' })).statusCode, 503);
    await app.close();

    const servers = s.svc.servers();
    assert.ok(servers);
    const http = await fetch(`http://127.0.0.1:${servers.httpPort}/v1/leaderboard?orderBy=elo&limit=2`);
    const top2 = (await http.json()) as { bots: Array<{ id: string; rating: { elo: number } }> };
    assert.equal(top2.bots.length, 2);
    assert.ok((top2.bots[0]?.rating.elo ?? 0) >= (top2.bots[1]?.rating.elo ?? 0));

    const client = createGrpcClient(LeaderboardService, `127.0.0.1:${servers.grpcPort}`, credentials.createInsecure());
    try {
      // Unspecified: the leaderboard's own order (rankedBy, bt_style by default).
      const reply = await client.getLeaderboard({}, { deadline: Date.now() + 5000 });
      const board = s.svc.job.latest();
      assert.ok(board);
      assert.equal(reply.ruleVersion, 'engagement-v2');
      assert.equal(reply.rankedBy, 'bt_style');
      assert.deepEqual(
        reply.entries.map((e) => [e.botId, e.rank, e.bradleyTerry?.value, e.replies, e.battles]),
        board.entries.map((e) => [e.id, e.rating.rank, e.rating.bt, e.replies, e.rating.battles]),
      );
      const b1 = reply.entries.find((e) => e.botId === 'b1');
      assert.deepEqual([b1?.engagement?.numerator, b1?.engagement?.denominator, b1?.recommendation?.numerator], [4, 4, 1]);
    } finally {
      client.close();
    }
  });

  it('a row the warehouse can never store is dead-lettered; a failing statement is retried', async () => {
    const kit = createMetrics({ service: 'scoring', defaultMetrics: false });
    const metrics = createScoringMetrics(kit);
    const writer = createBatchWriter(s.ctx.warehouse, { maxDelayMs: 10, maxRetries: 0 });
    const deps = { bus: s.ctx.bus, writer, index: new ReplyIndex(), models: new Map(), metrics, logger: s.ctx.logger, maxInFlight: 1 };
    const msg = { subject: 'x', data: new Uint8Array(), headers: {}, msgId: undefined, seq: 1, deliveryCount: 1 };
    try {
      const bad = await recordMessage(
        deps,
        'c',
        () => [{ table: 'impressions', row: { impression_id: 'x', position: 'not a number' } }],
        msg,
      );
      assert.equal(bad?.kind, 'term');
      await assert.rejects(
        recordMessage(deps, 'c', () => [{ table: 'no_such_table', row: { a: 1 } }], msg),
        /no_such_table/,
      );
      assert.equal(await metricSum(kit, 'botsky_scoring_dead_lettered_total', { consumer: 'c' }), 1);
      assert.equal(await metricSum(kit, 'botsky_scoring_write_errors_total'), 2);
    } finally {
      await writer.close();
    }
  });

  it('the periodic job computes on its own and stops cleanly', async () => {
    const bus = createMemoryBus();
    await bus.ensureTopology();
    const job = createScoreJob({
      warehouse: s.ctx.warehouse,
      bus,
      metrics: createScoringMetrics(createMetrics({ service: 'scoring', defaultMetrics: false })),
      logger: s.ctx.logger,
      params: { battleWindowMs: 10 * MIN, recommendationWindowMs: 30 * MIN, bootstrapRounds: 20 },
      intervalMs: 50,
      handles: async () => new Map([['b1', 'b1.test']]),
    });
    job.start();
    try {
      await eventually('a periodic run', async () => job.latest() !== undefined, { timeoutMs: 10_000, intervalMs: 100 });
      assert.equal(job.latest()?.entries.find((e) => e.id === 'b1')?.handle, 'b1.test');
      assert.equal(job.latest()?.battles.length, 3);
    } finally {
      await job.stop();
      await bus.close();
    }
  });

  it('rescore from the warehouse alone reproduces the live numbers, in-process and through the CLI', async (t) => {
    const config = { battleWindowMs: 10 * MIN, recommendationWindowMs: 30 * MIN, bootstrapRounds: 200 };
    const again = await computeLeaderboard(s.ctx.warehouse, { asOf: AS_OF, config });
    assert.deepEqual(again, { ...live, entries: live.entries.map((e) => ({ ...e, handle: '' })) });
    // The CLI opens the data folder itself: embedded ClickHouse allows one process per folder.
    await s.stop();
    const proc = runNode(t, CLI, ['rescore', '--warehouse', `embedded:${dir}`, '--as-of', AS_OF.toISOString(), '--json'], ENV);
    const exit = await proc.exited;
    assert.equal(exit.code, 0, exit.stderr);
    const printed = JSON.parse(exit.stdout);
    assert.deepEqual(printed, JSON.parse(JSON.stringify(leaderboardJson(live, 'bt', 0))));
    // The second version's figures are part of what it reproduces.
    assert.deepEqual([printed.ruleVersion, printed.rankedBy, printed.excluded], ['engagement-v2', 'bt_style', live.excluded]);
    assert.ok(
      printed.bots.every(
        (b: { harm?: unknown; feedEngagement?: unknown; rating: { btStyle?: unknown } }) =>
          b.harm && b.feedEngagement && typeof b.rating.btStyle === 'number',
      ),
    );
  });
});
