// How much any choice of battle pairs could save over uniform pairs, for bots whose true ratings
// are known: the floor under what active sampling can reach. In the normal approximation of a
// Bradley–Terry fit with equally informative battles, the variance of the rating difference of
// bots i and j after N battles is R_ij / N, R_ij the effective resistance between i and j of the
// graph whose edge weights are the shares of battles per pair (the information matrix is that
// graph's Laplacian). Ordering a neighbouring pair (in the true order) with rating gap g takes a
// number of battles proportional to R / g². The best fixed design minimises the largest of those
// over the neighbouring pairs that must come out right (a ranking at τ ≥ target may leave some
// wrong: those are chosen too, as favourably as possible), and the bound is its battles over
// uniform's. An adaptive sampler does not know the order, so it cannot beat the bound.
import { choleskyInverse, choleskyJittered } from './linear-algebra.ts';

export interface DesignBound {
  /** Battles the best design needs, over what uniform pairs need. */
  ratio: number;
  /** The best design's share of battles per pair (i < j, bots in descending true rating). */
  shares: { i: number; j: number; share: number }[];
}

/** Pseudo-inverse of the weighted Laplacian: (L + J/n)⁻¹ − J/n. */
function laplacianPinv(n: number, pairs: readonly [number, number][], w: Float64Array): Float64Array {
  const m = new Float64Array(n * n).fill(1 / n);
  pairs.forEach(([i, j], e) => {
    const x = w[e] as number;
    m[i * n + i] = (m[i * n + i] as number) + x;
    m[j * n + j] = (m[j * n + j] as number) + x;
    m[i * n + j] = (m[i * n + j] as number) - x;
    m[j * n + i] = (m[j * n + i] as number) - x;
  });
  const inv = choleskyInverse(choleskyJittered(m, n), n);
  for (let k = 0; k < inv.length; k++) inv[k] = (inv[k] as number) - 1 / n;
  return inv;
}

const resistance = (p: Float64Array, n: number, i: number, j: number) =>
  (p[i * n + i] as number) + (p[j * n + j] as number) - 2 * (p[i * n + j] as number);

/** A pair that must come out right: bots i < j (descending true rating) and their rating gap. */
interface Kept {
  i: number;
  j: number;
  gap: number;
}

function costs(p: Float64Array, n: number, kept: readonly Kept[]): number[] {
  return kept.map((c) => resistance(p, n, c.i, c.j) / c.gap ** 2);
}

/** The largest cost R/g² over the kept pairs under shares w. */
function worst(n: number, pairs: readonly [number, number][], w: Float64Array, kept: readonly Kept[]): number {
  return Math.max(...costs(laplacianPinv(n, pairs, w), n, kept));
}

/**
 * Minimises the largest kept cost, a convex problem, as a game: weights q over the kept pairs
 * follow their costs (multiplicative weights), and the shares take a multiplicative step towards
 * the design that is best for the q-weighted sum of costs (w_e ← w_e·√d_e / Σ w√d with
 * d_e = Σ_k q_k (b_kᵀ L⁺ b_e)² / g_k², the classical update for A-optimal designs). The best
 * design seen is kept.
 */
function bestShares(n: number, pairs: readonly [number, number][], kept: readonly Kept[], iterations: number): Float64Array {
  let w = new Float64Array(pairs.length).fill(1 / pairs.length);
  const q = new Float64Array(kept.length).fill(1 / kept.length);
  let best = w;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let it = 0; it < iterations; it++) {
    const p = laplacianPinv(n, pairs, w);
    const c = costs(p, n, kept);
    const top = Math.max(...c);
    if (top < bestCost) {
      bestCost = top;
      best = w;
    }
    let qSum = 0;
    for (const [k, x] of c.entries()) {
      q[k] = (q[k] as number) * Math.exp((0.5 * x) / top);
      qSum += q[k];
    }
    for (let k = 0; k < q.length; k++) q[k] = (q[k] as number) / qSum;
    const d = pairs.map(([i, j]) => {
      let s = 0;
      kept.forEach((k, idx) => {
        const proj = (p[k.i * n + i] as number) - (p[k.i * n + j] as number) - (p[k.j * n + i] as number) + (p[k.j * n + j] as number);
        s += ((q[idx] as number) * proj * proj) / k.gap ** 2;
      });
      return Math.sqrt(s);
    });
    const next = w.map((x, e) => Math.max(1e-12, x * (d[e] as number)));
    const sum = next.reduce((s2, x) => s2 + x, 0);
    w = next.map((x) => x / sum);
  }
  return best;
}

function subsets(items: readonly number[], size: number): number[][] {
  if (size === 0) return [[]];
  if (items.length < size) return [];
  const [head, ...rest] = items as [number, ...number[]];
  return [...subsets(rest, size - 1).map((s) => [head, ...s]), ...subsets(rest, size)];
}

/**
 * The bound for bots with true ratings `ratings` (any scale, distinct), when `allowedWrong` of
 * the neighbouring pairs may come out misordered (⌊(1 − τ target)·C(n, 2)/2⌋ for a τ target:
 * each misordered neighbouring pair costs 2/C(n, 2) of τ).
 */
export function designBound(ratings: readonly number[], allowedWrong = 0, iterations = 300): DesignBound {
  const sorted = [...ratings].sort((x, y) => y - x);
  const n = sorted.length;
  if (n < 3) return { ratio: 1, shares: n === 2 ? [{ i: 0, j: 1, share: 1 }] : [] };
  const gaps = sorted.slice(1).map((r, k) => (sorted[k] as number) - r);
  if (gaps.some((g) => !(g > 0))) throw new RangeError('designBound needs distinct ratings');
  const pairs: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j]);
  const neighbours = gaps.map((_, k) => k);
  const all: Kept[] = pairs.map(([i, j]) => ({ i, j, gap: (sorted[i] as number) - (sorted[j] as number) }));
  const uniform = new Float64Array(pairs.length).fill(1 / pairs.length);
  // Uniform is judged on the same terms: it too may leave the pairs wrong that suit it best.
  const uniformCost = Math.min(
    ...subsets(neighbours, Math.min(allowedWrong, neighbours.length - 1)).map((wrong) =>
      worst(
        n,
        pairs,
        uniform,
        all.filter((c) => !(c.j === c.i + 1 && wrong.includes(c.i))),
      ),
    ),
  );
  let best: { ratio: number; w: Float64Array } = { ratio: Number.POSITIVE_INFINITY, w: uniform };
  for (const wrong of subsets(neighbours, Math.min(allowedWrong, neighbours.length - 1))) {
    const kept = all.filter((c) => !(c.j === c.i + 1 && wrong.includes(c.i)));
    const w = bestShares(n, pairs, kept, iterations);
    const ratio = worst(n, pairs, w, kept) / uniformCost;
    if (ratio < best.ratio) best = { ratio, w };
  }
  return { ratio: best.ratio, shares: pairs.map(([i, j], e) => ({ i, j, share: best.w[e] as number })) };
}
