// The style-controlled fit as it was before it was made fast for Arena scale (the code of
// packages/ratings/src/style-control.ts and logistic-fit.ts until issue 16), kept for the tests
// only: a pass over the battles per feature to build the covariates, loops over k in every
// battle's update of the information, and a pass for every evaluation: Newton's last,
// sub-tolerance step, the ridge's choice, the penalised fit's start and the sandwich each paid one.
// (A battle of a bot against itself added to that bot's diagonal of the information here.)
import {
  AUTO_RIDGE_MIN_BATTLES,
  assignRanks,
  botsOf,
  featureDifference,
  scoreOf,
  STYLE_FEATURES,
  Z95,
  type RatedBot,
  type StyleCoefficient,
  type StyleFeature,
  type StyleFit,
  type StyleFitOptions,
  type StyledBattle,
} from '../src/index.ts';
import { choleskyInverse, choleskyJittered, choleskySolve, multiply } from '../src/linear-algebra.ts';

const STYLE_DEFAULTS = {
  prior: 1,
  scale: 400,
  base: 10,
  centre: 1000,
  maxIterations: 100,
  tolerance: 1e-10,
  ridge: 'auto' as number | 'auto',
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

export function referenceStyleFit(battles: readonly StyledBattle[], opts: StyleFitOptions = {}): StyleFit {
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

/** Battles as arrays: bot indices, outcome y in [0, 1], weight, and k covariates per battle. */
interface PairedDesign {
  bots: number;
  k: number;
  a: Int32Array;
  b: Int32Array;
  y: Float64Array;
  w: Float64Array;
  /** z[t * k + f]: covariate f of battle t. */
  z: Float64Array;
}

interface LogisticOptions {
  prior: number;
  /**
   * Ridge on γ: the penalty (λ/2)·‖γ‖², a N(0, 1/λ) prior on each coefficient; 0 (default) for
   * none, 'auto' for λ chosen by empirical Bayes (empiricalRidge).
   */
  ridge?: number | 'auto';
  maxIterations: number;
  tolerance: number;
}

interface LogisticFit {
  /** Log-strengths, summing to zero. */
  beta: Float64Array;
  gamma: Float64Array;
  /** Sandwich standard errors of the recentred β and of γ. */
  betaSe: Float64Array;
  gammaSe: Float64Array;
  iterations: number;
  /** The ridge strength λ the fit used (the chosen one under 'auto'). */
  ridge: number;
}

interface Pass {
  loglik: number;
  grad: Float64Array;
  info: Float64Array;
  meat: Float64Array | null;
}

const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** mat += h·x xᵀ (upper triangle) for the row x = e_a − e_b + Σ z_f e_{n+f}. */
function addOuter(
  mat: Float64Array,
  d: number,
  n: number,
  k: number,
  ia: number,
  ib: number,
  z: Float64Array,
  off: number,
  h: number,
): void {
  mat[ia * d + ia] = (mat[ia * d + ia] as number) + h;
  mat[ib * d + ib] = (mat[ib * d + ib] as number) + h;
  const lo = Math.min(ia, ib);
  const hi = Math.max(ia, ib);
  mat[lo * d + hi] = (mat[lo * d + hi] as number) - h;
  for (let f = 0; f < k; f++) {
    const hz = h * (z[off + f] as number);
    const col = n + f;
    mat[ia * d + col] = (mat[ia * d + col] as number) + hz;
    mat[ib * d + col] = (mat[ib * d + col] as number) - hz;
    for (let g = f; g < k; g++) mat[col * d + n + g] = (mat[col * d + n + g] as number) + hz * (z[off + g] as number);
  }
}

function mirror(mat: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) mat[j * d + i] = mat[i * d + j] as number;
}

/** Log-likelihood, score and information of the battles at θ, and the sandwich's meat on request. */
function dataPass(x: PairedDesign, theta: Float64Array, wantMeat: boolean): Pass {
  const { bots: n, k } = x;
  const d = n + k;
  const grad = new Float64Array(d);
  const info = new Float64Array(d * d);
  const meat = wantMeat ? new Float64Array(d * d) : null;
  let loglik = 0;
  for (let t = 0; t < x.a.length; t++) {
    const ia = x.a[t] as number;
    const ib = x.b[t] as number;
    const off = t * k;
    let eta = (theta[ia] as number) - (theta[ib] as number);
    for (let f = 0; f < k; f++) eta += (theta[n + f] as number) * (x.z[off + f] as number);
    // One exponential for both σ(η) and log(1 + e^η), stable at either sign.
    const e = Math.exp(-Math.abs(eta));
    const p = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
    const w = x.w[t] as number;
    const y = x.y[t] as number;
    const r = w * (y - p);
    loglik += w * (y * eta - Math.max(eta, 0) - Math.log1p(e));
    grad[ia] = (grad[ia] as number) + r;
    grad[ib] = (grad[ib] as number) - r;
    for (let f = 0; f < k; f++) grad[n + f] = (grad[n + f] as number) + r * (x.z[off + f] as number);
    addOuter(info, d, n, k, ia, ib, x.z, off, w * p * (1 - p));
    if (meat) addOuter(meat, d, n, k, ia, ib, x.z, off, r * r);
  }
  mirror(info, d);
  if (meat) mirror(meat, d);
  return { loglik, grad, info, meat };
}

/**
 * One virtual game per bot, half won, against the average bot (the mean of β), as in
 * `bradleyTerry`'s prior: log-concave, shift-invariant, and a penalty on β only.
 */
function addPrior(pass: Pass, theta: Float64Array, n: number, d: number, prior: number): void {
  if (prior === 0 || n === 0) return;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (theta[i] as number) / n;
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  let gMean = 0;
  let hSum = 0;
  for (let i = 0; i < n; i++) {
    const di = (theta[i] as number) - mean;
    const s = sigmoid(di);
    pass.loglik += prior * (0.5 * di - softplus(di));
    g[i] = prior * (0.5 - s);
    h[i] = prior * s * (1 - s);
    gMean += (g[i] as number) / n;
    hSum += h[i] as number;
  }
  // The information in β of a function of Cβ (C the centring matrix) is C diag(h) C.
  for (let i = 0; i < n; i++) {
    pass.grad[i] = (pass.grad[i] as number) + (g[i] as number) - gMean;
    for (let j = 0; j < n; j++) {
      const cdc = (i === j ? (h[i] as number) : 0) - ((h[i] as number) + (h[j] as number)) / n + hSum / (n * n);
      pass.info[i * d + j] = (pass.info[i * d + j] as number) + cdc;
    }
  }
}

/** The ridge penalty (λ/2)·‖γ‖² on the covariates' coefficients: its score and information. */
function addRidge(pass: Pass, theta: Float64Array, n: number, k: number, lambda: number): void {
  if (!(lambda > 0)) return;
  const d = n + k;
  for (let f = 0; f < k; f++) {
    const g = theta[n + f] as number;
    pass.loglik -= 0.5 * lambda * g * g;
    pass.grad[n + f] = (pass.grad[n + f] as number) - lambda * g;
    pass.info[(n + f) * d + n + f] = (pass.info[(n + f) * d + n + f] as number) + lambda;
  }
}

function evaluate(x: PairedDesign, theta: Float64Array, o: LogisticOptions, wantMeat: boolean): Pass {
  const pass = dataPass(x, theta, wantMeat);
  addPrior(pass, theta, x.bots, x.bots + x.k, o.prior);
  addRidge(pass, theta, x.bots, x.k, typeof o.ridge === 'number' ? o.ridge : 0);
  return pass;
}

/** The matrix or vector without its first row and column (bot 0, whose β is fixed). */
function reduce(m: Float64Array, d: number): Float64Array {
  if (m.length === d) return m.slice(1);
  const r = new Float64Array((d - 1) * (d - 1));
  for (let i = 1; i < d; i++) for (let j = 1; j < d; j++) r[(i - 1) * (d - 1) + j - 1] = m[i * d + j] as number;
  return r;
}

/** Newton–Raphson on the penalised log-likelihood; a step is halved until it does not lose. */
function newton(x: PairedDesign, o: LogisticOptions, start?: Float64Array): { theta: Float64Array; iterations: number } {
  const d = x.bots + x.k;
  let theta = start ? start.slice() : new Float64Array(d);
  let cur = evaluate(x, theta, o, false);
  let iter = 0;
  while (iter < o.maxIterations) {
    iter++;
    const delta = choleskySolve(choleskyJittered(reduce(cur.info, d), d - 1), d - 1, reduce(cur.grad, d));
    const slack = 1e-12 * (1 + Math.abs(cur.loglik));
    let step = 1;
    let next: Pass | null = null;
    let cand = theta;
    for (; step > 1e-8; step /= 2) {
      cand = theta.map((v, i) => (i === 0 ? 0 : v + step * (delta[i - 1] as number)));
      next = evaluate(x, cand, o, false);
      if (next.loglik >= cur.loglik - slack) break;
    }
    if (!next || step <= 1e-8) break;
    theta = cand;
    cur = next;
    let change = 0;
    for (const v of delta) change = Math.max(change, Math.abs(step * v));
    if (change < o.tolerance) break;
  }
  return { theta, iterations: iter };
}

/** Standard errors from V = H⁻¹ M H⁻¹, β's recentred through the centring matrix C: C V C. */
function sandwich(x: PairedDesign, theta: Float64Array, o: LogisticOptions): { betaSe: Float64Array; gammaSe: Float64Array } {
  const { bots: n, k } = x;
  const d = n + k;
  const at = evaluate(x, theta, o, true);
  const hInv = choleskyInverse(choleskyJittered(reduce(at.info, d), d - 1), d - 1);
  const vr = multiply(multiply(hInv, reduce(at.meat as Float64Array, d), d - 1), hInv, d - 1);
  const v = (i: number, j: number) => (i === 0 || j === 0 ? 0 : (vr[(i - 1) * (d - 1) + j - 1] as number));
  const rowMean = new Float64Array(n);
  let allMean = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) rowMean[i] = (rowMean[i] as number) + v(i, j) / n;
    allMean += (rowMean[i] as number) / n;
  }
  const betaSe = new Float64Array(n).map((_, i) => Math.sqrt(Math.max(0, v(i, i) - 2 * (rowMean[i] as number) + allMean)));
  const gammaSe = new Float64Array(k).map((_, f) => Math.sqrt(Math.max(0, v(n + f, n + f))));
  return { betaSe, gammaSe };
}

const RIDGE_MIN = 1e-4;
const RIDGE_MAX = 1e8;

/**
 * Empirical Bayes ridge: γ_f ~ N(0, 1/λ), one λ for every coefficient (they are all per standard
 * deviation of their covariate), chosen where the Laplace approximation of the marginal likelihood
 * is stationary: MacKay's λ = Σ_f (1 − λ·S_ff) / Σ_f γ_f², γ the penalised estimate and S its
 * posterior covariance. Both come from the quadratic approximation at the unpenalised fit θ₀
 * (information H₀): γ(λ) is the γ part of θ₀ − λ(H₀ + λE)⁻¹Eθ₀ and S the γ block of (H₀ + λE)⁻¹,
 * E selecting γ, so the search costs small matrix solves, not passes over the battles. Solved by
 * the secant method on ln λ, clamped to [RIDGE_MIN, RIDGE_MAX]; RIDGE_MAX when the coefficients
 * are too small for their noise (no fixed point: the evidence is largest with γ held at 0).
 */
function empiricalRidge(x: PairedDesign, theta0: Float64Array, o: LogisticOptions): number {
  const { bots: n, k } = x;
  const d = n + k;
  const m = d - 1;
  const h0 = reduce(evaluate(x, theta0, o, false).info, d);
  const t0 = theta0.slice(1);
  const residual = (u: number): number => {
    const lambda = Math.exp(u);
    const a = h0.slice();
    const rhs = new Float64Array(m);
    for (let f = 0; f < k; f++) {
      const q = n - 1 + f;
      a[q * m + q] = (a[q * m + q] as number) + lambda;
      rhs[q] = lambda * (t0[q] as number);
    }
    const l = choleskyJittered(a, m);
    const shift = choleskySolve(l, m, rhs);
    const inv = choleskyInverse(l, m);
    let num = 0;
    let den = 0;
    for (let f = 0; f < k; f++) {
      const q = n - 1 + f;
      num += Math.max(0, 1 - lambda * (inv[q * m + q] as number));
      den += ((t0[q] as number) - (shift[q] as number)) ** 2;
    }
    const next = den > 0 && num > 0 ? num / den : RIDGE_MAX;
    return Math.log(Math.min(RIDGE_MAX, Math.max(RIDGE_MIN, next))) - u;
  };
  const lo = Math.log(RIDGE_MIN);
  const hi = Math.log(RIDGE_MAX);
  let u0 = 0;
  let f0 = residual(u0);
  let u1 = Math.min(hi, Math.max(lo, u0 + f0));
  let f1 = residual(u1);
  for (let it = 0; it < 50 && Math.abs(f1) > 1e-6; it++) {
    const slope = (f1 - f0) / (u1 - u0);
    let u2 = Number.isFinite(slope) && slope < -1e-9 ? u1 - f1 / slope : u1 + f1;
    u2 = Math.min(hi, Math.max(lo, u2));
    if (u2 === u1) break;
    [u0, f0] = [u1, f1];
    u1 = u2;
    f1 = residual(u1);
  }
  return Math.exp(u1);
}

/** The penalised maximum-likelihood fit and its sandwich standard errors. */
function fitLogistic(x: PairedDesign, o0: LogisticOptions): LogisticFit {
  const n = x.bots;
  if (n === 0)
    return {
      beta: new Float64Array(0),
      gamma: new Float64Array(x.k),
      betaSe: new Float64Array(0),
      gammaSe: new Float64Array(x.k),
      iterations: 0,
      ridge: 0,
    };
  let o = o0;
  let start: Float64Array | undefined;
  if (o0.ridge === 'auto') {
    // warm start at the unpenalised fit, where the ridge's strength is chosen
    if (x.k > 0) start = newton(x, { ...o0, ridge: 0 }).theta;
    o = { ...o0, ridge: start ? empiricalRidge(x, start, { ...o0, ridge: 0 }) : 0 };
  }
  const { theta, iterations } = newton(x, o, start);
  const { betaSe, gammaSe } = sandwich(x, theta, o);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (theta[i] as number) / n;
  const beta = theta.slice(0, n).map((v) => v - mean);
  return { beta, gamma: theta.slice(n), betaSe, gammaSe, iterations, ridge: o.ridge === 'auto' ? 0 : (o.ridge ?? 0) };
}
