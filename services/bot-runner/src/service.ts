// bot-runner turns reply tasks into replies posted by the bots. At start-up it logs each bot in
// once, puts the `bot` self-label on its profile and writes the roster to KV; then it joins the
// shared durable consumer with a bounded number of tasks in flight.
import { CONSUMERS, findConsumer, TOPOLOGY, type Subscription } from '@botsky/bus';
import { KV_BUCKETS, PausedBots } from '@botsky/contracts';
import type { Service, ServiceDefinition } from '@botsky/kit';
import { ensureBotLabel, loginBot } from './accounts/bot-account.ts';
import { takeLogin } from './accounts/login-budget.ts';
import { writeRoster } from './accounts/roster.ts';
import { loginWindows } from './budget/ledger.ts';
import { SharedBudget } from './budget/shared.ts';
import { botRunnerConfigSpec } from './config.ts';
import { replyTaskHandler, type BotRuntime } from './consumers/reply-task.ts';
import { createContext, type BotRunnerContext, type BotRunnerOverrides } from './context.ts';
import type { BotRunnerMetrics } from './metrics.ts';
import { createModerator } from './moderation/moderate.ts';
import { createProvider } from './providers/index.ts';
import { ContextReader } from './tasks/fetch-context.ts';

// Generation is bounded below the consumer's ack wait's working() horizon, with room to post.
const GENERATE_TIMEOUT_MS = 120_000;

export function createBotRunnerService(ctx: BotRunnerContext): Service {
  let sub: Subscription | undefined;
  let paused: PausedBots | undefined;
  const runtimes = new Map<string, BotRuntime>();
  const logger = ctx.logger;
  const metrics = ctx.botRunnerMetrics;
  for (const window of ['hour', 'day'] as const) metrics.budgetLimit.set({ window }, ctx.budgetLimits[window]);
  return {
    async start(signal) {
      await ctx.bus.ensureTopology();
      const logins = new SharedBudget(await ctx.bus.kv(KV_BUCKETS.budgets), loginWindows(ctx.loginLimits), ctx.budgetNow, 'login');
      for (const bot of ctx.bots) runtimes.set(bot.id, await startBot(ctx, bot, metrics, logins, signal));
      await writeRoster(
        await ctx.bus.kv(KV_BUCKETS.bots),
        [...runtimes.values()].map((r) => r.account),
      );
      if (runtimes.size === 0) {
        logger.warn('no bots configured (BOTSKY_BOTS_FILE): not taking reply tasks');
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
        moderator: createModerator({ provider: ctx.moderationProvider, rejected: metrics.moderationRejected }),
        reader: new ContextReader(ctx.identities, ctx.config.appviewUrl ? { appviewUrl: ctx.config.appviewUrl } : {}),
        identities: ctx.identities,
        paused,
      });
      sub = await ctx.bus.consume(CONSUMERS.botRunner, handler, { maxInFlight: ctx.config.concurrency });
      logger.info({ bots: [...runtimes.keys()], concurrency: ctx.config.concurrency }, 'taking reply tasks');
    },
    async drain() {
      await sub?.stop();
      paused?.stop();
    },
    async stop() {
      for (const r of runtimes.values()) r.provider.close?.();
    },
  };
}

async function startBot(
  ctx: BotRunnerContext,
  bot: BotRunnerContext['bots'][number],
  metrics: BotRunnerMetrics,
  logins: SharedBudget,
  signal: AbortSignal,
): Promise<BotRuntime> {
  await takeLogin(logins, bot.handle, signal, (waitMs) => {
    metrics.loginWaits.inc({ bot: bot.id });
    ctx.logger.warn(
      { bot: bot.id, handle: bot.handle, waitMs },
      'login budget spent (BOTSKY_LOGIN_BUDGET_5M, _DAY): waiting before logging in',
    );
  });
  const account = await loginBot(bot, ctx.config.pdsUrl, (b, event) => metrics.sessions.inc({ bot: b.id, event }));
  const label = await ensureBotLabel(account);
  ctx.logger.info({ bot: bot.id, did: account.did, label }, 'bot logged in');
  return { account, provider: createProvider(bot.provider, bot.id), price: bot.price };
}

export const botRunnerDefinition: ServiceDefinition<typeof botRunnerConfigSpec, BotRunnerContext, BotRunnerOverrides> = {
  name: 'bot-runner',
  summary: 'answers reply tasks: bots log in once, replies checked, posted once per task within write budgets',
  configSpec: botRunnerConfigSpec,
  createContext,
  createService: createBotRunnerService,
};
