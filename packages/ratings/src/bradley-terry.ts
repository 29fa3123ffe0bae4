// Bradley–Terry ratings by maximum likelihood, with bootstrap 95% intervals and the Arena's rank
// rule. Fitted with Hunter's MM algorithm on pair counts; ties count half a win for each side.
// A battle with a `weight` counts that many times in the pair counts (inverse-propensity weights
// from active sampling); the bootstrap resamples battles, each carrying its weight. Both work on
// cells of alike battles (bt-cells.ts), so a round costs the number of cells, not of battles.
// A weak prior (a virtual half-win, half-loss against an average opponent for every bot) keeps
// the estimate finite for a bot that has won or lost every battle, as new bots often have.
import type { Battle } from './elo.ts';
import { cellsOf, newPairSums, sumPairs, type Cells, type PairSums } from './bt-cells.ts';
import { quantile, type Interval } from './intervals.ts';
import { multinomial, seededRandom, type Random } from './random.ts';

export interface BtOptions {
  /** Weight of the virtual games per bot (0 disables the prior). */
  prior?: number;
  scale?: number;
  base?: number;
  /** The mean rating over the bots fitted. */
  centre?: number;
  maxIterations?: number;
  tolerance?: number;
}

const BT_DEFAULTS = { prior: 1, scale: 400, base: 10, centre: 1000, maxIterations: 2000, tolerance: 1e-10 };

/**
 * Strengths (geometric mean 1) by Hunter's MM iterations on the pair sums, from `start` (default
 * all 1). Each pair's term is computed once for both of its bots, and every bot's sums run in
 * the order of its opponents' indices, as the iterations over the full matrix of pair counts did,
 * so that from strengths 1 the point estimate is the same to the last bit.
 */
function fitStrengths(cells: Cells, sums: PairSums, o: typeof BT_DEFAULTS, start?: Float64Array): Float64Array {
  const n = cells.bots.length;
  const { pairLow, pairHigh } = cells;
  const { games } = sums;
  const wins = new Float64Array(n).fill(o.prior / 2);
  for (let q = 0; q < pairLow.length; q++) {
    if (games[q] === 0) continue;
    const i = pairLow[q] as number;
    const j = pairHigh[q] as number;
    wins[i] = (wins[i] as number) + (sums.lowWins[q] as number);
    wins[j] = (wins[j] as number) + (sums.highWins[q] as number);
  }
  let p = start ? Float64Array.from(start) : new Float64Array(n).fill(1);
  let next = new Float64Array(n);
  const d = new Float64Array(n);
  for (let iter = 0; iter < o.maxIterations; iter++) {
    for (let i = 0; i < n; i++) d[i] = o.prior / ((p[i] as number) + 1);
    for (let q = 0; q < pairLow.length; q++) {
      const g = games[q] as number;
      if (g === 0) continue;
      const i = pairLow[q] as number;
      const j = pairHigh[q] as number;
      const t = g / ((p[i] as number) + (p[j] as number));
      d[i] = (d[i] as number) + t;
      d[j] = (d[j] as number) + t;
    }
    for (let i = 0; i < n; i++) next[i] = (d[i] as number) > 0 ? (wins[i] as number) / (d[i] as number) : 1;
    normaliseGeometric(next);
    let change = 0;
    for (let i = 0; i < n; i++) change = Math.max(change, Math.abs(Math.log((next[i] as number) / (p[i] as number))));
    [p, next] = [next, p];
    if (change < o.tolerance) break;
  }
  return p;
}

function normaliseGeometric(p: Float64Array): void {
  let s = 0;
  for (const x of p) s += Math.log(x);
  const g = Math.exp(s / p.length);
  for (let i = 0; i < p.length; i++) p[i] = (p[i] as number) / g;
}

function toRatings(p: Float64Array, o: typeof BT_DEFAULTS): number[] {
  return Array.from(p, (x) => o.centre + (o.scale * Math.log(x)) / Math.log(o.base));
}

export function botsOf(battles: readonly Battle[]): string[] {
  const set = new Set<string>();
  for (const b of battles) set.add(b.a).add(b.b);
  return [...set].sort();
}

/** Maximum-likelihood ratings on the Elo scale (mean `centre`). */
export function bradleyTerry(battles: readonly Battle[], opts: BtOptions = {}): Map<string, number> {
  const o = { ...BT_DEFAULTS, ...opts };
  const cells = cellsOf(botsOf(battles), battles);
  const ratings = toRatings(fitStrengths(cells, sumPairs(cells, cells.count, newPairSums(cells)), o), o);
  return new Map(cells.bots.map((b, i) => [b, ratings[i] as number]));
}

export interface RatedBot {
  bot: string;
  rating: number;
  ci95: Interval;
  battles: number;
  /** 1 + the number of bots whose lower bound is above this bot's upper bound. */
  rank: number;
}

export interface BootstrapOptions extends BtOptions {
  rounds?: number;
  seed?: number;
  random?: Random;
}

/**
 * Bradley–Terry ratings with percentile bootstrap 95% intervals. Each round resamples the battles
 * with replacement, drawn as the cells' counts (an exact multinomial of all the battles over the
 * cells' shares, which is what resampling battles puts in them), and is refitted starting from
 * the point estimate, near which every resample's fit lies.
 */
export function bradleyTerryWithIntervals(battles: readonly Battle[], opts: BootstrapOptions = {}): RatedBot[] {
  const o = { ...BT_DEFAULTS, ...opts };
  const rounds = opts.rounds ?? 1000;
  const rand = opts.random ?? seededRandom(opts.seed ?? 1);
  const cells = cellsOf(botsOf(battles), battles);
  const sums = newPairSums(cells);
  const strengths = fitStrengths(cells, sumPairs(cells, cells.count, sums), o);
  const point = toRatings(strengths, o);
  const samples = cells.bots.map(() => new Float64Array(rounds));
  const drawn = new Float64Array(cells.count.length);
  for (let r = 0; r < rounds; r++) {
    multinomial(cells.battles, cells.count, rand, drawn);
    const ratings = toRatings(fitStrengths(cells, sumPairs(cells, drawn, sums), o, strengths), o);
    for (const [i, x] of ratings.entries()) (samples[i] as Float64Array)[r] = x;
  }
  const rated = cells.bots.map((bot, i) => {
    const s = Array.from(samples[i] as Float64Array).sort((x, y) => x - y);
    const ci95: Interval = rounds > 0 ? [quantile(s, 0.025), quantile(s, 0.975)] : [point[i] as number, point[i] as number];
    return { bot, rating: point[i] as number, ci95, battles: cells.played[i] as number, rank: 0 };
  });
  return assignRanks(rated);
}

/** The Arena's rank rule: 1 + the number of bots that are better beyond doubt. */
export function assignRanks(rated: RatedBot[]): RatedBot[] {
  for (const r of rated) r.rank = 1 + rated.filter((o) => o.ci95[0] > r.ci95[1]).length;
  return rated.sort((x, y) => x.rank - y.rank || y.rating - x.rating);
}
