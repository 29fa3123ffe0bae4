// Ingest into NATS JetStream with the matchmaker's consumer reading behind it (issue 16, item 3):
// the recorded firehose (packages/firehose/fixtures) replayed pass after pass through ingest's
// own pipeline (decode, scope, map, encode, publish in order with cursor tracking) onto NATS, in a
// namespace of its own, while the `matchmaker` durable consumer acks every event. Each pass's
// events carry the pass in their msgId, so JetStream's duplicate window keeps them all (an event
// the recording holds twice is stored once, and counted once).
//   events/s: events acked by the consumer over the time from the first publish to the last ack;
//   lag: from an event's publish being acked by the server to the consumer receiving it (p50, p99);
//   the anchor: the bus's own publish-to-consume rate on the same server, same consumer, with
//   payloads of the replay's mean size, measured in this process just before.
// Everything (ingest, consumer, the NATS client) runs in this one process, beside the server, on
// whatever cores the machine has: the figures say where the bus is the limit.
//
// Usage: node services/ingest/bench/ingest-nats.bench.ts [--quick]
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CONSUMERS, createNatsBus, deleteNamespace, type NatsBus } from '@botsky/bus';
import { SUBJECTS } from '@botsky/contracts';
import { readFrameFile } from '@botsky/firehose';
import { createLogging, createMetrics } from '@botsky/kit';
import type { BenchResult } from '@botsky/bench';
import {
  PublishQueue,
  createFirehoseSource,
  createFrameHandler,
  createIngestMetrics,
  createRejectLog,
  networkScope,
  type QueuedEvent,
} from '../src/index.ts';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const FIXTURE = fileURLToPath(new URL('../fixtures/frames.bin.gz', import.meta.resolve('@botsky/firehose')));
const MAX_IN_FLIGHT = 512;

interface Run {
  events: number;
  seconds: number;
  lagMs: number[];
  bytes: number;
}

async function replay(bus: NatsBus, frames: readonly Uint8Array[], passes: number): Promise<Run> {
  const logger = createLogging({ level: 'silent' }).root;
  const metrics = createIngestMetrics(createMetrics({ service: 'ingest', defaultMetrics: false }));
  const published = new Map<string, number>();
  const lagMs: number[] = [];
  let acked = 0;
  let bytes = 0;
  let expected = Number.POSITIVE_INFINITY;
  let finish = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const sub = await bus.consume(
    CONSUMERS.matchmaker,
    async (m) => {
      const at = m.msgId === undefined ? undefined : published.get(m.msgId);
      if (at !== undefined) {
        lagMs.push(performance.now() - at);
        published.delete(m.msgId as string);
      }
      if (++acked >= expected) finish();
    },
    { maxInFlight: MAX_IN_FLIGHT },
  );
  let events = 0;
  const started = performance.now();
  for (let pass = 0; pass < passes; pass++) {
    const source = createFirehoseSource({ url: 'ws://bench.invalid', maxFrameBytes: 5 * 1024 * 1024 });
    const handle = createFrameHandler({ source, scope: networkScope, metrics, rejects: createRejectLog(logger), logger });
    const queue = new PublishQueue({
      maxInFlight: MAX_IN_FLIGHT,
      logger,
      publish: async (e: QueuedEvent) => {
        const msgId = `${e.msgId}#${pass}`;
        const ack = await bus.publish(e.subject, e.data, { msgId });
        if (ack.duplicate) return; // the recording holds a few events twice: the server stores them once
        published.set(msgId, performance.now());
        bytes += e.data.length;
        events++;
      },
    });
    for (const f of frames) {
      await queue.waitForRoom();
      queue.push(await handle(f));
    }
    await queue.idle();
  }
  expected = events;
  if (acked >= expected) finish();
  await done;
  const seconds = (performance.now() - started) / 1000;
  await sub.stop();
  return { events, seconds, lagMs, bytes };
}

/** The bus alone: `n` messages of `size` bytes published with publishMany, consumed by the same consumer. */
async function busAlone(bus: NatsBus, n: number, size: number): Promise<number> {
  const data = randomBytes(size);
  let consumed = 0;
  let finish = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const sub = await bus.consume(
    CONSUMERS.matchmaker,
    async () => {
      if (++consumed === n) finish();
    },
    { maxInFlight: MAX_IN_FLIGHT },
  );
  const id = randomBytes(4).toString('hex');
  const started = performance.now();
  await bus.publishMany(Array.from({ length: n }, (_, i) => ({ subject: SUBJECTS.networkPost, data, msgId: `anchor-${id}-${i}` })));
  await done;
  const rate = n / ((performance.now() - started) / 1000);
  await sub.stop();
  return rate;
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const frames = readFrameFile(FIXTURE);
  const namespace = `benchingest${randomBytes(4).toString('hex')}`;
  const bus = await createNatsBus({ servers: NATS_URL, namespace, name: 'ingest-nats-bench' });
  try {
    await bus.ensureTopology();
    await replay(bus, frames.slice(0, 500), 1); // warm-up: JIT, protobuf descriptors, the consumer
    const r = await replay(bus, frames, opts.quick ? 4 : 20);
    const meanBytes = Math.max(1, Math.round(r.bytes / Math.max(1, r.events)));
    const anchor = await busAlone(bus, opts.quick ? 20_000 : 50_000, meanBytes);
    const rate = r.events / r.seconds;
    const sorted = [...r.lagMs].sort((a, b) => a - b);
    return [
      { name: 'ingest.nats.events_per_s', value: Math.round(rate), unit: 'events/s', higherIsBetter: true },
      { name: 'ingest.nats.consumer_lag_p50_ms', value: Math.round(quantile(sorted, 0.5)), unit: 'ms', higherIsBetter: false },
      { name: 'ingest.nats.consumer_lag_p99_ms', value: Math.round(quantile(sorted, 0.99)), unit: 'ms', higherIsBetter: false },
      { name: 'ingest.nats.bus_alone_events_per_s', value: Math.round(anchor), unit: 'events/s', higherIsBetter: true },
      { name: 'ingest.nats.vs_bus', value: Math.round((rate / anchor) * 100) / 100, unit: 'x', higherIsBetter: true },
    ];
  } finally {
    await bus.close();
    await deleteNamespace(NATS_URL, namespace).catch(() => {});
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run({ quick: process.argv.includes('--quick') })) console.log(`${r.name} ${r.value} ${r.unit}`);
}
