// ingest reads the network (relay firehose or Jetstream) and publishes normalised events on
// botsky.network.<kind>, resuming from the cursor saved in NATS KV.
import { KV_BUCKETS } from '@botsky/contracts';
import type { Service, ServiceDefinition } from '@botsky/kit';
import { ingestConfigSpec } from './config.ts';
import { createContext, type IngestContext, type IngestOverrides } from './context.ts';
import { createCursorStore } from './pipeline/cursor-store.ts';
import { createFrameHandler } from './pipeline/frame-handler.ts';
import { Ingester } from './pipeline/ingester.ts';
import { createRejectLog } from './pipeline/reject-log.ts';
import { createCommunityScope, networkScope, type Scope } from './pipeline/scope.ts';

export interface IngestService extends Service {
  /** Resolves once the source's socket is open (tests write only after that). */
  whenConnected(): Promise<void>;
  /** The position up to which every event is published. */
  cursor(): number | undefined;
  backlog(): { inbound: number; inFlight: number; paused: boolean } | undefined;
}

export function createIngestService(ctx: IngestContext): IngestService {
  const { config, bus, source } = ctx;
  const logger = ctx.createLogger('ingest:pipeline');
  const scope: Scope =
    config.scope === 'community' ? createCommunityScope({ kv: (b) => bus.kv(b), projectDid: config.projectDid, logger }) : networkScope;
  let ingester: Ingester | undefined;
  return {
    async start() {
      await bus.ensureTopology();
      await scope.start();
      const handleFrame = createFrameHandler({ source, scope, metrics: ctx.ingestMetrics, rejects: createRejectLog(logger), logger });
      ingester = new Ingester({
        source,
        bus,
        handleFrame,
        logger,
        cursors: createCursorStore(await bus.kv(KV_BUCKETS.cursors), source),
        metrics: ctx.ingestMetrics,
        link: ctx.link,
        idleTimeoutMs: config.idleTimeoutMs,
        startCursor: config.startCursor,
        maxInFlight: config.maxInFlight,
        // Frames over the decoder's limit must reach it (to be counted and skipped): a frame ws
        // refused would close the socket, and the source would send it again on reconnect.
        maxPayload: Math.max(64 * 1024 * 1024, config.maxFrameBytes * 4),
      });
      await ingester.start();
    },
    async drain() {
      await ingester?.drain();
    },
    async stop() {
      scope.stop();
      await ingester?.stop();
    },
    whenConnected: () => (ingester ? ingester.whenConnected() : Promise.reject(new Error('ingest is not started'))),
    cursor: () => ingester?.cursor,
    backlog: () => ingester?.backlog(),
  };
}

export const ingestDefinition: ServiceDefinition<typeof ingestConfigSpec, IngestContext, IngestOverrides> = {
  name: 'ingest',
  summary: 'reads the firehose or Jetstream and publishes network events',
  configSpec: ingestConfigSpec,
  createContext,
  createService: createIngestService,
};
