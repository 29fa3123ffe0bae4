// The shared test harness itself: eventually's result and timeout message, metricSum's semantics,
// startInProcess stopping what it started when the test ends, suiteHooks' order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMetrics, type KitOverrides, type ServiceContext } from '@botsky/kit';
import { eventually, metricSum, pending, startInProcess, suiteHooks } from '@botsky/kit/testing';

describe('eventually', () => {
  it('returns the first truthy value the check gives', async () => {
    let calls = 0;
    const value = await eventually('the third call', () => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });
    assert.deepEqual(value, { calls: 3 });
  });

  it('names what it waited for and the last state when time runs out', async () => {
    let n = 0;
    await assert.rejects(
      eventually('the count to reach 100', () => pending(`count ${++n}`), { timeoutMs: 50, intervalMs: 5 }),
      (err: Error) => {
        assert.match(err.message, /^the count to reach 100: not within 50 ms \(last: count \d+\)$/);
        assert.equal(err.message, `the count to reach 100: not within 50 ms (last: count ${n})`);
        return true;
      },
    );
    await assert.rejects(
      eventually('a flag', () => false, { timeoutMs: 10 }),
      { message: 'a flag: not within 10 ms (last: false)' },
    );
  });

  it('tries a check that throws again, and reports its last error', async () => {
    let calls = 0;
    assert.equal(
      await eventually('no error', () => (++calls < 3 ? Promise.reject(new Error('not yet')) : 'done'), { intervalMs: 1 }),
      'done',
    );
    await assert.rejects(
      eventually('the server', () => Promise.reject(new Error('ECONNREFUSED')), { timeoutMs: 10 }),
      {
        message: 'the server: not within 10 ms (last: error: ECONNREFUSED)',
      },
    );
  });
});

describe('metricSum', () => {
  const metrics = createMetrics({ service: 'harness', defaultMetrics: false });
  const counter = metrics.counter({ name: 'harness_things_total', help: 'things', labelNames: ['kind', 'bot'] });
  counter.inc({ kind: 'a', bot: 'x' }, 2);
  counter.inc({ kind: 'a', bot: 'y' }, 3);
  counter.inc({ kind: 'b', bot: 'x' }, 5);
  metrics.counter({ name: 'harness_never_total', help: 'never incremented', labelNames: ['kind'] });

  it('sums every series whose labels include the ones asked for', async () => {
    assert.equal(await metricSum(metrics, 'harness_things_total'), 10);
    assert.equal(await metricSum(metrics, 'harness_things_total', { kind: 'a' }), 5);
    assert.equal(await metricSum(metrics, 'harness_things_total', { kind: 'a', bot: 'y' }), 3);
  });

  it('is 0 when no series matches, and throws on a metric that is not registered', async () => {
    assert.equal(await metricSum(metrics, 'harness_things_total', { kind: 'c' }), 0);
    assert.equal(await metricSum(metrics, 'harness_never_total'), 0);
    await assert.rejects(metricSum(metrics, 'harness_thing_total'), /^Error: no metric harness_thing_total/);
  });
});

describe('startInProcess', () => {
  const events: string[] = [];
  const parts = {
    name: 'fake',
    configSpec: {},
    async createContext(_config: object, o: KitOverrides): Promise<ServiceContext> {
      assert.ok(o.metrics && o.logger && o.createLogger, 'the kit parts are handed in');
      return {
        logger: o.logger,
        createLogger: o.createLogger,
        metrics: o.metrics,
        checks: {},
        close: async () => void events.push('close'),
      };
    },
    createService: () => ({
      start: async () => void events.push('start'),
      drain: async () => void events.push('drain'),
      stop: async () => void events.push('stop'),
    }),
  };

  it('starts the service', async (t) => {
    const running = await startInProcess(t, parts, {});
    assert.deepEqual(events, ['start']);
    assert.equal(running.ctx.metrics, running.metrics);
  });

  it('stopped it when the test ended, once, after the context was made', async () => {
    assert.deepEqual(events, ['start', 'drain', 'stop', 'close']);
  });
});

describe('suiteHooks', () => {
  const order: string[] = [];
  describe('a suite', () => {
    const hooks = suiteHooks();
    it('registers cleanups', () => {
      hooks.after(() => void order.push('first registered'));
      hooks.after(async () => void order.push('second registered'));
    });
  });

  it('ran them after the suite, last registered first', () => {
    assert.deepEqual(order, ['second registered', 'first registered']);
  });
});
