// Online Elo, as Chatbot Arena computes its live view: battles in time order, K = 4, scale 400,
// base 10, every bot starting at 1000. A tie counts half a win for each side.

export type Winner = 'a' | 'b' | 'tie';

export interface Battle {
  a: string;
  b: string;
  winner: Winner;
  /**
   * How many battles this one counts for in the Bradley–Terry fits (default 1), e.g. the inverse
   * of the probability that the pair was sampled. Online Elo ignores it.
   */
  weight?: number;
}

export interface EloOptions {
  k?: number;
  scale?: number;
  base?: number;
  initial?: number;
}

export const ELO_DEFAULTS = { k: 4, scale: 400, base: 10, initial: 1000 } as const;

/** The expected score of a player rated `ra` against one rated `rb`. */
export function expectedScore(ra: number, rb: number, scale = 400, base = 10): number {
  return 1 / (1 + base ** ((rb - ra) / scale));
}

export function scoreOf(winner: Winner): number {
  return winner === 'a' ? 1 : winner === 'b' ? 0 : 0.5;
}

/** Ratings after playing `battles` in order; bots that never played are absent. */
export function onlineElo(battles: Iterable<Battle>, opts: EloOptions = {}): Map<string, number> {
  const { k, scale, base, initial } = { ...ELO_DEFAULTS, ...opts };
  const ratings = new Map<string, number>();
  for (const { a, b, winner } of battles) {
    const ra = ratings.get(a) ?? initial;
    const rb = ratings.get(b) ?? initial;
    const ea = expectedScore(ra, rb, scale, base);
    const sa = scoreOf(winner);
    ratings.set(a, ra + k * (sa - ea));
    ratings.set(b, rb + k * (1 - sa - (1 - ea)));
  }
  return ratings;
}
