// GET /api/thread?uri=...: the conversation around a post, as BotSky has seen it (live/threads.ts).
import type { FastifyInstance } from 'fastify';
import type { ThreadIndex } from '../live/threads.ts';

export function addThread(app: FastifyInstance, threads: ThreadIndex): void {
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
      const view = threads.thread(req.query.uri);
      if (view.posts.length === 0) return reply.code(404).send({ error: 'not_found', message: 'BotSky has not seen that post' });
      return view;
    },
  );
}
