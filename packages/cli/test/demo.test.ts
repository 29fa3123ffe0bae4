// `botsky demo` as a person runs it: a real process with the devnet, every service on the
// in-process bus and embedded ClickHouse, offline bots and the simulated population; then its
// report checked against the ClickHouse folder it left behind, and its leaderboard against the
// qualities the demo planted.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runNode, waitForOutput } from '@botsky/kit/testing';
import type { DemoReport } from '../src/demo/report.ts';
import { checkOrder, checkReport, checkWarehouse, liveKinds } from './demo-checks.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const SEED = 7;
// Long enough that the order holds on a loaded CI machine too (40 s gave about 300 battles idle
// and too few, once, beside the rest of the suite: adjacent qualities 0.15 apart swapped).
const DURATION_S = 60;

describe('botsky demo', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-demo-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("runs to the end, prints a leaderboard that follows the planted qualities and writes a report whose counts are the warehouse's", {
    timeout: 240_000,
  }, async (t) => {
    const data = join(dir, 'data');
    const reportPath = join(dir, 'r.json');
    const args = [
      'demo',
      '--duration',
      String(DURATION_S),
      '--users',
      '15',
      '--seed',
      String(SEED),
      '--data',
      data,
      '--report',
      reportPath,
    ];
    const proc = runNode(t, MAIN, args, {});
    // The web app shows the simulated people's posts and the bots' replies as they happen.
    const [, web] = await waitForOutput(proc, /^botsky demo: web app at (\S+) /m, 120_000);
    const live = await liveKinds(`${web}/api/live`, ['post', 'reply'], 60_000);
    assert.deepEqual([...live].sort(), ['post', 'reply'], 'the live stream carries posts and bot replies');
    // A person joins in as one of the simulated people, with the credentials the demo prints.
    const [, handle, password] = await waitForOutput(proc, /^ {2}(\S+\.test) {2}password (\S+)$/m, 30_000);
    const signedIn = await fetch(`${web}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: web as string },
      body: JSON.stringify({ identifier: handle, password }),
    });
    assert.equal(signedIn.status, 200, await signedIn.clone().text());
    assert.match(((await signedIn.json()) as { did: string }).did, /^did:plc:/);
    // or makes an account of their own there
    assert.equal(((await (await fetch(`${web}/api/signup`)).json()) as { enabled: boolean }).enabled, true);
    const exit = await proc.exited;
    assert.equal(exit.code, 0, exit.stderr);
    assert.match(exit.stdout, /^botsky demo: 6 services ready \(in-process bus, /m);
    assert.match(exit.stdout, /^\[ +\d+ s\] +people 15 +posts \d+/m, 'progress lines');
    assert.match(exit.stdout, /^rank +bot +quality +style +BT-style +BT-style 95% +BT +BT 95% +Elo +battles/m, 'the leaderboard table');

    const report = JSON.parse(await readFile(reportPath, 'utf8')) as DemoReport;
    checkReport(report, { seed: SEED, durationS: DURATION_S });
    await checkWarehouse(report, join(data, 'clickhouse'));
    checkOrder(report, exit.stdout);
  });
});
