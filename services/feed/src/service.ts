// feed serves the Bluesky feed generator and records impressions and interactions: it keeps
// the recent bot replies (from outcomes, minus deletes), serves them with equal exposure per
// bot, and publishes one impression event per served page. Every replica reads every outcome and
// delete of the window itself (`bus.follow`, no consumer group), so replicas serve the same
// candidates and a restarted one rebuilds them from the streams.
import { settlesWithin } from '@botsky/async';
import type { Subscription } from '@botsky/bus';
import { SUBJECTS } from '@botsky/contracts';
import type { Service, ServiceDefinition } from '@botsky/kit';
import { createAuth } from './auth.ts';
import { CandidateStore } from './candidates/store.ts';
import { feedConfigSpec, feedIdentity } from './config.ts';
import { botOutcomeHandler } from './consumers/bot-outcome.ts';
import { networkDeleteHandler } from './consumers/network-delete.ts';
import { createContext, type FeedContext, type FeedOverrides } from './context.ts';
import type { FeedState } from './handlers/feed-state.ts';
import { ImpressionSink } from './impressions.ts';
import { listen, type FeedHttpServer } from './server.ts';

const EXPIRE_EVERY_MS = 60_000;
const REPLAY_WAIT_MS = 30_000;

export interface FeedService extends Service {
  /** Set once started: the HTTP server's URL and the state its handlers use. */
  readonly http: FeedHttpServer | undefined;
  readonly state: FeedState;
}

export function createFeedState(ctx: FeedContext): FeedState {
  const { config, feedMetrics: metrics } = ctx;
  const { serviceDid, feedUri } = feedIdentity(config);
  const logger = ctx.createLogger('feed:http');
  return {
    serviceDid,
    feedUri,
    hostname: config.hostname,
    store: new CandidateStore({ windowMs: config.windowMs, maxCandidates: config.maxCandidates }),
    auth: createAuth({ serviceDid, mode: config.auth, idResolver: ctx.idResolver, metrics }),
    impressions: new ImpressionSink({ bus: ctx.bus, logger, metrics, capacity: config.impressionBuffer }),
    metrics,
    bus: ctx.bus,
    logger,
  };
}

export function createFeedService(ctx: FeedContext): FeedService {
  const state = createFeedState(ctx);
  const subs: Subscription[] = [];
  let http: FeedHttpServer | undefined;
  let timer: NodeJS.Timeout | undefined;
  return {
    get http() {
      return http;
    },
    state,
    async start() {
      await ctx.bus.ensureTopology();
      const sinceMs = Date.now() - ctx.config.windowMs;
      const readers = [
        await ctx.bus.follow(SUBJECTS.networkDelete, networkDeleteHandler(state), { sinceMs }),
        await ctx.bus.follow(SUBJECTS.botOutcome, botOutcomeHandler(state), { sinceMs }),
      ];
      subs.push(...readers);
      // Listen (and so become ready) once the window's replies are in: a replica serving during
      // its replay would give the bots replayed first more than their share.
      const replayed = await settlesWithin(Promise.all(readers.map((r) => r.caughtUp)), REPLAY_WAIT_MS);
      if (replayed) ctx.logger.info({ candidates: state.store.size }, 'candidates replayed');
      else ctx.logger.warn({ candidates: state.store.size, waitedMs: REPLAY_WAIT_MS }, 'candidates still replaying; serving what is in');
      timer = setInterval(() => {
        state.store.expire();
        state.metrics.candidates.set(state.store.size);
      }, EXPIRE_EVERY_MS);
      timer.unref();
      http = await listen(state, ctx.config.host, ctx.config.port);
      ctx.logger.info({ url: http.url, serviceDid: state.serviceDid, feedUri: state.feedUri }, 'feed generator listening');
    },
    async drain() {
      await http?.close();
      await Promise.all(subs.splice(0).map((s) => s.stop()));
      await state.impressions.close();
    },
    async stop() {
      if (timer) clearInterval(timer);
    },
  };
}

export const feedDefinition: ServiceDefinition<typeof feedConfigSpec, FeedContext, FeedOverrides> = {
  name: 'feed',
  summary: 'feed generator: equal-exposure getFeedSkeleton, sendInteractions, impressions',
  configSpec: feedConfigSpec,
  createContext,
  createService: createFeedService,
};
