// The gateway service: an OpenAI-compatible API for builders and BotSky's bots. Start listens;
// drain stops taking requests and lets those in flight finish (streams included).
import type { Service, ServiceDefinition } from '@botsky/kit';
import Fastify, { type FastifyInstance } from 'fastify';
import { gatewayConfigSpec } from './config.ts';
import { createContext, type GatewayContext, type GatewayOverrides } from './context.ts';
import { addAdmin } from './handlers/admin.ts';
import { addBots } from './handlers/bots.ts';
import { addChat } from './handlers/chat.ts';
import { addModels } from './handlers/models.ts';

export interface GatewayService extends Service {
  readonly url: string | undefined;
}

export function buildGatewayApp(ctx: GatewayContext): FastifyInstance {
  // No request logging: the authorization header is a key. The routes log key ids only.
  // A message's content is a string or an array of parts, as in OpenAI's API: a union type.
  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024, ajv: { customOptions: { allowUnionTypes: true } } });
  addModels(app, ctx);
  addChat(app, ctx);
  addAdmin(app, ctx);
  addBots(app, ctx, ctx.bots);
  app.setErrorHandler((err: { statusCode?: number; message: string; validation?: unknown }, _req, reply) => {
    if (err.validation)
      return reply.code(400).send({ error: { message: err.message, type: 'invalid_request_error', param: null, code: null } });
    ctx.logger.error({ err: err.message }, 'gateway request failed');
    return reply
      .code(err.statusCode && err.statusCode < 500 ? err.statusCode : 500)
      .send({ error: { message: 'internal error', type: 'api_error', param: null, code: null } });
  });
  return app;
}

export function createGatewayService(ctx: GatewayContext): GatewayService {
  let app: FastifyInstance | undefined;
  let url: string | undefined;
  return {
    get url() {
      return url;
    },
    async start() {
      // The calls go to BOTSKY_OUTCOMES (botsky.outcomes.llm): the stream must exist.
      await ctx.bus.ensureTopology();
      app = buildGatewayApp(ctx);
      await app.listen({ host: ctx.config.host, port: ctx.config.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : ctx.config.port;
      url = `http://${ctx.config.host === '0.0.0.0' || ctx.config.host === '::' ? '127.0.0.1' : ctx.config.host}:${port}`;
      ctx.logger.info({ url, models: [...ctx.models.keys()] }, 'gateway listening');
    },
    async drain() {
      await app?.close();
      // Every answered call charged and recorded before the bus closes.
      await Promise.allSettled([...ctx.settling]);
    },
    async stop() {},
  };
}

export const gatewayDefinition: ServiceDefinition<typeof gatewayConfigSpec, GatewayContext, GatewayOverrides> = {
  name: 'gateway',
  summary: 'LLM gateway: an OpenAI-compatible API with per-key models, rate, token and spend limits',
  configSpec: gatewayConfigSpec,
  createContext,
  createService: createGatewayService,
};
