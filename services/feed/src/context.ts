// Every client feed uses, made (or handed in) in one place: the bus, and the identity resolver
// that finds a token issuer's signing key (tests hand in one pointed at the devnet's PLC).
import { IdResolver } from '@atproto/identity';
import { resolverFetch } from '@botsky/identity';
import { createBusContext, type BusContext, type BusOverrides } from '@botsky/kit';
import type { FeedConfig } from './config.ts';
import { createFeedMetrics, type FeedMetrics } from './metrics.ts';

export interface FeedContext extends BusContext {
  readonly config: FeedConfig;
  readonly idResolver: IdResolver;
  readonly feedMetrics: FeedMetrics;
}

export interface FeedOverrides extends BusOverrides {
  idResolver?: IdResolver;
}

const RESOLVE_TIMEOUT_MS = 3_000;

export async function createContext(config: FeedConfig, overrides: FeedOverrides = {}): Promise<FeedContext> {
  const base = await createBusContext('feed', config, overrides);
  const idResolver =
    overrides.idResolver ?? new IdResolver({ plcUrl: config.plcUrl, timeout: RESOLVE_TIMEOUT_MS, ...resolverFetch(config.plcUrl) });
  return { ...base, config, idResolver, feedMetrics: createFeedMetrics(base.metrics) };
}
