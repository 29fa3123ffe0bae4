// Which pairs of bots a battle may take, and with what probability each. Every pick logs the exact
// probability of the pair it drew (given that it held a battle, and the assignment counts then),
// so that scoring can weigh each battle by its inverse (BOTSKY_BATTLE_WEIGHTING=inverse) and a
// rule that favours some pairs need not bias the ratings. The draw is always from the distribution
// returned here, so the two cannot disagree.
import { activePairWeights } from '@botsky/ratings';

export type BattleSampling = 'uniform' | 'active';

/** What the picker knows of a bot's standing: its rating and 95% interval (Elo scale). */
export interface BotRatingView {
  rating: number;
  ci95: [number, number];
}

export interface PairChance {
  a: string;
  b: string;
  probability: number;
}

/** Assignment counts of the eligible bots, in roster order. */
export type Counts = ReadonlyMap<string, number>;

export interface PairContext {
  counts: Counts;
  ratings: ReadonlyMap<string, BotRatingView>;
  /** Battles the picker has given the pair so far. */
  pairBattles: (a: string, b: string) => number;
  /** balanceSlack of the current mean count. */
  slack: number;
}

/**
 * The balance slack of active sampling: a battle may take a bot at most this many assignments
 * ahead of the least-assigned eligible one, the larger of MIN_SLACK and SLACK_SHARE of the mean
 * count. A few assignments' room even at the start lets the ratings steer the first battles;
 * the share keeps the room in proportion, so exposure stays equal to within 5% as counts grow.
 */
export const MIN_SLACK = 3;
export const SLACK_SHARE = 0.05;

/** The balance slack at a mean assignment count. */
export function balanceSlack(meanCount: number): number {
  return Math.max(MIN_SLACK, Math.floor(SLACK_SHARE * meanCount));
}

/** The bots with the smallest count among `among`. */
export function leastAssigned(counts: Counts, among: readonly string[]): string[] {
  let min = Number.POSITIVE_INFINITY;
  let ties: string[] = [];
  for (const b of among) {
    const n = counts.get(b) ?? 0;
    if (n < min) {
      min = n;
      ties = [b];
    } else if (n === min) ties.push(b);
  }
  return ties;
}

function allPairs(bots: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < bots.length; i++) for (let j = i + 1; j < bots.length; j++) out.push([bots[i]!, bots[j]!]);
  return out;
}

/** A lone least-assigned bot, with each of the least-assigned of the others. */
function loneWithNext(counts: Counts, lone: string): [string, string][] {
  const rest = [...counts.keys()].filter((b) => b !== lone);
  return leastAssigned(counts, rest).map((b): [string, string] => [lone, b]);
}

/**
 * Uniform (as before active sampling): the least-assigned bot, ties at random, then the least
 * assigned of the others. With two or more tied at the minimum that is a uniform pair of them;
 * with one, it and a uniform one of the next tied set. Uniform over that support.
 */
function uniformPairs(counts: Counts): [string, string][] {
  const first = leastAssigned(counts, [...counts.keys()]);
  return first.length >= 2 ? allPairs(first) : loneWithNext(counts, first[0]!);
}

/**
 * Active: the pairs of bots whose count after the battle stays within the slack of the least
 * assigned. When only the least-assigned bot qualifies (everyone else is a slack ahead), it
 * battles one of the next least-assigned: that keeps every count within the slack of every
 * other (without exclusions), where widening to any pair would not.
 */
export function activeCandidatePairs(counts: Counts, slack: number): [string, string][] {
  const bots = [...counts.keys()];
  const min = Math.min(...counts.values());
  const within = bots.filter((b) => (counts.get(b) ?? 0) + 1 <= min + slack);
  if (within.length >= 2) return allPairs(within);
  return loneWithNext(counts, within[0] ?? leastAssigned(counts, bots)[0]!);
}

/** One key per unordered pair. */
export const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/**
 * activePairWeights over the candidates' bots (a bot not rated yet counts as level with every
 * other and as uncertain as the least certain rated one, so it is battled early); equal weights
 * while none of them has a rating, rather than weights from the battle counts alone.
 */
function activeWeights(pairs: readonly [string, string][], ctx: PairContext): number[] {
  const bots = [...new Set(pairs.flat())];
  if (!bots.some((b) => ctx.ratings.has(b))) return pairs.map(() => 1);
  const weights = new Map(activePairWeights(bots, ctx.ratings, ctx.pairBattles).map((w) => [pairKey(w.a, w.b), w.weight]));
  return pairs.map(([a, b]) => weights.get(pairKey(a, b)) ?? 0);
}

/** Every pair a battle may take now, with its probability (they sum to 1). */
export function pairDistribution(sampling: BattleSampling, ctx: PairContext): PairChance[] {
  if (ctx.counts.size < 2) return [];
  const pairs = sampling === 'active' ? activeCandidatePairs(ctx.counts, ctx.slack) : uniformPairs(ctx.counts);
  const weights = sampling === 'active' ? activeWeights(pairs, ctx) : pairs.map(() => 1);
  let total = weights.reduce((s, w) => s + w, 0);
  // A weight function that gave every candidate nothing leaves them equally likely.
  if (!(total > 0)) {
    weights.fill(1);
    total = weights.length;
  }
  return pairs.map(([a, b], i) => ({ a, b, probability: weights[i]! / total }));
}

/** The pair that `u` (uniform in [0, 1)) falls on; the last possible one absorbs rounding. */
export function drawPair(dist: readonly PairChance[], u: number): PairChance {
  let acc = 0;
  let last: PairChance | undefined;
  for (const p of dist) {
    if (p.probability <= 0) continue;
    acc += p.probability;
    last = p;
    if (u < acc) return p;
  }
  return last!;
}
