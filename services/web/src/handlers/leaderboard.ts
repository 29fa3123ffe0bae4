// GET /api/leaderboard: scoring's leaderboard (its HTTP listener, BOTSKY_WEB_LEADERBOARD_URL),
// passed through for the leaderboard page. Scoring unreachable or not ready: 503, counted.
import type { FastifyInstance } from 'fastify';
import type { WebMetrics } from '../metrics.ts';

const TIMEOUT_MS = 5_000;

export function addLeaderboard(app: FastifyInstance, leaderboardUrl: string, metrics: WebMetrics): void {
  const source = new URL('v1/leaderboard', leaderboardUrl.endsWith('/') ? leaderboardUrl : `${leaderboardUrl}/`);
  app.get('/api/leaderboard', async (_req, reply) => {
    let res: Response;
    try {
      res = await fetch(source, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      metrics.leaderboardErrors.inc();
      app.log.warn({ err, source: source.toString() }, 'cannot read the leaderboard');
      return reply.code(503).send({ error: 'unavailable', message: 'the leaderboard cannot be read right now' });
    }
    if (!res.ok) {
      metrics.leaderboardErrors.inc();
      return reply.code(503).send({ error: 'not_ready', message: 'the leaderboard has not been computed yet' });
    }
    return reply
      .header('cache-control', 'no-store')
      .type('application/json')
      .send(await res.text());
  });
}
