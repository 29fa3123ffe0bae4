// The leaderboard, computed from the warehouse alone as of a moment: the live job calls this every
// interval, and `botsky rescore` calls it with the same asOf to reproduce the same numbers.
import {
  type AsOfWindow,
  botEngagementAsOf,
  itemImpressions,
  replyEngagementEvents,
  threadRecommendationAsOf,
  type BotReplyRow,
  type Warehouse,
} from '@botsky/warehouse';
import { poissonRate, wilson } from '@botsky/ratings';
import { battleSides, decideBattles, withWeights, type BattleWeighting, type DecidedBattle } from './battles.ts';
import { battleVoters, decideBattlesV2, RULE_V2, type BattleReplyRow, type DecideV2Options } from './engagement-v2.ts';
import { fitRatings } from './fits.ts';
import type { BattleRule, Leaderboard, LeaderboardEntry, RankBy } from './board.ts';
import { applyInfluence, type Action, type BurstTest } from './influence.ts';
import { exposureOf, lastBotReaching, readInputs, type RankingInputs } from './inputs.ts';
import { conversationEngagement, exposuresOf, feedCounts, harmCounts, harmRate, ipsItems, ratio, type Harm } from './rates.ts';
import { feedEngagementOf } from './feed-engagement.ts';
import { cmpKeys } from './order.ts';
import { authorityOf } from '../consumers/network.ts';

export type { BattleRule, Leaderboard, LeaderboardEntry, RankBy, RateWithInterval, Robustness, StyleCoefficientRow } from './board.ts';

export interface ScoringParams {
  battleWindowMs: number;
  recommendationWindowMs: number;
  bootstrapRounds: number;
  /** Seed of the bootstrap; fixed so that a rescore gives the same intervals. */
  seed?: number;
  /** default engagement-v2 */
  battleRule?: BattleRule;
  /** How the fits weigh battles; default none. */
  battleWeighting?: BattleWeighting;
  /** The rating the ranks and the order use; default bt_style. */
  rankBy?: RankBy;
  /** Actions per person and UTC day (all bots together) that count; default 100. */
  influenceDailyCap?: number;
  /** The anomaly flags' burst test; default 20 actions within 60 s. */
  burst?: BurstTest;
  /** Harm per reply above which a bot is flagged (by the interval's lower bound); default 0.05. */
  harmThreshold?: number;
  /** The project account: unfollowing or blocking it is an opt-out. */
  projectDid?: string;
}

export const BOOTSTRAP_SEED = 20260301;

/** The leaderboard as of `asOf`; with `from` (and `until`), a season's: the bot replies posted in [from, until), and what people did with them until asOf. */
export async function computeLeaderboard(
  wh: Warehouse,
  opts: { asOf: Date; from?: Date; until?: Date; config: ScoringParams },
): Promise<Leaderboard> {
  const { asOf, config } = opts;
  const window = { asOf, ...(opts.from ? { from: opts.from } : {}), ...(opts.until ? { until: opts.until } : {}) };
  const inputs = await readInputs(wh, window);
  const influence = applyInfluence(inputs.actions, exposureOf(inputs.replies, inputs.served), {
    dailyCap: config.influenceDailyCap ?? 100,
    burst: config.burst,
  });
  const isPerson = (did: string) => !inputs.notPeople.has(did) && !influence.flagged.has(did);
  const rule = config.battleRule ?? RULE_V2;
  const v2 = v2Inputs(inputs, asOf, config, isPerson);
  const battles =
    rule === RULE_V2
      ? decideBattlesV2(v2.rows, influence.kept, { ...v2.opts, impressionTimes: await impressionTimes(wh, inputs.replies, asOf) })
      : withWeights(await decidedBattlesV1(wh, inputs, asOf, config.battleWindowMs), config.battleWeighting);
  const fits = fitRatings(battles, inputs.details, inputs.replies, {
    rankBy: config.rankBy ?? 'bt_style',
    rounds: config.bootstrapRounds,
    seed: config.seed ?? BOOTSTRAP_SEED,
    people: rule === RULE_V2 ? battleVoters(v2.rows, influence.kept, v2.opts) : [],
    without: (gone) => decideBattlesV2(v2.rows, influence.kept, { ...v2.opts, excluded: (d) => gone.has(d) || v2.opts.excluded(d) }),
  });
  const entries = await entriesOf(wh, inputs, influence.kept, isPerson, window, config);
  for (const e of entries) e.rating = fits.of(e.id);
  entries.sort(byRank(config.rankBy ?? 'bt_style'));
  return {
    computedAtMs: asOf.getTime(),
    ruleVersion: rule,
    rankedBy: config.rankBy ?? 'bt_style',
    robustness: fits.robustness,
    styleCoefficients: fits.styleCoefficients,
    excluded: { cappedActions: influence.cappedActions, flaggedPeople: influence.flagged.size, flaggedActions: influence.flaggedActions },
    entries,
    battles,
  };
}

function v2Inputs(inputs: RankingInputs, asOf: Date, config: ScoringParams, isPerson: (did: string) => boolean) {
  const probability = new Map(inputs.details.map((d) => [d.task_id, d.pair_probability]));
  const rows: BattleReplyRow[] = inputs.replies
    .filter((r) => r.battle_id !== '')
    .map((r) => ({
      ...r,
      post_author_did: authorityOf(r.post_uri),
      pair_probability: probability.get(r.task_id) ?? 0,
    }));
  const opts: DecideV2Options = {
    windowMs: config.battleWindowMs,
    asOfMs: asOf.getTime(),
    excluded: (d) => !isPerson(d),
    weighting: config.battleWeighting,
  };
  return { rows, opts };
}

async function impressionTimes(wh: Warehouse, replies: readonly BotReplyRow[], asOf: Date): Promise<Map<string, number[]>> {
  const uris = replies.filter((r) => r.battle_id !== '').map((r) => r.reply_uri);
  return new Map((await itemImpressions(wh, { asOf, uris })).map((i) => [i.post_uri, i.at_ms.map(Number)]));
}

/** engagement-v1, as it was (bots excluded by their replies' accounts only), with the battles' weights. */
async function decidedBattlesV1(wh: Warehouse, inputs: RankingInputs, asOf: Date, windowMs: number): Promise<DecidedBattle[]> {
  const sides = battleSides(inputs.replies, windowMs).filter((s) => s.closesAtMs <= asOf.getTime());
  const uris = sides.flatMap((s) => [s.a.reply_uri, s.b.reply_uri]);
  const events = await replyEngagementEvents(wh, { asOf, replyUris: uris });
  const times = await impressionTimes(wh, inputs.replies, asOf);
  const probability = new Map(inputs.details.map((d) => [d.task_id, d.pair_probability]));
  const byBattle = new Map(sides.map((s) => [s.battleId, Math.max(probability.get(s.a.task_id) ?? 0, probability.get(s.b.task_id) ?? 0)]));
  return decideBattles(sides, events, times, asOf.getTime()).map((b) => ({ ...b, pairProbability: byBattle.get(b.battleId) ?? 0 }));
}

async function entriesOf(
  wh: Warehouse,
  inputs: RankingInputs,
  kept: readonly Action[],
  isPerson: (did: string) => boolean,
  window: AsOfWindow,
  config: ScoringParams,
): Promise<LeaderboardEntry[]> {
  const engagement = new Map((await botEngagementAsOf(wh, window)).map((e) => [e.bot_id, e]));
  const recommendation = new Map(
    (await threadRecommendationAsOf(wh, { ...window, windowMs: config.recommendationWindowMs })).map((r) => [r.bot_id, r]),
  );
  const harm = harmOf(inputs, isPerson, config);
  const exposures = exposuresOf(inputs.served, inputs.seen, isPerson);
  return botsOf(inputs.replies).map(({ id, model, provider, replies: n }) => {
    const e = engagement.get(id);
    const r = recommendation.get(id);
    const impressions = e?.impressions ?? 0;
    const events = (e?.likes ?? 0) + (e?.reposts ?? 0) + (e?.replies_received ?? 0);
    const mentions = Number(r?.mentions ?? 0);
    const successes = Number(r?.successes ?? 0);
    const mine = kept.filter((a) => a.bot_id === id);
    const feed = feedCounts(mine, exposures.get(id));
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
      conversationEngagement: conversationEngagement(mine, n),
      feedEngagement: feedEngagementOf(
        feed,
        ipsItems(
          inputs.served.filter((i) => i.bot_id === id),
          mine,
          isPerson,
        ),
      ),
      harm: harm(id, n),
      rating: { elo: 1000, eloRank: 1, bt: null, ci95: null, btStyle: null, btStyleCi95: null, battles: 0, rank: 1 },
    };
  });
}

function harmOf(inputs: RankingInputs, isPerson: (did: string) => boolean, config: ScoringParams): (bot: string, replies: number) => Harm {
  const counts = harmCounts(inputs.harm, {
    botOfDid: new Map(inputs.replies.map((r) => [authorityOf(r.reply_uri), r.bot_id])),
    botOfReply: new Map(inputs.replies.map((r) => [r.reply_uri, r.bot_id])),
    projectDid: config.projectDid,
    lastBotFor: lastBotReaching(inputs.replies),
    isPerson,
  });
  return (bot, replies) => harmRate(counts.get(bot), replies, config.harmThreshold ?? 0.05);
}

interface BotSummary {
  id: string;
  model: string;
  provider: string;
  replies: number;
  /** the latest reply's post time */
  atMs: number;
}

/** Every bot that replied; model and provider from its latest reply (of replies posted at once, the greatest model, then provider). */
function botsOf(replies: readonly BotReplyRow[]): BotSummary[] {
  const bots = new Map<string, BotSummary>();
  for (const r of replies) {
    const b = bots.get(r.bot_id);
    const atMs = Number(r.finished_ms);
    const newer = !b || atMs > b.atMs || (atMs === b.atMs && cmpKeys([r.model, r.provider], [b.model, b.provider]) > 0);
    bots.set(r.bot_id, {
      id: r.bot_id,
      ...(newer ? { model: r.model, provider: r.provider, atMs } : { model: b.model, provider: b.provider, atMs: b.atMs }),
      replies: (b?.replies ?? 0) + 1,
    });
  }
  return [...bots.values()];
}

/** The rankedBy rank, then that rating, then Elo, then id. */
function byRank(rankBy: RankBy): (x: LeaderboardEntry, y: LeaderboardEntry) => number {
  const by = (e: LeaderboardEntry) => (rankBy === 'bt_style' ? e.rating.btStyle : e.rating.bt) ?? -Infinity;
  return (x, y) =>
    x.rating.rank - y.rating.rank || by(y) - by(x) || y.rating.elo - x.rating.elo || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
}
