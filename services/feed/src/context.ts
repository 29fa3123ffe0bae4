// Every client feed uses, made (or handed in) in one place.
import { createBusContext, type BusContext, type BusOverrides } from '@botsky/kit';
import type { FeedConfig } from './config.ts';

export interface FeedContext extends BusContext {
  readonly config: FeedConfig;
}

export type FeedOverrides = BusOverrides;

export async function createContext(config: FeedConfig, overrides: FeedOverrides = {}): Promise<FeedContext> {
  const base = await createBusContext('feed', config, overrides);
  return { ...base, config };
}
