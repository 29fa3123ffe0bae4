// The leaderboard, computed from the warehouse alone as of a moment: the live job calls this every
// interval, and `botsky rescore` calls it with the same asOf to reproduce the same numbers.
import {
  botEngagementAsOf,
  botRepliesAsOf,
  itemImpressions,
  replyEngagementEvents,
  threadRecommendationAsOf,
  type BotReplyRow,
  type Warehouse,
} from '@botsky/warehouse';
import { bradleyTerryWithIntervals, onlineElo, poissonRate, wilson, type Battle, type Interval } from '@botsky/ratings';
import { battleSides, decideBattles, RULE_VERSION, type DecidedBattle } from './battles.ts';

export interface ScoringParams {
  battleWindowMs: number;
  recommendationWindowMs: number;
  bootstrapRounds: number;
  /** Seed of the bootstrap; fixed so that a rescore gives the same intervals. */
  seed?: number;
}

export const BOOTSTRAP_SEED = 20260301;

export interface RateWithInterval {
  rate: number;
  ci95: Interval;
}

export interface LeaderboardEntry {
  id: string;
  handle: string;
  provider: string;
  model: string;
  replies: number;
  impressions: number;
  likes: number;
  reposts: number;
  repliesReceived: number;
  engagement: RateWithInterval & { events: number };
  likesPerImpression: RateWithInterval;
  recommendation: RateWithInterval & { mentions: number; successes: number };
  rating: {
    elo: number;
    eloRank: number;
    /** null until the bot has fought a decided battle */
    bt: number | null;
    ci95: Interval | null;
    battles: number;
    /** Arena rule over Bradley–Terry; bots without battles come after every rated bot */
    rank: number;
  };
}

export interface Leaderboard {
  computedAtMs: number;
  ruleVersion: string;
  entries: LeaderboardEntry[];
  battles: DecidedBattle[];
}

export async function computeLeaderboard(wh: Warehouse, opts: { asOf: Date; config: ScoringParams }): Promise<Leaderboard> {
  const { asOf, config } = opts;
  const replies = await botRepliesAsOf(wh, { asOf });
  const battles = await decidedBattles(wh, replies, asOf, config.battleWindowMs);
  const engagement = new Map((await botEngagementAsOf(wh, { asOf })).map((e) => [e.bot_id, e]));
  const recommendation = new Map(
    (await threadRecommendationAsOf(wh, { asOf, windowMs: config.recommendationWindowMs })).map((r) => [r.bot_id, r]),
  );
  const ratings = rate(battles, config);
  const entries = botsOf(replies).map(({ id, model, provider, replies: n }) => {
    const e = engagement.get(id);
    const r = recommendation.get(id);
    const impressions = e?.impressions ?? 0;
    const events = (e?.likes ?? 0) + (e?.reposts ?? 0) + (e?.replies_received ?? 0);
    const mentions = Number(r?.mentions ?? 0);
    const successes = Number(r?.successes ?? 0);
    return {
      id,
      handle: '',
      provider,
      model,
      replies: n,
      impressions,
      likes: e?.likes ?? 0,
      reposts: e?.reposts ?? 0,
      repliesReceived: e?.replies_received ?? 0,
      engagement: { rate: ratio(events, impressions), ci95: poissonRate(events, impressions), events },
      likesPerImpression: { rate: ratio(e?.likes ?? 0, impressions), ci95: wilson(e?.likes ?? 0, impressions) },
      recommendation: { mentions, successes, rate: ratio(successes, mentions), ci95: wilson(successes, mentions) },
      rating: ratings.of(id),
    };
  });
  entries.sort(byBradleyTerry);
  return { computedAtMs: asOf.getTime(), ruleVersion: RULE_VERSION, entries, battles };
}

async function decidedBattles(wh: Warehouse, replies: readonly BotReplyRow[], asOf: Date, windowMs: number): Promise<DecidedBattle[]> {
  const sides = battleSides(replies, windowMs).filter((s) => s.closesAtMs <= asOf.getTime());
  const uris = sides.flatMap((s) => [s.a.reply_uri, s.b.reply_uri]);
  const events = await replyEngagementEvents(wh, { asOf, replyUris: uris });
  const impressions = await itemImpressions(wh, { asOf, uris });
  const times = new Map(impressions.map((i) => [i.post_uri, i.at_ms.map(Number)]));
  return decideBattles(sides, events, times, asOf.getTime());
}

interface BotSummary {
  id: string;
  model: string;
  provider: string;
  replies: number;
}

/** Every bot that replied; model and provider from its latest reply. */
function botsOf(replies: readonly BotReplyRow[]): BotSummary[] {
  const bots = new Map<string, BotSummary>();
  for (const r of replies) {
    const b = bots.get(r.bot_id);
    bots.set(r.bot_id, { id: r.bot_id, model: r.model, provider: r.provider, replies: (b?.replies ?? 0) + 1 });
  }
  return [...bots.values()];
}

/** Online Elo in decision order, Bradley–Terry with bootstrap intervals, and both ranks. */
function rate(battles: readonly DecidedBattle[], config: ScoringParams) {
  const ordered: Battle[] = battles.map((b) => ({ a: b.botA, b: b.botB, winner: b.winner }));
  const elo = onlineElo(ordered);
  const bt = bradleyTerryWithIntervals(ordered, { rounds: config.bootstrapRounds, seed: config.seed ?? BOOTSTRAP_SEED });
  const btBy = new Map(bt.map((r) => [r.bot, r]));
  const eloValues = [...elo.values()];
  return {
    of(id: string): LeaderboardEntry['rating'] {
      const rated = btBy.get(id);
      const e = elo.get(id) ?? 1000;
      return {
        elo: e,
        eloRank: 1 + eloValues.filter((x) => x > e).length,
        bt: rated?.rating ?? null,
        ci95: rated?.ci95 ?? null,
        battles: rated?.battles ?? 0,
        rank: rated?.rank ?? bt.length + 1,
      };
    },
  };
}

function ratio(n: number, d: number): number {
  return d > 0 ? n / d : 0;
}

function byBradleyTerry(x: LeaderboardEntry, y: LeaderboardEntry): number {
  return (
    x.rating.rank - y.rating.rank ||
    (y.rating.bt ?? -Infinity) - (x.rating.bt ?? -Infinity) ||
    y.rating.elo - x.rating.elo ||
    (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)
  );
}
