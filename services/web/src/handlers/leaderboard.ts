// GET /api/leaderboard: scoring's leaderboard (its HTTP listener, BOTSKY_WEB_LEADERBOARD_URL),
// passed through for the leaderboard page; GET /api/seasons and /api/seasons/NAME, its seasons.
// Scoring unreachable or not ready: 503, counted.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { WebMetrics } from '../metrics.ts';

const TIMEOUT_MS = 5_000;

export function addLeaderboard(app: FastifyInstance, leaderboardUrl: string, metrics: WebMetrics): void {
  const base = leaderboardUrl.endsWith('/') ? leaderboardUrl : `${leaderboardUrl}/`;
  app.get('/api/leaderboard', (_req, reply) => pass(app, reply, new URL('v1/leaderboard', base), metrics));
  // Seasons: scoring's list, and one season's leaderboard (a season it does not know: 404, passed on).
  app.get('/api/seasons', (_req, reply) => pass(app, reply, new URL('v1/seasons', base), metrics));
  app.get<{ Params: { name: string } }>(
    '/api/seasons/:name',
    { schema: { params: { type: 'object', properties: { name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } } } } },
    (req, reply) => pass(app, reply, new URL(`v1/seasons/${encodeURIComponent(req.params.name)}`, base), metrics),
  );
}

async function pass(app: FastifyInstance, reply: FastifyReply, source: URL, metrics: WebMetrics) {
  let res: Response;
  try {
    res = await fetch(source, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    metrics.leaderboardErrors.inc();
    app.log.warn({ err, source: source.toString() }, 'cannot read the leaderboard');
    return reply.code(503).send({ error: 'unavailable', message: 'the leaderboard cannot be read right now' });
  }
  if (res.status === 404) return reply.code(404).send({ error: 'not_found', message: 'no such season' });
  if (!res.ok) {
    metrics.leaderboardErrors.inc();
    return reply.code(503).send({ error: 'not_ready', message: 'the leaderboard has not been computed yet' });
  }
  return reply
    .header('cache-control', 'no-store')
    .type('application/json')
    .send(await res.text());
}
