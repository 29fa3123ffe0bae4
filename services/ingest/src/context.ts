// Every client ingest uses, made (or handed in) in one place.
import { createBusContext, type BusContext, type BusOverrides } from '@botsky/kit';
import type { IngestConfig } from './config.ts';
import { createIngestMetrics, type IngestMetrics } from './metrics.ts';
import { createFirehoseSource } from './source/firehose-source.ts';
import { createJetstreamSource } from './source/jetstream-source.ts';
import { SourceLink, sourceCheck } from './source/source-link.ts';
import type { Source } from './source/source.ts';

export interface IngestContext extends BusContext {
  readonly config: IngestConfig;
  readonly source: Source;
  /** Whether the source is connected; behind the `source` readiness check. */
  readonly link: SourceLink;
  readonly ingestMetrics: IngestMetrics;
}

export interface IngestOverrides extends BusOverrides {
  /** A source of the test's own instead of the configured one. */
  source?: Source;
}

export async function createContext(config: IngestConfig, overrides: IngestOverrides = {}): Promise<IngestContext> {
  // The source first: it opens nothing, so if it cannot be made there is no bus left open.
  const source = overrides.source ?? (await sourceOf(config));
  const base = await createBusContext('ingest', config, overrides);
  const ingestMetrics = createIngestMetrics(base.metrics);
  const link = new SourceLink();
  link.onChange((up) => ingestMetrics.connected.set(up ? 1 : 0));
  const checks = { ...base.checks, source: sourceCheck(link, config.readyGraceMs) };
  return { ...base, checks, config, source, link, ingestMetrics };
}

async function sourceOf(config: IngestConfig): Promise<Source> {
  const { sourceUrl: url, maxFrameBytes } = config;
  if (config.source === 'jetstream') return createJetstreamSource({ url, maxFrameBytes });
  if (!config.verify) return createFirehoseSource({ url, maxFrameBytes });
  // The identity resolver is loaded only when verification is on: most runs never need it.
  const { createDidKeyResolver } = await import('./source/key-resolver.ts');
  return createFirehoseSource({ url, maxFrameBytes, resolveKey: createDidKeyResolver(config.plcUrl) });
}
