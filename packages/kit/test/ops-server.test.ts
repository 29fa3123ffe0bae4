import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { createMetrics } from '../src/metrics.ts';
import { buildOpsApp } from '../src/ops-server.ts';
import { Readiness } from '../src/readiness.ts';

function build(t: TestContext, readiness = new Readiness()) {
  const metrics = createMetrics({ service: 'matchmaker' });
  const app = buildOpsApp({ readiness, registry: metrics.registry });
  t.after(() => app.close());
  return { app, readiness, metrics };
}

describe('ops server', () => {
  it('/healthz answers while the process is alive, whatever the phase', async (t) => {
    const { app, readiness } = build(t);
    for (const phase of ['starting', 'ready', 'draining'] as const) {
      readiness.setPhase(phase);
      const res = await app.inject({ url: '/healthz' });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { status: 'ok' });
    }
  });

  it('/readyz is 200 only between ready and drain', async (t) => {
    const { app, readiness } = build(t);
    readiness.addChecks('matchmaker', { bus: async () => {} });
    const seen: Array<[string, number]> = [];
    for (const phase of ['starting', 'ready', 'draining', 'stopped'] as const) {
      readiness.setPhase(phase);
      const res = await app.inject({ url: '/readyz' });
      seen.push([phase, res.statusCode]);
      assert.equal(res.json().phase, phase);
      assert.deepEqual(res.json().checks, { 'matchmaker.bus': { ok: true } });
    }
    assert.deepEqual(seen, [
      ['starting', 503],
      ['ready', 200],
      ['draining', 503],
      ['stopped', 503],
    ]);
  });

  it('/readyz is 503 when a component check fails or hangs, and says which', async (t) => {
    const r = new Readiness({ checkTimeoutMs: 50 });
    r.addChecks('scoring', {
      bus: async () => {},
      warehouse: async () => {
        throw new Error('connection refused');
      },
      slow: () => new Promise(() => {}),
    });
    r.setPhase('ready');
    const { app } = build(t, r);
    const res = await app.inject({ url: '/readyz' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json(), {
      ready: false,
      phase: 'ready',
      checks: {
        'scoring.bus': { ok: true },
        'scoring.warehouse': { ok: false, error: 'connection refused' },
        'scoring.slow': { ok: false, error: 'no answer within 50 ms' },
      },
    });
  });

  it('/metrics serves the registry in the Prometheus text format, with the service label', async (t) => {
    const { app, metrics } = build(t);
    metrics.counter({ name: 'botsky_test_events_total', help: 'events', labelNames: ['kind'] }).inc({ kind: 'post' }, 3);
    const res = await app.inject({ url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/plain/);
    assert.match(res.body, /botsky_test_events_total\{kind="post",service="matchmaker"\} 3/);
    assert.match(res.body, /process_cpu_user_seconds_total\{service="matchmaker"\}/);
  });

  it('asking twice for a metric gives the same one (several services, one process)', () => {
    const metrics = createMetrics({ service: 'botsky', defaultMetrics: false });
    const a = metrics.gauge({ name: 'botsky_x', help: 'x' });
    const b = metrics.gauge({ name: 'botsky_x', help: 'x' });
    assert.equal(a, b);
  });

  it('unknown routes are 404', async (t) => {
    const { app } = build(t);
    assert.equal((await app.inject({ url: '/nope' })).statusCode, 404);
  });
});
