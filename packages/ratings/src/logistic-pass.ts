// One pass over the battles of the style fit (logistic-fit.ts): the log-likelihood, score and
// information at θ, or the sandwich's meat. A battle's design row is e_a − e_b plus its k
// covariates, so its outer product touches the pair's entry, 2k bot–covariate entries and the
// k(k+1)/2 of the covariates' block: those are summed in small arrays (the bot block per pair,
// one entry per battle) and spread into the dense (n + k)² matrix once at the end, so a pass
// costs O(k²) per battle whatever the number of bots. The covariates sit in SLOTS slots per
// battle, one per style feature, the unused ones 0, so that the loop can be written out slot by
// slot (sweep).

/** The covariates' slots per battle: one for each style feature. */
export const SLOTS = 6;

/** Battles as arrays: bot indices, outcome y in [0, 1], weight, and k ≤ SLOTS covariates per battle. */
export interface PairedDesign {
  bots: number;
  k: number;
  a: Int32Array;
  b: Int32Array;
  y: Float64Array;
  w: Float64Array;
  /** z[t * SLOTS + f]: covariate f of battle t, 0 for f ≥ k. */
  z: Float64Array;
}

export interface Pass {
  loglik: number;
  grad: Float64Array;
  /** Row-major (n + k)², symmetric. */
  info: Float64Array;
}

/**
 * Σ v·x xᵀ over the battles, kept sparse: per ordered pair (`pair[a·n + b]`), per bot and slot
 * (`bot[i·SLOTS + f]`), and the slots' upper triangle row by row (`zz`, 21 entries).
 */
interface Outer {
  pair: Float64Array;
  bot: Float64Array;
  zz: Float64Array;
}

const outerOf = (n: number): Outer => ({
  pair: new Float64Array(n * n),
  bot: new Float64Array(n * SLOTS),
  zz: new Float64Array((SLOTS * (SLOTS + 1)) / 2),
});

/** The battles' log-likelihood, score and information at θ. */
export function dataPass(x: PairedDesign, theta: Float64Array): Pass {
  const { loglik, grad, acc } = sweep(x, theta, false);
  return { loglik, grad: grad.slice(0, x.bots + x.k), info: dense(acc, x.bots, x.k) };
}

/** The sandwich's meat M = Σ w²(y − p)² x xᵀ at θ. */
export function meatPass(x: PairedDesign, theta: Float64Array): Float64Array {
  return dense(sweep(x, theta, true).acc, x.bots, x.k);
}

/**
 * One sweep over the battles: Σ v·x xᵀ kept sparse, v = w·p(1 − p) for the information or
 * w²(y − p)² for the meat, and with the information the log-likelihood and the score (in n +
 * SLOTS entries). The loop is written out slot by slot, in one function: with loops over k the
 * covariates' block took three times as long (1,000,000 battles, 75 ms against 25 ms), and in a
 * function of its own, too long for V8 to inline, a sweep took 25% longer.
 */
function sweep(x: PairedDesign, theta: Float64Array, meat: boolean): { loglik: number; grad: Float64Array; acc: Outer } {
  const { bots: n, k, a, b, y, w, z } = x;
  const gamma = (f: number) => (f < k ? (theta[n + f] as number) : 0);
  const g0 = gamma(0);
  const g1 = gamma(1);
  const g2 = gamma(2);
  const g3 = gamma(3);
  const g4 = gamma(4);
  const g5 = gamma(5);
  const grad = new Float64Array(n + SLOTS);
  const gz = grad.subarray(n);
  const acc = outerOf(n);
  const { pair, bot, zz } = acc;
  let loglik = 0;
  for (let t = 0; t < a.length; t++) {
    const ia = a[t] as number;
    const ib = b[t] as number;
    const off = t * SLOTS;
    const z0 = z[off] as number;
    const z1 = z[off + 1] as number;
    const z2 = z[off + 2] as number;
    const z3 = z[off + 3] as number;
    const z4 = z[off + 4] as number;
    const z5 = z[off + 5] as number;
    const eta = (theta[ia] as number) - (theta[ib] as number) + (g0 * z0 + g1 * z1 + g2 * z2 + g3 * z3 + g4 * z4 + g5 * z5);
    // One exponential for both σ(η) and log(1 + e^η), stable at either sign.
    const e = Math.exp(-Math.abs(eta));
    const p = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
    const wt = w[t] as number;
    const yt = y[t] as number;
    const r = wt * (yt - p);
    let v = r * r;
    if (!meat) {
      v = wt * p * (1 - p);
      loglik += wt * (yt * eta - Math.max(eta, 0) - Math.log1p(e));
      grad[ia] = (grad[ia] as number) + r;
      grad[ib] = (grad[ib] as number) - r;
      gz[0] = (gz[0] as number) + r * z0;
      gz[1] = (gz[1] as number) + r * z1;
      gz[2] = (gz[2] as number) + r * z2;
      gz[3] = (gz[3] as number) + r * z3;
      gz[4] = (gz[4] as number) + r * z4;
      gz[5] = (gz[5] as number) + r * z5;
    }
    pair[ia * n + ib] = (pair[ia * n + ib] as number) + v;
    const ra = ia * SLOTS;
    const rb = ib * SLOTS;
    const v0 = v * z0;
    const v1 = v * z1;
    const v2 = v * z2;
    const v3 = v * z3;
    const v4 = v * z4;
    const v5 = v * z5;
    bot[ra] = (bot[ra] as number) + v0;
    bot[ra + 1] = (bot[ra + 1] as number) + v1;
    bot[ra + 2] = (bot[ra + 2] as number) + v2;
    bot[ra + 3] = (bot[ra + 3] as number) + v3;
    bot[ra + 4] = (bot[ra + 4] as number) + v4;
    bot[ra + 5] = (bot[ra + 5] as number) + v5;
    bot[rb] = (bot[rb] as number) - v0;
    bot[rb + 1] = (bot[rb + 1] as number) - v1;
    bot[rb + 2] = (bot[rb + 2] as number) - v2;
    bot[rb + 3] = (bot[rb + 3] as number) - v3;
    bot[rb + 4] = (bot[rb + 4] as number) - v4;
    bot[rb + 5] = (bot[rb + 5] as number) - v5;
    zz[0] = (zz[0] as number) + v0 * z0;
    zz[1] = (zz[1] as number) + v0 * z1;
    zz[2] = (zz[2] as number) + v0 * z2;
    zz[3] = (zz[3] as number) + v0 * z3;
    zz[4] = (zz[4] as number) + v0 * z4;
    zz[5] = (zz[5] as number) + v0 * z5;
    zz[6] = (zz[6] as number) + v1 * z1;
    zz[7] = (zz[7] as number) + v1 * z2;
    zz[8] = (zz[8] as number) + v1 * z3;
    zz[9] = (zz[9] as number) + v1 * z4;
    zz[10] = (zz[10] as number) + v1 * z5;
    zz[11] = (zz[11] as number) + v2 * z2;
    zz[12] = (zz[12] as number) + v2 * z3;
    zz[13] = (zz[13] as number) + v2 * z4;
    zz[14] = (zz[14] as number) + v2 * z5;
    zz[15] = (zz[15] as number) + v3 * z3;
    zz[16] = (zz[16] as number) + v3 * z4;
    zz[17] = (zz[17] as number) + v3 * z5;
    zz[18] = (zz[18] as number) + v4 * z4;
    zz[19] = (zz[19] as number) + v4 * z5;
    zz[20] = (zz[20] as number) + v5 * z5;
  }
  return { loglik, grad, acc };
}

/**
 * The dense symmetric (n + k)² matrix of the sparse sums. A pair (i, j) adds its sum to (i, i)
 * and (j, j) and takes it from (i, j) and (j, i); a bot against itself has the row 0 in the bots'
 * columns and adds nothing there.
 */
function dense(acc: Outer, n: number, k: number): Float64Array {
  const d = n + k;
  const m = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const h = (acc.pair[i * n + j] as number) + (acc.pair[j * n + i] as number);
      m[i * d + j] = -h;
      m[j * d + i] = -h;
      m[i * d + i] = (m[i * d + i] as number) + h;
      m[j * d + j] = (m[j * d + j] as number) + h;
    }
    for (let f = 0; f < k; f++) {
      const v = acc.bot[i * SLOTS + f] as number;
      m[i * d + n + f] = v;
      m[(n + f) * d + i] = v;
    }
  }
  for (let f = 0, q = 0; f < SLOTS; f++) {
    for (let g = f; g < SLOTS; g++, q++) {
      if (g >= k) continue;
      const v = acc.zz[q] as number;
      m[(n + f) * d + n + g] = v;
      m[(n + g) * d + n + f] = v;
    }
  }
  return m;
}
