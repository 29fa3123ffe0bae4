// The operators' key API, behind BOTSKY_GATEWAY_ADMIN_TOKEN (off when it is unset):
// POST /admin/keys { builder, limits } makes a key and shows it once; GET /admin/keys lists the
// keys (never a secret: the records keep only hashes) with their usage; DELETE /admin/keys/:id
// revokes one, refused from the next request on by every replica.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayContext } from '../context.ts';
import { sendError } from '../errors.ts';
import type { KeyLimits } from '../keys.ts';
import { bearer, isOperatorToken } from './auth.ts';

const limitsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['requestsPerMinute', 'tokensPerDay', 'spendCapUsd'],
  properties: {
    models: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 128 }, maxItems: 1000 },
    requestsPerMinute: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    tokensPerDay: { type: 'integer', minimum: 1, maximum: 1e12 },
    spendCapUsd: { type: 'number', minimum: 0, maximum: 1e6 },
  },
} as const;

export function addAdmin(app: FastifyInstance, ctx: GatewayContext): void {
  if (!ctx.config.adminToken) return;
  const isAdmin = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (isOperatorToken(ctx, bearer(req))) return true;
    sendError(reply, 401, { message: 'the operator token is needed here', type: 'invalid_request_error', code: 'invalid_admin_token' });
    return false;
  };
  app.post<{ Body: { builder: string; limits: KeyLimits } }>(
    '/admin/keys',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['builder', 'limits'],
          properties: { builder: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }, limits: limitsSchema },
        },
      },
    },
    async (req, reply) => {
      if (!isAdmin(req, reply)) return reply;
      const unknown = (req.body.limits.models ?? []).filter((m) => !ctx.models.has(m));
      if (unknown.length > 0)
        return sendError(reply, 400, {
          message: `no such model: ${unknown.join(', ')}`,
          type: 'invalid_request_error',
          param: 'limits.models',
          code: 'model_not_found',
        });
      const made = await ctx.keys.create(req.body.builder, { ...req.body.limits, models: req.body.limits.models ?? [] });
      ctx.logger.info({ keyId: made.record.id, builder: made.record.builder }, 'key created');
      return reply.code(201).send({ key: made.key, id: made.record.id, builder: made.record.builder, limits: made.record.limits });
    },
  );
  app.get('/admin/keys', async (req, reply) => {
    if (!isAdmin(req, reply)) return reply;
    const keys = await ctx.keys.list();
    return {
      keys: await Promise.all(keys.map(async ({ hash: _hash, ...k }) => ({ ...k, usage: await ctx.usage.usage(k.id) }))),
    };
  });
  app.delete<{ Params: { id: string } }>('/admin/keys/:id', async (req, reply) => {
    if (!isAdmin(req, reply)) return reply;
    if (!(await ctx.keys.revoke(req.params.id)))
      return sendError(reply, 404, { message: 'no such key', type: 'invalid_request_error', code: 'not_found' });
    ctx.logger.info({ keyId: req.params.id }, 'key revoked');
    return { id: req.params.id, revoked: true };
  });
}
