// `botsky up` as a person runs it: a real process, all five services on the embedded adapters.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { natsUrl, runNode, testNamespace, waitFor200, waitForOutput } from '@botsky/kit/testing';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const SERVICES = ['scoring', 'feed', 'bot-runner', 'matchmaker', 'ingest'];
/** The OS picks the ops port; `up` prints the URL. */
const OPS_ENV = {
  BOTSKY_OPS_HOST: '127.0.0.1',
  BOTSKY_OPS_PORT: '0',
  // two `up`s run at once: scoring's leaderboard listeners take free ports too
  BOTSKY_LEADERBOARD_HOST: '127.0.0.1',
  BOTSKY_LEADERBOARD_PORT: '0',
  BOTSKY_LEADERBOARD_GRPC_PORT: '0',
  // and the feed generator's HTTP server
  BOTSKY_FEED_HOST: '127.0.0.1',
  BOTSKY_FEED_PORT: '0',
};

describe('botsky up', { concurrency: true }, () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-up-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('--duration 3: all five start on the in-process bus and embedded ClickHouse, are ready, stop, exit 0', async (t) => {
    const data = join(dir, 'memory');
    const proc = runNode(t, MAIN, ['up', '--duration', '3', '--data', data], OPS_ENV);
    const [, ops] = await waitForOutput(proc, /^ops: (\S+)/m, 60_000);
    const ready = (await waitFor200(`${ops}/readyz`, { timeoutMs: 2000, child: proc })) as {
      checks: Record<string, { ok: boolean }>;
    };
    assert.deepEqual(Object.keys(ready.checks).sort(), [...SERVICES.map((s) => `${s}.bus`), 'scoring.warehouse'].sort());
    const exit = await proc.exited;
    assert.equal(exit.code, 0, exit.stderr);
    const lines = exit.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^botsky up: 5 services in one process \(in-process bus, embedded ClickHouse in .*memory\)$/);
    for (const name of SERVICES) assert.ok(lines.some((l) => new RegExp(`^ {2}${name} +ready +\\S`).test(l)), `${name} ready`);
    assert.ok(lines.includes(`ops: ${ops}  (/healthz /readyz /metrics)`));
    assert.equal(lines.at(-1), 'botsky up: stopped');
    assert.ok((await readdir(join(data, 'clickhouse'))).length > 0, 'embedded ClickHouse wrote its data');
  });

  it('--bus nats://...: the same on NATS JetStream; SIGINT drains and stops with exit 0', async (t) => {
    const env = { ...OPS_ENV, BOTSKY_NAMESPACE: testNamespace() };
    const proc = runNode(t, MAIN, ['up', '--data', join(dir, 'nats'), '--bus', natsUrl()], env);
    const [, ops] = await waitForOutput(proc, /^ops: (\S+)/m, 60_000);
    await waitFor200(`${ops}/readyz`, { timeoutMs: 2000, child: proc });
    proc.child.kill('SIGINT');
    const exit = await proc.exited;
    assert.equal(exit.code, 0, exit.stderr);
    assert.match(exit.stdout, /^botsky up: 5 services in one process \(NATS at nats:\/\//);
    assert.match(exit.stdout, /running; Ctrl-C to stop\nbotsky up: stopped\n$/);
  });

  it('a bad config value stops it before anything starts: exit 2, one line', async (t) => {
    const exit = await runNode(t, MAIN, ['up', '--data', join(dir, 'bad')], { BOTSKY_DRAIN_TIMEOUT_MS: 'forever' }).exited;
    assert.equal(exit.code, 2);
    assert.equal(exit.stderr, 'botsky: config: BOTSKY_DRAIN_TIMEOUT_MS must be a duration in ms >= 1 (e.g. 10000 or 10s) (got "forever")\n');
    assert.equal(exit.stdout, '');
  });
});
