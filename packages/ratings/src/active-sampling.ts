// Which pair of bots the matchmaker should pit against each other next: the pairs whose next
// battle tells the leaderboard the most, after Chatbot Arena's active sampling (Chiang et al.,
// arXiv 2403.04132, section 5), kept strictly positive so that inverse-probability weighting of
// the battles (Battle.weight = 1/probability) stays defined.
import { normalCdf, Z95, type Interval } from './intervals.ts';

export interface PairStat {
  a: string;
  b: string;
  battles: number;
}

/**
 * How sharply the weight follows the doubt about a pair's order. The Arena's weight alone spreads
 * battles over every pair; a ranking only needs the pairs still in doubt. Chosen with
 * `botsky validate` (docs/ranking-method.md#active-battles-and-weights): battles until the order
 * settled, against uniform sampling, over 24 seasons, were 0.93 with power 1, 0.68 with 2, 0.59
 * and 0.63 (two sets of seeds) with 4 and 0.84 with 8; over the 200 seasons of the acceptance
 * run, power 4 gives 0.71 (0.80 with scoring's influence cap; 0.79 with the style fit's ridge),
 * short of the 0.6 aim. Re-checked with the ridge over 100 seasons: 0.836 with power 3, 0.761
 * with 4, 0.885 with 6.
 */
export const DOUBT_POWER = 4;

/** Every pair keeps at least this share of the largest weight. */
const FLOOR = 0.01;
/** σ of a bot when no bot has a rating yet: half a 400-point interval's width either side. */
const UNRATED_SIGMA = 200;

function sigmas(bots: readonly string[], ratings: ReadonlyMap<string, { rating: number; ci95: Interval }>): Map<string, number> {
  const out = new Map<string, number>();
  let widest = 0;
  for (const bot of bots) {
    const r = ratings.get(bot);
    if (!r) continue;
    const s = Math.max(0, (r.ci95[1] - r.ci95[0]) / (2 * Z95));
    out.set(bot, s);
    widest = Math.max(widest, s);
  }
  const fallback = out.size > 0 ? widest : UNRATED_SIGMA;
  for (const bot of bots) if (!out.has(bot)) out.set(bot, fallback);
  return out;
}

/**
 * The expected shrinkage of the pair's standard error from one more battle, times the chance
 * that the pair's order is still in doubt (to the power DOUBT_POWER). v = σ_a² + σ_b² is the variance of the rating
 * difference after n battles, so one battle's variance is Σ = v·n' (n' = max(n, 1)) and one more
 * battle takes the standard error from √(Σ/n') to √(Σ/(n'+1)).
 */
function pairWeight(v: number, n: number, gap: number): number {
  if (!(v > 0)) return 0;
  const n1 = Math.max(n, 1);
  const sigmaPerBattle = v * n1;
  const shrink = Math.sqrt(sigmaPerBattle / n1) - Math.sqrt(sigmaPerBattle / (n1 + 1));
  return shrink * (2 * normalCdf(-Math.abs(gap) / Math.sqrt(v))) ** DOUBT_POWER;
}

/**
 * Sampling weight per pair among `bots`, from the current ratings (point and 95% interval) and
 * how many battles each pair has had. The weights sum to 1 (they are the pairs' sampling
 * probabilities) and none is below 1% of the largest. A bot without a rating gets the widest σ
 * among the rated bots (200 when none is rated) and counts as level with every other bot, so its
 * pairs are in doubt. Pairs are listed as (bots[i], bots[j]) with i < j.
 */
export function activePairWeights(
  bots: readonly string[],
  ratings: ReadonlyMap<string, { rating: number; ci95: Interval }>,
  pairBattles: (a: string, b: string) => number,
): { a: string; b: string; weight: number }[] {
  const sigma = sigmas(bots, ratings);
  const pairs: { a: string; b: string; weight: number }[] = [];
  for (let i = 0; i < bots.length; i++) {
    for (let j = i + 1; j < bots.length; j++) {
      const a = bots[i] as string;
      const b = bots[j] as string;
      const ra = ratings.get(a);
      const rb = ratings.get(b);
      const gap = ra && rb ? ra.rating - rb.rating : 0;
      const v = (sigma.get(a) as number) ** 2 + (sigma.get(b) as number) ** 2;
      pairs.push({ a, b, weight: pairWeight(v, pairBattles(a, b), gap) });
    }
  }
  const max = pairs.reduce((m, p) => Math.max(m, Number.isFinite(p.weight) ? p.weight : 0), 0);
  // With no information at all (every interval of zero width) every pair is equally worth it.
  const floor = max > 0 ? FLOOR * max : 1;
  for (const p of pairs) p.weight = Number.isFinite(p.weight) ? Math.max(p.weight, floor) : floor;
  const total = pairs.reduce((s, p) => s + p.weight, 0);
  for (const p of pairs) p.weight /= total;
  return pairs;
}
