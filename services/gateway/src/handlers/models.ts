// GET /v1/models: the models this key may call, in OpenAI's list shape.
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context.ts';
import { authorize } from './chat.ts';

export function addModels(app: FastifyInstance, ctx: GatewayContext): void {
  app.get('/v1/models', async (req, reply) => {
    const key = await authorize(ctx, req, reply);
    if (!key) return reply;
    const allowed = [...ctx.models.values()].filter((m) => key.limits.models.length === 0 || key.limits.models.includes(m.id));
    return { object: 'list', data: allowed.map((m) => ({ id: m.id, object: 'model', created: 0, owned_by: m.provider })) };
  });
}
