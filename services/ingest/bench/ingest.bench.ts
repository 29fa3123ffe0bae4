// Replays the recorded firehose (packages/firehose/fixtures, a local PDS's frames) through
// ingest's own pipeline: decode, scope, map onto the protobuf contract, encode, and publish in
// order with cursor tracking onto the in-process bus. An event is one published NetworkEvent.
//
// Usage: node services/ingest/bench/ingest.bench.ts [--quick]
import { fileURLToPath } from 'node:url';
import { createMemoryBus } from '@botsky/bus';
import { readFrameFile } from '@botsky/firehose';
import { createLogging, createMetrics } from '@botsky/kit';
import {
  PublishQueue,
  createFirehoseSource,
  createFrameHandler,
  createIngestMetrics,
  createRejectLog,
  networkScope,
  type QueuedEvent,
} from '../src/index.ts';
import type { BenchResult } from '@botsky/bench';

const FIXTURE = fileURLToPath(new URL('../fixtures/frames.bin.gz', import.meta.resolve('@botsky/firehose')));

/** One pass over the frames onto a fresh bus; returns events published and seconds taken. */
async function replay(frames: readonly Uint8Array[]): Promise<{ events: number; seconds: number }> {
  const bus = createMemoryBus();
  await bus.ensureTopology();
  const logger = createLogging({ level: 'silent' }).root;
  const metrics = createIngestMetrics(createMetrics({ service: 'ingest', defaultMetrics: false }));
  const source = createFirehoseSource({ url: 'ws://bench.invalid', maxFrameBytes: 5 * 1024 * 1024 });
  const handle = createFrameHandler({ source, scope: networkScope, metrics, rejects: createRejectLog(logger), logger });
  let events = 0;
  const queue = new PublishQueue({
    maxInFlight: 512,
    logger,
    publish: async (e: QueuedEvent) => void (await bus.publish(e.subject, e.data, { msgId: e.msgId })),
    onPublished: () => void events++,
  });
  const started = performance.now();
  for (const f of frames) {
    await queue.waitForRoom();
    queue.push(await handle(f));
  }
  await queue.idle();
  const seconds = (performance.now() - started) / 1000;
  await bus.close();
  return { events, seconds };
}

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const all = readFrameFile(FIXTURE);
  const frames = opts.quick ? all.slice(0, 1500) : all;
  await replay(frames); // warm-up: the first pass runs cold (JIT, protobuf-es descriptors)
  let events = 0;
  let seconds = 0;
  for (let round = 0; round < (opts.quick ? 1 : 5); round++) {
    const r = await replay(frames);
    events += r.events;
    seconds += r.seconds;
  }
  return [{ name: 'ingest.pipeline', value: Math.round(events / seconds), unit: 'events/s', higherIsBetter: true }];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run({ quick: process.argv.includes('--quick') })) console.log(`${r.name} ${r.value} ${r.unit}`);
}
