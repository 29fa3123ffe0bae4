// The Bradley–Terry fit and bootstrap as they were before the fit moved to cells (the code of
// packages/ratings/src/bradley-terry.ts until issue 16), kept for the tests only: pair counts
// summed battle by battle in input order, a bootstrap that draws battles.length indices each
// round, and the MM iterations from strengths 1.
import {
  botsOf,
  scoreOf,
  seededRandom,
  type Battle,
  type BootstrapOptions,
  type BtOptions,
  type Interval,
  quantile,
} from '../src/index.ts';

const BT_DEFAULTS = { prior: 1, scale: 400, base: 10, centre: 1000, maxIterations: 2000, tolerance: 1e-10 };

interface PairCounts {
  bots: string[];
  wins: Float64Array;
  games: Float64Array;
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
    const w = battle.weight ?? 1;
    wins[i * n + j] = (wins[i * n + j] as number) + w * s;
    wins[j * n + i] = (wins[j * n + i] as number) + w * (1 - s);
    games[i * n + j] = (games[i * n + j] as number) + w;
    games[j * n + i] = (games[j * n + i] as number) + w;
  }
  return { bots, wins, games };
}

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
    let s = 0;
    for (const x of next) s += Math.log(x);
    const g = Math.exp(s / next.length);
    for (let i = 0; i < next.length; i++) next[i] = (next[i] as number) / g;
    for (let i = 0; i < n; i++) change = Math.max(change, Math.abs(Math.log((next[i] as number) / (p[i] as number))));
    p = next;
    if (change < o.tolerance) break;
  }
  return p.map((x) => Math.log(x));
}

function toRatings(logs: Float64Array, o: typeof BT_DEFAULTS): number[] {
  return Array.from(logs, (x) => o.centre + (o.scale * x) / Math.log(o.base));
}

/** The old `bradleyTerry`. */
export function referenceBradleyTerry(battles: readonly Battle[], opts: BtOptions = {}): Map<string, number> {
  const o = { ...BT_DEFAULTS, ...opts };
  const bots = botsOf(battles);
  const ratings = toRatings(fitStrengths(countPairs(bots, battles), o), o);
  return new Map(bots.map((b, i) => [b, ratings[i] as number]));
}

/** The old bootstrap: per bot, its rating and the percentile interval of `rounds` battle-level resamples. */
export function referenceIntervals(
  battles: readonly Battle[],
  opts: BootstrapOptions = {},
): Map<string, { rating: number; ci95: Interval }> {
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
  return new Map(
    bots.map((bot, i) => {
      const s = Array.from(samples[i] as Float64Array).sort((x, y) => x - y);
      return [bot, { rating: point[i] as number, ci95: [quantile(s, 0.025), quantile(s, 0.975)] as Interval }];
    }),
  );
}
