// The penalised logistic regression behind `bradleyTerryStyle`, fitted by Newton–Raphson with a
// halving line search, and its sandwich covariance; optionally with a ridge on the covariates'
// coefficients, of a given strength or one chosen by empirical Bayes. The unknowns are the bots'
// log-strengths β (bot 0 fixed at 0 while fitting, recentred to sum zero afterwards) and the style
// coefficients γ.
// A pass over the battles (logistic-pass.ts) is what costs at Arena scale, so none is made twice:
// the unpenalised fit's last pass is where the ridge is chosen and where the penalised fit starts
// (the penalties are added to a copy of it), Newton stops before a step too small to move θ rather
// than after paying a pass for it, the sandwich reuses the last information and pays only for the
// meat, and on many battles the first Newton steps are a subsample's (startOf). 1,000,000 battles
// with the empirical-Bayes ridge: six passes over them all (and five over the subsample's 50,000)
// and a pass for the meat, against thirteen passes before.
import { choleskyInverse, choleskyJittered, choleskySolve, multiply } from './linear-algebra.ts';
import { dataPass, meatPass, SLOTS, type PairedDesign, type Pass } from './logistic-pass.ts';

export type { PairedDesign } from './logistic-pass.ts';

export interface LogisticOptions {
  prior: number;
  /**
   * Ridge on γ: the penalty (λ/2)·‖γ‖², a N(0, 1/λ) prior on each coefficient; 0 (default) for
   * none, 'auto' for λ chosen by empirical Bayes (empiricalRidge).
   */
  ridge?: number | 'auto';
  maxIterations: number;
  tolerance: number;
}

export interface LogisticFit {
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

/** θ and the battles' pass there, before the penalties. */
interface Point {
  theta: Float64Array;
  data: Pass;
}

const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

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

/** The penalised log-likelihood, score and information at a point, its battles' pass left as it was. */
function penalised(x: PairedDesign, at: Point, o: LogisticOptions): Pass {
  const { theta, data } = at;
  const pass = { loglik: data.loglik, grad: data.grad.slice(), info: data.info.slice() };
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

const maxAbs = (v: Float64Array) => v.reduce((m, e) => Math.max(m, Math.abs(e)), 0);

/**
 * Newton–Raphson on the penalised log-likelihood from `start`; a step is halved until it does not
 * lose. Stops when the next step would move no parameter by as much as `tolerance`, at the point
 * whose pass it has.
 */
function newton(x: PairedDesign, o: LogisticOptions, start: Point): { at: Point; pass: Pass; iterations: number } {
  const d = x.bots + x.k;
  let at = start;
  let cur = penalised(x, at, o);
  let iter = 0;
  while (iter < o.maxIterations) {
    const delta = choleskySolve(choleskyJittered(reduce(cur.info, d), d - 1), d - 1, reduce(cur.grad, d));
    const change = maxAbs(delta);
    if (change < o.tolerance) break;
    iter++;
    const slack = 1e-12 * (1 + Math.abs(cur.loglik));
    let step = 1;
    let next: { at: Point; pass: Pass } | null = null;
    for (; step > 1e-8; step /= 2) {
      const theta = at.theta.map((v, i) => (i === 0 ? 0 : v + step * (delta[i - 1] as number)));
      const cand = { theta, data: dataPass(x, theta) };
      next = { at: cand, pass: penalised(x, cand, o) };
      if (next.pass.loglik >= cur.loglik - slack) break;
    }
    if (!next || step <= 1e-8) break;
    ({ at, pass: cur } = next);
    if (step * change < o.tolerance) break;
  }
  return { at, pass: cur, iterations: iter };
}

/**
 * Standard errors from V = H⁻¹ M H⁻¹ at the fit (H its penalised information), β's recentred
 * through the centring matrix C: C V C.
 */
function sandwich(x: PairedDesign, theta: Float64Array, info: Float64Array): { betaSe: Float64Array; gammaSe: Float64Array } {
  const { bots: n, k } = x;
  const d = n + k;
  const hInv = choleskyInverse(choleskyJittered(reduce(info, d), d - 1), d - 1);
  const vr = multiply(multiply(hInv, reduce(meatPass(x, theta), d), d - 1), hInv, d - 1);
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
 * E selecting γ, so the search costs small matrix solves, not passes over the battles (H₀ is the
 * unpenalised fit's last information, prior included). Solved by
 * the secant method on ln λ, clamped to [RIDGE_MIN, RIDGE_MAX]; RIDGE_MAX when the coefficients
 * are too small for their noise (no fixed point: the evidence is largest with γ held at 0).
 */
function empiricalRidge(x: PairedDesign, theta0: Float64Array, info0: Float64Array): number {
  const { bots: n, k } = x;
  const d = n + k;
  const m = d - 1;
  const h0 = reduce(info0, d);
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

/** From 4 times this many battles a fit starts from the fit of a systematic subsample of about this many. */
const SUBSAMPLE = 50_000;

/**
 * Where Newton starts on the whole battles (with `o` the unpenalised fit's options): from 0, or
 * on many battles from the fit of every s-th battle, which is within a few sampling errors of the
 * answer, so that the first Newton steps cost passes over a fraction of the battles (1,000,000
 * battles: six passes and five over 50,000, against eight). That fit is only a start: to 1e-6,
 * and with at least the default prior, which keeps it finite when a bot won all its battles there.
 */
function startOf(x: PairedDesign, o: LogisticOptions): Point {
  const every = Math.floor(x.a.length / SUBSAMPLE);
  let theta: Float64Array = new Float64Array(x.bots + x.k);
  if (every >= 4) {
    const sub = subsample(x, every);
    const so = { ...o, prior: Math.max(o.prior, 1), tolerance: 1e-6 };
    theta = newton(sub, so, { theta, data: dataPass(sub, theta) }).at.theta;
  }
  return { theta, data: dataPass(x, theta) };
}

/** Every `every`-th battle, from the first. */
function subsample(x: PairedDesign, every: number): PairedDesign {
  const rows = Array.from({ length: Math.ceil(x.a.length / every) }, (_, i) => i * every);
  const z = new Float64Array(rows.length * SLOTS);
  for (const [i, t] of rows.entries()) for (let s = 0; s < SLOTS; s++) z[i * SLOTS + s] = x.z[t * SLOTS + s] as number;
  const of = (v: ArrayLike<number>) => (t: number) => v[t] as number;
  return {
    bots: x.bots,
    k: x.k,
    a: Int32Array.from(rows, of(x.a)),
    b: Int32Array.from(rows, of(x.b)),
    y: Float64Array.from(rows, of(x.y)),
    w: Float64Array.from(rows, of(x.w)),
    z,
  };
}

/** The penalised maximum-likelihood fit and its sandwich standard errors. */
export function fitLogistic(x: PairedDesign, o0: LogisticOptions): LogisticFit {
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
  let start = startOf(x, { ...o0, ridge: 0 });
  let o = o0;
  if (o0.ridge === 'auto') {
    // warm start at the unpenalised fit, where the ridge's strength is chosen
    let ridge = 0;
    if (x.k > 0) {
      const free = newton(x, { ...o0, ridge: 0 }, start);
      ridge = empiricalRidge(x, free.at.theta, free.pass.info);
      start = free.at;
    }
    o = { ...o0, ridge };
  }
  const { at, pass, iterations } = newton(x, o, start);
  const theta = at.theta;
  const { betaSe, gammaSe } = sandwich(x, theta, pass.info);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (theta[i] as number) / n;
  const beta = theta.slice(0, n).map((v) => v - mean);
  return { beta, gamma: theta.slice(n), betaSe, gammaSe, iterations, ridge: o.ridge === 'auto' ? 0 : (o.ridge ?? 0) };
}
