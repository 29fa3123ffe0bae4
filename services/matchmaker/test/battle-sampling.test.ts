// The battle pair draw: under active sampling the pair whose order is still uncertain is drawn
// most, and under either rule every logged probability matches how often its pair is drawn (the
// property scoring's inverse-probability weights rest on); balance holds within the slack.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create, RatingMethod, RatingSnapshotSchema } from '@botsky/contracts';
import { loadConfig } from '@botsky/kit';
import { seededRandom } from '@botsky/ratings';
import { matchmakerConfigSpec } from '../src/index.ts';
import { BotPicker, pairKey, type BattleSampling, type BotRatingView } from '../src/selection/index.ts';
import { RatingBoard } from '../src/state/ratings.ts';

const BOTS = ['a', 'b', 'c', 'd'];
/** a and b overlap; c is far above everyone, d far below. */
const RATINGS = new Map<string, BotRatingView>([
  ['a', { rating: 1000, ci95: [960, 1040] }],
  ['b', { rating: 1010, ci95: [970, 1050] }],
  ['c', { rating: 1400, ci95: [1370, 1430] }],
  ['d', { rating: 600, ci95: [570, 630] }],
]);

/** Pearson's statistic over the cells expected at least 5 times, and its degrees of freedom. */
function chiSquare(observed: ReadonlyMap<string, number>, expected: ReadonlyMap<string, number>): { stat: number; df: number } {
  let stat = 0;
  let cells = 0;
  for (const [k, e] of expected) {
    if (e < 5) continue;
    stat += ((observed.get(k) ?? 0) - e) ** 2 / e;
    cells++;
  }
  return { stat, df: Math.max(1, cells - 1) };
}

/** The chi-square distribution's 99.9% quantile (Wilson-Hilferty). */
function limit999(df: number): number {
  const z = 3.09;
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

function add(m: Map<string, number>, k: string, v = 1): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

/** 5,000 battles drawn from one state (all counts 0): each logged probability against its frequency. */
function drawsFromOneState(sampling: BattleSampling, ratings?: ReadonlyMap<string, BotRatingView>) {
  const rand = seededRandom(17);
  const observed = new Map<string, number>();
  const logged = new Map<string, number>();
  const n = 5000;
  for (let i = 0; i < n; i++) {
    const picker = new BotPicker(BOTS, 1, rand, { sampling });
    if (ratings) picker.setRatings(ratings);
    const pick = picker.pick();
    const key = pairKey(pick.bots[0]!, pick.bots[1]!);
    add(observed, key);
    const before = logged.get(key);
    if (before !== undefined) assert.equal(pick.pairProbability, before, 'one state, one probability per pair');
    logged.set(key, pick.pairProbability);
  }
  const expected = new Map([...logged].map(([k, p]) => [k, p * n]));
  return { observed, logged, ...chiSquare(observed, expected) };
}

/** Many picks in sequence: every battle's logged probability is the one the picker offered before it. */
function drawsInSequence(sampling: BattleSampling, picks: number, seed: number) {
  const picker = new BotPicker(BOTS, 0.5, seededRandom(seed), { sampling });
  if (sampling === 'active') picker.setRatings(RATINGS);
  const observed = new Map<string, number>();
  const expected = new Map<string, number>();
  /** Per pair: sum of 1/p over the battles that drew it, and battles at which it could be drawn. */
  const ipw = new Map<string, { weights: number; possible: number }>();
  let worstSpread = 0;
  let slotAFirst = 0;
  let battles = 0;
  for (let i = 0; i < picks; i++) {
    const offered = new Map(picker.pairProbabilities().map((p) => [pairKey(p.a, p.b), p.probability]));
    const pick = picker.pick();
    const counts = [...picker.assignments().values()];
    worstSpread = Math.max(worstSpread, Math.max(...counts) - Math.min(...counts) - picker.slack());
    if (!pick.battle) continue;
    battles++;
    const [x, y] = pick.bots as [string, string];
    if (x < y) slotAFirst++;
    const key = pairKey(x, y);
    assert.equal(pick.pairProbability, offered.get(key), 'the logged probability is the offered one');
    assert.ok(pick.pairProbability > 0 && pick.pairProbability <= 1);
    add(observed, key);
    for (const [k, p] of offered) {
      add(expected, k, p);
      const w = ipw.get(k) ?? { weights: 0, possible: 0 };
      w.possible += p > 0 ? 1 : 0;
      if (k === key) w.weights += 1 / p;
      ipw.set(k, w);
    }
  }
  return { picker, observed, expected, ipw, worstSpread, slotAShare: slotAFirst / battles, battles, ...chiSquare(observed, expected) };
}

describe('battle sampling', () => {
  it('active: the pair whose intervals overlap is drawn most, at the logged probabilities', () => {
    const r = drawsFromOneState('active', RATINGS);
    const ranked = [...r.observed].sort((x, y) => y[1] - x[1]);
    assert.equal(ranked[0]![0], pairKey('a', 'b'), `most drawn: ${JSON.stringify(ranked)}`);
    assert.ok(r.logged.get(pairKey('a', 'b'))! > 0.5, `p(a,b) = ${r.logged.get(pairKey('a', 'b'))}`);
    assert.ok(Math.abs([...r.logged.values()].reduce((s, p) => s + p, 0) - 1) < 1e-9, 'the drawn pairs carry all the probability');
    assert.ok(r.stat < limit999(r.df), `chi-square ${r.stat.toFixed(2)} on ${r.df} df`);
  });

  it('active without any rating, and uniform, draw every pair alike from equal counts', () => {
    for (const r of [drawsFromOneState('active'), drawsFromOneState('uniform')]) {
      assert.equal(r.logged.size, 6);
      for (const p of r.logged.values()) assert.ok(Math.abs(p - 1 / 6) < 1e-12, `p ${p}`);
      assert.ok(r.stat < limit999(r.df), `chi-square ${r.stat.toFixed(2)} on ${r.df} df`);
    }
  });

  for (const sampling of ['active', 'uniform'] as const) {
    it(`${sampling}: over 10,000 picks the logged probabilities match the draws, balance holds, slots are a coin`, () => {
      const r = drawsInSequence(sampling, 10_000, sampling === 'active' ? 5 : 6);
      assert.ok(r.battles > 4500, `battles ${r.battles}`);
      assert.ok(
        r.stat < limit999(r.df),
        `chi-square ${r.stat.toFixed(2)} on ${r.df} df: ${JSON.stringify([...r.observed])} vs ${JSON.stringify([...r.expected])}`,
      );
      assert.ok(r.worstSpread <= 0, `assignments spread beyond the slack by ${r.worstSpread}`);
      assert.ok(Math.abs(r.slotAShare - 0.5) < 0.03, `slot A share ${r.slotAShare}`);
      if (sampling === 'active') {
        const ranked = [...r.observed].sort((x, y) => y[1] - x[1]);
        assert.equal(ranked[0]![0], pairKey('a', 'b'), `most drawn: ${JSON.stringify(ranked)}`);
        assert.equal(r.picker.pairBattles('b', 'a'), r.observed.get(pairKey('a', 'b')));
      }
    });
  }

  it('uniform: the inverse-probability weights average to 1 for every pair', () => {
    const r = drawsInSequence('uniform', 10_000, 8);
    assert.equal(r.ipw.size, 6);
    for (const [k, w] of r.ipw) {
      const mean = w.weights / w.possible;
      assert.ok(Math.abs(mean - 1) < 0.15, `${k}: mean weight ${mean.toFixed(3)} over ${w.possible} battles it could take`);
    }
  });

  it('uniform keeps the counts within one of each other; active within the slack even when battles always happen', () => {
    const uniform = new BotPicker(BOTS, 0.3, seededRandom(9));
    const active = new BotPicker(BOTS, 1, seededRandom(10), { sampling: 'active' });
    active.setRatings(RATINGS);
    for (let i = 0; i < 5000; i++) {
      uniform.pick();
      active.pick();
      const u = [...uniform.assignments().values()];
      const a = [...active.assignments().values()];
      assert.ok(Math.max(...u) - Math.min(...u) <= 1, `uniform counts ${u}`);
      assert.ok(Math.max(...a) - Math.min(...a) <= active.slack(), `active counts ${a}, slack ${active.slack()}`);
    }
    assert.equal(active.slack(), Math.floor(0.05 * 2500), 'the slack grows to 5% of the mean count');
  });

  it('a bot without a rating yet is battled at least as often as the surest pair', () => {
    const picker = new BotPicker([...BOTS, 'new'], 1, seededRandom(12), { sampling: 'active' });
    picker.setRatings(RATINGS);
    const dist = new Map(picker.pairProbabilities().map((p) => [pairKey(p.a, p.b), p.probability]));
    assert.equal(dist.size, 10);
    const surest = Math.min(...[...dist].filter(([k]) => !k.includes('new')).map(([, p]) => p));
    for (const b of BOTS) assert.ok(dist.get(pairKey(b, 'new'))! >= surest, `${b}-new ${dist.get(pairKey(b, 'new'))}`);
  });

  it('BOTSKY_BATTLE_SAMPLING is uniform by default, active when asked, and a bad value names the variable', () => {
    assert.equal(loadConfig(matchmakerConfigSpec, {}).battleSampling, 'uniform');
    assert.equal(loadConfig(matchmakerConfigSpec, { BOTSKY_BATTLE_SAMPLING: 'active' }).battleSampling, 'active');
    assert.throws(
      () => loadConfig(matchmakerConfigSpec, { BOTSKY_BATTLE_SAMPLING: 'thompson' }),
      /BOTSKY_BATTLE_SAMPLING.*uniform, active/,
    );
  });

  it('ratings: style-controlled Bradley-Terry when known, else plain; the newest snapshot wins; Elo is not used', () => {
    const board = new RatingBoard();
    const snap = (botId: string, method: RatingMethod, rating: number, at: number) =>
      create(RatingSnapshotSchema, { botId, method, rating, ci95Lo: rating - 10, ci95Hi: rating + 10, computedAtUs: BigInt(at) });
    assert.ok(board.observe(snap('a', RatingMethod.BRADLEY_TERRY, 900, 2)));
    assert.ok(board.observe(snap('a', RatingMethod.BRADLEY_TERRY_STYLE, 950, 1)));
    assert.ok(board.observe(snap('b', RatingMethod.BRADLEY_TERRY, 1100, 5)));
    assert.ok(!board.observe(snap('b', RatingMethod.BRADLEY_TERRY, 1000, 4)), 'an older snapshot is ignored');
    assert.ok(!board.observe(snap('c', RatingMethod.ELO, 1200, 9)));
    assert.deepEqual(
      board.view(),
      new Map([
        ['a', { rating: 950, ci95: [940, 960] }],
        ['b', { rating: 1100, ci95: [1090, 1110] }],
      ]),
    );
  });
});
