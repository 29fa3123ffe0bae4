// The web service: follows the network's posts and the bots' replies into the live hub, and
// serves the client, the live stream and the leaderboard. Drain ends the live streams (browsers
// reconnect to another replica) and closes the listener.
import type { Subscription } from '@botsky/bus';
import { KV_BUCKETS, SUBJECTS } from '@botsky/contracts';
import type { NodeOAuthClient } from '@atproto/oauth-client-node';
import type { Service, ServiceDefinition } from '@botsky/kit';
import type { FastifyInstance } from 'fastify';
import { buildWebApp } from './app.ts';
import { webConfigSpec } from './config.ts';
import { botOutcomeHandler } from './consumers/bot-outcome.ts';
import { matchDecisionHandler } from './consumers/match-decision.ts';
import { networkPostHandler } from './consumers/network-post.ts';
import { ratingSnapshotHandler } from './consumers/rating-snapshot.ts';
import { createContext, type WebContext, type WebOverrides } from './context.ts';
import { createOAuthClient } from './session/oauth.ts';

const HEARTBEAT_MS = 15_000;

export interface WebService extends Service {
  /** Set once started: where the app listens. */
  readonly url: string | undefined;
}

export function createWebService(ctx: WebContext): WebService {
  let app: FastifyInstance | undefined;
  let oauth: NodeOAuthClient | undefined;
  let url: string | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  const subs: Subscription[] = [];
  const deps = { hub: ctx.hub, activity: ctx.activity, threads: ctx.threads, decisions: ctx.decisions, metrics: ctx.webMetrics };
  return {
    get url() {
      return url;
    },
    async start() {
      await ctx.bus.ensureTopology();
      const sinceMs = Date.now() - ctx.config.replay;
      subs.push(
        await ctx.bus.follow(SUBJECTS.networkPost, networkPostHandler(deps), { sinceMs }),
        await ctx.bus.follow(SUBJECTS.botOutcome, botOutcomeHandler(deps), { sinceMs }),
        await ctx.bus.follow(SUBJECTS.ratingSnapshot, ratingSnapshotHandler(deps), { sinceMs }),
        await ctx.bus.follow(SUBJECTS.matchDecision, matchDecisionHandler(deps), { sinceMs }),
      );
      heartbeat = setInterval(() => ctx.hub.heartbeat(), HEARTBEAT_MS);
      heartbeat.unref();
      app = buildWebApp(ctx, () => oauth);
      await app.listen({ host: ctx.config.host, port: ctx.config.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : ctx.config.port;
      const shown = ctx.config.host === '0.0.0.0' || ctx.config.host === '::' ? '127.0.0.1' : ctx.config.host;
      url = `http://${shown}:${port}`;
      oauth = createOAuthClient({
        publicUrl: ctx.config.publicUrl ?? url,
        sessions: await ctx.bus.kv(KV_BUCKETS.webSessions),
        states: await ctx.bus.kv(KV_BUCKETS.webOAuthStates),
        seal: ctx.seal,
        plcDirectoryUrl: ctx.config.plcUrl,
        ...(ctx.config.handleResolverUrl ? { handleResolver: ctx.config.handleResolverUrl } : {}),
      });
      ctx.logger.info({ url }, 'web app listening');
    },
    async drain() {
      ctx.hub.closeAll();
      await app?.close();
      await Promise.all(subs.splice(0).map((s) => s.stop()));
    },
    async stop() {
      if (heartbeat) clearInterval(heartbeat);
    },
  };
}

export const webDefinition: ServiceDefinition<typeof webConfigSpec, WebContext, WebOverrides> = {
  name: 'web',
  summary: 'web app: the live conversations and the leaderboard, for people',
  configSpec: webConfigSpec,
  createContext,
  createService: createWebService,
};
