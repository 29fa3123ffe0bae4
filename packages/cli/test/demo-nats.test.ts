// `botsky demo --bus nats://...`: the same run over the real NATS JetStream server. The demo uses
// a namespace of its own and deletes it at the end; bots reply, the feed's impressions are
// recorded and the report's counts are the warehouse's.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { deleteTestNamespace, natsUrl, runNode } from '@botsky/kit/testing';
import type { DemoReport } from '../src/demo/report.ts';
import { checkReport, checkWarehouse } from './demo-checks.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const SEED = 3;
const DURATION_S = 15;

describe('botsky demo over NATS JetStream', () => {
  let dir = '';
  let namespace: string | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-demo-nats-'));
  });
  after(async () => {
    // Whatever happened, nothing is left on the shared server.
    if (namespace) await deleteTestNamespace(namespace);
    await rm(dir, { recursive: true, force: true });
  });

  it('runs to the end over NATS, in a namespace of its own that it deletes, with replies, impressions and consistent counts', {
    timeout: 150_000,
  }, async (t) => {
    const data = join(dir, 'data');
    const reportPath = join(dir, 'r.json');
    const args = [
      'demo',
      '--bus',
      natsUrl(),
      '--duration',
      String(DURATION_S),
      '--users',
      '10',
      '--seed',
      String(SEED),
      '--data',
      data,
      '--report',
      reportPath,
    ];
    const exit = await runNode(t, MAIN, args, {}).exited;
    namespace = /^botsky demo: 6 services ready \(NATS at [^,]+, namespace (demo-[a-z0-9]+),/m.exec(exit.stdout)?.[1];
    assert.equal(exit.code, 0, exit.stderr);
    assert.ok(namespace, `the namespace is printed:\n${exit.stdout}`);
    assert.deepEqual(await deleteTestNamespace(namespace), [], 'the demo deleted its streams and buckets');

    const report = JSON.parse(await readFile(reportPath, 'utf8')) as DemoReport;
    checkReport(report, { seed: SEED, durationS: DURATION_S });
    assert.ok(
      report.bots.every((b) => b.replies > 0),
      'every bot replied',
    );
    assert.equal(
      report.bots.reduce((n, b) => n + b.impressions, 0),
      report.counts.impressions,
      'impressions add up',
    );
    await checkWarehouse(report, join(data, 'clickhouse'));
  });
});
