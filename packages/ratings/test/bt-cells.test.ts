// The Bradley–Terry fit and bootstrap on cells against the battle-by-battle code they replaced
// (bt-reference.ts): the same point estimates, the same intervals up to Monte-Carlo error, and
// no dependence on the order of the battles or on which side of a battle is called a.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bradleyTerry, bradleyTerryWithIntervals, seededRandom, simulateBattles, type Battle, type Random } from '../src/index.ts';
import { referenceBradleyTerry, referenceIntervals } from './bt-reference.ts';

const strengths = new Map(Array.from({ length: 8 }, (_, i) => [`bot-${i}`, 850 + 45 * i]));
const battles = simulateBattles({ strengths, battles: 20_000, tieRate: 0.15, random: seededRandom(21) });

/** One weight per pair (as scoring's pooled inverse-probability weights), some of them not dyadic. */
function pairWeighted(bs: readonly Battle[], rand: Random): Battle[] {
  const weights = new Map<string, number>();
  return bs.map((b) => {
    const key = [b.a, b.b].sort().join(' ');
    if (!weights.has(key)) weights.set(key, 0.4 + 2 * rand());
    return { ...b, weight: weights.get(key) as number };
  });
}

function shuffledAndTurned(bs: readonly Battle[], rand: Random): Battle[] {
  const out = bs.map(
    (b): Battle => (rand() < 0.5 ? b : { ...b, a: b.b, b: b.a, winner: b.winner === 'a' ? 'b' : b.winner === 'b' ? 'a' : 'tie' }),
  );
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as Battle, out[i] as Battle];
  }
  return out;
}

test('the point estimates are the battle-by-battle fit, to the last bit when the weights are dyadic', () => {
  assert.deepEqual(bradleyTerry(battles), referenceBradleyTerry(battles));
  assert.deepEqual(bradleyTerry(battles, { prior: 0.1 }), referenceBradleyTerry(battles, { prior: 0.1 }));
  const dyadic = battles.map((b, t): Battle => ({ ...b, weight: [1, 2, 0.5, 0.75][t % 4] as number }));
  assert.deepEqual(bradleyTerry(dyadic), referenceBradleyTerry(dyadic));
  const ratings = new Map(bradleyTerryWithIntervals(battles, { rounds: 0 }).map((r) => [r.bot, r.rating]));
  assert.deepEqual(ratings, referenceBradleyTerry(battles));
  // Other weights are summed per cell rather than battle by battle: the last bits may differ.
  const weighted = pairWeighted(battles, seededRandom(4));
  const reference = referenceBradleyTerry(weighted);
  for (const [bot, r] of bradleyTerry(weighted)) assert.ok(Math.abs(r - (reference.get(bot) as number)) < 1e-9, bot);
});

/**
 * Each interval end of the cell bootstrap against the battle-level bootstrap's, both of 1,000
 * rounds. A percentile of R draws has a standard error of √(q(1 − q)/R) / f(x_q): for a normal
 * with sd σ at q = 0.025 that is 0.0845σ, so the difference of two independent ones has a
 * standard error of 0.12σ. Each end may differ by 4 of those, 0.48σ, with σ taken from the
 * interval (its width over 2 × 1.96): 16 ends at 4 standard errors, a false alarm about once in
 * a thousand seeds. A width differs by √2 times that, 0.17σ, and their mean over the 8 bots by
 * 0.06σ, so the mean may differ by 0.24σ: a bootstrap whose spread is off by a tenth moves every
 * width by 0.39σ, and fails.
 */
function assertSameIntervals(bs: readonly Battle[], seeds: [number, number]): void {
  const cells = bradleyTerryWithIntervals(bs, { rounds: 1000, seed: seeds[0] });
  const reference = referenceIntervals(bs, { rounds: 1000, seed: seeds[1] });
  let widthGap = 0;
  let sigmas = 0;
  for (const r of cells) {
    const ref = reference.get(r.bot);
    assert.ok(ref !== undefined);
    assert.ok(Math.abs(r.rating - ref.rating) < 1e-9, `${r.bot}: rating ${r.rating} against ${ref.rating}`);
    const sigma = (ref.ci95[1] - ref.ci95[0]) / (2 * 1.96);
    for (const end of [0, 1]) {
      const gap = Math.abs((r.ci95[end] as number) - (ref.ci95[end] as number));
      assert.ok(gap <= 0.48 * sigma, `${r.bot} end ${end}: ${r.ci95[end]} against ${ref.ci95[end]} (σ ${sigma.toFixed(2)})`);
    }
    widthGap += r.ci95[1] - r.ci95[0] - (ref.ci95[1] - ref.ci95[0]);
    sigmas += sigma;
  }
  const meanSigma = sigmas / cells.length;
  const tolerance = (4 * Math.SQRT2 * 0.12 * meanSigma) / Math.sqrt(cells.length);
  assert.ok(Math.abs(widthGap / cells.length) <= tolerance, `mean width gap ${widthGap / cells.length} (tolerance ${tolerance})`);
}

test('the cell bootstrap gives the battle-level bootstrap intervals, within Monte-Carlo error', () => {
  assertSameIntervals(battles, [1, 2]);
});

test('with weights, the cell bootstrap resamples battles each carrying its weight, as before', () => {
  assertSameIntervals(pairWeighted(battles, seededRandom(5)), [3, 4]);
});

test('neither the order of the battles nor their sides change the result, to the last bit', () => {
  const rand = seededRandom(6);
  for (const bs of [battles, pairWeighted(battles, seededRandom(7))]) {
    const again = shuffledAndTurned(bs, rand);
    assert.deepEqual(bradleyTerry(again), bradleyTerry(bs));
    assert.deepEqual(bradleyTerryWithIntervals(again, { rounds: 100, seed: 8 }), bradleyTerryWithIntervals(bs, { rounds: 100, seed: 8 }));
  }
});

test('a battle of a bot against itself is counted, and resampled, but says nothing about ratings', () => {
  const few = battles.slice(0, 2000);
  const withSelf: Battle[] = [...few, { a: 'bot-3', b: 'bot-3', winner: 'a' }, { a: 'bot-3', b: 'bot-3', winner: 'tie' }];
  const plain = bradleyTerryWithIntervals(few, { rounds: 0 });
  const self = bradleyTerryWithIntervals(withSelf, { rounds: 50, seed: 1 });
  for (const r of self) {
    const p = plain.find((x) => x.bot === r.bot);
    assert.ok(p !== undefined);
    assert.equal(r.rating, p.rating);
    assert.equal(r.battles, p.battles + (r.bot === 'bot-3' ? 4 : 0));
  }
});
