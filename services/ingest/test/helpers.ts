// Shared by ingest's tests: ingest in-process on the real NATS, a fake source for a suite, and what
// landed in the network stream.
import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus } from '@botsky/bus';
import { NetworkEventSchema, STREAMS, decode, type NetworkEvent } from '@botsky/contracts';
import type { Metrics } from '@botsky/kit';
import { deleteTestNamespace, natsUrl, startInProcess, suiteHooks, testNamespace, type TestHooks } from '@botsky/kit/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ingestDefinition, type IngestContext, type IngestService } from '../src/index.ts';
import { startFakeSource, type FakeSource } from './fake-source.ts';
import { fakeRepo, type FakeRepo } from './frames.ts';

export { natsUrl, sleep, testNamespace };

export interface RunningIngest {
  ctx: IngestContext;
  svc: IngestService;
  metrics: Metrics;
  /** Log lines (JSON) written so far. */
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** ingest in this process, as the kit would run it (`startInProcess`), logging at info into `logs`; stopped when `t` ends. */
export async function startIngest(t: TestHooks, env: Record<string, string>, overrides: { bus?: Bus } = {}): Promise<RunningIngest> {
  const logs: Array<Record<string, unknown>> = [];
  const parts = { ...ingestDefinition, createService: (ctx: IngestContext) => ingestDefinition.createService(ctx) as IngestService };
  const running = await startInProcess(t, parts, { BOTSKY_BUS: natsUrl(), ...env }, overrides, { log: 'info', logLines: logs });
  return { ...running, logs };
}

export interface SourceSuite {
  /** For services that outlive one test: stopped after the suite, before the source closes. */
  hooks: TestHooks;
  /** Set in the suite's `before`. */
  source: FakeSource;
  repo: FakeRepo;
}

/** A fake source and a repo for a suite's tests; after it, its services stop, the source closes and `ns` is deleted. */
export function sourceSuite(ns: string): SourceSuite {
  const suite = { hooks: suiteHooks() } as SourceSuite;
  before(async () => {
    suite.source = await startFakeSource();
    suite.repo = await fakeRepo();
  });
  after(async () => {
    await suite.source?.close();
    await deleteTestNamespace(ns);
  });
  return suite;
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
      out.push({
        subject: m.subject.slice(namespace.length + 1),
        msgId: m.header.get('Nats-Msg-Id'),
        event: decode(NetworkEventSchema, m.data),
      });
    }
    return out;
  } finally {
    await nc.close();
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
