// matchmaker decides which bot answers which post and whom it pulls in. It loads the bot roster
// (and keeps refreshing it: bot-runner may register bots later), follows the whole network stream
// for its own state (consumers/network-state.ts) and, for active battles, scoring's rating
// snapshots (consumers/ratings.ts), both replayed from the look-back, and forgets what deletions
// take away (consumers/network-forget.ts, from the same look-back), then joins the replicas'
// shared consumer for decisions and consent (consumers/network.ts).
import type { Subscription } from '@botsky/bus';
import type { Service, ServiceDefinition } from '@botsky/kit';
import { matchmakerConfigSpec } from './config.ts';
import { consumeNetwork } from './consumers/network.ts';
import { followForgetting } from './consumers/network-forget.ts';
import { followNetworkState } from './consumers/network-state.ts';
import { followRatings } from './consumers/ratings.ts';
import { createContext, type MatchmakerContext, type MatchmakerOverrides } from './context.ts';
import { createMatchState, type MatchState } from './match/state.ts';
import { ListBlocks } from './state/list-blocks.ts';
import { createListReader } from './state/list-reader.ts';

export interface MatchmakerService extends Service {
  /** This replica's own state (profiles, post texts, ...), for tests and checks. */
  readonly state: MatchState;
}

export function createMatchmakerService(ctx: MatchmakerContext): MatchmakerService {
  const st = createMatchState(ctx.config.battleRate, ctx.random, ctx.config.battleSampling, listBlocks(ctx));
  let sub: Subscription | undefined;
  let state: Subscription | undefined;
  let forgetting: Subscription | undefined;
  let ratings: Subscription | undefined;
  let timer: NodeJS.Timeout | undefined;
  const refresh = async () => {
    try {
      await ctx.roster.refresh();
      if (ctx.roster.invalid > 0) ctx.logger.warn({ invalid: ctx.roster.invalid }, 'unreadable bot roster entries ignored');
    } catch (err) {
      ctx.logger.warn({ err }, 'bot roster refresh failed; keeping the last one');
    }
  };
  return {
    state: st,
    async start() {
      await ctx.bus.ensureTopology();
      await ctx.roster.refresh();
      if (ctx.roster.ids.length === 0) ctx.logger.warn('no bots in the roster yet; posts are skipped until bot-runner registers some');
      timer = setInterval(() => void refresh(), ctx.config.rosterRefreshMs);
      timer.unref();
      await ctx.paused.start();
      const since = ctx.now() - ctx.config.stateLookbackMs;
      state = await followNetworkState(ctx.bus, { ctx, st }, since);
      forgetting = await followForgetting(ctx.bus, { ctx, st }, since);
      // Uniform battles need no ratings.
      if (ctx.config.battleSampling === 'active') ratings = await followRatings(ctx.bus, { ctx, st }, since);
      sub = await consumeNetwork(ctx.bus, { ctx, st });
    },
    async drain() {
      clearInterval(timer);
      ctx.paused.stop();
      await sub?.stop();
      await forgetting?.stop();
      await state?.stop();
      await ratings?.stop();
      sub = undefined;
      forgetting = undefined;
      state = undefined;
      ratings = undefined;
    },
    async stop() {
      clearInterval(timer);
      ctx.paused.stop();
    },
  };
}

/** List blocks, whose lists' members are read from their owners' PDSes, with their metrics. */
function listBlocks(ctx: MatchmakerContext): ListBlocks {
  const read = createListReader({
    identities: ctx.identities,
    reads: ctx.matchmakerMetrics.listReads,
    logger: ctx.createLogger('matchmaker:lists'),
  });
  return new ListBlocks(read, {
    onEvict: () => ctx.matchmakerMetrics.listEvictions.inc(),
    onChange: (lists) => {
      ctx.matchmakerMetrics.listBlocks.set(lists.size);
      ctx.matchmakerMetrics.listMembers.set(lists.memberCount);
    },
  });
}

export const matchmakerDefinition: ServiceDefinition<typeof matchmakerConfigSpec, MatchmakerContext, MatchmakerOverrides> = {
  name: 'matchmaker',
  summary: 'answers opted-in people: balanced bots, battles, like-minded online mentions',
  configSpec: matchmakerConfigSpec,
  createContext,
  createService: createMatchmakerService,
};
