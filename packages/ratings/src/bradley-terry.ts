// Bradley–Terry ratings by maximum likelihood, with bootstrap 95% intervals and the Arena's rank
// rule. Fitted with Hunter's MM algorithm on pair counts; ties count half a win for each side.
// A battle with a `weight` counts that many times in the pair counts (inverse-propensity weights
// from active sampling); the bootstrap resamples battles, each carrying its weight.
// A weak prior (a virtual half-win, half-loss against an average opponent for every bot) keeps
// the estimate finite for a bot that has won or lost every battle, as new bots often have.
import type { Battle } from './elo.ts';
import { scoreOf } from './elo.ts';
import { quantile, type Interval } from './intervals.ts';
import { seededRandom, type Random } from './random.ts';

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

/** Wins and games per ordered pair of bot indices. */
interface PairCounts {
  bots: string[];
  wins: Float64Array; // wins[i * n + j]: score of i against j
  games: Float64Array; // games[i * n + j]: battles between i and j
}

function countPairs(bots: string[], battles: readonly Battle[], pick?: Uint32Array): PairCounts {
  const n = bots.length;
  const index = new Map(bots.map((b, i) => [b, i]));
  const wins = new Float64Array(n * n);
  const games = new Float64Array(n * n);
  const total = pick ? pick.length : battles.length;
  for (let t = 0; t < total; t++) {
    const battle = battles[pick ? (pick[t] as number) : t] as Battle;
    const i = index.get(battle.a) as number;
    const j = index.get(battle.b) as number;
    const s = scoreOf(battle.winner);
    // With weight 1 these are the unweighted sums exactly: counts of halves are exact in binary.
    const w = battle.weight ?? 1;
    wins[i * n + j] = (wins[i * n + j] as number) + w * s;
    wins[j * n + i] = (wins[j * n + i] as number) + w * (1 - s);
    games[i * n + j] = (games[i * n + j] as number) + w;
    games[j * n + i] = (games[j * n + i] as number) + w;
  }
  return { bots, wins, games };
}

/** Log-strengths (natural log), centred on zero. */
function fitStrengths(c: PairCounts, o: typeof BT_DEFAULTS): Float64Array {
  const n = c.bots.length;
  let p = new Float64Array(n).fill(1);
  for (let iter = 0; iter < o.maxIterations; iter++) {
    const next = new Float64Array(n);
    let change = 0;
    for (let i = 0; i < n; i++) {
      let w = o.prior / 2;
      let d = o.prior / ((p[i] as number) + 1);
      for (let j = 0; j < n; j++) {
        const g = c.games[i * n + j] as number;
        if (g === 0) continue;
        w += c.wins[i * n + j] as number;
        d += g / ((p[i] as number) + (p[j] as number));
      }
      next[i] = d > 0 ? w / d : 1;
    }
    normaliseGeometric(next);
    for (let i = 0; i < n; i++) change = Math.max(change, Math.abs(Math.log((next[i] as number) / (p[i] as number))));
    p = next;
    if (change < o.tolerance) break;
  }
  return p.map((x) => Math.log(x));
}

function normaliseGeometric(p: Float64Array): void {
  let s = 0;
  for (const x of p) s += Math.log(x);
  const g = Math.exp(s / p.length);
  for (let i = 0; i < p.length; i++) p[i] = (p[i] as number) / g;
}

function toRatings(logs: Float64Array, o: typeof BT_DEFAULTS): number[] {
  return Array.from(logs, (x) => o.centre + (o.scale * x) / Math.log(o.base));
}

export function botsOf(battles: readonly Battle[]): string[] {
  const set = new Set<string>();
  for (const b of battles) set.add(b.a).add(b.b);
  return [...set].sort();
}

/** Maximum-likelihood ratings on the Elo scale (mean `centre`). */
export function bradleyTerry(battles: readonly Battle[], opts: BtOptions = {}): Map<string, number> {
  const o = { ...BT_DEFAULTS, ...opts };
  const bots = botsOf(battles);
  const ratings = toRatings(fitStrengths(countPairs(bots, battles), o), o);
  return new Map(bots.map((b, i) => [b, ratings[i] as number]));
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

/** Bradley–Terry ratings with percentile bootstrap 95% intervals (battles resampled). */
export function bradleyTerryWithIntervals(battles: readonly Battle[], opts: BootstrapOptions = {}): RatedBot[] {
  const o = { ...BT_DEFAULTS, ...opts };
  const rounds = opts.rounds ?? 1000;
  const rand = opts.random ?? seededRandom(opts.seed ?? 1);
  const bots = botsOf(battles);
  const point = toRatings(fitStrengths(countPairs(bots, battles), o), o);
  const samples = bots.map(() => new Float64Array(rounds));
  const pick = new Uint32Array(battles.length);
  for (let r = 0; r < rounds; r++) {
    for (let t = 0; t < pick.length; t++) pick[t] = Math.floor(rand() * battles.length);
    const ratings = toRatings(fitStrengths(countPairs(bots, battles, pick), o), o);
    for (const [i, x] of ratings.entries()) (samples[i] as Float64Array)[r] = x;
  }
  const played = new Map<string, number>();
  for (const b of battles) played.set(b.a, (played.get(b.a) ?? 0) + 1).set(b.b, (played.get(b.b) ?? 0) + 1);
  const rated = bots.map((bot, i) => {
    const s = Array.from(samples[i] as Float64Array).sort((x, y) => x - y);
    const ci95: Interval = rounds > 0 ? [quantile(s, 0.025), quantile(s, 0.975)] : [point[i] as number, point[i] as number];
    return { bot, rating: point[i] as number, ci95, battles: played.get(bot) ?? 0, rank: 0 };
  });
  return assignRanks(rated);
}

/** The Arena's rank rule: 1 + the number of bots that are better beyond doubt. */
export function assignRanks(rated: RatedBot[]): RatedBot[] {
  for (const r of rated) r.rank = 1 + rated.filter((o) => o.ci95[0] > r.ci95[1]).length;
  return rated.sort((x, y) => x.rank - y.rank || y.rating - x.rating);
}
