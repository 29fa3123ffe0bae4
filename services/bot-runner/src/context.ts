// Every client bot-runner uses, made (or handed in) in one place.
import { createBusContext, type BusContext, type BusOverrides } from '@botsky/kit';
import type { BotRunnerConfig } from './config.ts';

export interface BotRunnerContext extends BusContext {
  readonly config: BotRunnerConfig;
}

export type BotRunnerOverrides = BusOverrides;

export async function createContext(config: BotRunnerConfig, overrides: BotRunnerOverrides = {}): Promise<BotRunnerContext> {
  const base = await createBusContext('bot-runner', config, overrides);
  return { ...base, config };
}
