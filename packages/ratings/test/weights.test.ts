import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bradleyTerry, bradleyTerryWithIntervals, seededRandom, simulateBattles, type Battle } from '../src/index.ts';

const strengths = new Map([
  ['a', 900],
  ['b', 1000],
  ['c', 1100],
  ['d', 1050],
]);

test('weight 1 everywhere is the unweighted fit, bit for bit', () => {
  const battles = simulateBattles({ strengths, battles: 2000, tieRate: 0.2, random: seededRandom(12) });
  const ones = battles.map((b) => ({ ...b, weight: 1 }));
  assert.deepEqual(bradleyTerry(ones), bradleyTerry(battles));
  assert.deepEqual(bradleyTerryWithIntervals(ones, { rounds: 50, seed: 3 }), bradleyTerryWithIntervals(battles, { rounds: 50, seed: 3 }));
});

test('a battle of weight 2 counts as two battles', () => {
  const battles = simulateBattles({ strengths, battles: 1000, tieRate: 0.2, random: seededRandom(13) });
  const weighted = battles.map((b, t): Battle => (t % 4 === 0 ? { ...b, weight: 2 } : b));
  const copied = [...battles, ...battles.filter((_, t) => t % 4 === 0)];
  assert.deepEqual(bradleyTerry(weighted), bradleyTerry(copied));
  const halves = battles.map((b) => ({ ...b, weight: 0.5 }));
  const a = bradleyTerry(halves, { prior: 0 });
  const b = bradleyTerry(battles, { prior: 0 });
  for (const [bot, r] of b)
    assert.ok(Math.abs((a.get(bot) as number) - r) < 1e-6, 'scaling every weight changes nothing without the prior');
});

test("weights move the fit: up-weighting a bot's wins raises it", () => {
  const battles = simulateBattles({ strengths, battles: 1000, random: seededRandom(14) });
  const plain = bradleyTerry(battles);
  const tilted = bradleyTerry(battles.map((b) => (b.a === 'a' && b.winner === 'a' ? { ...b, weight: 3 } : b)));
  assert.ok((tilted.get('a') as number) > (plain.get('a') as number) + 20);
});

test('the bootstrap resamples battles, each carrying its weight', () => {
  // One heavy battle: resamples that leave it out differ from those that draw it, so the
  // interval of the bot it favours is wide; the point estimate counts it ten times.
  const battles: Battle[] = [
    ...Array.from({ length: 20 }, (_, t): Battle => ({ a: 'x', b: 'y', winner: t % 2 ? 'a' : 'b' })),
    { a: 'x', b: 'y', winner: 'a', weight: 10 },
  ];
  const [x] = bradleyTerryWithIntervals(battles, { rounds: 300, seed: 1 }).filter((r) => r.bot === 'x');
  const [xFlat] = bradleyTerryWithIntervals(
    battles.map((b) => ({ ...b, weight: 1 })),
    { rounds: 300, seed: 1 },
  ).filter((r) => r.bot === 'x');
  assert.ok(x !== undefined && xFlat !== undefined);
  assert.ok(x.rating > xFlat.rating + 50);
  assert.ok(x.ci95[1] - x.ci95[0] > xFlat.ci95[1] - xFlat.ci95[0]);
  assert.equal(x.battles, 21, 'battles are counted, not weighed');
});
