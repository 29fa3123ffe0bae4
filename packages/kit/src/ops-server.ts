// The operations endpoints every process serves: /healthz, /readyz, /metrics. The routes are a
// fastify plugin, apart from listening, so tests call `app.inject()` and open no port.
import { LogController, fastify, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Readiness } from './readiness.ts';

export interface OpsOptions {
  readiness: Readiness;
  registry: Registry;
}

const checkSchema = {
  type: 'object',
  properties: { ok: { type: 'boolean' }, error: { type: 'string' } },
  required: ['ok'],
} as const;

const readySchema = {
  type: 'object',
  properties: {
    ready: { type: 'boolean' },
    phase: { type: 'string' },
    checks: { type: 'object', additionalProperties: checkSchema },
  },
  required: ['ready', 'phase', 'checks'],
} as const;

export const opsRoutes: FastifyPluginAsync<OpsOptions> = async (app, opts) => {
  // Alive as long as the process answers; restarts are for hung processes, not sick dependencies.
  app.get('/healthz', { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => ({
    status: 'ok',
  }));

  app.get('/readyz', { schema: { response: { 200: readySchema, 503: readySchema } } }, async (_req, reply) => {
    const report = await opts.readiness.report();
    return reply.code(report.ready ? 200 : 503).send(report);
  });

  app.get('/metrics', async (_req, reply) => {
    const body = await opts.registry.metrics();
    return reply.type(opts.registry.contentType).send(body);
  });
};

export interface BuildOpsOptions extends OpsOptions {
  logger?: Logger;
}

export function buildOpsApp(opts: BuildOpsOptions): FastifyInstance {
  const app = fastify({
    loggerInstance: opts.logger,
    // Probes and scrapes every few seconds would drown the log.
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;
  // 5xx bodies say nothing about internals; the log has the details.
  app.setErrorHandler((err: { statusCode?: number; message: string }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) req.log.error({ err }, 'ops request failed');
    return reply.code(status).send({ error: status >= 500 ? 'internal error' : err.message });
  });
  app.register(opsRoutes, { readiness: opts.readiness, registry: opts.registry });
  return app;
}

/** Listens and returns the base URL (with the real port when `port` is 0). */
export async function listenOps(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${bound}`;
}
