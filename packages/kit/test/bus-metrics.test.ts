import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryBus } from '@botsky/bus';
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
  const value = (line: string) => Number(text.split('\n').find((l) => l.startsWith(line))?.split(' ').pop());
  assert.equal(value('botsky_bus_duplicates_total{service="test"}'), 1);
  assert.equal(value('botsky_bus_delivered_total{consumer="bot-runner",service="test"}'), 3);
  assert.equal(value('botsky_bus_acked_total{consumer="bot-runner",service="test"}'), 2);
  assert.equal(value('botsky_bus_dead_lettered_total{consumer="bot-runner",service="test"}'), 1);
  assert.equal(value('botsky_bus_in_flight{consumer="bot-runner",service="test"}'), 0);
  assert.ok(value('botsky_bus_published_total{service="test"}') >= 4);
  await bus.close();
});
