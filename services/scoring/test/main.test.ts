// scoring's main as its own process: it starts on the kit against the real NATS, reports ready,
// stops cleanly on SIGTERM, and refuses a bad config with one line naming the variable.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { natsUrl, runNode, startServiceMain, testNamespace } from '@botsky/kit/testing';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('scoring main', { concurrency: true }, () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-scoring-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('connects to the bus, is ready, and exits 0 on SIGTERM within the deadline', async (t) => {
    const env = { BOTSKY_BUS: natsUrl(), BOTSKY_NAMESPACE: testNamespace(), BOTSKY_DRAIN_TIMEOUT_MS: '5000', BOTSKY_WAREHOUSE: `embedded:${dir}`, BOTSKY_LEADERBOARD_HOST: '127.0.0.1', BOTSKY_LEADERBOARD_PORT: '0', BOTSKY_LEADERBOARD_GRPC_PORT: '0' };
    const { proc, ready } = await startServiceMain(t, MAIN, env);
    assert.deepEqual(ready, { ready: true, phase: 'ready', checks: { 'scoring.bus': { ok: true }, 'scoring.warehouse': { ok: true } } });
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    // Exit 0 means within the deadline: past it, the kit's timer ends the process with 1.
    assert.equal(exit.code, 0, exit.stderr);
    assert.equal(exit.stderr, '');
    assert.match(exit.stdout, /"msg":"stopped"/);
  });

  it('a bad port stops start-up: exit 2, one line on stderr naming BOTSKY_OPS_PORT', async (t) => {
    const exit = await runNode(t, MAIN, [], { BOTSKY_OPS_PORT: 'abc' }).exited;
    assert.equal(exit.code, 2);
    assert.equal(exit.stderr, 'scoring: config: BOTSKY_OPS_PORT must be an integer 0-65535 (got "abc")\n');
    assert.equal(exit.stdout, '');
  });

  it('a bad bus URL stops start-up: exit 2, one line on stderr naming BOTSKY_BUS', async (t) => {
    const exit = await runNode(t, MAIN, [], { BOTSKY_BUS: 'ftp://x' }).exited;
    assert.equal(exit.code, 2);
    assert.equal(exit.stderr, `scoring: config: BOTSKY_BUS must be 'memory' or nats://host:port[,host:port...] (got "ftp://x")\n`);
  });

  it('a bad warehouse location stops start-up with one line naming BOTSKY_WAREHOUSE', async (t) => {
    const exit = await runNode(t, MAIN, [], { BOTSKY_WAREHOUSE: 'clickhouse.local:9000' }).exited;
    assert.equal(exit.code, 2);
    assert.equal(
      exit.stderr,
      'scoring: config: BOTSKY_WAREHOUSE must be embedded:<path> or http(s)://host:port (got "clickhouse.local:9000")\n',
    );
  });
});
