// ingest reads the network (relay firehose or Jetstream) and publishes normalised events.
// The firehose reader and the publisher of network events come in a later issue; until then the
// service makes sure the topology exists, reports ready, and drains and stops like every other.
import type { Service, ServiceDefinition } from '@botsky/kit';
import { ingestConfigSpec } from './config.ts';
import { createContext, type IngestContext, type IngestOverrides } from './context.ts';

export function createIngestService(ctx: IngestContext): Service {
  return {
    async start() {
      await ctx.bus.ensureTopology();
    },
    async drain() {},
    async stop() {},
  };
}

export const ingestDefinition: ServiceDefinition<typeof ingestConfigSpec, IngestContext, IngestOverrides> = {
  name: 'ingest',
  summary: 'topology ensured; the firehose reader is not implemented yet',
  configSpec: ingestConfigSpec,
  createContext,
  createService: createIngestService,
};
