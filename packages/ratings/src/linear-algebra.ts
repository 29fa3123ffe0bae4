// The little dense linear algebra the Newton fits need: symmetric positive-definite systems of a
// few dozen unknowns (bots + style features), row-major in a Float64Array.

/**
 * Cholesky factor L (lower, row-major) of the d×d matrix `a`, or null when `a` is not positive
 * definite (a pivot at or below `1e-300`), which the callers answer with a jitter on the diagonal.
 */
export function cholesky(a: Float64Array, d: number): Float64Array | null {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * d + k] as number) * (l[j * d + k] as number);
      if (i === j) {
        if (!(s > 1e-300)) return null;
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / (l[j * d + j] as number);
      }
    }
  }
  return l;
}

/** x with L Lᵀ x = b. */
export function choleskySolve(l: Float64Array, d: number, b: Float64Array): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < d; i++) {
    let s = x[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * d + k] as number) * (x[k] as number);
    x[i] = s / (l[i * d + i] as number);
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = x[i] as number;
    for (let k = i + 1; k < d; k++) s -= (l[k * d + i] as number) * (x[k] as number);
    x[i] = s / (l[i * d + i] as number);
  }
  return x;
}

/**
 * Cholesky factor of `a`, adding a growing multiple of its mean diagonal until it factors: a
 * singular information matrix (a bot in a component of its own, with no prior) still gives an
 * answer, finite and as uninformative as the data.
 */
export function choleskyJittered(a: Float64Array, d: number): Float64Array {
  let l = cholesky(a, d);
  if (l) return l;
  let trace = 0;
  for (let i = 0; i < d; i++) trace += Math.abs(a[i * d + i] as number);
  const scale = trace > 0 ? trace / d : 1;
  for (let jitter = 1e-10; jitter < 1e6; jitter *= 10) {
    const b = Float64Array.from(a);
    for (let i = 0; i < d; i++) b[i * d + i] = (b[i * d + i] as number) + jitter * scale;
    l = cholesky(b, d);
    if (l) return l;
  }
  throw new RangeError('the information matrix is not finite');
}

/** The inverse of L Lᵀ. */
export function choleskyInverse(l: Float64Array, d: number): Float64Array {
  const inv = new Float64Array(d * d);
  const e = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    e.fill(0);
    e[j] = 1;
    const col = choleskySolve(l, d, e);
    for (let i = 0; i < d; i++) inv[i * d + j] = col[i] as number;
  }
  return inv;
}

/** The product A B of d×d matrices. */
export function multiply(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k] as number;
      if (aik === 0) continue;
      for (let j = 0; j < d; j++) out[i * d + j] = (out[i * d + j] as number) + aik * (b[k * d + j] as number);
    }
  }
  return out;
}
