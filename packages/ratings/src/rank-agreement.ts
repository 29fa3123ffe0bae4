// How well two rankings agree, e.g. a fitted leaderboard and the planted truth of a simulation.

// By comparison rather than subtraction, so that equal infinities (e.g. unrated bots scored −∞)
// are a tie, not NaN.
const order = (u: number, v: number): number => (u < v ? -1 : u > v ? 1 : 0);

/**
 * Kendall's tau-b of two paired samples: (concordant − discordant) / √((n₀ − n_x)(n₀ − n_y)), with
 * n₀ = n(n − 1)/2 pairs and n_x, n_y the pairs tied in x and in y (a pair tied in either is
 * neither concordant nor discordant). 1 for the same order, −1 for the reverse; NaN when
 * undefined (fewer than two items, every pair tied in x or in y, or a NaN value). O(n²): meant
 * for leaderboards, not for millions of items.
 */
export function kendallTau(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new RangeError(`kendallTau: ${x.length} x values but ${y.length} y values`);
  const n = x.length;
  if (x.some(Number.isNaN) || y.some(Number.isNaN)) return Number.NaN;
  let score = 0;
  let untiedX = 0;
  let untiedY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = order(x[i] as number, x[j] as number);
      const dy = order(y[i] as number, y[j] as number);
      score += dx * dy;
      if (dx !== 0) untiedX++;
      if (dy !== 0) untiedY++;
    }
  }
  const denom = Math.sqrt(untiedX * untiedY);
  return denom > 0 ? score / denom : Number.NaN;
}
