// When the bus fails, ingest stops reading instead of dropping: publishes are retried with
// backoff, the cursor stays behind the first unpublished event, the inbound buffer fills and the
// socket is paused (which is not the source going silent: no reconnect). When the bus comes back,
// every event is published once and reading resumes. While events wait, the lag keeps growing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BusPublishError, createMemoryBus, type Bus } from '@botsky/bus';
import { eventually, metricSum, suiteHooks } from '@botsky/kit/testing';
import { startFakeSource, type FakeSource } from './fake-source.ts';
import { messageFrame } from './frames.ts';
import { startIngest, type RunningIngest } from './helpers.ts';

const FRAMES = 3_000;

/** The in-process bus, with publishes that fail while `down` is set. */
function flakyBus(): { bus: Bus; published: string[]; setDown(down: boolean): void } {
  const inner = createMemoryBus();
  const published: string[] = [];
  let down = false;
  const bus: Bus = Object.assign(Object.create(inner) as Bus, {
    publish: async (subject: string, data: Uint8Array, opts?: { msgId?: string }) => {
      if (down) throw new BusPublishError('bus is down (test)');
      const ack = await inner.publish(subject, data, opts);
      if (!ack.duplicate) published.push(opts?.msgId ?? '');
      return ack;
    },
    kv: (bucket: string) => inner.kv(bucket),
    ensureTopology: () => inner.ensureTopology(),
    close: () => inner.close(),
  });
  return { bus, published, setDown: (d) => (down = d) };
}

function identityFrame(seq: number): Uint8Array {
  return messageFrame('#identity', { seq, did: `did:plc:person${seq}`, time: new Date().toISOString(), handle: `p${seq}.test` });
}

describe('ingest when the bus is down', () => {
  const hooks = suiteHooks();
  let source: FakeSource;
  let ingest: RunningIngest;
  const flaky = flakyBus();

  before(async () => {
    source = await startFakeSource();
  });
  after(async () => {
    flaky.setDown(false); // else a failed test leaves drain waiting for the bus forever
    await ingest?.stop();
    await flaky.bus.close();
    await source?.close();
  });

  it('pauses reading, keeps every event, and publishes them all once the bus is back', async () => {
    flaky.setDown(true);
    source.add(...Array.from({ length: FRAMES }, (_, i): [number, Uint8Array] => [i + 1, identityFrame(i + 1)]));
    const env = {
      BOTSKY_BUS: 'memory',
      BOTSKY_INGEST_URL: source.url,
      BOTSKY_INGEST_MAX_IN_FLIGHT: '8',
      BOTSKY_INGEST_IDLE_TIMEOUT_MS: '200',
    };
    ingest = await startIngest(hooks, env, { bus: flaky.bus });
    await eventually('reading to pause', () => ingest.svc.backlog()?.paused === true);
    // Retries back off from 100 ms: 40 of them take several idle timeouts, paused all along.
    await eventually('retries while paused', async () => (await metricSum(ingest.metrics, 'botsky_ingest_publish_retries_total')) >= 40);
    assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_reconnects_total'), 0);
    assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_idle_timeouts_total'), 0);
    // 0: the position before the first frame, saved at once; nothing after it is published.
    assert.equal(ingest.svc.cursor(), 0);
    assert.equal(flaky.published.length, 0);
    assert.ok((await metricSum(ingest.metrics, 'botsky_ingest_publish_retries_total')) >= 8);

    flaky.setDown(false);
    await eventually('every frame published', () => ingest.svc.cursor() === FRAMES, { timeoutMs: 30_000 });
    assert.equal(ingest.svc.backlog()?.paused, false);
    assert.equal(flaky.published.length, FRAMES);
    assert.equal(new Set(flaky.published).size, FRAMES);
    assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_events_total', { kind: 'identity' }), FRAMES);
  });

  it('while events wait for the bus, the lag grows from the age of the event at the cursor', async () => {
    const lagBefore = await metricSum(ingest.metrics, 'botsky_ingest_lag_seconds');
    flaky.setDown(true);
    source.add(...Array.from({ length: 20 }, (_, i): [number, Uint8Array] => [FRAMES + i + 1, identityFrame(FRAMES + i + 1)]));
    await eventually('the lag to grow', async () => (await metricSum(ingest.metrics, 'botsky_ingest_lag_seconds')) > lagBefore + 0.5);
    assert.equal(ingest.svc.cursor(), FRAMES);
    flaky.setDown(false);
    await eventually('the rest published', () => ingest.svc.cursor() === FRAMES + 20);
  });
});
