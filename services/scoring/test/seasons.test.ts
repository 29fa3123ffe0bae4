// Seasons in scoring (real NATS KV, embedded ClickHouse): a season covers the bot replies posted
// in its window, and once it has ended its leaderboard is frozen as of its end: later events
// (likes on its replies, new battles) change the live leaderboard, never the season's. A running
// season covers what was posted since it started. Served at /v1/seasons and /v1/seasons/NAME, and
// written to the warehouse (season_snapshots) for the dashboards: a frozen season once more when
// it freezes, and never again.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { endSeason, KV_BUCKETS, parseSeason, startSeason, type LeaderboardJson } from '@botsky/contracts';
import { deleteTestNamespace, eventually, suiteHooks, testNamespace } from '@botsky/kit/testing';
import { scoringParams } from '../src/index.ts';
import { SeasonBoards } from '../src/scores/seasons.ts';
import { like, outcome, post, postUri, startScoring, type RunningScoring } from './helpers.ts';

const MIN = 60_000;
const T0 = Math.floor((Date.now() - 3 * 60 * MIN) / 1000) * 1000;
const ENV = {
  BOTSKY_BATTLE_WINDOW: '10m',
  BOTSKY_RECOMMENDATION_WINDOW: '10m',
  BOTSKY_BOOTSTRAP_ROUNDS: '50',
  BOTSKY_SCORING_INTERVAL: '1h',
};
const R = (bot: string, rkey: string) => postUri(bot, rkey);

/** A battle on `author`'s post at `ms`: bots a and b answer, `likers` like a's reply. */
function battle(author: string, rkey: string, ms: number, a: string, b: string, likers: string[]) {
  const p = postUri(author, rkey);
  return [
    post(author, rkey, ms),
    outcome({ bot: a, post: p, slot: 0, rkey: `${rkey}a`, ms: ms + 10_000, battle: true }),
    outcome({ bot: b, post: p, slot: 1, rkey: `${rkey}b`, ms: ms + 10_000, battle: true }),
    ...likers.map((l, i) => like(l, `${rkey}l${i}`, R(a, `${rkey}a`), ms + 2 * MIN)),
  ];
}

describe('scoring: seasons', () => {
  const hooks = suiteHooks();
  const namespace = testNamespace('seasons');
  let dir = '';
  let s: RunningScoring;
  let base = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-seasons-'));
    s = await startScoring(hooks, { ...ENV, BOTSKY_NAMESPACE: namespace, BOTSKY_WAREHOUSE: `embedded:${dir}` });
    base = `http://127.0.0.1:${s.svc.servers()?.httpPort}`;
  });
  after(async () => {
    await s?.stop();
    await deleteTestNamespace(namespace);
    await rm(dir, { recursive: true, force: true });
  });

  /** Waits until the warehouse holds `replies` bot replies and `likes` likes (the recorders are asynchronous). */
  const recorded = async (replies: number, likes: number) => {
    const db = s.ctx.warehouse.database;
    const n = async (sql: string) => Number((await s.ctx.warehouse.query<{ n: number }>(sql))[0]?.n ?? 0);
    await eventually(
      'the events recorded',
      async () =>
        (await n(`SELECT count() AS n FROM ${db}.bot_replies FINAL`)) === replies &&
        (await n(`SELECT count() AS n FROM ${db}.interactions FINAL WHERE kind = 'like'`)) === likes,
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  };
  const seasonBoard = async (name: string) => {
    const res = await fetch(`${base}/v1/seasons/${name}`);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as { season: { name: string; endedAt: string | null; frozen: boolean }; leaderboard: LeaderboardJson };
  };
  const bots = (b: LeaderboardJson) => Object.fromEntries(b.bots.map((x) => [x.id, x.replies]));
  /** A season's rows in the warehouse, in a fixed order. */
  const snapshots = (season: string) =>
    s.ctx.warehouse.query<{ frozen: number; method: string; bot_id: string; rating: number; battles: number; at: number; ended: number }>(
      `SELECT frozen, method, bot_id, rating, battles, toUnixTimestamp64Milli(computed_at) AS at,
         toUnixTimestamp64Milli(ended_at) AS ended
       FROM ${s.ctx.warehouse.database}.season_snapshots WHERE season = {season:String}
       ORDER BY frozen, at, method, bot_id`,
      { season },
    );

  it('an ended season is frozen once its windows have closed: what comes later changes the live leaderboard, not the season’s', async () => {
    const kv = await s.ctx.bus.kv(KV_BUCKETS.seasons);
    // Before the season: b1 against b2. In it (T0+30..T0+60 min): b2 and b3, twice, b3 liked.
    const before = battle('alice', 'p0', T0, 'b1', 'b2', ['bob']);
    const during = [
      ...battle('carol', 'p1', T0 + 35 * MIN, 'b3', 'b2', ['dan', 'erin']),
      ...battle('dan', 'p2', T0 + 40 * MIN, 'b3', 'b2', ['bob']),
    ];
    await s.ctx.bus.publishMany([...before, ...during]);
    await recorded(6, 4);
    await startSeason(kv, 'spring', T0 + 30 * MIN);
    await endSeason(kv, 'spring', T0 + 60 * MIN);
    await assert.rejects(endSeason(kv, 'spring', T0 + 61 * MIN), /ended already/);
    await assert.rejects(startSeason(kv, 'spring', T0), /exists already/);

    // Ended, but its last battles' window (10 min) is still open: not frozen yet.
    await s.svc.job.runOnce(new Date(T0 + 65 * MIN));
    assert.equal((await seasonBoard('spring')).season.frozen, false);
    const running = await snapshots('spring');
    assert.ok(running.length > 0, 'the running board is in the warehouse');
    assert.deepEqual(new Set(running.map((r) => [r.frozen, r.at, r.ended].join())), new Set([`0,${T0 + 65 * MIN},${T0 + 60 * MIN}`]));
    assert.deepEqual([...new Set(running.map((r) => r.bot_id))].sort(), ['b2', 'b3']);
    await s.svc.job.runOnce(new Date(T0 + 90 * MIN));
    const frozen = await seasonBoard('spring');
    assert.equal(frozen.season.frozen, true);
    assert.deepEqual(bots(frozen.leaderboard), { b2: 2, b3: 2 }, 'only the replies posted in the season; b1 answered before it');
    const stored = parseSeason((await kv.get('spring'))?.value ?? new Uint8Array());
    assert.deepEqual(stored?.frozen?.leaderboard, frozen.leaderboard, 'frozen into the season’s record');
    // The frozen board in the warehouse: one row per bot and method, the season's figures as the API has them.
    const frozenRows = (await snapshots('spring')).filter((r) => r.frozen === 1);
    const frozenAt = Date.parse(frozen.leaderboard.computedAt);
    assert.deepEqual(
      frozenRows.filter((r) => r.method === 'bt').map((r) => [r.bot_id, r.rating, r.battles, r.at]),
      frozen.leaderboard.bots.map((b) => [b.id, b.rating.bt, b.rating.battles, frozenAt]).sort(),
    );
    assert.deepEqual([...new Set(frozenRows.map((r) => r.method))].sort(), ['bt', 'bt_style', 'elo']);
    const written = await snapshots('spring');
    const liveBefore = s.svc.job.latest();
    assert.equal(liveBefore?.entries.find((e) => e.id === 'b2')?.replies, 3, 'the live board has every reply');

    // After the end: more likes on the season's replies, and a new battle.
    const later = [
      like('frank', 'late1', R('b2', 'p1b'), T0 + 71 * MIN),
      like('gina', 'late2', R('b2', 'p1b'), T0 + 71 * MIN),
      ...battle('erin', 'p3', T0 + 75 * MIN, 'b1', 'b3', ['alice', 'carol']),
    ];
    await s.ctx.bus.publishMany(later);
    await recorded(8, 8);
    const live = await s.svc.job.runOnce(new Date(T0 + 120 * MIN));
    assert.equal(live.entries.find((e) => e.id === 'b3')?.replies, 3, 'the live board moved on');
    assert.ok((live.entries.find((e) => e.id === 'b2')?.likes ?? 0) > (liveBefore?.entries.find((e) => e.id === 'b2')?.likes ?? 0));
    const still = await seasonBoard('spring');
    assert.deepEqual(still.leaderboard, frozen.leaderboard, 'the season did not change');
    assert.deepEqual(await snapshots('spring'), written, 'nor did its rows in the warehouse');
    // Another replica, or scoring after a restart: the frozen board is in the warehouse already.
    const replica = new SeasonBoards(kv, s.ctx.warehouse, scoringParams(s.ctx.config));
    await replica.refresh(new Date(T0 + 130 * MIN));
    assert.deepEqual(replica.get('spring')?.leaderboard, frozen.leaderboard);
    assert.deepEqual(await snapshots('spring'), written, 'not written twice');
  });

  it('a running season covers what was posted since it started; the list names every season', async () => {
    const kv = await s.ctx.bus.kv(KV_BUCKETS.seasons);
    await startSeason(kv, 'summer', T0 + 72 * MIN);
    await s.svc.job.runOnce(new Date(T0 + 120 * MIN));
    const running = await seasonBoard('summer');
    assert.equal(running.season.endedAt, null);
    assert.equal(running.season.frozen, false);
    assert.deepEqual(bots(running.leaderboard), { b1: 1, b3: 1 }, 'the battle after T0+72 min only');
    assert.deepEqual(
      (await snapshots('summer')).filter((r) => r.method === 'bt').map((r) => [r.bot_id, r.frozen, r.ended, r.at]),
      [
        ['b1', 0, 0, T0 + 120 * MIN],
        ['b3', 0, 0, T0 + 120 * MIN],
      ],
      'a running season: not frozen, not ended',
    );
    const list = (await (await fetch(`${base}/v1/seasons`)).json()) as { seasons: Array<{ name: string; frozen: boolean }> };
    assert.deepEqual(
      list.seasons.map((x) => [x.name, x.frozen]),
      [
        ['spring', true],
        ['summer', false],
      ],
    );
    assert.equal((await fetch(`${base}/v1/seasons/winter`)).status, 404);
  });
});
