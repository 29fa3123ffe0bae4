// The validation report: each method's rank agreement with the planted truth over the seasons,
// how often a confident call is wrong, how often the intervals hold the reference rating, how
// many battles each sampling needs, and how many battles it takes to flip the ranking.
import { bradleyTerryStyle, designBound, quantile, type StyledBattle } from '@botsky/ratings';
import { METHODS, type Method } from './methods.ts';
import type { ValidateOptions } from './options.ts';
import type { SeasonSummary } from './season-job.ts';
import type { SimBot } from './world.ts';

export interface ValidationReport {
  command: string;
  options: Omit<ValidateOptions, 'jsonPath' | 'workers'>;
  seasons: number;
  bots: { id: string; style: string; quality: number; latency_s: number; reference_rating: number; reference_ci95: [number, number] }[];
  battles_per_season: { median: number; p10: number };
  tau: Record<Method, { median: number; p10: number; mean: number }>;
  confident_errors: number;
  coverage: number;
  /** `bound`: the ratio no choice of pairs could beat, knowing the reference ratings (designBound) */
  battles_to_tau: { target: number; uniform: number | null; active: number | null; ratio: number | null; bound: number | null };
  drop_to_flip: number | null;
  /** per season (median): actions beyond the daily cap, people flagged by the anomaly tests */
  excluded: { capped_actions: number; flagged_people: number };
  reference: { seasons: number; battles: number; style_coefficients: { name: string; value: number; ci95: [number, number] }[] };
  elapsed_s: number;
}

const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

function summary(xs: readonly number[]): { median: number; p10: number; mean: number } {
  const s = sorted(xs.filter((x) => Number.isFinite(x)));
  return { median: round(quantile(s, 0.5)), p10: round(quantile(s, 0.1)), mean: round(s.reduce((a, b) => a + b, 0) / s.length) };
}

/** Median where null means "not within the season" (counted as worse than any number). */
function medianOrNull(xs: readonly (number | null)[]): number | null {
  const s = sorted(xs.map((x) => x ?? Number.POSITIVE_INFINITY));
  const m = quantile(s, 0.5);
  return Number.isFinite(m) ? round(m) : null;
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

export function buildValidationReport(o: {
  options: ValidateOptions;
  command: string;
  bots: readonly SimBot[];
  seasons: readonly SeasonSummary[];
  reference: readonly StyledBattle[];
  elapsedS: number;
  tauTarget: number;
}): ValidationReport {
  const ref = bradleyTerryStyle(o.reference);
  const refBy = new Map(ref.ratings.map((r) => [r.bot, r]));
  const { jsonPath: _j, workers: _w, ...options } = o.options;
  const uniform = medianOrNull(o.seasons.map((s) => s.battlesToTau.uniform));
  const active = medianOrNull(o.seasons.map((s) => s.battlesToTau.active));
  return {
    command: o.command,
    options,
    seasons: o.seasons.length,
    bots: o.bots.map((b) => ({
      id: b.id,
      style: b.style,
      quality: b.quality,
      latency_s: b.latencyS,
      reference_rating: round(refBy.get(b.id)?.rating ?? Number.NaN, 2),
      reference_ci95: (refBy.get(b.id)?.ci95 ?? [Number.NaN, Number.NaN]).map((x) => round(x, 2)) as [number, number],
    })),
    battles_per_season: (({ median, p10 }) => ({ median, p10 }))(summary(o.seasons.map((s) => s.battles))),
    tau: Object.fromEntries(METHODS.map((m) => [m, summary(o.seasons.map((s) => s.tau[m]))])) as ValidationReport['tau'],
    confident_errors: round(confidentErrors(o.seasons, o.bots)),
    coverage: round(coverage(o.seasons, refBy)),
    battles_to_tau: {
      target: o.tauTarget,
      uniform,
      active,
      ratio: uniform && active ? round(active / uniform, 3) : null,
      bound: ratioBound(
        ref.ratings.map((r) => r.rating),
        o.tauTarget,
      ),
    },
    drop_to_flip: medianOrNull(o.seasons.map((s) => s.dropToFlip)),
    excluded: {
      capped_actions: summary(o.seasons.map((s) => s.cappedActions)).median,
      flagged_people: summary(o.seasons.map((s) => s.flaggedPeople)).median,
    },
    reference: {
      seasons: o.options.referenceSeasons,
      battles: o.reference.length,
      style_coefficients: ref.coefficients.map((c) => ({
        name: c.name,
        value: round(c.value),
        ci95: [round(c.ci95[0]), round(c.ci95[1])],
      })),
    },
    elapsed_s: round(o.elapsedS, 1),
  };
}

/**
 * The best ratio of battles any choice of pairs could reach against uniform, for the reference
 * ratings, when the ranking may keep the misordered neighbouring pairs that τ ≥ target allows
 * (each costs 2/C(n, 2) of τ); null when two reference ratings tie.
 */
function ratioBound(ratings: readonly number[], target: number): number | null {
  const n = ratings.length;
  if (n < 2 || new Set(ratings).size < n) return null;
  const allowedWrong = Math.floor(((1 - target) * (n * (n - 1))) / 2 / 2 + 1e-9);
  return round(designBound(ratings, allowedWrong).ratio, 3);
}

/** Of all bot pairs in all seasons: those whose style-controlled intervals do not overlap and whose order contradicts the truth. */
function confidentErrors(seasons: readonly SeasonSummary[], bots: readonly SimBot[]): number {
  let pairs = 0;
  let wrong = 0;
  for (const s of seasons) {
    for (let i = 0; i < bots.length; i++) {
      for (let j = i + 1; j < bots.length; j++) {
        pairs++;
        const [x, y] = [bots[i] as SimBot, bots[j] as SimBot];
        const a = s.bt.bt_style[x.id];
        const b = s.bt.bt_style[y.id];
        if (!a || !b) continue;
        const aAbove = a[1] > b[2];
        const bAbove = b[1] > a[2];
        if ((aAbove && x.quality < y.quality) || (bAbove && y.quality < x.quality)) wrong++;
      }
    }
  }
  return pairs > 0 ? wrong / pairs : 0;
}

/** Share of the seasons' style-controlled 95% intervals that contain the bot's reference rating. */
function coverage(seasons: readonly SeasonSummary[], ref: ReadonlyMap<string, { rating: number }>): number {
  let n = 0;
  let inside = 0;
  for (const s of seasons) {
    for (const [bot, [, lo, hi]] of Object.entries(s.bt.bt_style)) {
      const r = ref.get(bot)?.rating;
      if (r === undefined) continue;
      n++;
      if (lo <= r && r <= hi) inside++;
    }
  }
  return n > 0 ? inside / n : 0;
}

export function reportLines(r: ValidationReport): string[] {
  const f = (x: number | null, d = 2) => (x === null ? '-' : x.toFixed(d));
  return [
    `seasons ${r.seasons}, ${r.bots.length} bots, ${r.options.people} people, ${r.options.days} simulated days each, sampling ${r.options.sampling}, style effect ${r.options.styleEffect}`,
    `battles per season: median ${f(r.battles_per_season.median, 0)}`,
    ...METHODS.map((m) => `tau ${m.padEnd(15)} median ${f(r.tau[m].median)}  p10 ${f(r.tau[m].p10)}  mean ${f(r.tau[m].mean, 3)}`),
    `confident_errors ${f(r.confident_errors, 4)}  coverage ${f(r.coverage, 3)} (reference: ${r.reference.battles} battles from ${r.reference.seasons} seasons)`,
    `battles_to_tau (tau >= ${r.battles_to_tau.target} from then on): uniform ${f(r.battles_to_tau.uniform, 0)}, active ${f(r.battles_to_tau.active, 0)}, ratio ${f(r.battles_to_tau.ratio, 3)} (no choice of pairs could beat ${f(r.battles_to_tau.bound, 3)})`,
    `drop_to_flip (battles, median) ${f(r.drop_to_flip, 0)}; left out per season (median): ${r.excluded.capped_actions} capped actions, ${r.excluded.flagged_people} flagged people`,
    `style coefficients: ${r.reference.style_coefficients.map((c) => `${c.name} ${c.value.toFixed(3)}`).join(', ')}`,
    `${r.elapsed_s} s`,
  ];
}
