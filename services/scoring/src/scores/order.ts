// Orders for the leaderboard's ties. A score may depend on identifiers only through their
// equality: a research export replaces every person's DID and every id derived from a post by a
// keyed hash, and `botsky rescore --dataset` must give the same leaderboard on it. So rows are
// ordered by what they say first (times, bots, outcomes, probabilities, styles), and an identifier
// breaks only the ties left between rows that are alike in everything the computation uses, where
// the order cannot change a result.

/** Code-unit order of two strings. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lexicographic order of two keys of numbers and strings, compared position by position. */
export function cmpKeys(x: readonly (number | string)[], y: readonly (number | string)[]): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const a = x[i] as number | string;
    const b = y[i] as number | string;
    const c = typeof a === 'number' && typeof b === 'number' ? a - b : cmp(String(a), String(b));
    if (c !== 0) return c;
  }
  return x.length - y.length;
}
