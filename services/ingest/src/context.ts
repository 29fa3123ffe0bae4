// Every client ingest uses, made (or handed in) in one place.
import { createBusContext, type BusContext, type BusOverrides } from '@botsky/kit';
import type { IngestConfig } from './config.ts';

export interface IngestContext extends BusContext {
  readonly config: IngestConfig;
}

export type IngestOverrides = BusOverrides;

export async function createContext(config: IngestConfig, overrides: IngestOverrides = {}): Promise<IngestContext> {
  const base = await createBusContext('ingest', config, overrides);
  return { ...base, config };
}
