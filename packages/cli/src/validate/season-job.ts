// What one worker does for one season: simulate it under the chosen sampling and score every
// method; simulate it again under the other sampling (same people, same seed) to compare how many
// battles each needs before the ranking settles; and, for the reference, pool the battles of
// seasons that are only there to give the reference rating.
import type { BattleSampling } from '@botsky/matchmaker';
import type { BattleWeighting } from '@botsky/scoring';
import { bradleyTerryStyle, dropBattlesToFlip, kendallTau, type StyledBattle } from '@botsky/ratings';
import { BattleLedger, finalBattles, METHODS, ratingView, scoreSeason, type Method } from './methods.ts';
import { simulateSeason, type SeasonRecords } from './season.ts';
import type { SimBot } from './world.ts';

export interface SeasonJob {
  bots: SimBot[];
  people: number;
  days: number;
  seed: number;
  sampling: BattleSampling;
  styleEffect: number;
  weighting: BattleWeighting;
}

export interface SeasonSummary {
  seed: number;
  battles: number;
  tau: Record<Method, number>;
  /** bot → [rating, lo, hi] for the two Bradley–Terry fits */
  bt: { bt_raw: Record<string, [number, number, number]>; bt_style: Record<string, [number, number, number]> };
  battlesToTau: Record<BattleSampling, number | null>;
  dropToFlip: number | null;
  /** what scoring's influence cap and anomaly flags left out */
  cappedActions: number;
  flaggedPeople: number;
}

/** τ must reach this and hold from then on. */
export const TAU_TARGET = 0.9;
const CHECKPOINTS = 30;

function simulate(job: SeasonJob, sampling: BattleSampling): SeasonRecords {
  let ledger: BattleLedger | undefined;
  // One ledger per season, made on the first rating request (the records exist by then).
  const ledgerOf = (records: SeasonRecords): BattleLedger => {
    ledger ??= new BattleLedger(records, job.weighting);
    return ledger;
  };
  return simulateSeason({
    bots: job.bots,
    people: job.people,
    days: job.days,
    seed: job.seed,
    sampling,
    styleEffect: job.styleEffect,
    ratingsAt: (records, asOfMs) => ratingView(bradleyTerryStyle(ledgerOf(records).advance(asOfMs)).ratings),
  });
}

export function runSeason(job: SeasonJob): SeasonSummary {
  const truth = new Map(job.bots.map((b) => [b.id, b.quality]));
  const records = simulate(job, job.sampling);
  const { battles, cappedActions, flaggedPeople } = finalBattles(records, job.weighting);
  const m = scoreSeason(records, battles, job.seed);
  const tau = Object.fromEntries(METHODS.map((method) => [method, tauOf(m.scores[method], truth)])) as Record<Method, number>;
  const other: BattleSampling = job.sampling === 'uniform' ? 'active' : 'uniform';
  const otherBattles = finalBattles(simulate(job, other), job.weighting).battles;
  const flip = dropBattlesToFlip(battles, (bs) => bradleyTerryStyle(bs).ratings);
  return {
    seed: job.seed,
    battles: battles.length,
    tau,
    bt: { bt_raw: triples(m.scores.bt_raw, m.intervals.bt_raw), bt_style: triples(m.scores.bt_style, m.intervals.bt_style) },
    battlesToTau: {
      [job.sampling]: battlesToTau(battles, truth),
      [other]: battlesToTau(otherBattles, truth),
    } as Record<BattleSampling, number | null>,
    dropToFlip: flip.drop,
    cappedActions,
    flaggedPeople,
  };
}

/** A reference season: uniform sampling, its battles returned for pooling. */
export function runReference(job: SeasonJob): StyledBattle[] {
  const records = simulate({ ...job, sampling: 'uniform' }, 'uniform');
  return finalBattles(records, job.weighting).battles;
}

export function tauOf(scores: ReadonlyMap<string, number>, truth: ReadonlyMap<string, number>): number {
  const bots = [...truth.keys()];
  return kendallTau(
    bots.map((b) => truth.get(b) as number),
    bots.map((b) => scores.get(b) ?? Number.NEGATIVE_INFINITY),
  );
}

/**
 * Battles (in decision order) after which the style-controlled ranking's τ against the truth is
 * at least TAU_TARGET at every later checkpoint; null when the season ends below it.
 */
export function battlesToTau(battles: readonly StyledBattle[], truth: ReadonlyMap<string, number>): number | null {
  const step = Math.max(10, Math.ceil(battles.length / CHECKPOINTS));
  let settled: number | null = null;
  for (let n = step; ; n = Math.min(battles.length, n + step)) {
    const fit = bradleyTerryStyle(battles.slice(0, n));
    const tau = tauOf(new Map(fit.ratings.map((r) => [r.bot, r.rating])), truth);
    if (tau < TAU_TARGET) settled = null;
    else settled ??= n;
    if (n >= battles.length) break;
  }
  return settled;
}

function triples(
  scores: ReadonlyMap<string, number>,
  intervals: ReadonlyMap<string, [number, number]>,
): Record<string, [number, number, number]> {
  const out: Record<string, [number, number, number]> = {};
  for (const [bot, x] of scores) {
    const ci = intervals.get(bot) ?? [x, x];
    out[bot] = [x, ci[0], ci[1]];
  }
  return out;
}
