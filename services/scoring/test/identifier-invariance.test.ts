// Identifiers count only as equal or different (docs/ranking-method.md#what-is-counted-and-when): a
// research export replaces every person's DID, every record key and every id derived from a post
// by a keyed hash, and `botsky rescore --dataset` must give the live leaderboard from it. A short
// demo's warehouse (every service, so the ties are real ones: replies posted in the same
// millisecond, a person's likes written in one commit, a feed page served at once), with feed
// impressions to known viewers, "seen" reports and opt-outs added, is copied into a second
// database of the same embedded ClickHouse with every identifier mapped as the export maps it.
// Both must give the same leaderboard, to the last digit, under each rule, weighting and rating.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runNode } from '@botsky/kit/testing';
import { Anonymiser, EXPORT_TABLES, createWarehouse, selectList, type Warehouse } from '@botsky/warehouse';
import type { Winner } from '@botsky/ratings';
import {
  applyInfluence,
  battleVoters,
  computeLeaderboard,
  leaderboardJson,
  type Action,
  type BattleReplyRow,
  type DecidedBattle,
  type Leaderboard,
  type ScoringParams,
} from '../src/index.ts';
import { fitRatings } from '../src/scores/fits.ts';

const CLI = fileURLToPath(new URL('../../../packages/cli/src/main.ts', import.meta.url));
const DEMO = ['demo', '--duration', '20', '--users', '12', '--seed', '3'];
const SOURCE = 'botsky';
const COPY = 'anon';

// The demo's windows (5 s for 20 s), a cap low enough that the heavier likers' batches reach it,
// and the burst test off as in the demo (its people write a tick's actions in one commit).
const BASE: ScoringParams = {
  battleWindowMs: 5000,
  recommendationWindowMs: 5000,
  bootstrapRounds: 200,
  influenceDailyCap: 20,
  burst: { actions: 1_000_000, windowMs: 60_000 },
};
const CONFIGS: Array<[string, Partial<ScoringParams>]> = [
  ['engagement-v2, bt_style, unweighted', {}],
  [
    'engagement-v2, bt_raw, inverse weights, a burst test that flags some people',
    { rankBy: 'bt_raw', battleWeighting: 'inverse', influenceDailyCap: 30, burst: { actions: 20, windowMs: 1000 } },
  ],
  ['engagement-v1, bt_style, inverse weights', { battleRule: 'engagement-v1', battleWeighting: 'inverse' }],
];

/** Feed pages served to known viewers (the demo's readers are anonymous), "seen" reports from half of them, and opt-outs. */
async function addViewersAndOptOuts(wh: Warehouse, projectDid: string): Promise<void> {
  assert.match(projectDid, /^did:plc:[a-z0-9]+$/);
  const people = `(SELECT DISTINCT actor_did AS did FROM ${SOURCE}.interactions WHERE kind = 'like')`;
  await wh.command(`INSERT INTO ${SOURCE}.impressions (impression_id, feed_request_id, viewer_did, post_uri, bot_id, position, probability, served_at)
    SELECT concat(i.feed_request_id, '-', p.did, ':', toString(i.position)), concat(i.feed_request_id, '-', p.did), p.did,
      i.post_uri, i.bot_id, i.position, i.probability, i.served_at
    FROM ${SOURCE}.impressions AS i CROSS JOIN ${people} AS p
    WHERE i.viewer_did = '' AND cityHash64(i.feed_request_id, p.did) % 3 = 0`);
  await wh.command(`INSERT INTO ${SOURCE}.client_interactions (interaction_id, viewer_did, item_uri, event, feed_context, bot_id, received_at)
    SELECT concat('seen-', impression_id), viewer_did, post_uri, 'seen', concat(feed_request_id, '/', toString(position)), bot_id,
      served_at + toIntervalMillisecond(1500)
    FROM ${SOURCE}.impressions WHERE viewer_did != '' AND cityHash64(viewer_did) % 2 = 0 AND position < 6`);
  // Half the project's followers unfollow it a millisecond after two bots answered them at once
  // (a battle's sides posted in the same millisecond): the opt-out goes to one of those two.
  await wh.command(`INSERT INTO ${SOURCE}.interactions (kind, uri, cid, actor_did, subject_uri, subject_did, subject_bot_id, collection, created_at, indexed_at)
    SELECT 'delete', f.uri, '', f.actor_did, '', '', '', 'app.bsky.graph.follow', t.at, t.at
    FROM (SELECT uri, actor_did FROM ${SOURCE}.interactions WHERE kind = 'follow' AND subject_did = '${projectDid}') AS f
    INNER JOIN (SELECT did, max(at) + toIntervalMillisecond(1) AS at FROM (
        SELECT splitByChar('/', post_uri)[3] AS did, finished_at AS at FROM ${SOURCE}.bot_replies FINAL
        WHERE status = 'replied' GROUP BY did, at HAVING uniqExact(bot_id) > 1)
      GROUP BY did) AS t ON t.did = f.actor_did
    WHERE cityHash64(f.uri) % 2 = 0`);
}

/** The source's tables as a research export writes them (packages/warehouse/src/export/dataset.ts), into the second database. */
async function copyAnonymised(wh: Warehouse, a: Anonymiser): Promise<void> {
  for (const t of EXPORT_TABLES) {
    await wh.command(
      `INSERT INTO ${COPY}.${t.name} (${Object.keys(t.columns).join(', ')}) SELECT ${selectList(t, a)} FROM ${SOURCE}.${t.name} AS src FINAL`,
    );
  }
}

const sameMoment = (board: Leaderboard) => {
  const pairs = new Map<number, Set<string>>();
  for (const b of board.battles) pairs.set(b.decidedAtMs, (pairs.get(b.decidedAtMs) ?? new Set()).add(`${b.botA} ${b.botB} ${b.winner}`));
  return [...pairs.values()].filter((s) => s.size > 1).length;
};

describe('the leaderboard depends on identifiers only through their equality', () => {
  const cleanups: Array<() => unknown> = [];
  let dir = '';
  let source: Warehouse;
  let copy: Warehouse;
  let asOf: Date;
  let projectDid = '';
  let copiedProjectDid = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-invariance-'));
    const data = join(dir, 'data');
    const report = join(dir, 'report.json');
    const exit = await runNode({ after: (fn) => cleanups.push(fn) }, CLI, [...DEMO, '--data', data, '--report', report], {}).exited;
    assert.equal(exit.code, 0, exit.stderr);
    projectDid = (JSON.parse(await readFile(report, 'utf8')) as { network: { project_did: string } }).network.project_did;
    source = createWarehouse({ kind: 'embedded', path: join(data, 'clickhouse'), database: SOURCE });
    copy = createWarehouse({ kind: 'embedded', path: join(data, 'clickhouse'), database: COPY });
    await addViewersAndOptOuts(source, projectDid);
    await copy.migrate();
    const key = randomBytes(16);
    const a = new Anonymiser({ database: SOURCE, key: { k0: key.readBigUInt64LE(0), k1: key.readBigUInt64LE(8) }, withText: false });
    await copyAnonymised(source, a);
    copiedProjectDid = ((await source.query<{ d: string }>(`SELECT ${a.didLiteral(projectDid)} AS d`))[0] as { d: string }).d;
    asOf = new Date();
  });
  after(async () => {
    await copy?.close();
    await source?.close();
    for (const fn of cleanups) await fn();
    await rm(dir, { recursive: true, force: true });
  });

  it('the copy names no person and no post of the source', async () => {
    const count = async (sql: string) => Number(((await source.query<{ n: number }>(sql))[0] as { n: number }).n);
    const people = `SELECT actor_did FROM ${SOURCE}.interactions WHERE actor_did NOT IN (SELECT DISTINCT splitByChar('/', reply_uri)[3] FROM ${SOURCE}.bot_replies)`;
    assert.ok((await count(`SELECT count() AS n FROM ${COPY}.interactions`)) > 0);
    assert.equal(await count(`SELECT count() AS n FROM ${COPY}.interactions WHERE actor_did IN (${people})`), 0);
    assert.equal(
      await count(`SELECT count() AS n FROM ${COPY}.bot_replies WHERE task_id IN (SELECT task_id FROM ${SOURCE}.bot_replies)`),
      0,
    );
    assert.equal(await count(`SELECT count() AS n FROM ${COPY}.posts WHERE uri IN (SELECT uri FROM ${SOURCE}.posts)`), 0);
    assert.notEqual(copiedProjectDid, projectDid);
  });

  for (const [name, params] of CONFIGS) {
    it(`gives the same leaderboard (${name})`, { timeout: 120_000 }, async () => {
      const config = { ...BASE, ...params };
      const live = await computeLeaderboard(source, { asOf, config: { ...config, projectDid } });
      const anonymised = await computeLeaderboard(copy, { asOf, config: { ...config, projectDid: copiedProjectDid } });
      assert.ok(live.battles.length >= 30, `${live.battles.length} battles`);
      if (name === CONFIGS[0]?.[0]) {
        // The ties the identifiers used to break are there.
        assert.ok(sameMoment(live) > 0, 'battles of different pairs or outcomes decided in the same millisecond');
        assert.ok(live.excluded.cappedActions > 0, 'actions beyond the cap');
        assert.ok(
          live.entries.some((e) => e.feedEngagement.ips.rate > 0),
          'feed engagement from known viewers',
        );
        assert.ok(
          live.entries.some((e) => e.harm.optOuts > 0),
          'opt-outs',
        );
      }
      assert.deepEqual(leaderboardJson(anonymised, 'bt', 0), leaderboardJson(live, 'bt', 0));
    });
  }
});

// The same, part by part, on rows whose ids are handed out in two opposite orders: what the rows
// say decides every order, so the results match once the ids are mapped back.
describe('the parts that order rows break ties by what the rows say, not by ids', () => {
  const NONE = { impressions: 0, likes: 0, reposts: 0, replies: 0 };
  const battle = (id: string, decidedAtMs: number, botA: string, botB: string, winner: Winner): DecidedBattle => ({
    battleId: id,
    postUri: `at://did:plc:p/app.bsky.feed.post/${id}`,
    botA,
    botB,
    replyAUri: `at://did:plc:${botA}/app.bsky.feed.post/${id}`,
    replyBUri: `at://did:plc:${botB}/app.bsky.feed.post/${id}`,
    winner,
    engagementA: NONE,
    engagementB: NONE,
    scoreA: 0,
    scoreB: 0,
    decidedAtMs,
    ruleVersion: 'engagement-v2',
    voteKind: 'crowd',
    authorA: 0,
    authorB: 0,
    pairProbability: 0,
    weight: 1,
  });

  it('the fits take battles decided at the same moment in one order, whatever their ids', () => {
    const outcomes: Array<[number, string, string, Winner]> = [
      [1000, 'b1', 'b2', 'a'],
      [1000, 'b1', 'b2', 'b'],
      [1000, 'b1', 'b2', 'tie'],
      [1000, 'b2', 'b3', 'a'],
      [2000, 'b1', 'b3', 'b'],
      [2000, 'b1', 'b3', 'a'],
    ];
    const fitted = (ids: (i: number) => string) => {
      // rows in battle id order, as a read sorted by id would give them
      const battles = outcomes.map(([at, a, b, w], i) => battle(ids(i), at, a, b, w)).sort((x, y) => (x.battleId < y.battleId ? -1 : 1));
      const fits = fitRatings(battles, [], [], { rankBy: 'bt_raw', rounds: 50, seed: 1, people: [], without: () => [] });
      return { bots: ['b1', 'b2', 'b3'].map((b) => fits.of(b)), robustness: fits.robustness };
    };
    assert.deepEqual(
      fitted((i) => `bt_${i}`),
      fitted((i) => `bt_${9 - i}`),
    );
  });

  it('people with as many battle actions are screened in the order of what they did, not of their DIDs', () => {
    const side = (battle: string, bot: string, at: number): BattleReplyRow => ({
      task_id: `rt_${battle}${bot}`,
      bot_id: bot,
      post_uri: `at://did:plc:author/app.bsky.feed.post/${battle}`,
      reply_uri: `at://did:plc:${bot}/app.bsky.feed.post/${battle}`,
      battle_id: battle,
      finished_ms: at,
      post_author_did: 'did:plc:author',
    });
    const replies = [side('x', 'b1', 0), side('x', 'b2', 0), side('y', 'b1', 10), side('y', 'b2', 10)];
    // the early voter likes b1 in the first battle, the late one b2 in the second
    const voters = (early: string, late: string) =>
      battleVoters(
        replies,
        [
          { reply_uri: replies[0]?.reply_uri ?? '', actor_did: early, kind: 'like', at_ms: 100 },
          { reply_uri: replies[3]?.reply_uri ?? '', actor_did: late, kind: 'like', at_ms: 200 },
        ],
        { windowMs: 5000, asOfMs: 60_000, excluded: () => false },
      );
    assert.deepEqual(voters('did:plc:a', 'did:plc:z'), ['did:plc:a', 'did:plc:z']);
    assert.deepEqual(voters('did:plc:z', 'did:plc:a'), ['did:plc:z', 'did:plc:a']);
  });

  it("a person's batch of alike actions counts whole or not at all at the cap", () => {
    const like = (uri: string, bot: string, at: number, replyMs: number): Action => ({
      bot_id: bot,
      reply_uri: uri,
      actor_did: 'did:plc:p',
      kind: 'like',
      at_ms: at,
      reply_ms: replyMs,
    });
    // two likes, then in one commit two of b1's replies posted together and one of b2's
    const actions = (u: string, v: string) => [
      like('at://did:plc:b1/app.bsky.feed.post/0', 'b1', 10, 1),
      like('at://did:plc:b2/app.bsky.feed.post/0', 'b2', 20, 1),
      like(u, 'b1', 30, 5),
      like(v, 'b1', 30, 5),
      like('at://did:plc:b2/app.bsky.feed.post/9', 'b2', 30, 5),
    ];
    const kept = (u: string, v: string) => applyInfluence(actions(u, v), new Map(), { dailyCap: 3 });
    const r = kept('at://did:plc:b1/app.bsky.feed.post/1', 'at://did:plc:b1/app.bsky.feed.post/2');
    assert.deepEqual(
      r.kept.map((a) => a.at_ms),
      [10, 20],
      'the batch of two on b1 would pass the cap of 3: it and the rest of the day are left out',
    );
    assert.equal(r.cappedActions, 3);
    assert.deepEqual(kept('at://did:plc:b1/app.bsky.feed.post/2', 'at://did:plc:b1/app.bsky.feed.post/1').kept, r.kept);
  });
});
