// The ratings of a leaderboard: online Elo, raw Bradley–Terry with bootstrap intervals, and
// Bradley–Terry with style control (sandwich intervals), both fitted with the battles' weights;
// ranks by the rankedBy rating; and how many battles, and people, it takes to flip the ranking.
import {
  bradleyTerryStyle,
  bradleyTerryWithIntervals,
  onlineElo,
  type Interval,
  type RatedBot,
  type ReplyStyle,
  type StyledBattle,
} from '@botsky/ratings';
import type { BotReplyRow, ReplyDetails } from '@botsky/warehouse';
import type { DecidedBattle } from './battles.ts';
import type { LeaderboardEntry, RankBy, Robustness, StyleCoefficientRow } from './board.ts';
import { cmp, cmpKeys } from './order.ts';
import { robustnessOf } from './robustness.ts';

export interface FitOptions {
  rankBy: RankBy;
  rounds: number;
  seed: number;
  /** the people whose actions entered battle scores */
  people: readonly string[];
  /** the battles re-decided without these people's actions */
  without: (dropped: ReadonlySet<string>) => DecidedBattle[];
}

export interface Fits {
  of(id: string): LeaderboardEntry['rating'];
  styleCoefficients: StyleCoefficientRow[];
  robustness: Robustness;
}

const ROBUSTNESS_ROUNDS = 100;

const NO_STYLE: ReplyStyle = { graphemes: 0, questions: 0, emoji: 0, links: 0, mentions: 0, latencySeconds: 0 };

export function fitRatings(
  given: readonly DecidedBattle[],
  details: readonly ReplyDetails[],
  replies: readonly BotReplyRow[],
  o: FitOptions,
): Fits {
  const styles = stylesByReply(details, replies);
  const inOrder = fitOrder(styles);
  const battles = inOrder(given);
  const elo = onlineElo(battles.map((b) => ({ a: b.botA, b: b.botB, winner: b.winner })));
  const raw = fitRaw(battles, o);
  const style = fitStyle(battles, styles);
  const ranked = o.rankBy === 'bt_style' ? style.ratings : raw;
  const rawBy = new Map(raw.map((r) => [r.bot, r]));
  const styleBy = new Map(style.ratings.map((r) => [r.bot, r]));
  const rankedBy = new Map(ranked.map((r) => [r.bot, r]));
  const eloValues = [...elo.values()];
  // The search refits many times: the raw fit's bootstrap is capped there (only the first fit's
  // intervals matter, to find the confidently ordered pairs).
  const quick = { rounds: Math.min(o.rounds, ROBUSTNESS_ROUNDS), seed: o.seed };
  const fit = (bs: readonly DecidedBattle[]) =>
    o.rankBy === 'bt_style' ? fitStyle(inOrder(bs), styles).ratings : fitRaw(inOrder(bs), quick);
  return {
    of(id) {
      const r = rawBy.get(id);
      const s = styleBy.get(id);
      const e = elo.get(id) ?? 1000;
      return {
        elo: e,
        eloRank: 1 + eloValues.filter((x) => x > e).length,
        bt: r?.rating ?? null,
        ci95: r?.ci95 ?? null,
        btStyle: s?.rating ?? null,
        btStyleCi95: s?.ci95 ?? null,
        battles: r?.battles ?? 0,
        rank: rankedBy.get(id)?.rank ?? ranked.length + 1,
      };
    },
    styleCoefficients: style.coefficients,
    robustness: robustnessOf(battles, fit, o.people, o.without),
  };
}

/**
 * The order the fits take battles in: online Elo plays them in it, the bootstrap resamples them by
 * position and the sums run in it. By decision time, then by everything a fit uses (the bots, the
 * outcome, the weight, both replies' styles), never by the battle's id or its replies' URIs,
 * which a research export hashes: battles still tied are alike for every fit, and their order
 * changes nothing.
 */
function fitOrder(styles: ReadonlyMap<string, ReplyStyle>): <B extends DecidedBattle>(battles: readonly B[]) => B[] {
  const styleKey = (uri: string) => {
    const s = styles.get(uri) ?? NO_STYLE;
    return [s.graphemes, s.questions, s.emoji, s.links, s.mentions, s.latencySeconds];
  };
  const keyOf = (b: DecidedBattle) => [
    b.decidedAtMs,
    b.botA,
    b.botB,
    b.winner,
    b.weight,
    ...styleKey(b.replyAUri),
    ...styleKey(b.replyBUri),
  ];
  return (battles) => {
    const keyed = battles.map((b) => ({ b, key: keyOf(b) }));
    keyed.sort((x, y) => cmpKeys(x.key, y.key) || cmp(x.b.battleId, y.b.battleId));
    return keyed.map((k) => k.b);
  };
}

function fitRaw(battles: readonly DecidedBattle[], o: { rounds: number; seed: number }): RatedBot[] {
  return bradleyTerryWithIntervals(
    battles.map((b) => ({ a: b.botA, b: b.botB, winner: b.winner, weight: b.weight })),
    { rounds: o.rounds, seed: o.seed },
  );
}

function fitStyle(
  battles: readonly DecidedBattle[],
  styles: ReadonlyMap<string, ReplyStyle>,
): { ratings: RatedBot[]; coefficients: StyleCoefficientRow[] } {
  if (battles.length === 0) return { ratings: [], coefficients: [] };
  const styled: StyledBattle[] = battles.map((b) => ({
    a: b.botA,
    b: b.botB,
    winner: b.winner,
    weight: b.weight,
    styleA: styles.get(b.replyAUri) ?? NO_STYLE,
    styleB: styles.get(b.replyBUri) ?? NO_STYLE,
  }));
  const fit = bradleyTerryStyle(styled);
  return { ratings: fit.ratings, coefficients: fit.coefficients.map((c) => ({ name: c.name, value: c.value, ci95: c.ci95 })) };
}

/** Each battle reply's style, from the warehouse's features and latency. */
function stylesByReply(details: readonly ReplyDetails[], replies: readonly BotReplyRow[]): Map<string, ReplyStyle> {
  const uriOf = new Map(replies.map((r) => [r.task_id, r.reply_uri]));
  const out = new Map<string, ReplyStyle>();
  for (const d of details) {
    const uri = uriOf.get(d.task_id);
    if (uri === undefined) continue;
    out.set(uri, {
      graphemes: d.graphemes,
      questions: d.questions,
      emoji: d.emoji,
      links: d.links,
      mentions: d.mentions,
      latencySeconds: d.latency_seconds,
    });
  }
  return out;
}

/** The Arena rank of each rated bot from its interval (what RatedBot.rank holds), for a rating's snapshots. */
export function arenaRanks(rated: ReadonlyArray<{ id: string; ci95: Interval }>): Map<string, number> {
  return new Map(rated.map((r) => [r.id, 1 + rated.filter((o) => o.ci95[0] > r.ci95[1]).length]));
}
