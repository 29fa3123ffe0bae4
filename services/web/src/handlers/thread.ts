// GET /api/thread?uri=...: the conversation around a post, as BotSky has seen it go by
// (live/threads.ts), or, when BOTSKY_APPVIEW_URL names one, as the AppView has it (falling back to
// what BotSky saw when the AppView does not answer), the bots' replies BotSky knows marked as such.
import type { FastifyInstance } from 'fastify';
import type { ThreadIndex } from '../live/threads.ts';
import type { AppViewReader } from './appview.ts';

export function addThread(app: FastifyInstance, threads: ThreadIndex, appview: AppViewReader | undefined): void {
  app.get<{ Querystring: { uri: string } }>(
    '/api/thread',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['uri'],
          additionalProperties: false,
          properties: { uri: { type: 'string', pattern: '^at://', maxLength: 8192 } },
        },
      },
    },
    async (req, reply) => {
      // The AppView has the whole thread (older than the replay window, other people's replies);
      // BotSky's own record says which replies are bots' (their disclosure).
      const fetched = await appview?.thread(req.query.uri);
      if (fetched) return { ...fetched, posts: fetched.posts.map((p) => ({ ...(threads.get(p.uri) ?? p), depth: p.depth })) };
      const seen = threads.thread(req.query.uri);
      if (seen.posts.length === 0) return reply.code(404).send({ error: 'not_found', message: 'BotSky has not seen that post' });
      return seen;
    },
  );
}
