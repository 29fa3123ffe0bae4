// GET /api/bots/<id>: what the bot's page shows besides the leaderboard: its recent replies
// (live/bot-activity.ts) and its rating over time: scoring's history from the warehouse
// (GET /v1/bots/<id>/history, as long as the warehouse keeps it) joined with the snapshots this
// replica has seen since (the bus, from BOTSKY_WEB_REPLAY ago). Scoring unreachable: the live part.
import type { FastifyInstance } from 'fastify';
import type { BotActivity, RatingPoint } from '../live/bot-activity.ts';

const TIMEOUT_MS = 3_000;

export function addBot(app: FastifyInstance, activity: BotActivity, leaderboardUrl: string): void {
  const base = leaderboardUrl.endsWith('/') ? leaderboardUrl : `${leaderboardUrl}/`;
  app.get<{ Params: { id: string } }>(
    '/api/bots/:id',
    { schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } } } },
    async (req) => {
      const view = activity.view(req.params.id);
      const stored = await storedHistory(new URL(`v1/bots/${encodeURIComponent(req.params.id)}/history`, base));
      return { ...view, history: merge(stored, view.history) };
    },
  );
}

async function storedHistory(url: URL): Promise<RatingPoint[]> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) return [];
    const body = (await res.json()) as { points?: unknown };
    return Array.isArray(body.points) ? body.points.filter(isPoint) : [];
  } catch {
    return [];
  }
}

const isPoint = (p: unknown): p is RatingPoint =>
  typeof p === 'object' &&
  p !== null &&
  ['at', 'rating', 'lo', 'hi', 'battles'].every((k) => Number.isFinite((p as Record<string, unknown>)[k]));

/** Both histories, one point per time, oldest first. */
function merge(a: readonly RatingPoint[], b: readonly RatingPoint[]): RatingPoint[] {
  const byAt = new Map<number, RatingPoint>();
  for (const p of [...a, ...b]) byAt.set(p.at, p);
  return [...byAt.values()].sort((x, y) => x.at - y.at);
}
