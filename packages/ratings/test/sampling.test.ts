// The exact binomial and multinomial draws of the cell bootstrap: moments against n·p and
// n·p(1 − p), and the whole distribution against the binomial's probabilities, on both samplers
// (inversion below n·min(p, 1 − p) = 10, BTRS above). Seeded, so each check is deterministic; the
// tolerances (5 standard errors, a chi-square far in its tail) would fail a wrong sampler, not
// the luck of a right one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binomial, logFactorial, multinomial, seededRandom } from '../src/index.ts';

const DRAWS = 40_000;

/** Sample mean and variance against np and np(1 − p), each within 5 standard errors. */
function assertMoments(xs: ArrayLike<number>, n: number, p: number, what: string): void {
  const m = xs.length;
  let sum = 0;
  for (let t = 0; t < m; t++) sum += xs[t] as number;
  const mean = sum / m;
  let ss = 0;
  for (let t = 0; t < m; t++) ss += ((xs[t] as number) - mean) ** 2;
  const variance = ss / (m - 1);
  const v = n * p * (1 - p);
  const excessKurtosis = (1 - 6 * p * (1 - p)) / v;
  const seMean = Math.sqrt(v / m);
  const seVariance = v * Math.sqrt(2 / (m - 1) + excessKurtosis / m);
  assert.ok(Math.abs(mean - n * p) <= 5 * seMean, `${what}: mean ${mean} against ${n * p} ± ${5 * seMean}`);
  assert.ok(Math.abs(variance - v) <= 5 * seVariance, `${what}: variance ${variance} against ${v} ± ${5 * seVariance}`);
}

const draws = (n: number, p: number, seed: number) => {
  const rand = seededRandom(seed);
  return Float64Array.from({ length: DRAWS }, () => binomial(n, p, rand));
};

test('log k! from the table and from the Stirling series meet', () => {
  assert.equal(logFactorial(0), 0);
  assert.equal(logFactorial(1), 0);
  assert.ok(Math.abs(logFactorial(10) - Math.log(3628800)) < 1e-12);
  let sum = logFactorial(255);
  for (let k = 256; k < 1000; k++) {
    sum += Math.log(k);
    assert.ok(Math.abs(logFactorial(k) - sum) < 1e-9 * sum, `ln ${k}!`);
  }
});

test('binomial draws have mean np and variance np(1 - p), small n and large', () => {
  const cases: Array<[n: number, p: number]> = [
    [1, 0.5],
    [7, 0.3], // inversion
    [40, 0.2], // inversion, n·p = 8
    [200, 0.05], // BTRS, n·p = 10
    [1000, 0.5],
    [1_000_000, 0.001], // BTRS, n·p = 1,000
    [1_000_000, 0.37],
    [500_000, 0.99995], // 1 − p small: n − binomial(n, 5e-5) by inversion
  ];
  for (const [t, [n, p]] of cases.entries()) {
    const xs = draws(n, p, 100 + t);
    assert.ok(
      xs.every((x) => Number.isInteger(x) && x >= 0 && x <= n),
      `n ${n}, p ${p}: whole numbers in [0, n]`,
    );
    assertMoments(xs, n, p, `n ${n}, p ${p}`);
  }
  const rand = seededRandom(1);
  assert.deepEqual([binomial(0, 0.3, rand), binomial(9, 0, rand), binomial(9, 1, rand)], [0, 0, 9]);
});

test('binomial draws follow the binomial probabilities (chi-square), by inversion and by BTRS', () => {
  const cases: Array<[n: number, p: number]> = [
    [30, 0.2], // inversion
    [200, 0.05], // BTRS at its least normal, n·p = 10
    [60, 0.4],
    [5000, 0.03],
  ];
  for (const [t, [n, p]] of cases.entries()) {
    const counts = new Map<number, number>();
    for (const x of draws(n, p, 200 + t)) counts.set(x, (counts.get(x) ?? 0) + 1);
    // Bins of k with at least 5 expected, the tails pooled into the end bins.
    const pmf = (k: number) =>
      Math.exp(logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log(1 - p));
    let chi2 = 0;
    let bins = 0;
    let expected = 0;
    let observed = 0;
    let below = 0;
    for (let k = 0; k <= n; k++) {
      const e = DRAWS * pmf(k);
      below += e;
      expected += e;
      observed += counts.get(k) ?? 0;
      if (expected >= 5 && DRAWS - below >= 5) {
        chi2 += (observed - expected) ** 2 / expected;
        bins++;
        expected = 0;
        observed = 0;
      }
    }
    chi2 += (observed - expected) ** 2 / expected; // the upper tail
    const df = bins; // bins + 1 bins, less one for the fixed total
    assert.ok(chi2 < df + 6 * Math.sqrt(2 * df), `n ${n}, p ${p}: chi-square ${chi2.toFixed(1)} on ${df} degrees of freedom`);
  }
});

test('multinomial draws: n in all, each count binomial(n, share), negatively correlated', () => {
  const cases: Array<[n: number, counts: number[]]> = [
    [10, [1, 2, 3, 4]],
    [12, [5, 0, 7]],
    [520_511, [3, 0, 1000, 7, 500_000, 1, 19_500]],
  ];
  for (const [n, counts] of cases) {
    const rand = seededRandom(n);
    const total = counts.reduce((s, c) => s + c, 0);
    const out = new Float64Array(counts.length);
    const byCategory = counts.map(() => new Float64Array(DRAWS / 4));
    for (let t = 0; t < DRAWS / 4; t++) {
      multinomial(n, counts, rand, out);
      assert.equal(
        out.reduce((s, x) => s + x, 0),
        n,
      );
      for (const [k, x] of out.entries()) (byCategory[k] as Float64Array)[t] = x;
    }
    for (const [k, c] of counts.entries()) {
      if (c === 0) assert.ok((byCategory[k] as Float64Array).every((x) => x === 0));
      else assertMoments(byCategory[k] as Float64Array, n, c / total, `multinomial ${n} over ${counts}: category ${k}`);
    }
    // Cov(X_first, X_last) = −n p_first p_last, so E[X_first X_last] = n(n − 1) p_first p_last.
    const first = byCategory[0] as Float64Array;
    const last = byCategory.at(-1) as Float64Array;
    const products = first.map((x, t) => x * (last[t] as number));
    const mean = products.reduce((s, x) => s + x, 0) / products.length;
    const se = Math.sqrt(products.reduce((s, x) => s + (x - mean) ** 2, 0) / (products.length - 1) / products.length);
    const expected = (n * (n - 1) * (counts[0] as number) * (counts.at(-1) as number)) / total ** 2;
    assert.ok(Math.abs(mean - expected) <= 5 * se, `E[X_first X_last] ${mean} against ${expected} ± ${5 * se}`);
  }
});
