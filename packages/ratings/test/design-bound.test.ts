import { test } from 'node:test';
import assert from 'node:assert/strict';
import { designBound } from '../src/index.ts';

const close = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} not within ${tol} of ${expected}`);

test('two bots: one pair, nothing to choose', () => {
  const b = designBound([1, 0]);
  assert.equal(b.ratio, 1);
  assert.deepEqual(b.shares, [{ i: 0, j: 1, share: 1 }]);
});

test('three evenly spaced bots: the triangle solved by hand', () => {
  // Shares a, a, x (x on the far pair, 2a + x = 1). The neighbours' resistance is the inverse of
  // a + xa/(x + a) = (1 − x)(1 + 3x)/(2(1 + x)), largest at x = 2/√3 − 1, where R = 4/(2 + √3);
  // uniform shares give R = 2/(3·1/3) = 2, so the ratio is (2 + √3)/4. The far pair (gap 2) never binds.
  const b = designBound([3, 2, 1]);
  close(b.ratio, (2 + Math.sqrt(3)) / 4, 1e-6);
  const x = 2 / Math.sqrt(3) - 1;
  const share = (i: number, j: number) => b.shares.find((s) => s.i === i && s.j === j)?.share ?? Number.NaN;
  close(share(0, 2), x, 1e-3);
  close(share(0, 1), (1 - x) / 2, 1e-3);
  close(share(1, 2), (1 - x) / 2, 1e-3);
});

test('uneven gaps leave more to gain than even ones, and the order of the input does not matter', () => {
  const even = designBound([8, 7, 6, 5, 4, 3, 2, 1]).ratio;
  const uneven = designBound([8, 7.3, 6, 5, 4, 3, 2, 1]).ratio;
  assert.ok(even < 1 && even > 0.8, `even ${even}`);
  assert.ok(uneven < even - 0.2, `uneven ${uneven} against even ${even}`);
  close(designBound([3, 8, 1, 7.3, 6, 5, 4, 2]).ratio, uneven, 1e-9);
});

test('a pair allowed to come out wrong lowers the bound, never raises it', () => {
  const ratings = [8, 7, 6, 5, 4, 3, 2, 1];
  const strict = designBound(ratings, 0).ratio;
  const lenient = designBound(ratings, 1).ratio;
  assert.ok(lenient < strict - 0.05, `${lenient} against ${strict}`);
});

test('tied ratings are refused', () => {
  assert.throws(() => designBound([2, 1, 1]), /distinct ratings/);
});
