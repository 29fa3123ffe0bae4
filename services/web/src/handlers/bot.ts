// GET /api/bots/<id>: what the bot's page shows besides the leaderboard: its recent replies and
// its rating over time (live/bot-activity.ts).
import type { FastifyInstance } from 'fastify';
import type { BotActivity } from '../live/bot-activity.ts';

export function addBot(app: FastifyInstance, activity: BotActivity): void {
  app.get<{ Params: { id: string } }>(
    '/api/bots/:id',
    { schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } } } },
    async (req) => activity.view(req.params.id),
  );
}
