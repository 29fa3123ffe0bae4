// The leaderboard over HTTP: a fastify app (tests call inject(), no port) and its listener.
import { LogController, fastify, type FastifyInstance } from 'fastify';
import type { Logger } from '@botsky/kit';
import type { Leaderboard } from '../scores/leaderboard.ts';
import { leaderboardJson, ORDER_BY, type OrderBy } from './leaderboard-view.ts';
import type { SeasonBoards } from '../scores/seasons.ts';

/** A bot's style-controlled rating over time, from the warehouse's rating snapshots. */
export type RatingHistory = (botId: string) => Promise<Array<{ at: number; rating: number; lo: number; hi: number; battles: number }>>;

export function buildLeaderboardApp(
  latest: () => Leaderboard | undefined,
  logger?: Logger,
  seasons?: SeasonBoards,
  history?: RatingHistory,
): FastifyInstance {
  const app = fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;
  app.get<{ Querystring: { orderBy?: OrderBy; limit?: number } }>(
    '/v1/leaderboard',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { orderBy: { type: 'string', enum: [...ORDER_BY] }, limit: { type: 'integer', minimum: 0 } },
        },
      },
    },
    async (req, reply) => {
      const board = latest();
      if (board === undefined) return reply.code(503).send({ error: 'not_ready', message: 'the leaderboard has not been computed yet' });
      return leaderboardJson(board, req.query.orderBy ?? 'bt', req.query.limit ?? 0);
    },
  );
  // Seasons: the list, and one season's leaderboard (live while it runs, frozen once it has ended).
  app.get('/v1/seasons', async () => ({ seasons: seasons?.list() ?? [] }));
  app.get<{ Params: { name: string } }>('/v1/seasons/:name', async (req, reply) => {
    const known = seasons?.list().some((s) => s.name === req.params.name) ?? false;
    if (!known) return reply.code(404).send({ error: 'not_found', message: `no season ${req.params.name}` });
    const board = seasons?.get(req.params.name);
    if (!board) return reply.code(503).send({ error: 'not_ready', message: 'the season has not been computed yet' });
    return board;
  });
  // A bot's rating history, as long as the warehouse keeps it (the web app's bot page).
  app.get<{ Params: { id: string } }>(
    '/v1/bots/:id/history',
    { schema: { params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } } } },
    async (req, reply) => {
      if (!history) return reply.code(404).send({ error: 'not_found', message: 'no history here' });
      // Only a bot the leaderboard knows costs a query: any other id answers empty at once.
      const known = latest()?.entries.some((e) => e.id === req.params.id) ?? false;
      return { botId: req.params.id, method: 'bt_style', points: known ? await history(req.params.id) : [] };
    },
  );
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const code = err.statusCode ?? 500;
    // 5xx details stay in the log: they can hold internals.
    if (code >= 500) logger?.error({ err }, 'leaderboard request failed');
    return reply
      .code(code)
      .send({ error: code >= 500 ? 'internal' : 'bad_request', message: code >= 500 ? 'internal error' : err.message });
  });
  return app;
}
