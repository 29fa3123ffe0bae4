// `botsky demo` as a person runs it: a real process with the devnet, the five services on the
// in-process bus and embedded ClickHouse, offline bots and the simulated population; then its
// report checked against the ClickHouse folder it left behind.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runNode } from '@botsky/kit/testing';
import { createWarehouse } from '@botsky/warehouse';
import { countQueries, type DemoReport } from '../src/demo/report.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const COUNTS = ['posts', 'reply_tasks', 'bot_replies', 'mentions', 'impressions', 'likes', 'replies', 'battles'];

const isInterval = (x: unknown) => Array.isArray(x) && x.length === 2 && x.every((v) => typeof v === 'number' && v >= 0);

describe('botsky demo', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-demo-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('runs to the end, prints the leaderboard and writes a report whose counts are the warehouse\'s', { timeout: 150_000 }, async (t) => {
    const data = join(dir, 'data');
    const reportPath = join(dir, 'r.json');
    const args = ['demo', '--duration', '25', '--users', '15', '--seed', '7', '--data', data, '--report', reportPath];
    const exit = await runNode(t, MAIN, args, {}).exited;
    assert.equal(exit.code, 0, exit.stderr);
    assert.match(exit.stdout, /^\[ +\d+ s\] +people 15 +posts \d+/m, 'progress lines');
    assert.match(exit.stdout, /^rank +bot +quality +BT +BT 95% +Elo +battles/m, 'the leaderboard table');
    for (const id of ['enthusiast', 'sage', 'terse', 'rambler', 'connector']) assert.match(exit.stdout, new RegExp(`^\\d+ +${id} +0\\.\\d\\d`, 'm'));

    const report = JSON.parse(await readFile(reportPath, 'utf8')) as DemoReport;
    assert.equal(report.seed, 7);
    assert.equal(report.duration_s, 25);
    assert.deepEqual(Object.keys(report.counts).sort(), [...COUNTS].sort());
    for (const name of ['posts', 'reply_tasks', 'bot_replies', 'impressions']) assert.ok((report.counts[name] ?? 0) > 0, `${name} > 0`);
    assert.equal(report.bots.length, 5);
    for (const b of report.bots) checkBot(b);
    assert.deepEqual(Object.keys(report.ground_truth.bot_quality).sort(), report.bots.map((b) => b.id).sort());
    const qualities = Object.values(report.ground_truth.bot_quality);
    assert.ok(qualities.every((q) => q >= 0.2 && q <= 0.8) && new Set(qualities).size === 5, 'distinct planted qualities');
    assert.equal(report.bots.reduce((n, b) => n + b.replies, 0), report.counts.bot_replies, 'the bots\' replies add up');
    await checkWarehouse(report, join(data, 'clickhouse'));
  });
});

function checkBot(b: DemoReport['bots'][number]): void {
  assert.equal(typeof b.id, 'string');
  assert.match(b.handle, /\.test$/);
  assert.equal(typeof b.provider, 'string');
  assert.match(b.model, /^offline-/);
  for (const n of [b.replies, b.impressions, b.likes]) assert.ok(Number.isInteger(n) && n >= 0);
  assert.equal(typeof b.engagement.rate, 'number');
  assert.ok(isInterval(b.engagement.ci95));
  assert.ok(Number.isInteger(b.recommendation.mentions) && Number.isInteger(b.recommendation.successes));
  assert.ok(b.recommendation.successes <= b.recommendation.mentions);
  assert.ok(isInterval(b.recommendation.ci95));
  assert.equal(typeof b.rating.elo, 'number');
  assert.ok(b.rating.bt === null || typeof b.rating.bt === 'number');
  assert.ok(b.rating.ci95 === null || Array.isArray(b.rating.ci95));
  assert.ok(Number.isInteger(b.rating.battles) && Number.isInteger(b.rating.rank) && b.rating.rank >= 1);
}

/** Opens the folder the finished process left and counts for itself. */
async function checkWarehouse(report: DemoReport, path: string): Promise<void> {
  assert.equal(report.warehouse.data, path);
  const wh = createWarehouse({ kind: 'embedded', path, database: 'botsky' });
  try {
    for (const [name, sql] of Object.entries(countQueries(wh.database))) {
      const [row] = await wh.query<{ n: number }>(sql);
      assert.equal(report.counts[name], Number(row?.n), `${name} equals the warehouse`);
    }
    const [tasks] = await wh.query<{ n: number }>('SELECT count() AS n FROM botsky.reply_tasks');
    assert.equal(report.warehouse.tables.reply_tasks, Number(tasks?.n));
    assert.ok(Object.keys(report.warehouse.tables).length >= 10, 'every table counted');
  } finally {
    await wh.close();
  }
}
