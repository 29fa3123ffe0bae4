import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selfNormalisedIps } from '../src/index.ts';

const close = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} not within ${tol} of ${expected}`);

test('self-normalised IPS against a hand-computed case', () => {
  // y = 1, 0, 1, 0 with p = 0.5, 0.25, 1, 0.5, so w = 1/p = 2, 4, 1, 2.
  //   Σw = 9, Σwy = 2 + 1 = 3, rate = 3/9 = 1/3
  //   Σw² = 4 + 16 + 1 + 4 = 25, ess = 9²/25 = 3.24
  //   y − rate = 2/3, −1/3, 2/3, −1/3; Σw²(y − rate)² = 4·4/9 + 16·1/9 + 1·4/9 + 4·1/9 = 40/9
  //   se = √(40/9)/9 = √40/27 = 0.2342428...
  //   ci = 1/3 ± 1.959964·0.2342428 = [−0.125774, 0.792441], clamped at 0 below
  const r = selfNormalisedIps([
    { y: 1, p: 0.5 },
    { y: 0, p: 0.25 },
    { y: 1, p: 1 },
    { y: 0, p: 0.5 },
  ]);
  close(r.rate, 1 / 3, 1e-12, 'rate');
  close(r.ess, 3.24, 1e-12, 'ess');
  assert.equal(r.ci95[0], 0);
  close(r.ci95[1], 1 / 3 + 1.959963984540054 * (Math.sqrt(40) / 27), 1e-12, 'upper');
  close(r.ci95[1], 0.792441, 1e-6, 'upper by hand');
});

test('a case whose interval stays above 0', () => {
  // y = 2, 3 with p = 1, 0.5: w = 1, 2; Σw = 3; rate = (2 + 6)/3 = 8/3; ess = 9/5
  //   y − rate = −2/3, 1/3; Σw²(y − rate)² = 4/9 + 4/9 = 8/9; se = √(8/9)/3 = 0.3142697
  //   ci = 8/3 ± 1.959964·0.3142697 = 8/3 ± 0.615957 = [2.050709, 3.282624]
  const r = selfNormalisedIps([
    { y: 2, p: 1 },
    { y: 3, p: 0.5 },
  ]);
  close(r.rate, 8 / 3, 1e-12);
  close(r.ess, 1.8, 1e-12);
  close(r.ci95[0], 2.050709, 1e-6);
  close(r.ci95[1], 3.282624, 1e-6);
});

test('equal propensities give the plain mean and n effective units', () => {
  const items = [0, 1, 1, 0, 1].map((y) => ({ y, p: 0.2 }));
  const r = selfNormalisedIps(items);
  close(r.rate, 0.6, 1e-12);
  close(r.ess, 5, 1e-12);
});

test('nothing to average, and propensities that are not probabilities', () => {
  assert.deepEqual(selfNormalisedIps([]), { rate: Number.NaN, ci95: [0, Number.POSITIVE_INFINITY], ess: 0 });
  assert.throws(() => selfNormalisedIps([{ y: 1, p: 0 }]), RangeError);
  assert.throws(() => selfNormalisedIps([{ y: 1, p: 1.5 }]), RangeError);
  assert.throws(() => selfNormalisedIps([{ y: 1, p: Number.NaN }]), RangeError);
});
