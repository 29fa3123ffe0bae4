// `botsky validate`'s flags, checked up front (a bad value is a usage error, exit 2).
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { BattleSampling } from '@botsky/matchmaker';
import type { BattleWeighting } from '@botsky/scoring';
import { DEFAULT_STYLE_EFFECT } from '@botsky/population';
import { UsageError, type FlagValues } from '../command.ts';
import { numberFlag } from '../demo/options.ts';

export interface ValidateOptions {
  seasons: number;
  days: number;
  bots: number;
  people: number;
  seed: number;
  sampling: BattleSampling;
  styleEffect: number;
  weighting: BattleWeighting;
  /** Seasons pooled for the reference rating: 50 times one season's data. */
  referenceSeasons: number;
  workers: number;
  jsonPath: string | undefined;
}

export const REFERENCE_FACTOR = 50;

export function readValidateFlags(flags: FlagValues, cwd: string): ValidateOptions {
  const sampling = typeof flags.sampling === 'string' ? flags.sampling : 'uniform';
  if (sampling !== 'uniform' && sampling !== 'active') throw new UsageError(`--sampling must be uniform or active (got "${sampling}")`);
  const weighting = typeof flags.weighting === 'string' ? flags.weighting : 'none';
  if (weighting !== 'none' && weighting !== 'inverse') throw new UsageError(`--weighting must be none or inverse (got "${weighting}")`);
  return {
    seasons: numberFlag(flags, 'seasons', 200, { min: 1, max: 100_000, integer: true }),
    days: numberFlag(flags, 'days', 2, { min: 0.05, max: 365, integer: false }),
    bots: numberFlag(flags, 'bots', 8, { min: 2, max: 50, integer: true }),
    people: numberFlag(flags, 'people', 200, { min: 10, max: 100_000, integer: true }),
    seed: numberFlag(flags, 'seed', 1, { min: 0, max: 2 ** 31 - 1, integer: true }),
    sampling,
    styleEffect: numberFlag(flags, 'style-effect', DEFAULT_STYLE_EFFECT, { min: 0, max: 10, integer: false }),
    weighting,
    referenceSeasons: REFERENCE_FACTOR,
    workers: numberFlag(flags, 'workers', Math.max(1, Math.min(4, availableParallelism())), { min: 1, max: 64, integer: true }),
    jsonPath: typeof flags.json === 'string' ? resolve(cwd, flags.json) : undefined,
  };
}
