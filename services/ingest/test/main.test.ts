// ingest's main as its own process: it starts on the kit against the real NATS, reads its source,
// reports ready, stops cleanly on SIGTERM, and refuses a bad config with one line naming the
// variable.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { natsUrl, runNode, startServiceMain, testNamespace, waitForOutput } from '@botsky/kit/testing';
import { startFakeSource } from './fake-source.ts';
import { deleteNamespace } from './helpers.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('ingest main', { concurrency: true }, () => {
  it('connects to the bus and the source, is ready, and exits 0 on SIGTERM within the deadline', async (t) => {
    const source = await startFakeSource();
    const ns = testNamespace();
    t.after(async () => {
      await source.close();
      await deleteNamespace(ns);
    });
    const env = { BOTSKY_BUS: natsUrl(), BOTSKY_NAMESPACE: ns, BOTSKY_DRAIN_TIMEOUT_MS: '5000', BOTSKY_INGEST_URL: source.url };
    const { proc, ready } = await startServiceMain(t, MAIN, env);
    assert.deepEqual(ready, { ready: true, phase: 'ready', checks: { 'ingest.bus': { ok: true } } });
    await waitForOutput(proc, /"msg":"source connected"/, 10_000);
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
    assert.equal(exit.stderr, 'ingest: config: BOTSKY_OPS_PORT must be an integer 0-65535 (got "abc")\n');
    assert.equal(exit.stdout, '');
  });

  it('a bad bus URL stops start-up: exit 2, one line on stderr naming BOTSKY_BUS', async (t) => {
    const exit = await runNode(t, MAIN, [], { BOTSKY_BUS: 'ftp://x' }).exited;
    assert.equal(exit.code, 2);
    assert.equal(exit.stderr, `ingest: config: BOTSKY_BUS must be 'memory' or nats://host:port[,host:port...] (got "ftp://x")\n`);
  });

  it('bad ingest settings stop start-up: one line naming each variable', async (t) => {
    const env = { BOTSKY_INGEST_SOURCE: 'rss', BOTSKY_INGEST_URL: 'http://relay', BOTSKY_INGEST_SCOPE: 'all' };
    const exit = await runNode(t, MAIN, [], env).exited;
    assert.equal(exit.code, 2);
    assert.equal(exit.stderr, 'ingest: config: BOTSKY_INGEST_SOURCE must be one of firehose, jetstream (got "rss"); '
      + 'BOTSKY_INGEST_URL must be a ws:// or wss:// URL (got "http://relay"); BOTSKY_INGEST_SCOPE must be one of network, community (got "all")\n');
  });
});
