// Every client matchmaker uses, made (or handed in) in one place.
import { createBusContext, type BusContext, type BusOverrides } from '@botsky/kit';
import type { MatchmakerConfig } from './config.ts';

export interface MatchmakerContext extends BusContext {
  readonly config: MatchmakerConfig;
}

export type MatchmakerOverrides = BusOverrides;

export async function createContext(config: MatchmakerConfig, overrides: MatchmakerOverrides = {}): Promise<MatchmakerContext> {
  const base = await createBusContext('matchmaker', config, overrides);
  return { ...base, config };
}
