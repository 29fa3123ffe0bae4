import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bradleyTerryWithIntervals,
  dropBattlesToFlip,
  dropPeopleToFlip,
  flipTargets,
  seededRandom,
  simulateBattles,
  type Battle,
  type RatedBot,
  type Winner,
} from '../src/index.ts';

const fit = (battles: readonly Battle[]): RatedBot[] => bradleyTerryWithIntervals(battles, { rounds: 0 });

const repeat = (n: number, winner: Winner, a = 'up', b = 'low'): Battle[] => Array.from({ length: n }, () => ({ a, b, winner }));

const rated = (bot: string, rating: number, lo: number, hi: number): RatedBot => ({ bot, rating, ci95: [lo, hi], battles: 10, rank: 0 });

test('targets: the top pair by point estimate and every pair ordered beyond doubt', () => {
  const targets = flipTargets([rated('c', 900, 850, 950), rated('a', 1100, 1050, 1150), rated('b', 1090, 1000, 1140)]);
  assert.deepEqual(targets, [
    { upper: 'a', lower: 'b', kind: 'top' },
    { upper: 'a', lower: 'c', kind: 'confident' },
    { upper: 'b', lower: 'c', kind: 'confident' },
  ]);
  assert.deepEqual(flipTargets([rated('a', 1000, 990, 1010)]), []);
});

test('two bots: removing exactly the winning margin of wins flips the order', () => {
  // up won 10, tied 3, lost 3: it leads by 10 − 3 = 7 wins (ties count half to each side and
  // cancel). With the prior symmetric, the two are level exactly when wins equal losses, and one
  // battle removed moves the margin by at most one, so 7 is the true minimum.
  const battles = [...repeat(10, 'a'), ...repeat(3, 'tie'), ...repeat(3, 'b')];
  const result = dropBattlesToFlip(battles, fit, { maxDrop: 16 });
  assert.equal(result.drop, 7);
  assert.deepEqual(result.target, { upper: 'up', lower: 'low', kind: 'top' });
  assert.ok(result.searched > 0 && result.searched <= 2 * Math.ceil(Math.log2(16)) + 1, `${result.searched} refits`);
  // No removal of 6, whatever mix of wins, ties and losses, reverses it.
  for (let w = 0; w <= 6; w++) {
    for (let t = 0; t <= Math.min(3, 6 - w); t++) {
      const l = 6 - w - t;
      if (l > 3) continue;
      const kept = [...repeat(10 - w, 'a'), ...repeat(3 - t, 'tie'), ...repeat(3 - l, 'b')];
      const r = fit(kept);
      assert.ok((r.find((x) => x.bot === 'up')?.rating as number) > (r.find((x) => x.bot === 'low')?.rating as number), `${w}/${t}/${l}`);
    }
  }
  // The same margin from b's side: up is side b of its wins.
  const mirrored = battles.map((b): Battle => ({ a: b.b, b: b.a, winner: b.winner === 'a' ? 'b' : b.winner === 'b' ? 'a' : 'tie' }));
  assert.equal(dropBattlesToFlip(mirrored, fit, { maxDrop: 16 }).drop, 7);
});

test('nothing flips within maxDrop', () => {
  const battles = [...repeat(10, 'a'), ...repeat(3, 'tie'), ...repeat(3, 'b')];
  assert.deepEqual(dropBattlesToFlip(battles, fit, { maxDrop: 6 }), { drop: null, target: null, searched: 1 });
  // The default, 20% of 16 battles, is 3.
  assert.equal(dropBattlesToFlip(battles, fit).drop, null);
  const lopsided = [...repeat(100, 'a'), ...repeat(20, 'b')];
  assert.equal(dropBattlesToFlip(lopsided, fit).drop, null, '80 wins to remove, 24 allowed');
  assert.deepEqual(dropBattlesToFlip([], fit), { drop: null, target: null, searched: 0 });
});

test('a level top is reversed by dropping nothing', () => {
  const level = [...repeat(4, 'a'), ...repeat(4, 'b'), ...repeat(2, 'tie')];
  const result = dropBattlesToFlip(level, fit);
  assert.equal(result.drop, 0);
  assert.equal(result.target?.kind, 'top');
  assert.equal(result.searched, 0);
});

test('over people: the fewest people whose actions, taken out, reverse the order', () => {
  // Who decided each battle: alice 4 of up's wins, bob 3, carol 2, dave 1 win and 2 losses,
  // erin 2 losses. Margin: wins 10 − losses 4 = 6. Alone, nobody's removal closes it (alice's
  // takes 4); alice and bob together take 7 ≥ 6. So 2 people.
  const decided: { person: string; winner: Winner }[] = [
    ...Array.from({ length: 4 }, () => ({ person: 'alice', winner: 'a' as const })),
    ...Array.from({ length: 3 }, () => ({ person: 'bob', winner: 'a' as const })),
    ...Array.from({ length: 2 }, () => ({ person: 'carol', winner: 'a' as const })),
    { person: 'dave', winner: 'a' },
    { person: 'dave', winner: 'b' },
    { person: 'dave', winner: 'b' },
    { person: 'erin', winner: 'b' },
    { person: 'erin', winner: 'b' },
  ];
  const people = ['alice', 'bob', 'carol', 'dave', 'erin'];
  const without = (dropped: ReadonlySet<string>) =>
    decided.filter((d) => !dropped.has(d.person)).map((d): Battle => ({ a: 'up', b: 'low', winner: d.winner }));
  const result = dropPeopleToFlip(people, without, fit, { maxDrop: 5 });
  assert.equal(result.drop, 2);
  assert.deepEqual(result.target, { upper: 'up', lower: 'low', kind: 'top' });
  assert.ok(result.searched >= people.length, 'one refit per person, then the search');
  assert.equal(dropPeopleToFlip(people, without, fit, { maxDrop: 1 }).drop, null);
  // screening only the first two (listed most influential first) still finds alice and bob, with
  // two refits to order them; screening only alice leaves no pair to find
  const screened = dropPeopleToFlip(people, without, fit, { maxDrop: 5, screen: 2 });
  assert.equal(screened.drop, 2);
  assert.ok(screened.searched < result.searched);
  assert.equal(dropPeopleToFlip(people, without, fit, { maxDrop: 5, screen: 1 }).drop, null);
});

/** Battles that, dropped in order one by one, first reverse upper over lower under `fit`. */
function naiveDrop(battles: readonly Battle[], candidates: readonly number[], upper: string, lower: string): number | null {
  for (let k = 1; k <= candidates.length; k++) {
    const dropped = new Set(candidates.slice(0, k));
    const r = fit(battles.filter((_, t) => !dropped.has(t)));
    if ((r.find((x) => x.bot === upper)?.rating as number) <= (r.find((x) => x.bot === lower)?.rating as number)) return k;
  }
  return null;
}

test('5,000 battles between 8 bots are searched in well under a second', () => {
  const strengths = new Map(Array.from({ length: 8 }, (_, i): [string, number] => [`bot${i}`, 900 + 30 * i]));
  const battles = simulateBattles({ strengths, battles: 5000, tieRate: 0.2, random: seededRandom(17) });
  const t0 = performance.now();
  const result = dropBattlesToFlip(battles, fit);
  const ms = performance.now() - t0;
  // With rounds 0 every interval is a point, so all 28 pairs are targets besides the top.
  assert.equal(flipTargets(fit(battles)).length, 29);
  assert.ok(result.drop !== null && result.drop > 0 && result.drop <= 1000);
  assert.ok(flipTargets(fit(battles)).some((t) => JSON.stringify(t) === JSON.stringify(result.target)));
  assert.ok(ms < 3000, `${ms.toFixed(0)} ms`);
});

test("the influence order does at least as well as dropping the top bot's direct wins", () => {
  // Wide intervals: only the top pair is a target.
  const topOnly = (battles: readonly Battle[]) => fit(battles).map((r): RatedBot => ({ ...r, ci95: [0, 2000] }));
  for (const [seed, step] of [
    [17, 30],
    [17, 60],
    [5, 20],
  ] as const) {
    const strengths = new Map(Array.from({ length: 8 }, (_, i): [string, number] => [`bot${i}`, 900 + step * i]));
    const battles = simulateBattles({ strengths, battles: 5000, tieRate: 0.2, random: seededRandom(seed) });
    const result = dropBattlesToFlip(battles, topOnly);
    const target = result.target as NonNullable<typeof result.target>;
    assert.equal(target.kind, 'top');
    const direct = battles.flatMap((b, t) =>
      (b.a === target.upper && b.b === target.lower && b.winner === 'a') ||
      (b.b === target.upper && b.a === target.lower && b.winner === 'b')
        ? [t]
        : [],
    );
    const naive = naiveDrop(battles, direct, target.upper, target.lower);
    assert.ok(naive !== null && (result.drop as number) <= naive, `greedy ${result.drop}, direct wins ${naive}`);
  }
});
