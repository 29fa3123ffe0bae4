// Style control, as Chatbot Arena's (Li et al., "Does style matter?", 2024): Bradley–Terry with
// the two replies' style differences as covariates, so that a bot is not rated up for being
// long, chatty or fast when people reward that in any bot.
//
// Model: P(a beats b) = σ((β_a − β_b) + γ·z), z the battle's covariates: for the counts (length
// in graphemes, questions, emoji, mentions) the normalised difference (x_a − x_b)/(x_a + x_b), 0
// when both are 0; for links the difference of the presence indicators; for latency the
// difference of log(1 + seconds). Each column is scaled to unit weighted root mean square: that
// is mean 0 and sd 1 over the battles read in both orientations ((a, b, z, y) and (b, a, −z,
// 1 − y) are the same observation). Subtracting the mean of the battles as labelled would add a
// term −γ·mean that depends on which bot is side A, which the model must not. A column that is
// constant over the battles is left out (coefficient 0, interval [0, 0]).
//
// Ties are y = 0.5; a battle's weight multiplies its log-likelihood. Fitted by Newton–Raphson
// with bradleyTerry's prior on β only (per bot, `prior` virtual games, half won, against the
// average bot), which keeps an all-win bot finite, and by default a ridge on γ whose strength is
// chosen by empirical Bayes (logistic-fit.ts), which holds γ at 0 when the battles show no style
// effect beyond noise; β is identified by fixing one bot and then recentring to sum zero.
// Intervals: the sandwich covariance V = H⁻¹ M H⁻¹ (H the weighted information plus the prior's
// and the ridge's, M = Σ w²(y − p)² x xᵀ), robust to ties and to the weights; a rating's interval
// is that of its recentred β, on the Elo scale centre + scale·β/ln(base).
import { assignRanks, type BtOptions, type RatedBot } from './bradley-terry.ts';
import { scoreOf, type Battle } from './elo.ts';
import { Z95, type Interval } from './intervals.ts';
import { fitLogistic } from './logistic-fit.ts';
import { SLOTS, type PairedDesign } from './logistic-pass.ts';
import { STYLE_FEATURES, styleDifferences, type ReplyStyle, type StyleFeature } from './style-features.ts';

export {
  featureDifference,
  STYLE_FEATURES,
  styleDifferences,
  styleOf,
  type ReplyStyle,
  type StyleFeature,
} from './style-features.ts';

export interface StyledBattle extends Battle {
  styleA: ReplyStyle;
  styleB: ReplyStyle;
}

/** A style coefficient, per standard deviation of its covariate, in natural-log odds. */
export interface StyleCoefficient {
  name: StyleFeature;
  value: number;
  ci95: Interval;
}

export interface StyleFit {
  ratings: RatedBot[];
  coefficients: StyleCoefficient[];
  /** The ridge strength λ used (chosen by empirical Bayes under 'auto'); 0 with no covariate. */
  ridge: number;
}

/** Bradley–Terry's options (the prior, the scale, the iterations); `tolerance` is Newton's step, in natural-log units. */
export interface StyleFitOptions extends BtOptions {
  /** The covariates to control for, each at most once; all by default. */
  features?: readonly StyleFeature[];
  /**
   * The ridge on the standardised style coefficients, a N(0, 1/λ) prior on each: λ, or 'auto'
   * (default, STYLE_RIDGE) for λ chosen by empirical Bayes from the battles themselves.
   */
  ridge?: number | 'auto';
}

/**
 * The style coefficients' ridge by default: its strength chosen by empirical Bayes on each fit's
 * battles (docs/ranking-method.md#ratings). Without it, the covariates' noise cost the ranking
 * 0.024 in mean τ when people had no taste for style (`botsky validate --style-effect 0`: 0.938
 * against the raw fit's 0.961); with it the two agree (0.961 and 0.961), and with the default
 * taste for style the style-controlled ranking gains (0.923 against 0.915).
 */
export const STYLE_RIDGE = 'auto';

/**
 * Fewer decided battles than this and 'auto' fits no ridge: empirical Bayes needs enough battles
 * to tell a small style effect from none, and on a few hundred it shrinks every coefficient to 0,
 * which is no style control at all (a short demo's ranking then followed the bots' styles).
 */
export const AUTO_RIDGE_MIN_BATTLES = 1000;

const STYLE_DEFAULTS = {
  prior: 1,
  scale: 400,
  base: 10,
  centre: 1000,
  maxIterations: 100,
  tolerance: 1e-10,
  ridge: STYLE_RIDGE as number | 'auto',
};

/** The bots' ids in order, and each battle's bots by index in it: one map lookup per side. */
function indexBots(battles: readonly StyledBattle[]): { bots: string[]; a: Int32Array; b: Int32Array } {
  const seen = new Map<string, number>();
  const n = battles.length;
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const idOf = (bot: string): number => {
    const i = seen.get(bot);
    if (i !== undefined) return i;
    seen.set(bot, seen.size);
    return seen.size - 1;
  };
  for (let t = 0; t < n; t++) {
    const battle = battles[t] as StyledBattle;
    a[t] = idOf(battle.a);
    b[t] = idOf(battle.b);
  }
  const bots = [...seen.keys()].sort(); // botsOf's order
  const rank = new Int32Array(bots.length);
  for (const [i, bot] of bots.entries()) rank[seen.get(bot) as number] = i;
  for (let t = 0; t < n; t++) {
    a[t] = rank[a[t] as number] as number;
    b[t] = rank[b[t] as number] as number;
  }
  return { bots, a, b };
}

/**
 * The design in one pass over the battles: bots, outcomes, weights, and the covariates of the
 * features that vary (over the battles of weight > 0), each scaled to unit weighted root mean
 * square, in SLOTS slots per battle (the rest 0); `active` says which features they are.
 */
function design(
  battles: readonly StyledBattle[],
  features: readonly StyleFeature[],
): { x: PairedDesign; bots: string[]; active: number[] } {
  const { bots, a, b } = indexBots(battles);
  const n = battles.length;
  const y = new Float64Array(n);
  const w = new Float64Array(n);
  // every feature's raw covariate first, in STYLE_FEATURES' order; then those fitted, in place
  const z = new Float64Array(n * SLOTS);
  for (let t = 0; t < n; t++) {
    const battle = battles[t] as StyledBattle;
    y[t] = scoreOf(battle.winner);
    w[t] = battle.weight ?? 1;
    styleDifferences(battle.styleA, battle.styleB, z, t * SLOTS);
  }
  const slots = features.map((feature) => STYLE_FEATURES.indexOf(feature));
  const bySlot = scalesOf(z, w);
  const scales = slots.map((slot) => bySlot[slot] ?? null);
  const active = features.flatMap((_, f) => (scales[f] === null ? [] : [f]));
  const from = active.map((f) => slots[f] as number);
  const rms = active.map((f) => scales[f] as number);
  const raw = new Float64Array(SLOTS);
  for (let off = 0; off < z.length; off += SLOTS) {
    for (let s = 0; s < SLOTS; s++) raw[s] = z[off + s] as number;
    for (let s = 0; s < SLOTS; s++) z[off + s] = s < from.length ? (raw[from[s] as number] as number) / (rms[s] as number) : 0;
  }
  return { x: { bots: bots.length, k: active.length, a, b, y, w, z }, bots, active };
}

/** Each slot's weighted root mean square, or null where it is the same in every battle of weight > 0. */
function scalesOf(z: Float64Array, w: Float64Array): (number | null)[] {
  const first = new Float64Array(SLOTS).fill(Number.NaN);
  const varies = new Uint8Array(SLOTS);
  const ss = new Float64Array(SLOTS);
  let wSum = 0;
  for (let t = 0; t < w.length; t++) {
    const wt = w[t] as number;
    wSum += wt;
    if (!(wt > 0)) continue;
    for (let s = 0; s < SLOTS; s++) {
      const v = z[t * SLOTS + s] as number;
      if (Number.isNaN(first[s])) first[s] = v;
      else if (v !== first[s]) varies[s] = 1;
      ss[s] = (ss[s] as number) + wt * v * v;
    }
  }
  return Array.from(ss, (sum, s) => (varies[s] && sum > 0 ? Math.sqrt(sum / wSum) : null));
}

/** Bradley–Terry with style covariates: ratings net of style, and what each style feature is worth. */
export function bradleyTerryStyle(battles: readonly StyledBattle[], opts: StyleFitOptions = {}): StyleFit {
  const o = { ...STYLE_DEFAULTS, ...opts };
  const features = opts.features ?? STYLE_FEATURES;
  if (new Set(features).size !== features.length || features.some((f) => !STYLE_FEATURES.includes(f)))
    throw new RangeError(`style features must be distinct names from STYLE_FEATURES, got ${features.join(', ')}`);
  const { x, bots, active } = design(battles, features);
  const ridge = o.ridge === 'auto' && battles.length < AUTO_RIDGE_MIN_BATTLES ? 0 : o.ridge;
  const fit = fitLogistic(x, { ...o, ridge });
  const toElo = o.scale / Math.log(o.base);
  const played = new Float64Array(bots.length);
  for (let t = 0; t < x.a.length; t++) {
    played[x.a[t] as number] = (played[x.a[t] as number] as number) + 1;
    played[x.b[t] as number] = (played[x.b[t] as number] as number) + 1;
  }
  const ratings = bots.map((bot, i): RatedBot => {
    const rating = o.centre + toElo * (fit.beta[i] as number);
    const half = Z95 * toElo * (fit.betaSe[i] as number);
    return { bot, rating, ci95: [rating - half, rating + half], battles: played[i] as number, rank: 0 };
  });
  const coefficients = features.map((name, f): StyleCoefficient => {
    const at = active.indexOf(f);
    if (at < 0) return { name, value: 0, ci95: [0, 0] };
    const value = fit.gamma[at] as number;
    const half = Z95 * (fit.gammaSe[at] as number);
    return { name, value, ci95: [value - half, value + half] };
  });
  return { ratings: assignRanks(ratings), coefficients, ridge: fit.ridge };
}
