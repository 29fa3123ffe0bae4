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
  const lo = events === 0 ? 0 : events * (1 - 1 / (9 * events) - z / (3 * Math.sqrt(events))) ** 3;
  const k = events + 1;
  const hi = k * (1 - 1 / (9 * k) + z / (3 * Math.sqrt(k))) ** 3;
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

/**
 * The standard normal distribution function Φ, by Hart's algorithm 5666 as given by West ("Better
 * approximations to cumulative normal functions", 2005): a rational function of |x| times the
 * density below 7.07 and a continued fraction beyond. Absolute error about 1e-15; relative error
 * in the lower tail below 1e-10 to x = −5 and 1e-8 beyond, so 2Φ(−|d|) of well separated ratings
 * is still right.
 */
export function normalCdf(x: number): number {
  const ax = Math.abs(x);
  if (ax > 37) return x > 0 ? 1 : 0;
  const density = Math.exp((-ax * ax) / 2);
  let tail: number;
  if (ax < 7.07106781186547) {
    let num = 3.52624965998911e-2 * ax + 0.700383064443688;
    num =
      ((((num * ax + 6.37396220353165) * ax + 33.912866078383) * ax + 112.079291497871) * ax + 221.213596169931) * ax + 220.206867912376;
    let den = 8.83883476483184e-2 * ax + 1.75566716318264;
    den =
      (((((den * ax + 16.064177579207) * ax + 86.7807322029461) * ax + 296.564248779674) * ax + 637.333633378831) * ax + 793.826512519948) *
        ax +
      440.413735824752;
    tail = (density * num) / den;
  } else {
    const cf = ax + 1 / (ax + 2 / (ax + 3 / (ax + 4 / (ax + 0.65))));
    tail = density / cf / 2.506628274631;
  }
  return x > 0 ? 1 - tail : tail;
}
