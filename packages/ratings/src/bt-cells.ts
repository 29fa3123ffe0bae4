// Battles as the Bradley–Terry fit sees them: a battle enters the fit only through its pair of
// bots, its outcome and its weight, so battles alike in those three are one cell with a count.
// The cells are sufficient statistics for the fit, and for the bootstrap too: resampling N battles
// with replacement puts a multinomial(N, count/N) number of them in each cell, so a round can draw
// the cells' counts directly instead of N battle indices.
// A battle is put the way round that has the bot whose id sorts first on the low side (its outcome
// turned with it: the fit is the same either way), and the cells are ordered by (low bot, high
// bot, outcome, weight), so neither the order of the battles nor their sides change anything.
import type { Battle } from './elo.ts';

/** Outcomes seen from the pair's low side: the low bot won, a tie, the high bot won. */
const LOW_SCORE = [1, 0.5, 0] as const;

export interface Cells {
  /** Bot ids, sorted: bot i is bots[i]. */
  bots: string[];
  /** The pairs that met (i < j), ordered by (i, j). */
  pairLow: Uint32Array;
  pairHigh: Uint32Array;
  /** Per cell, in canonical order: its pair's index (pairLow.length for a bot against itself, which the fit ignores), */
  pair: Uint32Array;
  /** the low bot's score in it (1, ½, 0), */
  lowScore: Float64Array;
  weight: Float64Array;
  /** and how many battles it holds. */
  count: Float64Array;
  /** Battles, and per bot the battles it played (unweighted). */
  battles: number;
  played: Float64Array;
}

/** Per pair (the index of `Cells.pairLow`): games (weights summed), and the low and high bots' scores. */
export interface PairSums {
  games: Float64Array;
  lowWins: Float64Array;
  highWins: Float64Array;
}

export function cellsOf(bots: string[], battles: readonly Battle[]): Cells {
  const n = bots.length;
  const { tally, played } = tallied(bots, battles);
  const keys = [...tally.keys()].sort((x, y) => x - y);
  const pairKeys = [...new Set(keys.map((k) => Math.floor(k / 3)))].filter((p) => Math.floor(p / n) !== p % n);
  const pairOf = new Map(pairKeys.map((p, q) => [p, q]));
  const size = keys.reduce((s, k) => s + (tally.get(k) as Map<number, number>).size, 0);
  const cells: Cells = {
    bots,
    pairLow: Uint32Array.from(pairKeys, (p) => Math.floor(p / n)),
    pairHigh: Uint32Array.from(pairKeys, (p) => p % n),
    pair: new Uint32Array(size),
    lowScore: new Float64Array(size),
    weight: new Float64Array(size),
    count: new Float64Array(size),
    battles: battles.length,
    played,
  };
  let c = 0;
  for (const key of keys) {
    const byWeight = tally.get(key) as Map<number, number>;
    for (const w of [...byWeight.keys()].sort((x, y) => x - y)) {
      cells.pair[c] = pairOf.get(Math.floor(key / 3)) ?? pairKeys.length;
      cells.lowScore[c] = LOW_SCORE[key % 3] as number;
      cells.weight[c] = w;
      cells.count[c] = byWeight.get(w) as number;
      c++;
    }
  }
  return cells;
}

/** Battles per (low · n + high) · 3 + outcome and weight, and per bot. */
function tallied(bots: string[], battles: readonly Battle[]): { tally: Map<number, Map<number, number>>; played: Float64Array } {
  const n = bots.length;
  const index = new Map(bots.map((b, i) => [b, i]));
  const tally = new Map<number, Map<number, number>>();
  const played = new Float64Array(n);
  for (const battle of battles) {
    const i = index.get(battle.a) as number;
    const j = index.get(battle.b) as number;
    const outcome = battle.winner === 'a' ? 0 : battle.winner === 'b' ? 2 : 1;
    const key = i <= j ? (i * n + j) * 3 + outcome : (j * n + i) * 3 + 2 - outcome;
    const w = battle.weight ?? 1;
    const byWeight = tally.get(key) ?? new Map<number, number>();
    if (byWeight.size === 0) tally.set(key, byWeight);
    byWeight.set(w, (byWeight.get(w) ?? 0) + 1);
    played[i] = (played[i] as number) + 1;
    played[j] = (played[j] as number) + 1;
  }
  return { tally, played };
}

export function newPairSums(cells: Cells): PairSums {
  const size = cells.pairLow.length + 1; // the last slot takes the battles of a bot against itself
  return { games: new Float64Array(size), lowWins: new Float64Array(size), highWins: new Float64Array(size) };
}

/** The pair sums of the cells holding `counts` battles each (the cells' own counts, or a resample's), into `out`. */
export function sumPairs(cells: Cells, counts: ArrayLike<number>, out: PairSums): PairSums {
  out.games.fill(0);
  out.lowWins.fill(0);
  out.highWins.fill(0);
  for (let c = 0; c < cells.pair.length; c++) {
    const k = counts[c] as number;
    if (k === 0) continue;
    const q = cells.pair[c] as number;
    const s = cells.lowScore[c] as number;
    // With weight 1 these are whole numbers and halves, exact in binary: as a sum battle by battle.
    const w = k * (cells.weight[c] as number);
    out.games[q] = (out.games[q] as number) + w;
    out.lowWins[q] = (out.lowWins[q] as number) + w * s;
    out.highWins[q] = (out.highWins[q] as number) + w * (1 - s);
  }
  return out;
}
