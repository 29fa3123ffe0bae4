import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryBus, type Bus } from '@botsky/bus';
import { exportConsumerLag } from '../src/bus-lag.ts';
import { exportBusMetrics } from '../src/bus-metrics.ts';
import { createMetrics } from '../src/metrics.ts';

test('the bus counters appear on /metrics, per consumer group, read at scrape time', async () => {
  const bus = createMemoryBus({ namespace: 'metrics' });
  await bus.ensureTopology();
  const metrics = createMetrics({ service: 'test', defaultMetrics: false });
  exportBusMetrics(metrics, bus);
  let calls = 0;
  const sub = await bus.consume('bot-runner', async () => {
    calls++;
    if (calls === 1) return { kind: 'term', reason: 'poison' };
  });
  for (let i = 0; i < 3; i++) await bus.publish('botsky.tasks.reply', new Uint8Array([i]), { msgId: `m${i}` });
  await bus.publish('botsky.tasks.reply', new Uint8Array([0]), { msgId: 'm0' });
  const deadline = Date.now() + 5000;
  while (calls < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await sub.stop();
  const text = await metrics.registry.metrics();
  const value = (line: string) =>
    Number(
      text
        .split('\n')
        .find((l) => l.startsWith(line))
        ?.split(' ')
        .pop(),
    );
  assert.equal(value('botsky_bus_duplicates_total{service="test"}'), 1);
  assert.equal(value('botsky_bus_delivered_total{consumer="bot-runner",service="test"}'), 3);
  assert.equal(value('botsky_bus_acked_total{consumer="bot-runner",service="test"}'), 2);
  assert.equal(value('botsky_bus_dead_lettered_total{consumer="bot-runner",service="test"}'), 1);
  assert.equal(value('botsky_bus_in_flight{consumer="bot-runner",service="test"}'), 0);
  assert.ok(value('botsky_bus_published_total{service="test"}') >= 4);
  await bus.close();
});

test('followed subjects appear on /metrics: messages read and handler failures', async () => {
  const bus = createMemoryBus({ namespace: 'follow-metrics' });
  await bus.ensureTopology();
  const metrics = createMetrics({ service: 'test', defaultMetrics: false });
  exportBusMetrics(metrics, bus);
  let seen = 0;
  const sub = await bus.follow('botsky.outcomes.>', async () => {
    seen++;
    if (seen === 2) throw new Error('bad message');
  });
  for (let i = 0; i < 3; i++) await bus.publish('botsky.outcomes.reply', new Uint8Array([i]), { msgId: `f${i}` });
  const deadline = Date.now() + 5000;
  while (seen < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await sub.stop();
  const text = await metrics.registry.metrics();
  assert.match(text, /^botsky_bus_followed_total\{subject="botsky\.outcomes\.>",service="test"\} 3$/m);
  assert.match(text, /^botsky_bus_follow_failures_total\{subject="botsky\.outcomes\.>",service="test"\} 1$/m);
  await bus.close();
});

test("each consumed group's lag on the server is on /metrics; a failed read leaves a gap and counts", async () => {
  const bus = createMemoryBus({ namespace: 'lag' });
  await bus.ensureTopology();
  const metrics = createMetrics({ service: 'test', defaultMetrics: false });
  exportBusMetrics(metrics, bus);
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  let started = 0;
  const sub = await bus.consume(
    'bot-runner',
    async () => {
      started++;
      await held;
    },
    { maxInFlight: 2 },
  );
  for (let i = 0; i < 5; i++) await bus.publish('botsky.tasks.reply', new Uint8Array([i]), { msgId: `l${i}` });
  const deadline = Date.now() + 5000;
  while (started < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const text = await metrics.registry.metrics();
  assert.match(text, /^botsky_bus_consumer_pending\{consumer="bot-runner",service="test"\} 3$/m);
  assert.match(text, /^botsky_bus_consumer_ack_pending\{consumer="bot-runner",service="test"\} 2$/m);
  assert.doesNotMatch(text, /consumer_pending\{consumer="scoring/, 'only the groups this process consumes');
  release();
  await sub.stop();
  await bus.close();

  // A server that does not answer: the scrape still succeeds, without the series.
  const down = createMetrics({ service: 'test', defaultMetrics: false });
  const stats = bus.stats();
  exportConsumerLag(down, { stats: () => stats, consumerLag: () => Promise.reject(new Error('nats is down')) } as unknown as Bus);
  assert.doesNotMatch(await down.registry.metrics(), /^botsky_bus_consumer_pending\{/m);
  // The counter is read while the gauges wait on the server, so it shows a failure one scrape later.
  assert.match(await down.registry.metrics(), /^botsky_bus_lag_read_errors_total\{consumer="bot-runner",service="test"\} 1$/m);
});
