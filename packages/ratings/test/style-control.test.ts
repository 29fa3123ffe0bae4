import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bradleyTerry,
  bradleyTerryStyle,
  featureDifference,
  seededRandom,
  simulateBattles,
  styleOf,
  type RatedBot,
  type ReplyStyle,
  type StyledBattle,
} from '../src/index.ts';
import { ELO, rmsOf, simulateStyled, type PlantedBot } from './style-simulation.ts';

const close = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} not within ${tol} of ${expected}`);

const plainStyle: ReplyStyle = { graphemes: 120, questions: 0, emoji: 0, links: 0, mentions: 0, latencySeconds: 10 };

test('styleOf counts graphemes, questions, emoji, links and mentions as a reader sees them', () => {
  // é as e + combining accent is one grapheme, the ZWJ family is one grapheme and one emoji.
  const s = styleOf('e\u0301\u{1F468}\u200D\u{1F469}\u200D\u{1F467}ab', 12.5);
  assert.deepEqual(s, { graphemes: 4, questions: 0, emoji: 1, links: 0, mentions: 0, latencySeconds: 12.5 });
  const text = 'Hi \u{1F44B}\u{1F3FD}! See https://example.com/x?y=1 or www.test.org? cc @alice.bsky.social, not bob@mail.com or @bob';
  const t = styleOf(text, -3);
  assert.equal(t.questions, 2, "the '?' inside the URL counts too");
  assert.equal(t.emoji, 1, 'a waving hand with a skin tone is one emoji');
  assert.equal(t.links, 2);
  assert.equal(t.mentions, 1, 'an e-mail address and a handle without a dot are not mentions');
  assert.equal(t.latencySeconds, 0, 'clock skew counts as no wait');
});

test('the covariates: normalised differences for counts, indicator differences for links, log latency', () => {
  const a = { ...plainStyle, graphemes: 300, questions: 0, links: 2, latencySeconds: Math.E - 1 };
  const b = { ...plainStyle, graphemes: 100, questions: 0, links: 0, latencySeconds: 0 };
  close(featureDifference('length', a, b), 0.5, 1e-12);
  assert.equal(featureDifference('question', a, b), 0, 'both 0 is no difference');
  assert.equal(featureDifference('link', a, b), 1, 'two links are one link present');
  close(featureDifference('latency', a, b), 1, 1e-12);
  close(featureDifference('length', b, a), -0.5, 1e-12);
});

test('with no covariate varying, the style fit is Bradley-Terry', () => {
  const strengths = new Map([
    ['a', 850],
    ['b', 950],
    ['c', 1000],
    ['d', 1050],
    ['e', 1150],
  ]);
  const battles = simulateBattles({ strengths, battles: 4000, tieRate: 0.2, random: seededRandom(5) });
  const styled: StyledBattle[] = battles.map((b) => ({ ...b, styleA: plainStyle, styleB: plainStyle }));
  const fit = bradleyTerryStyle(styled);
  const bt = bradleyTerry(battles);
  for (const r of fit.ratings) close(r.rating, bt.get(r.bot) as number, 2, r.bot);
  for (const c of fit.coefficients) assert.deepEqual([c.value, c.ci95], [0, [0, 0]], c.name);
  assert.deepEqual(
    fit.coefficients.map((c) => c.name),
    ['length', 'question', 'emoji', 'link', 'mentions', 'latency'],
  );
  assert.deepEqual(
    fit.ratings.map((r) => r.bot),
    ['e', 'd', 'c', 'b', 'a'],
    'sorted by rank, then rating',
  );
  assert.equal(
    fit.ratings.reduce((s, r) => s + r.battles, 0),
    2 * battles.length,
  );
  close(fit.ratings.reduce((s, r) => s + r.rating, 0) / 5, 1000, 1e-9, 'mean rating');
});

test('style control undoes a style confounded with bot identity and recovers the planted effects', () => {
  // 'stylish' is no better than 'mid' and worse than 'plain', but writes long and answers fast,
  // and people like long, fast replies.
  const bots = new Map<string, PlantedBot>([
    ['plain', { beta: 0.3, graphemes: 60, latency: 60 }],
    ['stylish', { beta: 0, graphemes: 400, latency: 5 }],
    ['mid', { beta: 0, graphemes: 150, latency: 20 }],
    ['weak', { beta: -0.3, graphemes: 150, latency: 20 }],
  ]);
  const gamma = { length: 1.2, latency: -0.3 };
  const battles = simulateStyled(bots, gamma, 20000, seededRandom(21));
  const raw = bradleyTerry(battles);
  assert.ok((raw.get('stylish') as number) > (raw.get('plain') as number) + 40, 'raw BT rates the stylish bot above the better one');
  const fit = bradleyTerryStyle(battles, { features: ['length', 'latency', 'emoji'] });
  assert.deepEqual(fit.ratings.map((r) => r.bot).slice(0, 1), ['plain']);
  for (const r of fit.ratings) {
    const planted = 1000 + ELO * (bots.get(r.bot) as PlantedBot).beta;
    close(r.rating, planted, 15, r.bot);
    assert.ok(r.ci95[0] < planted && planted < r.ci95[1], `${r.bot}'s interval covers ${planted}`);
  }
  const [length, latency, emoji] = fit.coefficients;
  close(length?.value as number, gamma.length * rmsOf(battles, 'length'), 0.06, 'length, per sd');
  close(latency?.value as number, gamma.latency * rmsOf(battles, 'latency'), 0.06, 'latency, per sd');
  assert.ok((emoji?.ci95[0] as number) < 0 && 0 < (emoji?.ci95[1] as number), 'emoji has no effect');
});

test('sandwich 95% intervals cover the planted ratings and effects about 95% of the time', () => {
  const bots = new Map<string, PlantedBot>([
    ['a', { beta: -0.5, graphemes: 100, latency: 30 }],
    ['b', { beta: -0.2, graphemes: 200, latency: 10 }],
    ['c', { beta: 0, graphemes: 80, latency: 20 }],
    ['d', { beta: 0.2, graphemes: 300, latency: 40 }],
    ['e', { beta: 0.5, graphemes: 150, latency: 15 }],
  ]);
  const gamma = { length: 0.8, latency: -0.4 };
  const rand = seededRandom(99);
  let ratingHits = 0;
  let autoHits = 0;
  let ratings = 0;
  let effectHits = 0;
  let effects = 0;
  for (let sim = 0; sim < 60; sim++) {
    // Nearly half the battles tied: the variance of y is then about half the p(1 − p) the model
    // assumes, so intervals from the model's own information would cover 99.4%; the sandwich's
    // are right.
    const battles = simulateStyled(bots, gamma, 800, rand, 0.5);
    // The unpenalised fit's (ridge 0): the empirical-Bayes ridge shrinks the planted effects a
    // little (by 3 to 5% here), which the sandwich does not see, so its coefficients' intervals
    // cover less (0.88 of these); its ratings' still cover about 95%.
    const fit = bradleyTerryStyle(battles, { features: ['length', 'latency', 'question'], prior: 0.1, ridge: 0 });
    const auto = bradleyTerryStyle(battles, { features: ['length', 'latency', 'question'], prior: 0.1 });
    for (const r of fit.ratings) {
      const planted = 1000 + ELO * (bots.get(r.bot) as PlantedBot).beta;
      ratingHits += Number(r.ci95[0] <= planted && planted <= r.ci95[1]);
      const a = auto.ratings.find((q) => q.bot === r.bot) as RatedBot;
      autoHits += Number(a.ci95[0] <= planted && planted <= a.ci95[1]);
      ratings++;
    }
    const truths = [gamma.length * rmsOf(battles, 'length'), gamma.latency * rmsOf(battles, 'latency'), 0];
    fit.coefficients.forEach((c, f) => {
      const truth = truths[f] as number;
      effectHits += Number(c.ci95[0] <= truth && truth <= c.ci95[1]);
      effects++;
    });
  }
  assert.equal(ratings, 300);
  const ratingCoverage = ratingHits / ratings;
  const autoCoverage = autoHits / ratings;
  assert.ok(autoCoverage > 0.9 && autoCoverage < 0.99, `rating coverage with the empirical-Bayes ridge ${autoCoverage.toFixed(3)}`);
  const effectCoverage = effectHits / effects;
  assert.ok(ratingCoverage > 0.9 && ratingCoverage < 0.99, `rating coverage ${ratingCoverage.toFixed(3)}`);
  assert.ok(effectCoverage > 0.9 && effectCoverage < 0.99, `effect coverage ${effectCoverage.toFixed(3)}`);
});

test('the fit does not depend on which bot was side A', () => {
  const bots = new Map<string, PlantedBot>([
    ['x', { beta: 0.2, graphemes: 100, latency: 10 }],
    ['y', { beta: 0, graphemes: 300, latency: 20 }],
    ['z', { beta: -0.2, graphemes: 50, latency: 5 }],
  ]);
  // The long-winded bot is side A in every battle it plays, so the raw covariates have a mean
  // far from 0; centring on that mean would act as a side-A advantage.
  const battles = simulateStyled(bots, { length: 0.8, latency: -0.2 }, 1500, seededRandom(6), 0.2).map((b) =>
    b.b === 'y'
      ? {
          ...b,
          a: b.b,
          b: b.a,
          styleA: b.styleB,
          styleB: b.styleA,
          winner: b.winner === 'a' ? ('b' as const) : b.winner === 'b' ? ('a' as const) : b.winner,
        }
      : b,
  );
  const swapped = battles.map((b, t) =>
    t % 2
      ? b
      : {
          ...b,
          a: b.b,
          b: b.a,
          styleA: b.styleB,
          styleB: b.styleA,
          winner: b.winner === 'a' ? ('b' as const) : b.winner === 'b' ? ('a' as const) : b.winner,
        },
  );
  const one = bradleyTerryStyle(battles);
  const two = bradleyTerryStyle(swapped);
  for (const r of one.ratings) {
    const s = two.ratings.find((q) => q.bot === r.bot) as (typeof two.ratings)[number];
    close(r.rating, s.rating, 1e-6, r.bot);
    close(r.ci95[0], s.ci95[0], 1e-6, `${r.bot} lower`);
  }
  for (const [f, c] of one.coefficients.entries()) close(c.value, two.coefficients[f]?.value as number, 1e-8, c.name);
});

test('a weight counts as that many copies of the battle', () => {
  const bots = new Map<string, PlantedBot>([
    ['x', { beta: 0.2, graphemes: 100, latency: 10 }],
    ['y', { beta: 0, graphemes: 200, latency: 20 }],
    ['z', { beta: -0.2, graphemes: 50, latency: 5 }],
  ]);
  const battles = simulateStyled(bots, { length: 0.5, latency: -0.2 }, 600, seededRandom(4), 0.2);
  const weighted = battles.map((b, t) => (t % 3 === 0 ? { ...b, weight: 2 } : b));
  const copied = [...battles, ...battles.filter((_, t) => t % 3 === 0)];
  const one = bradleyTerryStyle(weighted);
  const two = bradleyTerryStyle(copied);
  for (const r of one.ratings) close(r.rating, two.ratings.find((s) => s.bot === r.bot)?.rating as number, 1e-6, r.bot);
  for (const [f, c] of one.coefficients.entries()) close(c.value, two.coefficients[f]?.value as number, 1e-8, c.name);
  // Weights are importance weights: M takes w², so the weighted fit is the less certain.
  const width = (f: typeof one) => f.ratings.reduce((s, r) => s + r.ci95[1] - r.ci95[0], 0);
  assert.ok(width(one) > width(two));
});

test('a bot that won every battle gets a finite style-controlled rating', () => {
  const battles: StyledBattle[] = Array.from({ length: 30 }, (_, t) => ({
    a: 'champ',
    b: t % 2 ? 'x' : 'y',
    winner: 'a' as const,
    styleA: { ...plainStyle, graphemes: 100 + t },
    styleB: plainStyle,
  }));
  battles.push({ a: 'x', b: 'y', winner: 'tie', styleA: plainStyle, styleB: plainStyle });
  const fit = bradleyTerryStyle(battles);
  for (const r of fit.ratings) assert.ok(Number.isFinite(r.rating) && Number.isFinite(r.ci95[0]) && Number.isFinite(r.ci95[1]), r.bot);
  assert.equal(fit.ratings[0]?.bot, 'champ');
  assert.deepEqual(bradleyTerryStyle([]), {
    ratings: [],
    coefficients: fit.coefficients.map((c) => ({ name: c.name, value: 0, ci95: [0, 0] })),
    ridge: 0,
  });
});

// A bot whose replies are long and fast, one that writes short and slow, and two in between: style
// confounded with identity, as the offline bots' manners are.
const CONFOUNDED = new Map<string, PlantedBot>([
  ['long', { beta: 0.1, graphemes: 400, latency: 5 }],
  ['short', { beta: 0.2, graphemes: 50, latency: 60 }],
  ['mid', { beta: 0, graphemes: 150, latency: 20 }],
  ['weak', { beta: -0.3, graphemes: 150, latency: 20 }],
]);

test('a ridge on the style coefficients shrinks them; an unbounded one leaves Bradley-Terry without covariates', () => {
  const battles = simulateStyled(CONFOUNDED, { length: 1.2, latency: -0.3 }, 3000, seededRandom(31), 0.2);
  const size = (f: { coefficients: { value: number }[] }) => Math.hypot(...f.coefficients.map((c) => c.value));
  const free = bradleyTerryStyle(battles, { ridge: 0 });
  const some = bradleyTerryStyle(battles, { ridge: 100 });
  const huge = bradleyTerryStyle(battles, { ridge: 1e9 });
  assert.deepEqual([free.ridge, some.ridge, huge.ridge], [0, 100, 1e9]);
  assert.ok(size(some) < size(free) && size(huge) < 1e-5, `|γ| ${size(free)}, ${size(some)}, ${size(huge)}`);
  const plain = bradleyTerryStyle(battles, { features: [] });
  for (const r of huge.ratings) {
    close(r.rating, plain.ratings.find((q) => q.bot === r.bot)?.rating as number, 0.01, r.bot);
    const width = (x: { ci95: [number, number] }) => x.ci95[1] - x.ci95[0];
    close(width(r), width(plain.ratings.find((q) => q.bot === r.bot) as RatedBot), 0.01, `${r.bot}'s interval`);
  }
});

test('the empirical-Bayes ridge (the default) holds null style effects at 0 and leaves real ones nearly free', () => {
  const plainOf = (battles: StyledBattle[]) => new Map(bradleyTerryStyle(battles, { features: [] }).ratings.map((r) => [r.bot, r.rating]));
  const gap = (f: { ratings: RatedBot[] }, to: Map<string, number>) =>
    Math.max(...f.ratings.map((r) => Math.abs(r.rating - (to.get(r.bot) as number))));
  // No style effect: the unpenalised covariates move the ratings off Bradley-Terry's by their
  // noise; the chosen ridge is strong and keeps the ratings at Bradley-Terry's.
  const none = simulateStyled(CONFOUNDED, { length: 0, latency: 0 }, 3000, seededRandom(32), 0.2);
  const auto0 = bradleyTerryStyle(none);
  const free0 = bradleyTerryStyle(none, { ridge: 0 });
  assert.ok(auto0.ridge > 1000, `ridge ${auto0.ridge}`);
  assert.ok(
    gap(auto0, plainOf(none)) < 1 && gap(free0, plainOf(none)) > 5,
    `off BT: auto ${gap(auto0, plainOf(none))}, free ${gap(free0, plainOf(none))}`,
  );
  // A real effect: the ridge is weak and the fit close to the unpenalised one.
  const real = simulateStyled(CONFOUNDED, { length: 1.2, latency: -0.3 }, 3000, seededRandom(33), 0.2);
  const auto1 = bradleyTerryStyle(real);
  const free1 = bradleyTerryStyle(real, { ridge: 0 });
  assert.ok(auto1.ridge > 0 && auto1.ridge < 50, `ridge ${auto1.ridge}`);
  const freeBy = new Map(free1.ratings.map((r) => [r.bot, r.rating]));
  // (a few Elo, against intervals of ±26 and a raw fit 140 off)
  assert.ok(gap(auto1, freeBy) < 8, `auto vs free ${gap(auto1, freeBy)}`);
  close(auto1.coefficients[0]?.value as number, free1.coefficients[0]?.value as number, 0.05, 'length');
});

test('5,000 battles fit in well under 50 ms', () => {
  const bots = new Map<string, PlantedBot>(
    Array.from({ length: 8 }, (_, i): [string, PlantedBot] => [
      `bot${i}`,
      { beta: (i - 3.5) / 5, graphemes: 50 + 40 * i, latency: 5 + 5 * i },
    ]),
  );
  const battles = simulateStyled(bots, { length: 0.5, latency: -0.2 }, 5000, seededRandom(8), 0.2);
  bradleyTerryStyle(battles); // warm-up: the harness fits thousands of times
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    bradleyTerryStyle(battles);
    times.push(performance.now() - t0);
  }
  const median = times.sort((x, y) => x - y)[3] as number;
  assert.ok(median < 50, `median ${median.toFixed(1)} ms`);
});
