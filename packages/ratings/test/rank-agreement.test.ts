import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kendallTau } from '../src/index.ts';

const close = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} not within ${tol} of ${expected}`);

test('Kendall tau: the same order, the reverse, and a count by hand', () => {
  assert.equal(kendallTau([1, 2, 3, 4, 5], [10, 20, 30, 40, 50]), 1);
  assert.equal(kendallTau([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]), -1);
  // y = 3 4 1 2 5: of the 10 pairs, (1,3) (1,4) (2,3) (2,4) are discordant, the other 6
  // concordant: (6 − 4)/10.
  close(kendallTau([1, 2, 3, 4, 5], [3, 4, 1, 2, 5]), 0.2, 1e-15);
});

test('Kendall tau-b with ties', () => {
  // x = 1 2 2 3, y = 1 3 2 2. Pairs: (1,2) C, (1,3) C, (1,4) C, (2,3) tied in x, (2,4) D,
  // (3,4) tied in y. n₀ = 6, one tie in each: (3 − 1)/√(5·5) = 0.4.
  close(kendallTau([1, 2, 2, 3], [1, 3, 2, 2]), 0.4, 1e-15);
  // Two unrated bots scored −∞ tie with each other: (2 − 0)/√(3·2).
  close(kendallTau([1, 2, 3], [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 5]), 2 / Math.sqrt(6), 1e-15);
});

test('Kendall tau is NaN when undefined', () => {
  assert.ok(Number.isNaN(kendallTau([], [])));
  assert.ok(Number.isNaN(kendallTau([1], [2])));
  assert.ok(Number.isNaN(kendallTau([1, 1, 1], [1, 2, 3])), 'every pair tied in x');
  assert.ok(Number.isNaN(kendallTau([1, 2, 3], [1, Number.NaN, 3])));
  assert.throws(() => kendallTau([1, 2], [1]), RangeError);
});
