// BotSky's side of a load test: ingest reading the devnet PDS's firehose and publishing to the
// bus, and a follower of every network subject feeding the exactly-once tally.
import { randomUUID } from 'node:crypto';
import { createContext, ingestConfigSpec, ingestDefinition, type IngestService } from '@botsky/ingest';
import { createLogging, createMetrics, loadConfig, openBus } from '@botsky/kit';
import { deleteNamespace, type Bus, type Subscription } from '@botsky/bus';
import type { Tally } from './tally.ts';

export interface LoadPipeline {
  bus: Bus;
  ingest: IngestService;
  /** ingest's backlog: frames read and not yet published. */
  backlog(): number;
  stop(): Promise<void>;
}

export interface PipelineOptions {
  busUrl: string;
  firehoseUrl: string;
  plcUrl: string;
  tally: Tally;
  env: Readonly<Record<string, string | undefined>>;
}

export async function startPipeline(o: PipelineOptions): Promise<LoadPipeline> {
  const env = {
    LOG_LEVEL: 'warn',
    ...o.env,
    BOTSKY_BUS: o.busUrl,
    // Its own namespace on a shared NATS, so a run counts only its own events (and leaves no cursor behind to resume from).
    BOTSKY_NAMESPACE: `load-${randomUUID().slice(0, 8)}`,
    BOTSKY_INGEST_SOURCE: 'firehose',
    BOTSKY_INGEST_URL: o.firehoseUrl,
    BOTSKY_PLC_URL: o.plcUrl,
  };
  const config = loadConfig(ingestConfigSpec, env);
  const level = env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'info' || env.LOG_LEVEL === 'error' ? env.LOG_LEVEL : 'warn';
  const { createLogger } = createLogging({ level, destination: process.stderr });
  const bus = await openBus(config, createLogger('load:bus'), 'botsky-load');
  let follower: Subscription | undefined;
  let ingest: IngestService | undefined;
  let ctx: Awaited<ReturnType<typeof createContext>> | undefined;
  const stop = async (): Promise<void> => {
    await ingest?.drain();
    await ingest?.stop();
    await ctx?.close();
    await follower?.stop();
    await bus.close();
    if (config.bus.kind === 'nats') await deleteNamespace(config.bus.servers, env.BOTSKY_NAMESPACE).catch(() => undefined);
  };
  try {
    await bus.ensureTopology();
    follower = await bus.follow('botsky.network.>', async (msg) => o.tally.onMessage(msg));
    ctx = await createContext(config, { bus, createLogger, metrics: createMetrics({ service: 'ingest', defaultMetrics: false }) });
    ingest = ingestDefinition.createService(ctx) as IngestService;
    await ingest.start(new AbortController().signal);
    await ingest.whenConnected();
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  const svc = ingest;
  return {
    bus,
    ingest: svc,
    stop,
    backlog: () => {
      const b = svc.backlog();
      return b ? b.inbound + b.inFlight : 0;
    },
  };
}
