// Inverse-propensity estimates: rates as they would have been had every unit been sampled, from
// units sampled with known, unequal probabilities (the feed's π per impression, the matchmaker's
// probability per pair).
import { Z95, type Interval } from './intervals.ts';

export interface IpsEstimate {
  rate: number;
  ci95: Interval;
  /** (Σw)²/Σw², w = 1/p: how many equally weighted units the estimate is worth. */
  ess: number;
}

/**
 * Self-normalised IPS (Hájek) mean of outcomes y with propensities p: Σ(y/p)/Σ(1/p), its 95%
 * interval by the delta method (normal approximation, clamped at 0 below), and the effective
 * sample size (Σw)²/Σw².
 *
 * With w = 1/p and r the estimate, the linearised variance of the ratio is Σ w²(y − r)² / (Σw)²
 * (no finite-sample correction). Unlike the plain Horvitz–Thompson mean Σ(y/p)/n it is not exactly
 * unbiased, but its bias is O(1/n), it stays within the range of the y, and it does not blow up
 * when one unit has a tiny p. Nothing to average gives rate NaN, interval [0, ∞), ess 0.
 */
export function selfNormalisedIps(items: readonly { y: number; p: number }[]): IpsEstimate {
  let sw = 0;
  let sww = 0;
  let swy = 0;
  for (const { y, p } of items) {
    if (!(p > 0 && p <= 1)) throw new RangeError(`selfNormalisedIps: propensity ${p} is not in (0, 1]`);
    const w = 1 / p;
    sw += w;
    sww += w * w;
    swy += w * y;
  }
  if (items.length === 0) return { rate: Number.NaN, ci95: [0, Number.POSITIVE_INFINITY], ess: 0 };
  const rate = swy / sw;
  let ss = 0;
  for (const { y, p } of items) ss += ((y - rate) / p) ** 2;
  const se = Math.sqrt(ss) / sw;
  return { rate, ci95: [Math.max(0, rate - Z95 * se), rate + Z95 * se], ess: (sw * sw) / sww };
}
