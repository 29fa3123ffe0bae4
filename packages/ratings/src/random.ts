// A small seeded generator (mulberry32) so that bootstraps and simulations are reproducible:
// the same seed gives the same intervals, which `botsky rescore` relies on. And the exact
// binomial and multinomial draws of the Bradley–Terry bootstrap on cells.

export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draw (Box–Muller). */
export function normal(rand: Random): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

// ln k! below 256 from a table (sums of logs), above by Stirling's series, whose next term,
// 1/(1680 k⁷), is below 1e-20 there.
const LOG_FACTORIAL = new Float64Array(256);
for (let k = 2; k < 256; k++) LOG_FACTORIAL[k] = (LOG_FACTORIAL[k - 1] as number) + Math.log(k);
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIAL[k] as number;
  const r = 1 / k;
  const r2 = r * r;
  return (k + 0.5) * Math.log(k) - k + HALF_LOG_TWO_PI + r * (1 / 12 - r2 * (1 / 360 - r2 / 1260));
}

/**
 * An exact binomial(n, p) draw (n a whole number): by inversion (a sequential search from 0) when
 * n·min(p, 1 − p) < 10, otherwise by Hörmann's BTRS, a transformed rejection with squeeze
 * ("The generation of binomial random variates", J. Statist. Comput. Simul. 46, 1993), whose cost
 * does not grow with n. Both are exact: no normal or Poisson approximation.
 */
export function binomial(n: number, p: number, rand: Random): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p, rand);
  return n * p < 10 ? binomialInversion(n, p, rand) : binomialBtrs(n, p, rand);
}

function binomialInversion(n: number, p: number, rand: Random): number {
  const ratio = p / (1 - p);
  const first = (1 - p) ** n; // at least e^-20 here: n·p < 10 and p ≤ 1/2
  for (;;) {
    let u = rand();
    let f = first;
    let k = 0;
    while (u > f && k <= n) {
      u -= f;
      k++;
      f *= (ratio * (n - k + 1)) / k;
    }
    // u beyond the summed probabilities (rounding: about 1e-15) starts again, rather than bias k = n.
    if (k <= n) return k;
  }
}

function binomialBtrs(n: number, p: number, rand: Random): number {
  const q = 1 - p;
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = Math.log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = logFactorial(m) + logFactorial(n - m);
  for (;;) {
    const u = rand() - 0.5;
    const v = rand();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (!(k >= 0 && k <= n)) continue;
    if (us >= 0.07 && v <= vr) return k; // the squeeze: inside the box no density is needed
    const lv = Math.log((v * alpha) / (a / (us * us) + b));
    if (lv <= h - logFactorial(k) - logFactorial(n - k) + (k - m) * lpq) return k;
  }
}

/**
 * An exact multinomial draw of n items over categories in proportion to `counts` (whole numbers,
 * so that their running sums are exact), into `out`: for each category in turn, a binomial of the
 * items left with the category's share of what is left. Categories in the same order give the
 * same draw for the same random stream.
 */
export function multinomial(n: number, counts: ArrayLike<number>, rand: Random, out: Float64Array): void {
  let total = 0;
  for (let k = 0; k < counts.length; k++) total += counts[k] as number;
  let left = n;
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k] as number;
    const x = left === 0 || c === 0 ? 0 : c >= total ? left : binomial(left, c / total, rand);
    out[k] = x;
    left -= x;
    total -= c;
  }
}
