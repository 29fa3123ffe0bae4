// Shared by ingest's tests: ingest in-process on the real NATS, what landed in the network stream,
// the metrics, and clean-up of a test namespace.
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus } from '@botsky/bus';
import { NetworkEventSchema, STREAMS, decode, type NetworkEvent } from '@botsky/contracts';
import { createLogging, createMetrics, loadConfig, type Metrics } from '@botsky/kit';
import { natsUrl, testNamespace } from '@botsky/kit/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createContext, ingestConfigSpec, ingestDefinition, type IngestContext, type IngestService } from '../src/index.ts';
import { deleteNamespace as deleteNatsNamespace } from '@botsky/bus';

export { natsUrl, sleep, testNamespace };

export interface RunningIngest {
  ctx: IngestContext;
  svc: IngestService;
  metrics: Metrics;
  /** Log lines (JSON) written so far. */
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** ingest in this process, as the kit would run it: config from `env`, its own metrics. */
export async function startIngest(env: Record<string, string>, overrides: { bus?: Bus } = {}): Promise<RunningIngest> {
  const config = loadConfig(ingestConfigSpec, { BOTSKY_BUS: natsUrl(), ...env });
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const { createLogger } = createLogging({ level: 'info', destination });
  const metrics = createMetrics({ service: 'ingest', defaultMetrics: false });
  const ctx = await createContext(config, { createLogger, metrics, ...overrides });
  const svc = ingestDefinition.createService(ctx) as IngestService;
  await svc.start(new AbortController().signal);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await svc.drain();
    await svc.stop();
    await ctx.close();
  };
  return { ctx, svc, metrics, logs, stop };
}

export interface StoredEvent {
  subject: string;
  msgId: string;
  event: NetworkEvent;
}

/** Every message stored in the namespace's network stream, in stream order. */
export async function networkStream(namespace: string): Promise<StoredEvent[]> {
  const nc = await connect({ servers: natsUrl() });
  try {
    const jsm = await jetstreamManager(nc);
    const stream = `${namespace}_${STREAMS.network}`;
    const info = await jsm.streams.info(stream);
    const out: StoredEvent[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      if (m === null) continue;
      out.push({ subject: m.subject.slice(namespace.length + 1), msgId: m.header.get('Nats-Msg-Id'), event: decode(NetworkEventSchema, m.data) });
    }
    return out;
  } finally {
    await nc.close();
  }
}

/** Deletes every stream and KV bucket of a test namespace. */
export async function deleteNamespace(namespace: string): Promise<void> {
  await deleteNatsNamespace(natsUrl(), namespace);
}

/** A metric's value for one set of labels (0 when never set). */
export async function metricValue(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return match?.value ?? 0;
}

export async function waitUntil(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** How many messages the namespace's network stream holds (0 before it exists). */
export async function streamCount(namespace: string): Promise<number> {
  const nc = await connect({ servers: natsUrl() });
  try {
    const jsm = await jetstreamManager(nc);
    return (await jsm.streams.info(`${namespace}_${STREAMS.network}`)).state.messages;
  } catch {
    return 0;
  } finally {
    await nc.close();
  }
}
