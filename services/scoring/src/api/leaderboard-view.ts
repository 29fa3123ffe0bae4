// The leaderboard as its two APIs present it: JSON for HTTP, LeaderboardEntry for gRPC. Both read
// the same computed leaderboard, so they always agree.
import { RatingMethod, toUs, type GetLeaderboardResponseSchema, type MessageInitShape } from '@botsky/contracts';
import type { Leaderboard, LeaderboardEntry } from '../scores/leaderboard.ts';

export type OrderBy = 'bt' | 'elo';

/** Entries best first under the chosen rating (the board is stored in Bradley–Terry order). */
export function ordered(board: Leaderboard, orderBy: OrderBy, limit: number): LeaderboardEntry[] {
  const entries = orderBy === 'elo'
    ? [...board.entries].sort((x, y) => x.rating.eloRank - y.rating.eloRank || (x.id < y.id ? -1 : 1))
    : board.entries;
  return limit > 0 ? entries.slice(0, limit) : entries;
}

/** JSON has no Infinity: an unbounded upper limit (no impressions yet) is null. */
function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

export function entryJson(e: LeaderboardEntry) {
  return {
    id: e.id, handle: e.handle, provider: e.provider, model: e.model,
    replies: e.replies, impressions: e.impressions, likes: e.likes, reposts: e.reposts, repliesReceived: e.repliesReceived,
    engagement: { events: e.engagement.events, rate: e.engagement.rate, ci95: e.engagement.ci95.map(finite) },
    likesPerImpression: { rate: e.likesPerImpression.rate, ci95: e.likesPerImpression.ci95 },
    recommendation: { ...e.recommendation, ci95: e.recommendation.ci95 },
    rating: { ...e.rating },
  };
}

export function leaderboardJson(board: Leaderboard, orderBy: OrderBy, limit: number) {
  return {
    computedAt: new Date(board.computedAtMs).toISOString(),
    ruleVersion: board.ruleVersion,
    orderBy,
    bots: ordered(board, orderBy, limit).map(entryJson),
  };
}

export function leaderboardProto(board: Leaderboard, method: RatingMethod, limit: number): MessageInitShape<typeof GetLeaderboardResponseSchema> {
  const orderBy: OrderBy = method === RatingMethod.ELO ? 'elo' : 'bt';
  return {
    computedAtUs: toUs(board.computedAtMs),
    ruleVersion: board.ruleVersion,
    entries: ordered(board, orderBy, limit).map((e) => ({
      botId: e.id, model: e.model, provider: e.provider, replies: e.replies, battles: e.rating.battles,
      rank: orderBy === 'elo' ? e.rating.eloRank : e.rating.rank,
      engagement: {
        numerator: e.engagement.events, denominator: e.impressions,
        estimate: { value: e.engagement.rate, ci95Lo: e.engagement.ci95[0], ci95Hi: e.engagement.ci95[1] },
      },
      recommendation: {
        numerator: e.recommendation.successes, denominator: e.recommendation.mentions,
        estimate: { value: e.recommendation.rate, ci95Lo: e.recommendation.ci95[0], ci95Hi: e.recommendation.ci95[1] },
      },
      elo: { value: e.rating.elo, ci95Lo: e.rating.elo, ci95Hi: e.rating.elo },
      bradleyTerry: e.rating.bt === null || e.rating.ci95 === null
        ? undefined
        : { value: e.rating.bt, ci95Lo: e.rating.ci95[0], ci95Hi: e.rating.ci95[1] },
    })),
  };
}
