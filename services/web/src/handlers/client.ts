// The built client (services/web/dist, made by `pnpm --filter @botsky/web build`): its files by
// name, and index.html for every other GET that is not an API route, so that the client's own
// routes (/leaderboard, /bots/<id>) load the app. Nothing is fetched from anywhere else.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Files served as they are; anything else answers 404. */
const FILE = /^\/[a-z0-9-]+\.(js|css|svg|json)$/;

export function addClient(app: FastifyInstance, dir: string): void {
  const read = async (name: string): Promise<Buffer | undefined> => readFile(join(dir, normalize(name))).catch(() => undefined);
  app.get('/*', async (req, reply) => {
    const path = (req.url.split('?')[0] ?? '/') as string;
    if (path.startsWith('/api/')) return reply.code(404).send({ error: 'not_found', message: `no route ${path}` });
    if (FILE.test(path)) {
      const body = await read(path.slice(1));
      if (!body) return reply.code(404).send({ error: 'not_found', message: `no file ${path}` });
      return reply
        .type(TYPES[extname(path)] ?? 'application/octet-stream')
        .header('cache-control', 'no-cache')
        .send(body);
    }
    const index = await read('index.html');
    if (!index)
      return reply.code(503).send({ error: 'no_client', message: 'the web client is not built (pnpm --filter @botsky/web build)' });
    return reply
      .type(TYPES['.html'] as string)
      .header('cache-control', 'no-cache')
      .send(index);
  });
}
