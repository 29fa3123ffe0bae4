// Every client bot-runner uses, made (or handed in) in one place. The bot registry is read and
// checked here, before anything connects: a bad entry stops start-up naming the bot and field.
import { CONSUMERS, createBus, TOPOLOGY, withConsumerTiming, type Bus } from '@botsky/bus';
import { Identities } from '@botsky/identity';
import { busTopology, createBusContext, type BusContext, type BusOverrides, type Env, type Logger } from '@botsky/kit';
import { loadBots, type BotRunnerConfig } from './config.ts';
import type { BudgetLimits, LoginLimits } from './budget/ledger.ts';
import { moderationProvider } from './moderation/config.ts';
import type { ModerationProvider } from './moderation/openai.ts';
import type { BotEntry } from './registry/load.ts';
import { createBotRunnerMetrics, type BotRunnerMetrics } from './metrics.ts';

export interface BotRunnerContext extends BusContext {
  readonly config: BotRunnerConfig;
  readonly bots: readonly BotEntry[];
  readonly budgetLimits: BudgetLimits;
  readonly loginLimits: LoginLimits;
  /** The budget's clock (tests move it forward instead of waiting an hour). */
  readonly budgetNow: () => number;
  readonly budgetRecheckMaxMs: number;
  /** Verified handles (the only ones a mention is written under) and where people's repositories live. */
  readonly identities: Identities;
  /** The provider-backed moderation check (BOTSKY_MODERATION_PROVIDER), if any; the local rules always run. */
  readonly moderationProvider: ModerationProvider | undefined;
  readonly botRunnerMetrics: BotRunnerMetrics;
}

export interface BotRunnerOverrides extends BusOverrides {
  /** Bots instead of BOTSKY_BOTS_FILE's. */
  bots?: readonly BotEntry[];
  /** The environment the registry's `{env: NAME}` secrets are read from (the kit passes its own). */
  env?: Env;
  budgetNow?: () => number;
  budgetRecheckMaxMs?: number;
  identities?: Identities;
}

// A task out of budget is looked at again at least this often, so a freed budget is used soon;
// with the consumer's 5 deliveries this covers the hour window.
const BUDGET_RECHECK_MAX_MS = 15 * 60_000;

export async function createContext(config: BotRunnerConfig, overrides: BotRunnerOverrides = {}): Promise<BotRunnerContext> {
  const bots = overrides.bots ?? loadBots(config, overrides.env);
  const moderation = moderationProvider(config);
  const own = overrides.bus || config.ackWaitMs === undefined ? undefined : await openTimedBus(config, config.ackWaitMs, overrides.logger);
  let base: BusContext;
  try {
    base = await createBusContext('bot-runner', config, own ? { ...overrides, bus: own } : overrides);
  } catch (err) {
    // The timed bus is open already: close it, or it would keep the process alive.
    await own?.close().catch(() => {});
    throw err;
  }
  return {
    ...base,
    close: async () => {
      await base.close();
      await own?.close();
    },
    config,
    bots,
    budgetLimits: { hour: config.budgetHour, day: config.budgetDay },
    loginLimits: { fiveMinutes: config.loginFiveMinutes, day: config.loginDay },
    budgetNow: overrides.budgetNow ?? Date.now,
    budgetRecheckMaxMs: overrides.budgetRecheckMaxMs ?? BUDGET_RECHECK_MAX_MS,
    moderationProvider: moderation,
    identities: overrides.identities ?? new Identities(config),
    botRunnerMetrics: createBotRunnerMetrics(base.metrics),
  };
}

/**
 * The bus with bot-runner's ack wait changed: how long a task held by a replica that died stays
 * with it before another replica gets it. The topology is otherwise the shared one, with the
 * configured stream limits like every service's.
 */
async function openTimedBus(config: BotRunnerConfig, ackWaitMs: number, logger: Logger | undefined): Promise<Bus> {
  const topology = busTopology(config, withConsumerTiming(TOPOLOGY, { ackWaitMs }, [CONSUMERS.botRunner]));
  return createBus({
    ...config.bus,
    ...(config.bus.kind === 'nats' ? { name: 'bot-runner' } : {}),
    namespace: config.namespace,
    topology,
    hooks: {
      onError: (err) => logger?.warn({ err }, 'bus error'),
      onDeadLetter: (event) => logger?.warn({ event }, 'message dead-lettered'),
    },
  });
}
