// The web service's HTTP app (fastify; tests call inject(), no port): the live stream, the
// leaderboard, the client. Every response is counted by route; 5xx details stay in the log.
import type { NodeOAuthClient } from '@atproto/oauth-client-node';
import { LogController, fastify, type FastifyInstance } from 'fastify';
import type { WebContext } from './context.ts';
import { addActions } from './handlers/actions.ts';
import { addBot } from './handlers/bot.ts';
import { addClient } from './handlers/client.ts';
import { addConsent } from './handlers/consent.ts';
import { AppViewReader } from './handlers/appview.ts';
import { addFeed } from './handlers/feed.ts';
import { addLeaderboard } from './handlers/leaderboard.ts';
import { addLive } from './handlers/live.ts';
import { addOAuth } from './handlers/oauth.ts';
import { addSession } from './handlers/session.ts';
import { addThread } from './handlers/thread.ts';

export function buildWebApp(ctx: WebContext, oauth: () => NodeOAuthClient | undefined = () => undefined): FastifyInstance {
  const app = fastify({
    loggerInstance: ctx.createLogger('web:http'),
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;
  // Cross-site requests never change anything: a browser sends Origin with every POST and DELETE.
  app.addHook('onRequest', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD') return;
    const origin = req.headers.origin;
    if (origin !== undefined && new URL(origin).host !== req.headers.host) {
      return reply.code(403).send({ error: 'forbidden', message: 'cross-site request refused' });
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    ctx.webMetrics.requests.inc({ route: req.routeOptions.url ?? 'other', status: String(reply.statusCode) });
  });
  const appview = ctx.config.appviewUrl ? new AppViewReader(ctx.config.appviewUrl) : undefined;
  addLive(app, ctx.hub);
  addBot(app, ctx.activity, ctx.config.leaderboardUrl);
  addThread(app, ctx.threads, appview);
  addLeaderboard(app, ctx.config.leaderboardUrl, ctx.webMetrics);
  const sessions = {
    seal: ctx.seal,
    identities: ctx.identities,
    oauth,
    defaultService: ctx.config.signInService,
    secureCookies: ctx.config.secureCookies,
    signup: ctx.config.signup,
  };
  addSession(app, sessions);
  addOAuth(app, sessions);
  addActions(app, sessions);
  addConsent(app, ctx.bus, ctx.config.projectDid, ctx.decisions, sessions);
  addFeed(app, { ...sessions, feedUrl: ctx.config.feedUrl, allowHttpPds: ctx.config.plcUrl.startsWith('http://'), appview });
  addClient(app, ctx.clientDir);
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const code = err.statusCode ?? 500;
    if (code >= 500) app.log.error({ err }, 'web request failed');
    return reply
      .code(code)
      .send({ error: code >= 500 ? 'internal' : 'bad_request', message: code >= 500 ? 'internal error' : err.message });
  });
  return app;
}
