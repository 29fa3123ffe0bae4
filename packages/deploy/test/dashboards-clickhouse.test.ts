// Every ClickHouse query in grafana/dashboards runs, with Grafana's macros expanded as the
// datasource plugin expands them, against the real schema (embedded ClickHouse, every
// migration applied) holding a short simulated run and two seasons' boards, and returns rows:
// for the main board and, where a query reads the season variable, for each season.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createWarehouse, type Row, type Warehouse } from '@botsky/warehouse';
import { CLICKHOUSE_UID, expandClickHouseMacros, loadDashboards, queriesOf } from '../src/index.ts';
import { SEASONS, seedSeasons } from './support/seasons.ts';
import { BOTS, BUILDERS, MINUTES, seedSimulatedRun } from './support/simulated-run.ts';

const START = new Date('2025-03-10T12:00:00Z');
/** The season variable's value for the main board (all time). */
const MAIN = '_main';

describe('dashboards: ClickHouse queries', async () => {
  const queries = queriesOf(await loadDashboards(), CLICKHOUSE_UID);
  const seasonal = queries.filter((q) => q.text.includes('${season'));
  const leaderboard = (prefix: string) => {
    const q = queries.find((x) => x.dashboard === 'leaderboard.json' && x.source.startsWith(prefix));
    assert.ok(q, `leaderboard.json has "${prefix}"`);
    return q.text;
  };
  let dir: string;
  let wh: Warehouse;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-dashboards-'));
    wh = createWarehouse({ kind: 'embedded', path: dir });
    await wh.migrate();
    const written = await seedSimulatedRun(wh, START);
    assert.ok(Object.keys(written).length >= 9, `rows written to ${Object.keys(written).join(', ')}`);
    assert.ok((await seedSeasons(wh, START)) > 0);
    // The datasource's defaultDatabase: the dashboards name tables without a database.
    await wh.command(`USE ${wh.database}`);
  });

  after(async () => {
    await wh?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const run = (text: string, season = MAIN): Promise<Row[]> => {
    const sql = expandClickHouseMacros(text, {
      from: new Date(START.getTime() - 60_000),
      to: new Date(START.getTime() + (MINUTES + 5) * 60_000),
      intervalSeconds: 60,
      variables: { bot: BOTS.map((b) => b.id), method: 'bt', builder: BUILDERS, season },
    });
    return wh.query(sql).catch((err: unknown) => {
      throw new Error(`failed:\n${sql}`, { cause: err });
    });
  };

  test('the dashboards have ClickHouse queries', () => {
    assert.ok(queries.length >= 15, `${queries.length} queries`);
    assert.ok(seasonal.length >= 2, `${seasonal.length} queries read the season`);
  });

  for (const q of queries) {
    test(`${q.dashboard}: ${q.source}`, async () => {
      assert.ok((await run(q.text)).length > 0, `no rows from:\n${q.text}`);
    });
  }

  for (const q of seasonal) {
    for (const { name } of SEASONS) {
      test(`${q.dashboard}: ${q.source}, season ${name}`, async () => {
        assert.ok((await run(q.text, name)).length > 0, `no rows for ${name} from:\n${q.text}`);
      });
    }
  }

  test('leaderboard.json: the season variable offers the main board first, then each season, newest first', async () => {
    const rows = await run(leaderboard('variable season'));
    assert.deepEqual(
      rows.map((r) => [r.value, r.label]),
      [
        [MAIN, 'all time (main board)'],
        ['summer', 'summer (running)'],
        ['spring', 'spring (frozen)'],
      ],
    );
  });

  test('leaderboard.json: the ratings are the chosen board: the main one, a frozen season’s final board, a running season’s latest', async () => {
    const ratings = async (season: string) =>
      (await run(leaderboard('Ratings (latest'), season)).map((r) => [r.rank, r.bot, r.rating, r.battles]);
    assert.deepEqual(
      (await ratings(MAIN)).map(([, bot]) => bot),
      BOTS.map((b) => b.id),
      'every bot of rating_snapshots',
    );
    assert.deepEqual(
      await ratings('spring'),
      [
        [1, 'sage', 1300, 8],
        [2, 'sunny', 1290, 8],
      ],
      'the frozen board, though a running one was computed after its as-of',
    );
    assert.deepEqual(await ratings('summer'), [
      [1, 'spark', 1400, 11],
      [2, 'sunny', 1390, 11],
    ]);
  });

  test('leaderboard.json: the rating over time of a season is its boards’ only', async () => {
    const points = async (season: string) => (await run(leaderboard('Rating over time'), season)).map((r) => [r.bot_id, r.rating]);
    assert.deepEqual(await points('spring'), [
      ['sage', 1200],
      ['sunny', 1190],
      ['sage', 1300],
      ['sunny', 1290],
      ['sage', 1250],
      ['sunny', 1240],
    ]);
    assert.equal((await points(MAIN)).length, BOTS.length * 2, 'the main board: two snapshots of every bot');
  });

  test('leaderboard.json: the seasons panel lists each season with its window and state', async () => {
    const rows = await run(leaderboard('Seasons'));
    assert.deepEqual(
      rows.map((r) => [r.season, r.status, r.ended === null, r.bots]),
      [
        ['summer', 'running', true, 2],
        ['spring', 'frozen', false, 2],
      ],
    );
  });
});
