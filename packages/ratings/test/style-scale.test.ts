// The style fit made fast for Arena scale (issue 16) against the fit as it was
// (style-reference.ts): the same ratings, intervals, coefficients and ridge to 1e-9 on every kind
// of input the tests know, and the pieces the speed rests on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bradleyTerryStyle,
  featureDifference,
  seededRandom,
  STYLE_FEATURES,
  styleDifferences,
  type StyledBattle,
  type StyleFit,
  type StyleFitOptions,
} from '../src/index.ts';
import { SLOTS } from '../src/logistic-pass.ts';
import { referenceStyleFit } from './style-reference.ts';
import { replyOf, simulateStyled, type PlantedBot } from './style-simulation.ts';

/** |x − y| within 1e-9 of max(1, |y|): relative for ratings (about 1000), absolute near 0. */
const near = (x: number, y: number, what: string) =>
  assert.ok(Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)), `${what}: ${x} against ${y}`);

function assertSameFit(fast: StyleFit, slow: StyleFit): void {
  assert.deepEqual(
    fast.ratings.map((r) => [r.bot, r.rank, r.battles]),
    slow.ratings.map((r) => [r.bot, r.rank, r.battles]),
  );
  for (const [i, r] of fast.ratings.entries()) {
    const s = slow.ratings[i] as (typeof slow.ratings)[number];
    near(r.rating, s.rating, r.bot);
    near(r.ci95[0], s.ci95[0], `${r.bot} lower`);
    near(r.ci95[1], s.ci95[1], `${r.bot} upper`);
  }
  assert.deepEqual(
    fast.coefficients.map((c) => c.name),
    slow.coefficients.map((c) => c.name),
  );
  for (const [f, c] of fast.coefficients.entries()) {
    const s = slow.coefficients[f] as (typeof slow.coefficients)[number];
    near(c.value, s.value, c.name);
    near(c.ci95[0], s.ci95[0], `${c.name} lower`);
    near(c.ci95[1], s.ci95[1], `${c.name} upper`);
  }
  near(fast.ridge, slow.ridge, 'ridge');
}

const manners = (bots: number) =>
  new Map<string, PlantedBot>(
    Array.from({ length: bots }, (_, i): [string, PlantedBot] => [
      `bot${String(i).padStart(2, '0')}`,
      { beta: (i - (bots - 1) / 2) / bots, graphemes: 50 + 40 * (i % 7), latency: 5 + 7 * (i % 5) },
    ]),
  );

/** Every covariate varying: the simulation's replies with links and mentions now and then. */
function allStyles(battles: StyledBattle[], seed: number): StyledBattle[] {
  const rand = seededRandom(seed);
  const vary = (s: StyledBattle['styleA']) => ({
    ...s,
    links: rand() < 0.2 ? 1 : 0,
    mentions: rand() < 0.15 ? 1 + Math.floor(2 * rand()) : 0,
  });
  return battles.map((b) => ({ ...b, styleA: vary(b.styleA), styleB: vary(b.styleB) }));
}

test('the fit agrees with the reference implementation to 1e-9', () => {
  const gamma = { length: 0.6, latency: -0.25 };
  const cases: [string, StyledBattle[], StyleFitOptions][] = [];
  const eight = simulateStyled(manners(8), gamma, 4000, seededRandom(1), 0.2);
  cases.push(['8 bots, the default ridge', eight, {}]);
  cases.push(['no ridge', eight, { ridge: 0 }]);
  cases.push(['a fixed ridge, no prior', eight, { ridge: 10, prior: 0 }]);
  cases.push(['some features, out of order', eight, { features: ['latency', 'emoji', 'length'] }]);
  cases.push(['every covariate varying', allStyles(eight, 2), {}]);
  cases.push(['weights', eight.map((b, t) => (t % 3 ? b : { ...b, weight: 0.37 + (t % 7) })), {}]);
  cases.push(['a weight of 0', eight.map((b, t) => (t % 11 ? b : { ...b, weight: 0 })), {}]);
  const none = simulateStyled(manners(5), { length: 0, latency: 0 }, 3000, seededRandom(3), 0.3);
  cases.push(['no style effect (the ridge at its ceiling)', none, {}]);
  cases.push(['fewer battles than the ridge needs', none.slice(0, 600), {}]);
  cases.push(['30 bots', allStyles(simulateStyled(manners(30), gamma, 6000, seededRandom(4), 0.1), 5), {}]);
  const plain = { graphemes: 100, questions: 0, emoji: 0, links: 0, mentions: 0, latencySeconds: 10 };
  const champ = Array.from({ length: 40 }, (_, t): StyledBattle => {
    const styleA = replyOf({ beta: 0, graphemes: 200, latency: 5 }, seededRandom(t));
    return { a: 'champ', b: t % 2 ? 'x' : 'y', winner: 'a', styleA, styleB: plain };
  });
  cases.push(['a bot that won every battle', [...champ, { a: 'x', b: 'y', winner: 'tie', styleA: plain, styleB: plain }], {}]);
  cases.push(['no battles', [], {}]);
  for (const [what, battles, opts] of cases) {
    try {
      assertSameFit(bradleyTerryStyle(battles, opts), referenceStyleFit(battles, opts));
    } catch (err) {
      throw new Error(`${what}: ${(err as Error).message}`, { cause: err });
    }
  }
});

test("on 200,000 battles, starting from a subsample's fit, the same fit as the reference", () => {
  const battles = allStyles(simulateStyled(manners(12), { length: 0.5, latency: -0.2 }, 200_000, seededRandom(9), 0.1), 10);
  assertSameFit(bradleyTerryStyle(battles), referenceStyleFit(battles));
  assertSameFit(bradleyTerryStyle(battles, { ridge: 0, prior: 0 }), referenceStyleFit(battles, { ridge: 0, prior: 0 }));
});

test('styleDifferences gives every feature what featureDifference gives it', () => {
  assert.equal(SLOTS, STYLE_FEATURES.length, 'a slot per style feature');
  const rand = seededRandom(7);
  const out = new Float64Array(2 + SLOTS);
  for (let i = 0; i < 200; i++) {
    const a = { ...replyOf({ beta: 0, graphemes: 80, latency: 10 }, rand), links: i % 3, mentions: i % 4 };
    const b = i % 5 ? replyOf({ beta: 0, graphemes: 300, latency: 2 }, rand) : { ...a, graphemes: 0, questions: 0, emoji: 0 };
    styleDifferences(a, b, out, 2);
    for (const [f, feature] of STYLE_FEATURES.entries()) assert.equal(out[2 + f], featureDifference(feature, a, b), feature);
  }
});

test('a bot against itself says nothing about the ratings: replies alike in style change no rating or interval', () => {
  const battles = simulateStyled(manners(4), { length: 0.6, latency: -0.2 }, 2000, seededRandom(8), 0.2);
  const self = battles.slice(0, 300).map((b): StyledBattle => ({ ...b, b: b.a, styleB: b.styleA }));
  // Without the ridge: the covariates' scale (which the extra zero rows change) then moves no β.
  const fit = bradleyTerryStyle(battles, { ridge: 0 });
  const withSelf = bradleyTerryStyle([...battles, ...self], { ridge: 0 });
  for (const r of fit.ratings) {
    const s = withSelf.ratings.find((q) => q.bot === r.bot) as (typeof withSelf.ratings)[number];
    near(s.rating, r.rating, r.bot);
    near(s.ci95[0], r.ci95[0], `${r.bot} lower`);
  }
});

test('each feature at most once', () => {
  assert.throws(() => bradleyTerryStyle([], { features: ['length', 'length'] }), RangeError);
  assert.throws(() => bradleyTerryStyle([], { features: ['colour' as 'length'] }), RangeError);
});
