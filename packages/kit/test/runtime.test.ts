// The runtime in-process: several services, one ops server, one shutdown order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigOf } from '../src/config.ts';
import { ServiceRuntime, StartupError } from '../src/runtime.ts';
import type { runtimeConfigSpec } from '../src/runtime-config.ts';
import type { AnyServiceDefinition, ServiceContext } from '../src/service.ts';

const CONFIG: ConfigOf<typeof runtimeConfigSpec> = { opsHost: '127.0.0.1', opsPort: 1, logLevel: 'silent', drainTimeoutMs: 1000 };

function recorder() {
  const events: string[] = [];
  const define = (name: string, opts: { failStart?: boolean; healthy?: () => boolean } = {}): AnyServiceDefinition => ({
    name,
    summary: 'test',
    configSpec: {},
    async createContext(_config, overrides): Promise<ServiceContext> {
      events.push(`${name}: context`);
      const healthy = opts.healthy ?? (() => true);
      return {
        logger: overrides.logger,
        createLogger: overrides.createLogger,
        metrics: overrides.metrics,
        checks: {
          bus: async () => {
            if (!healthy()) throw new Error('bus is down');
          },
        },
        close: async () => void events.push(`${name}: close`),
      };
    },
    createService: () => ({
      start: async () => {
        events.push(`${name}: start`);
        if (opts.failStart) throw new Error('no route to host');
      },
      drain: async () => void events.push(`${name}: drain`),
      stop: async () => void events.push(`${name}: stop`),
    }),
  });
  return { events, define };
}

function runtimeOf(services: AnyServiceDefinition[]): ServiceRuntime {
  // Port 0 is not a valid config value, but a test needs a free port without a race.
  const runtime = new ServiceRuntime({
    name: 'test',
    config: { ...CONFIG, opsPort: 0 },
    services: services.map((definition) => ({ definition, config: {} })),
    defaultMetrics: false,
  });
  return runtime;
}

describe('ServiceRuntime', () => {
  it('hands each service the environment its config came from', async () => {
    const { define } = recorder();
    const seen: unknown[] = [];
    const base = define('a');
    const spy: AnyServiceDefinition = {
      ...base,
      createContext: (config, overrides) => {
        seen.push((overrides as { env?: unknown }).env);
        return base.createContext(config, overrides);
      },
    };
    const env = { BOTSKY_TEST_SECRET: 'x' };
    const runtime = new ServiceRuntime({
      name: 'test',
      config: { ...CONFIG, opsPort: 0 },
      services: [{ definition: spy, config: {} }],
      defaultMetrics: false,
      env,
    });
    await runtime.start(new AbortController().signal);
    assert.equal(await runtime.shutdown(), true);
    assert.deepEqual(seen, [env]);
  });

  it('starts in order; drains, stops and closes in reverse; closes the ops server last', async () => {
    const { events, define } = recorder();
    const runtime = runtimeOf([define('a'), define('b')]);
    await runtime.start(new AbortController().signal);
    assert.equal(runtime.readiness.phase, 'ready');
    assert.equal((await runtime.app.inject({ url: '/readyz' })).statusCode, 200);
    assert.match((await runtime.app.inject({ url: '/metrics' })).body, /botsky_ready\{service="test"\} 1/);
    assert.equal(await runtime.shutdown(), true);
    assert.deepEqual(events, [
      'a: context',
      'a: start',
      'b: context',
      'b: start',
      'b: drain',
      'a: drain',
      'b: stop',
      'a: stop',
      'b: close',
      'a: close',
    ]);
    assert.equal(runtime.readiness.phase, 'stopped');
    assert.equal(runtime.app.server.listening, false);
  });

  it('is not ready while a component check fails, and says which', async () => {
    const { define } = recorder();
    let up = false;
    const runtime = runtimeOf([define('a', { healthy: () => up })]);
    await runtime.start(new AbortController().signal);
    const res = await runtime.app.inject({ url: '/readyz' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json().checks, { 'a.bus': { ok: false, error: 'bus is down' } });
    up = true;
    assert.equal((await runtime.app.inject({ url: '/readyz' })).statusCode, 200);
    await runtime.shutdown();
  });

  it('a failed start names the step; what was made is still stopped and closed', async () => {
    const { events, define } = recorder();
    const runtime = runtimeOf([define('a'), define('b', { failStart: true }), define('c')]);
    const err = await runtime.start(new AbortController().signal).then(
      () => assert.fail('start should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof StartupError);
    assert.equal(err.message, 'b start failed: no route to host');
    assert.equal((err.cause as Error).message, 'no route to host');
    assert.equal(runtime.readiness.phase, 'starting');
    await runtime.shutdown();
    assert.deepEqual(events, [
      'a: context',
      'a: start',
      'b: context',
      'b: start',
      'b: drain',
      'a: drain',
      'b: stop',
      'a: stop',
      'b: close',
      'a: close',
    ]);
  });

  it('shutdown runs once however often it is asked', async () => {
    const { events, define } = recorder();
    const runtime = runtimeOf([define('a')]);
    await runtime.start(new AbortController().signal);
    await Promise.all([runtime.shutdown(), runtime.shutdown()]);
    assert.equal(events.filter((e) => e === 'a: drain').length, 1);
  });
});
