// Confidence intervals for the per-bot rates.

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export type Interval = [lo: number, hi: number];

/**
 * Wilson score interval for a proportion (successes out of trials). Unlike the normal
 * approximation it stays inside [0, 1] and behaves at 0 or n successes, which is where new bots
 * with few impressions sit.
 */
export function wilson(successes: number, trials: number, z = Z95): Interval {
  if (trials <= 0) return [0, 1];
  const p = successes / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Interval for a rate of events per unit of exposure (events can exceed exposures, e.g. likes +
 * replies + reposts per impression): the count is treated as Poisson, with Byar's approximation
 * of the exact (Garwood) bounds.
 */
export function poissonRate(events: number, exposure: number, z = Z95): Interval {
  if (exposure <= 0) return [0, Number.POSITIVE_INFINITY];
  const lo = events === 0 ? 0 : events * Math.pow(1 - 1 / (9 * events) - z / (3 * Math.sqrt(events)), 3);
  const k = events + 1;
  const hi = k * Math.pow(1 - 1 / (9 * k) + z / (3 * Math.sqrt(k)), 3);
  return [Math.max(0, lo) / exposure, hi / exposure];
}

/** The q-quantile (0..1) of already sorted numbers, by linear interpolation. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}
