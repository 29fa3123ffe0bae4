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
import { assignRanks, botsOf, type BtOptions, type RatedBot } from './bradley-terry.ts';
import { scoreOf, type Battle } from './elo.ts';
import { Z95, type Interval } from './intervals.ts';
import { fitLogistic, type PairedDesign } from './logistic-fit.ts';
import { featureDifference, STYLE_FEATURES, type ReplyStyle, type StyleFeature } from './style-features.ts';

export { featureDifference, STYLE_FEATURES, styleOf, type ReplyStyle, type StyleFeature } from './style-features.ts';

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
  /** The covariates to control for, all by default. */
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

/** Feature f's covariate for every battle, scaled to unit weighted root mean square; null if constant. */
function column(battles: readonly StyledBattle[], w: Float64Array, wSum: number, feature: StyleFeature): Float64Array | null {
  const col = new Float64Array(battles.length);
  let first = Number.NaN;
  let varies = false;
  let ss = 0;
  for (let t = 0; t < battles.length; t++) {
    const battle = battles[t] as StyledBattle;
    const v = featureDifference(feature, battle.styleA, battle.styleB);
    col[t] = v;
    const wt = w[t] as number;
    if (!(wt > 0)) continue;
    if (Number.isNaN(first)) first = v;
    else if (v !== first) varies = true;
    ss += wt * v * v;
  }
  if (!varies || !(ss > 0)) return null;
  const rms = Math.sqrt(ss / wSum);
  for (let t = 0; t < col.length; t++) col[t] = (col[t] as number) / rms;
  return col;
}

/** The covariate columns that vary, interleaved per battle, and which features they are. */
function covariates(
  battles: readonly StyledBattle[],
  w: Float64Array,
  features: readonly StyleFeature[],
): { z: Float64Array; active: number[] } {
  let wSum = 0;
  for (const v of w) wSum += v;
  const columns: Float64Array[] = [];
  const active: number[] = [];
  features.forEach((feature, f) => {
    const col = column(battles, w, wSum, feature);
    if (!col) return;
    columns.push(col);
    active.push(f);
  });
  const k = columns.length;
  const z = new Float64Array(battles.length * k);
  for (let f = 0; f < k; f++) {
    const col = columns[f] as Float64Array;
    for (let t = 0; t < col.length; t++) z[t * k + f] = col[t] as number;
  }
  return { z, active };
}

function design(
  battles: readonly StyledBattle[],
  bots: string[],
  features: readonly StyleFeature[],
): { x: PairedDesign; active: number[] } {
  const index = new Map(bots.map((b, i) => [b, i]));
  const n = battles.length;
  const x = { a: new Int32Array(n), b: new Int32Array(n), y: new Float64Array(n), w: new Float64Array(n) };
  for (let t = 0; t < n; t++) {
    const battle = battles[t] as StyledBattle;
    x.a[t] = index.get(battle.a) as number;
    x.b[t] = index.get(battle.b) as number;
    x.y[t] = scoreOf(battle.winner);
    x.w[t] = battle.weight ?? 1;
  }
  const { z, active } = covariates(battles, x.w, features);
  return { x: { ...x, bots: bots.length, k: active.length, z }, active };
}

/** Bradley–Terry with style covariates: ratings net of style, and what each style feature is worth. */
export function bradleyTerryStyle(battles: readonly StyledBattle[], opts: StyleFitOptions = {}): StyleFit {
  const o = { ...STYLE_DEFAULTS, ...opts };
  const features = opts.features ?? STYLE_FEATURES;
  const bots = botsOf(battles);
  const { x, active } = design(battles, bots, features);
  const ridge = o.ridge === 'auto' && battles.length < AUTO_RIDGE_MIN_BATTLES ? 0 : o.ridge;
  const fit = fitLogistic(x, { ...o, ridge });
  const toElo = o.scale / Math.log(o.base);
  const played = new Map<string, number>();
  for (const b of battles) played.set(b.a, (played.get(b.a) ?? 0) + 1).set(b.b, (played.get(b.b) ?? 0) + 1);
  const ratings = bots.map((bot, i): RatedBot => {
    const rating = o.centre + toElo * (fit.beta[i] as number);
    const half = Z95 * toElo * (fit.betaSe[i] as number);
    return { bot, rating, ci95: [rating - half, rating + half], battles: played.get(bot) ?? 0, rank: 0 };
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
