// Publish-to-consume throughput of each bus adapter: one publisher batching with publishMany,
// one consumer subscription acking every message, both started together; events/s is messages
// over the time until the last one is acked. Run directly to print the figures:
//   node packages/bus/bench/throughput.bench.ts [--quick]

import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { SUBJECTS } from '@botsky/contracts';
import { createMemoryBus, createNatsBus, CONSUMERS, type Bus, type OutgoingMessage } from '../src/index.ts';
import type { BenchResult } from '@botsky/bench';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const PAYLOAD_BYTES = 200;
const MAX_IN_FLIGHT = 512;

function messages(n: number, runId: string): OutgoingMessage[] {
  const data = randomBytes(PAYLOAD_BYTES);
  return Array.from({ length: n }, (_, i) => ({ subject: SUBJECTS.replyTask, data, msgId: `${runId}-${i}` }));
}

/** Events per second from the first publish to the last ack. */
async function publishToConsume(bus: Bus, n: number, runId: string): Promise<number> {
  const batch = messages(n, runId);
  let consumed = 0;
  let resolveDone = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const sub = await bus.consume(
    CONSUMERS.botRunner,
    async () => {
      if (++consumed === n) resolveDone();
    },
    { maxInFlight: MAX_IN_FLIGHT },
  );
  const start = performance.now();
  await bus.publishMany(batch);
  await done;
  await sub.stop();
  return n / ((performance.now() - start) / 1000);
}

async function publishOnly(bus: Bus, n: number, runId: string): Promise<number> {
  const batch = messages(n, runId);
  const start = performance.now();
  await bus.publishMany(batch);
  return n / ((performance.now() - start) / 1000);
}

async function deleteNamespace(namespace: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(`${namespace}_`)) await jsm.streams.delete(name);
    }
  } finally {
    await nc.close();
  }
}

async function benchMemory(n: number): Promise<BenchResult[]> {
  const bus = createMemoryBus();
  await bus.ensureTopology();
  try {
    await publishToConsume(bus, Math.min(n, 5_000), 'warmup');
    const rate = await publishToConsume(bus, n, 'run');
    return [{ name: 'bus.memory.publish-to-consume', value: Math.round(rate), unit: 'events/s', higherIsBetter: true }];
  } finally {
    await bus.close();
  }
}

async function benchNats(n: number): Promise<BenchResult[]> {
  const namespace = `bench${randomBytes(4).toString('hex')}`;
  const bus = await createNatsBus({ servers: NATS_URL, namespace, name: 'bus-bench' });
  try {
    await bus.ensureTopology();
    await publishToConsume(bus, Math.min(n, 5_000), 'warmup');
    const rate = await publishToConsume(bus, n, 'run');
    const pubRate = await publishOnly(bus, n, 'pub');
    return [
      { name: 'bus.nats.publish-to-consume', value: Math.round(rate), unit: 'events/s', higherIsBetter: true },
      { name: 'bus.nats.publish', value: Math.round(pubRate), unit: 'events/s', higherIsBetter: true },
    ];
  } finally {
    await bus.close();
    await deleteNamespace(namespace);
  }
}

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const n = opts.quick ? 20_000 : 100_000;
  return [...(await benchMemory(n)), ...(await benchNats(n))];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await run({ quick: process.argv.includes('--quick') });
  for (const r of results) console.log(`${r.name.padEnd(32)} ${String(r.value).padStart(10)} ${r.unit}`);
}
