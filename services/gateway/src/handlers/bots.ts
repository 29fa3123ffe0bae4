// The self-service bot API (on when BOTSKY_REGISTRY_SECRET is set; docs/bot-builders.md):
//   POST   /v1/bots              register a bot (it goes to the sandbox)      201 | 400 | 409
//   GET    /v1/bots              the caller's bots (an operator: every one)
//   GET    /v1/bots/:id          one, with its state and sandbox report        200 | 404
//   PUT    /v1/bots/:id          change it (the sandbox again)                  200 | 400 | 404
//   POST   /v1/bots/:id/pause    { reason? }   /   POST /v1/bots/:id/resume   200 | 404
//   DELETE /v1/bots/:id          remove it                                      200 | 404
// A builder authenticates with their gateway key and sees and changes only their own bots; a bot
// on a gateway model calls it with that key (so its spend counts against the key's limits). The
// operators' token may do all of it; an operator's gateway bot names its key in provider.apiKey.
import { type BotSpec, checkBotSpec } from '@botsky/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BotStore } from '../bots.ts';
import type { GatewayContext } from '../context.ts';
import { sendError } from '../errors.ts';
import { type Caller, callerOf } from './auth.ts';

const invalid = (reply: FastifyReply, message: string, param: string | null = null) =>
  sendError(reply, 400, { message, type: 'invalid_request_error', param, code: 'invalid_bot' });
const notFound = (reply: FastifyReply, id: string) =>
  sendError(reply, 404, { message: `no bot "${id}" of yours`, type: 'invalid_request_error', code: 'not_found' });

export function addBots(app: FastifyInstance, ctx: GatewayContext, store: BotStore | undefined): void {
  const who = async (req: FastifyRequest, reply: FastifyReply): Promise<Caller | undefined> => {
    if (!store) {
      sendError(reply, 404, {
        message: 'self-service bots are off on this gateway (BOTSKY_REGISTRY_SECRET)',
        type: 'invalid_request_error',
        code: 'not_enabled',
      });
      return undefined;
    }
    const caller = await callerOf(ctx, req);
    if (!caller)
      sendError(reply, 401, {
        message: 'a gateway key or the operator token is needed here',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      });
    return caller;
  };
  const owner = (c: Caller) => (c.kind === 'operator' ? undefined : c.record.builder);

  /** The spec, checked, and the gateway key its model calls are made with; answers 400 itself. */
  const spec = (c: Caller, body: unknown, reply: FastifyReply, id?: string): { spec: BotSpec; apiKey: string | undefined } | undefined => {
    const checked = checkBotSpec(body);
    if (!checked.ok) return void invalid(reply, checked.message);
    const s = checked.spec;
    if (id !== undefined && s.id !== id) return void invalid(reply, `id: the body names "${s.id}", the URL "${id}"`, 'id');
    if (s.provider.kind !== 'gateway') return { spec: s, apiKey: undefined };
    const model = s.provider.model;
    if (!ctx.models.has(model)) return void invalid(reply, `provider.model: the gateway serves no model "${model}"`, 'provider.model');
    if (c.kind === 'builder' && c.record.limits.models.length > 0 && !c.record.limits.models.includes(model))
      return void invalid(reply, `provider.model: your key may not call "${model}"`, 'provider.model');
    const apiKey = s.provider.apiKey ?? (c.kind === 'builder' ? c.key : undefined);
    if (c.kind === 'operator' && apiKey === undefined && id === undefined)
      return void invalid(reply, 'provider.apiKey: an operator names the gateway key the bot calls its model with', 'provider.apiKey');
    const { apiKey: _given, ...provider } = s.provider;
    return { spec: { ...s, provider }, apiKey };
  };

  app.post('/v1/bots', async (req, reply) => {
    const c = await who(req, reply);
    if (!c || !store) return reply;
    const s = spec(c, req.body, reply);
    if (!s) return reply;
    const made = await store.create(c.kind === 'operator' ? 'operator' : c.record.builder, s.spec, s.apiKey);
    if (!made.ok) return sendError(reply, made.status, { message: made.message, type: 'invalid_request_error', code: 'conflict' });
    ctx.logger.info({ bot: s.spec.id, builder: made.bot.builder }, 'bot registered');
    return reply.code(201).send(made.bot);
  });

  app.get('/v1/bots', async (req, reply) => {
    const c = await who(req, reply);
    if (!c || !store) return reply;
    return { bots: await store.list(owner(c)) };
  });

  app.get<{ Params: { id: string } }>('/v1/bots/:id', async (req, reply) => {
    const c = await who(req, reply);
    if (!c || !store) return reply;
    return (await store.get(owner(c), req.params.id)) ?? notFound(reply, req.params.id);
  });

  app.put<{ Params: { id: string } }>('/v1/bots/:id', async (req, reply) => {
    const c = await who(req, reply);
    if (!c || !store) return reply;
    const s = spec(c, req.body, reply, req.params.id);
    if (!s) return reply;
    const changed = await store.replace(owner(c), s.spec, s.apiKey);
    if (!changed.ok)
      return sendError(reply, changed.status, { message: changed.message, type: 'invalid_request_error', code: 'not_found' });
    ctx.logger.info({ bot: s.spec.id, version: changed.bot.version }, 'bot changed');
    return changed.bot;
  });

  app.post<{ Params: { id: string }; Body: { reason?: unknown } | undefined }>('/v1/bots/:id/pause', async (req, reply) => {
    const c = await who(req, reply);
    if (!c || !store) return reply;
    const reason = typeof req.body?.reason === 'string' ? req.body.reason.slice(0, 500) : '';
    const by = c.kind === 'operator' ? 'operator' : `builder ${c.record.builder}`;
    return (await store.setPaused(owner(c), req.params.id, { by, reason })) ?? notFound(reply, req.params.id);
  });

  app.post<{ Params: { id: string } }>('/v1/bots/:id/resume', async (req, reply) => {
    const c = await who(req, reply);
    if (!c || !store) return reply;
    return (await store.setPaused(owner(c), req.params.id, undefined)) ?? notFound(reply, req.params.id);
  });

  app.delete<{ Params: { id: string } }>('/v1/bots/:id', async (req, reply) => {
    const c = await who(req, reply);
    if (!c || !store) return reply;
    if (!(await store.remove(owner(c), req.params.id))) return notFound(reply, req.params.id);
    ctx.logger.info({ bot: req.params.id }, 'bot removed');
    return { id: req.params.id, removed: true };
  });
}
