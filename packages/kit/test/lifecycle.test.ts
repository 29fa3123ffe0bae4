import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it, type TestContext } from 'node:test';
import { eventually } from '@botsky/kit/testing';
import { opsUrlFromLog, runNode, waitFor200, type RunningChild } from '../src/testing.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/fake-service.ts', import.meta.url));

/** Generous: a loaded machine can take seconds to start a process; only a failure waits this long. */
const START_MS = 60_000;

function runFake(t: TestContext, env: Record<string, string> = {}): RunningChild {
  return runNode(t, FIXTURE, [], { BOTSKY_OPS_HOST: '127.0.0.1', BOTSKY_OPS_PORT: '0', ...env });
}

async function startFake(t: TestContext, env: Record<string, string> = {}): Promise<{ proc: RunningChild; base: string }> {
  const proc = runFake(t, env);
  return { proc, base: await opsUrlFromLog(proc, START_MS) };
}

describe('lifecycle of a service process', { concurrency: 4 }, () => {
  it('starts, is ready, and on SIGTERM drains, stops, closes and exits 0', async (t) => {
    const { proc, base } = await startFake(t);
    const ready = await waitFor200(`${base}/readyz`, { timeoutMs: START_MS, child: proc });
    assert.deepEqual(ready, { ready: true, phase: 'ready', checks: { 'fake.self': { ok: true } } });
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    assert.equal(exit.code, 0, exit.stderr);
    assert.equal(exit.stderr, '');
    const order = exit.stdout.split('\n').filter((l) => l.startsWith('fake: '));
    assert.deepEqual(order, ['fake: drained', 'fake: stopped', 'fake: context closed']);
    const msgs = exit.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    assert.deepEqual(
      msgs.filter((m) => ['ready', 'draining', 'stopped'].includes(m)),
      ['ready', 'draining', 'stopped'],
    );
  });

  it('SIGINT works the same way', async (t) => {
    const { proc, base } = await startFake(t);
    await waitFor200(`${base}/readyz`, { timeoutMs: START_MS, child: proc });
    proc.child.kill('SIGINT');
    assert.equal((await proc.exited).code, 0);
  });

  it('a drain that hangs past BOTSKY_DRAIN_TIMEOUT_MS is cut off with exit 1', async (t) => {
    const { proc, base } = await startFake(t, { FAKE_DRAIN: 'hang', BOTSKY_DRAIN_TIMEOUT_MS: '500' });
    await waitFor200(`${base}/readyz`, { timeoutMs: START_MS, child: proc });
    const sent = Date.now();
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    assert.equal(exit.code, 1);
    assert.ok(Date.now() - sent < 10_000, `took ${Date.now() - sent} ms`);
    assert.match(exit.stdout, /shutdown did not finish within 500 ms/);
  });

  it('a handle left open after a clean stop is cut off at the deadline with exit 1', async (t) => {
    const { proc, base } = await startFake(t, { FAKE_AFTER_STOP: 'linger', BOTSKY_DRAIN_TIMEOUT_MS: '500' });
    await waitFor200(`${base}/readyz`, { timeoutMs: START_MS, child: proc });
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    assert.equal(exit.code, 1);
    assert.match(exit.stdout, /fake: context closed\n/);
    assert.match(exit.stdout, /stopped, but something kept the process alive within 500 ms/);
  });

  it('a caller that continues after a clean stop (afterStop: continue) is not cut off by the deadline', async (t) => {
    const { proc, base } = await startFake(t, { FAKE_AFTER_STOP: 'work', BOTSKY_DRAIN_TIMEOUT_MS: '500' });
    await waitFor200(`${base}/readyz`, { timeoutMs: START_MS, child: proc });
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    assert.equal(exit.code, 0, exit.stdout);
    assert.match(exit.stdout, /"msg":"stopped"\}\nfake: work after stop done\n$/);
    assert.doesNotMatch(exit.stdout, /kept the process alive/);
  });

  it('a second signal (not an echo of the first) exits at once', async (t) => {
    const { proc, base } = await startFake(t, { FAKE_DRAIN: 'hang', BOTSKY_DRAIN_TIMEOUT_MS: '60000' });
    await waitFor200(`${base}/readyz`, { timeoutMs: START_MS, child: proc });
    // Back to back: the same request delivered twice, ignored. A second later: someone insisting.
    proc.child.kill('SIGTERM');
    proc.child.kill('SIGTERM');
    await eventually('the "draining" log line', () => proc.output().stdout.includes('"draining"'), { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(proc.child.exitCode, null, 'still draining');
    proc.child.kill('SIGINT');
    const exit = await proc.exited;
    assert.equal(exit.code, 1);
    assert.match(exit.stdout, /second signal/);
  });

  it('a failed drain step still stops and closes, and exits 1', async (t) => {
    const { proc, base } = await startFake(t, { FAKE_DRAIN: 'fail' });
    await waitFor200(`${base}/readyz`, { timeoutMs: START_MS, child: proc });
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    assert.equal(exit.code, 1);
    assert.match(exit.stdout, /fake drain failed/);
    assert.match(exit.stdout, /fake: stopped\n/);
    assert.match(exit.stdout, /fake: context closed\n/);
  });

  it('a start-up failure exits 1 with one line naming the step and the cause, and cleans up', async (t) => {
    const proc = runFake(t, { FAKE_START: 'fail' });
    const exit = await proc.exited;
    assert.equal(exit.code, 1);
    assert.equal(exit.stderr, 'fake: fake start failed: cannot reach the thing\n');
    assert.match(exit.stdout, /fake: context closed\n/);
  });

  it('an uncaught error after start-up is logged, then the process shuts down and exits 1', async (t) => {
    const proc = runFake(t, { FAKE_START: 'crash-later' });
    const exit = await proc.exited;
    assert.equal(exit.code, 1);
    assert.match(exit.stdout, /"msg":"uncaught error: shutting down"/);
    assert.match(exit.stdout, /boom in a timer/);
    assert.match(exit.stdout, /fake: drained\nfake: stopped\n/);
  });

  it('a signal during start-up stops it cleanly', async (t) => {
    const { proc, base } = await startFake(t, { FAKE_START: 'hang' });
    await waitFor200(`${base}/healthz`, { timeoutMs: START_MS, child: proc });
    const res = await fetch(`${base}/readyz`);
    assert.equal(res.status, 503);
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    assert.equal(exit.code, 0, exit.stderr);
    assert.match(exit.stdout, /fake: context closed\n/);
  });

  it('bad config exits 2 with one line on stderr naming every bad variable', async (t) => {
    const proc = runNode(t, FIXTURE, [], { BOTSKY_OPS_PORT: 'abc', FAKE_DRAIN: 'maybe' });
    const exit = await proc.exited;
    assert.equal(exit.code, 2);
    assert.equal(
      exit.stderr,
      'fake: config: BOTSKY_OPS_PORT must be an integer 0-65535 (got "abc"); FAKE_DRAIN must be one of ok, hang, fail (got "maybe")\n',
    );
    assert.equal(exit.stdout, '');
  });

  it('a port already taken fails start-up with exit 1', async (t) => {
    const first = await startFake(t);
    await waitFor200(`${first.base}/readyz`, { timeoutMs: START_MS, child: first.proc });
    const port = new URL(first.base).port;
    const second = runFake(t, { BOTSKY_OPS_PORT: port });
    const exit = await second.exited;
    first.proc.child.kill('SIGTERM');
    await first.proc.exited;
    assert.equal(exit.code, 1);
    assert.match(exit.stderr, /^fake: ops server on 127\.0\.0\.1:\d+ failed: .*EADDRINUSE.*\n$/);
  });
});
