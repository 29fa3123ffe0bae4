import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activePairWeights, DOUBT_POWER, normalCdf, type Interval } from '../src/index.ts';

const close = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} not within ${tol} of ${expected}`);

type Ratings = Map<string, { rating: number; ci95: Interval }>;
const weightOf = (ws: { a: string; b: string; weight: number }[], a: string, b: string) =>
  ws.find((w) => (w.a === a && w.b === b) || (w.a === b && w.b === a))?.weight as number;

test('the normal distribution function', () => {
  assert.equal(normalCdf(0), 0.5);
  close(normalCdf(1.959963984540054), 0.975, 1e-14);
  close(normalCdf(-1), 0.15865525393145707, 1e-14);
  // Tails, relatively: Φ(−5) = 2.866516e-7, Φ(−8) = 6.220961e-16.
  close(normalCdf(-5) / 2.866515718791939e-7, 1, 1e-9);
  close(normalCdf(-8) / 6.22096057427178e-16, 1, 1e-7);
  assert.equal(normalCdf(-40), 0);
  assert.equal(normalCdf(40), 1);
});

test('an uncertain, little-battled pair outweighs a settled, much-battled one', () => {
  const ratings: Ratings = new Map([
    ['a', { rating: 1000, ci95: [970, 1030] }],
    ['b', { rating: 1010, ci95: [980, 1040] }],
    ['c', { rating: 1300, ci95: [1285, 1315] }],
    ['d', { rating: 700, ci95: [685, 715] }],
  ]);
  const counts = new Map([
    ['a|b', 5],
    ['c|d', 500],
  ]);
  const battles = (x: string, y: string) => counts.get([x, y].sort().join('|')) ?? 50;
  const ws = activePairWeights(['a', 'b', 'c', 'd'], ratings, battles);
  assert.equal(ws.length, 6);
  assert.ok(weightOf(ws, 'a', 'b') > 10 * weightOf(ws, 'c', 'd'));
  for (const w of ws) assert.ok(w.weight > 0 && Number.isFinite(w.weight), `${w.a}-${w.b}`);
  close(
    ws.reduce((s, w) => s + w.weight, 0),
    1,
    1e-12,
    'they are probabilities',
  );
  const max = Math.max(...ws.map((w) => w.weight));
  for (const w of ws) assert.ok(w.weight >= 0.01 * max * (1 - 1e-12), 'the floor keeps every pair possible');
  close(weightOf(ws, 'c', 'd'), 0.01 * max, 1e-15, 'c-d is ordered beyond doubt: it sits on the floor');
});

test('the weight is the standard error one more battle removes, times the chance the order is in doubt to the DOUBT_POWER', () => {
  // σ = half-width / 1.959964; v = σ_a² + σ_b²; w ∝ √v·(1 − √(n'/(n'+1)))·(2Φ(−|gap|/√v))^4.
  assert.equal(DOUBT_POWER, 4);
  const z = 1.959963984540054;
  const ratings: Ratings = new Map([
    ['a', { rating: 1000, ci95: [1000 - 20 * z, 1000 + 20 * z] }],
    ['b', { rating: 1030, ci95: [1030 - 30 * z, 1030 + 30 * z] }],
    ['c', { rating: 1060, ci95: [1060 - 40 * z, 1060 + 40 * z] }],
  ]);
  const n = new Map([
    ['a|b', 0],
    ['a|c', 3],
    ['b|c', 8],
  ]);
  const ws = activePairWeights(['a', 'b', 'c'], ratings, (x, y) => n.get(`${x}|${y}`) as number);
  const expected = (s1: number, s2: number, gap: number, battles: number) => {
    const v = s1 * s1 + s2 * s2;
    const m = Math.max(battles, 1);
    return Math.sqrt(v) * (1 - Math.sqrt(m / (m + 1))) * (2 * normalCdf(-Math.abs(gap) / Math.sqrt(v))) ** 4;
  };
  const raw = [expected(20, 30, 30, 0), expected(20, 40, 60, 3), expected(30, 40, 30, 8)];
  const total = raw.reduce((s, x) => s + x, 0);
  assert.deepEqual(
    ws.map((w) => [w.a, w.b]),
    [
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'c'],
    ],
  );
  for (const [i, w] of ws.entries()) close(w.weight, (raw[i] as number) / total, 1e-12, `${w.a}-${w.b}`);
});

test('unrated bots: the widest σ among the rated, level with everyone; 200 when none is rated', () => {
  const ratings: Ratings = new Map([
    ['a', { rating: 900, ci95: [880, 920] }],
    ['b', { rating: 1100, ci95: [1050, 1150] }],
  ]);
  const ws = activePairWeights(['a', 'b', 'new'], ratings, () => 10);
  assert.ok(weightOf(ws, 'b', 'new') > weightOf(ws, 'a', 'b') && weightOf(ws, 'a', 'new') > weightOf(ws, 'a', 'b'));
  // b-new: σ 50/z each, gap 0. a-new: σ 20/z and 50/z, gap 0. So b-new is worth more.
  assert.ok(weightOf(ws, 'b', 'new') > weightOf(ws, 'a', 'new'));
  const none = activePairWeights(['x', 'y', 'z'], new Map(), (a, b) => (a === 'x' && b === 'y' ? 0 : 20));
  assert.ok(weightOf(none, 'x', 'y') > weightOf(none, 'x', 'z'), 'fewer battles, more weight');
  close(weightOf(none, 'x', 'z'), weightOf(none, 'y', 'z'), 1e-15);
  // Zero-width intervals carry no information: every pair equally likely.
  const points: Ratings = new Map([
    ['a', { rating: 900, ci95: [900, 900] }],
    ['b', { rating: 950, ci95: [950, 950] }],
    ['c', { rating: 1000, ci95: [1000, 1000] }],
  ]);
  for (const w of activePairWeights(['a', 'b', 'c'], points, () => 5)) close(w.weight, 1 / 3, 1e-15);
});
