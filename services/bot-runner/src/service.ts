// bot-runner turns reply tasks into replies posted by the bots. At start-up it logs each bot in
// once (or resumes the session another replica shared), puts the `bot` self-label on its profile
// and writes the roster to KV; with BOTSKY_REGISTRY_SECRET it also follows the self-service
// registry (registry/watch.ts), starting and stopping registered bots as they change. Then it
// joins the shared durable consumer with a bounded number of tasks in flight.
import { CONSUMERS, findConsumer, TOPOLOGY, type Subscription } from '@botsky/bus';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { KV_BUCKETS, PausedBots, REGISTRY_SEAL_PURPOSE } from '@botsky/contracts';
import { Sealer, type Service, type ServiceDefinition } from '@botsky/kit';
import { type BotAccount, connectBot, ensureBotLabel } from './accounts/bot-account.ts';
import { takeLogin } from './accounts/login-budget.ts';
import { writeRoster } from './accounts/roster.ts';
import { SharedSessions } from './accounts/shared-sessions.ts';
import { loginWindows } from './budget/ledger.ts';
import { SharedBudget } from './budget/shared.ts';
import { botRunnerConfigSpec } from './config.ts';
import { replyTaskHandler, type BotRuntime } from './consumers/reply-task.ts';
import { createContext, type BotRunnerContext, type BotRunnerOverrides } from './context.ts';
import type { BotRunnerMetrics } from './metrics.ts';
import { createModerator } from './moderation/moderate.ts';
import { createProvider } from './providers/index.ts';
import type { BotEntry } from './registry/load.ts';
import { RegistryWatcher } from './registry/watch.ts';
import { ContextReader } from './tasks/fetch-context.ts';

// Generation is bounded below the consumer's ack wait's working() horizon, with room to post.
const GENERATE_TIMEOUT_MS = 120_000;

export function createBotRunnerService(ctx: BotRunnerContext): Service {
  let sub: Subscription | undefined;
  let paused: PausedBots | undefined;
  let registry: RegistryWatcher | undefined;
  const runtimes = new Map<string, BotRuntime>();
  const logger = ctx.logger;
  const metrics = ctx.botRunnerMetrics;
  const replica = `${hostname()}-${randomUUID().slice(0, 8)}`;
  for (const window of ['hour', 'day'] as const) metrics.budgetLimit.set({ window }, ctx.budgetLimits[window]);
  return {
    async start(signal) {
      await ctx.bus.ensureTopology();
      const logins = new SharedBudget(await ctx.bus.kv(KV_BUCKETS.budgets), loginWindows(ctx.loginLimits), ctx.budgetNow, 'login');
      const secret = ctx.config.registrySecret?.reveal();
      const sealer = secret ? new Sealer(secret, REGISTRY_SEAL_PURPOSE) : undefined;
      const sessions = sealer ? new SharedSessions(await ctx.bus.kv(KV_BUCKETS.botSessions), sealer, replica) : undefined;
      const roster = await ctx.bus.kv(KV_BUCKETS.bots);
      const accounts: Accounts = { ctx, metrics, logins, sessions };
      for (const bot of ctx.bots) runtimes.set(bot.id, await startBot(accounts, bot, signal));
      await writeRoster(
        roster,
        [...runtimes.values()].map((r) => r.account),
      );
      const moderator = createModerator({ provider: ctx.moderationProvider, rejected: metrics.moderationRejected });
      if (sealer) {
        registry = new RegistryWatcher({
          kv: await ctx.bus.kv(KV_BUCKETS.registry),
          sealer,
          gatewayUrl: ctx.config.gatewayUrl,
          samples: ctx.config.sandboxSamples,
          pollMs: ctx.config.registryPollMs,
          replica,
          fileBots: new Set(ctx.bots.map((b) => b.id)),
          runtimes,
          start: async (bot, sig) => {
            const runtime = await startBot(accounts, bot, sig);
            await writeRoster(roster, [runtime.account]);
            return runtime;
          },
          connect: (bot, sig) => connect(accounts, bot, sig),
          moderator,
          metrics,
          logger,
        });
        await registry.start();
      }
      if (runtimes.size === 0 && !registry) {
        logger.warn('no bots configured (BOTSKY_BOTS_FILE, or BOTSKY_REGISTRY_SECRET for registered bots): not taking reply tasks');
        return;
      }
      // Paused bots (`botsky bots pause`) are re-read every second; a read that fails keeps the last state.
      paused = new PausedBots(await ctx.bus.kv(KV_BUCKETS.controls), {
        onError: (err) => {
          metrics.controlErrors.inc();
          logger.warn({ err }, 'cannot read the bot controls; keeping the last known pauses');
        },
      });
      await paused.start();
      const spec = findConsumer(TOPOLOGY, CONSUMERS.botRunner);
      const handler = replyTaskHandler({
        bus: ctx.bus,
        bots: runtimes,
        budget: new SharedBudget(await ctx.bus.kv(KV_BUCKETS.budgets), ctx.budgetLimits, ctx.budgetNow),
        metrics,
        logger,
        maxDeliver: spec.maxDeliver,
        budgetRecheckMaxMs: ctx.budgetRecheckMaxMs,
        generateTimeoutMs: GENERATE_TIMEOUT_MS,
        moderator,
        reader: new ContextReader(ctx.identities, ctx.config.appviewUrl ? { appviewUrl: ctx.config.appviewUrl } : {}),
        identities: ctx.identities,
        paused,
        ...(registry ? { registry } : {}),
      });
      sub = await ctx.bus.consume(CONSUMERS.botRunner, handler, { maxInFlight: ctx.config.concurrency });
      logger.info(
        { bots: [...runtimes.keys()], registry: registry !== undefined, concurrency: ctx.config.concurrency },
        'taking reply tasks',
      );
    },
    async drain() {
      await sub?.stop();
      paused?.stop();
      await registry?.stop();
    },
    async stop() {
      for (const r of runtimes.values()) r.provider.close?.();
    },
  };
}

interface Accounts {
  ctx: BotRunnerContext;
  metrics: BotRunnerMetrics;
  logins: SharedBudget;
  sessions: SharedSessions | undefined;
}

/** The bot's session: the one the replicas share when there is one, else a login within the login budget. */
function connect({ ctx, metrics, logins, sessions }: Accounts, bot: BotEntry, signal: AbortSignal): Promise<BotAccount> {
  return connectBot(bot, ctx.config.pdsUrl, {
    beforeLogin: () =>
      takeLogin(logins, bot.handle, signal, (waitMs) => {
        metrics.loginWaits.inc({ bot: bot.id });
        ctx.logger.warn(
          { bot: bot.id, handle: bot.handle, waitMs },
          'login budget spent (BOTSKY_LOGIN_BUDGET_5M, _DAY): waiting before logging in',
        );
      }),
    onSession: (b, event) => metrics.sessions.inc({ bot: b.id, event }),
    ...(sessions ? { sessions, onShared: (event) => metrics.sharedSessions.inc({ event }) } : {}),
    signal,
  });
}

async function startBot(accounts: Accounts, bot: BotEntry, signal: AbortSignal): Promise<BotRuntime> {
  const account = await connect(accounts, bot, signal);
  const label = await ensureBotLabel(account);
  accounts.ctx.logger.info({ bot: bot.id, did: account.did, label }, 'bot ready');
  return { account, provider: createProvider(bot.provider, bot.id), price: bot.price };
}

export const botRunnerDefinition: ServiceDefinition<typeof botRunnerConfigSpec, BotRunnerContext, BotRunnerOverrides> = {
  name: 'bot-runner',
  summary: 'answers reply tasks: bots log in once, replies checked, posted once per task within write budgets',
  configSpec: botRunnerConfigSpec,
  createContext,
  createService: createBotRunnerService,
};
