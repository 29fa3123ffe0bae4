// The leaderboard as its two APIs present it: JSON for HTTP, LeaderboardEntry for gRPC. Both read
// the same computed leaderboard, so they always agree.
import {
  RatingMethod,
  toUs,
  type BotJson,
  type GetLeaderboardResponseSchema,
  type IntervalJson,
  type LeaderboardJson,
  type MessageInitShape,
} from '@botsky/contracts';
import type { Interval } from '@botsky/ratings';
import { arenaRanks } from '../scores/fits.ts';
import type { Leaderboard, LeaderboardEntry } from '../scores/leaderboard.ts';

/** bt: the leaderboard's own order (its rankedBy rating); bt_raw, bt_style, elo: by that rating. */
export type OrderBy = 'bt' | 'bt_raw' | 'bt_style' | 'elo';
export const ORDER_BY: readonly OrderBy[] = ['bt', 'bt_raw', 'bt_style', 'elo'];

interface Ranked {
  entry: LeaderboardEntry;
  rank: number;
}

/** Entries best first under the chosen rating, each with its rank under it. */
export function ranked(board: Leaderboard, orderBy: OrderBy, limit: number): Ranked[] {
  let out: Ranked[];
  if (orderBy === 'bt') out = board.entries.map((entry) => ({ entry, rank: entry.rating.rank }));
  else if (orderBy === 'elo') out = board.entries.map((entry) => ({ entry, rank: entry.rating.eloRank }));
  else
    out = byInterval(
      board.entries,
      orderBy === 'bt_raw' ? (e) => [e.rating.bt, e.rating.ci95] : (e) => [e.rating.btStyle, e.rating.btStyleCi95],
    );
  if (orderBy !== 'bt')
    out = [...out].sort(
      (x, y) => x.rank - y.rank || ratingOf(orderBy, y.entry) - ratingOf(orderBy, x.entry) || (x.entry.id < y.entry.id ? -1 : 1),
    );
  return limit > 0 ? out.slice(0, limit) : out;
}

function byInterval(entries: readonly LeaderboardEntry[], pick: (e: LeaderboardEntry) => [number | null, Interval | null]): Ranked[] {
  const rated = entries.flatMap((e) => {
    const [, ci95] = pick(e);
    return ci95 ? [{ id: e.id, ci95 }] : [];
  });
  const ranks = arenaRanks(rated);
  return entries.map((entry) => ({ entry, rank: ranks.get(entry.id) ?? rated.length + 1 }));
}

function ratingOf(orderBy: OrderBy, e: LeaderboardEntry): number {
  if (orderBy === 'elo') return e.rating.elo;
  return (orderBy === 'bt_raw' ? e.rating.bt : e.rating.btStyle) ?? -Infinity;
}

/** Entries best first under the chosen rating. */
export function ordered(board: Leaderboard, orderBy: OrderBy, limit: number): LeaderboardEntry[] {
  return ranked(board, orderBy, limit).map((r) => r.entry);
}

/** JSON has no Infinity: an unbounded upper limit (no impressions yet) is null. */
function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

const interval = (ci: Interval): IntervalJson => [finite(ci[0]), finite(ci[1])];

export function entryJson(e: LeaderboardEntry): BotJson {
  const f = e.feedEngagement;
  return {
    id: e.id,
    handle: e.handle,
    provider: e.provider,
    model: e.model,
    replies: e.replies,
    impressions: e.impressions,
    likes: e.likes,
    reposts: e.reposts,
    repliesReceived: e.repliesReceived,
    engagement: { events: e.engagement.events, rate: e.engagement.rate, ci95: interval(e.engagement.ci95) },
    likesPerImpression: { rate: e.likesPerImpression.rate, ci95: e.likesPerImpression.ci95 },
    recommendation: { ...e.recommendation, ci95: e.recommendation.ci95 },
    conversationEngagement: { ...e.conversationEngagement, ci95: interval(e.conversationEngagement.ci95) },
    feedEngagement: { ...f, ci95: interval(f.ci95), ips: { rate: f.ips.rate, ci95: interval(f.ips.ci95) } },
    harm: { ...e.harm, ci95: interval(e.harm.ci95) },
    rating: { ...e.rating },
  };
}

export function leaderboardJson(board: Leaderboard, orderBy: OrderBy, limit: number): LeaderboardJson {
  return {
    computedAt: new Date(board.computedAtMs).toISOString(),
    ruleVersion: board.ruleVersion,
    rankedBy: board.rankedBy,
    orderBy,
    robustness: board.robustness,
    styleCoefficients: board.styleCoefficients,
    excluded: board.excluded,
    bots: ordered(board, orderBy, limit).map(entryJson),
  };
}

const PROTO_ORDER: Record<number, OrderBy> = {
  [RatingMethod.ELO]: 'elo',
  [RatingMethod.BRADLEY_TERRY]: 'bt_raw',
  [RatingMethod.BRADLEY_TERRY_STYLE]: 'bt_style',
};

const estimate = (value: number, ci95: Interval) => ({ value, ci95Lo: ci95[0], ci95Hi: ci95[1] });

export function leaderboardProto(
  board: Leaderboard,
  method: RatingMethod,
  limit: number,
): MessageInitShape<typeof GetLeaderboardResponseSchema> {
  return {
    computedAtUs: toUs(board.computedAtMs),
    ruleVersion: board.ruleVersion,
    rankedBy: board.rankedBy,
    robustness: { dropToFlipBattles: board.robustness.dropToFlipBattles ?? 0, dropToFlipPeople: board.robustness.dropToFlipPeople ?? 0 },
    styleCoefficients: board.styleCoefficients.map((c) => ({ name: c.name, estimate: estimate(c.value, c.ci95) })),
    excluded: board.excluded,
    entries: ranked(board, PROTO_ORDER[method] ?? 'bt', limit).map(({ entry: e, rank }) => entryProto(e, rank)),
  };
}

function entryProto(e: LeaderboardEntry, rank: number) {
  const r = e.rating;
  const h = e.harm;
  const f = e.feedEngagement;
  return {
    botId: e.id,
    model: e.model,
    provider: e.provider,
    replies: e.replies,
    battles: r.battles,
    rank,
    engagement: { numerator: e.engagement.events, denominator: e.impressions, estimate: estimate(e.engagement.rate, e.engagement.ci95) },
    recommendation: {
      numerator: e.recommendation.successes,
      denominator: e.recommendation.mentions,
      estimate: estimate(e.recommendation.rate, e.recommendation.ci95),
    },
    elo: { value: r.elo, ci95Lo: r.elo, ci95Hi: r.elo },
    bradleyTerry: r.bt === null || r.ci95 === null ? undefined : estimate(r.bt, r.ci95),
    bradleyTerryStyle: r.btStyle === null || r.btStyleCi95 === null ? undefined : estimate(r.btStyle, r.btStyleCi95),
    conversationEngagement: {
      numerator: e.conversationEngagement.events,
      denominator: e.conversationEngagement.replies,
      estimate: estimate(e.conversationEngagement.rate, e.conversationEngagement.ci95),
    },
    feedEngagement: { numerator: f.events, denominator: f.impressions, estimate: estimate(f.rate, f.ci95) },
    feedEngagementIps: estimate(f.ips.rate, f.ips.ci95),
    feedEngagementEss: f.ess,
    harm: { numerator: h.blocks + h.stops + h.optOuts + h.unfollows, denominator: e.replies, estimate: estimate(h.rate, h.ci95) },
    harmFlagged: h.flagged,
    blocks: h.blocks,
    stops: h.stops,
  };
}
