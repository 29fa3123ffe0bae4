// Synthetic battles between bots of planted strength, to check that the fit recovers them.
import type { Battle } from './elo.ts';
import { expectedScore } from './elo.ts';
import type { Random } from './random.ts';

export interface SimulationOptions {
  /** Planted ratings on the Elo scale. */
  strengths: ReadonlyMap<string, number>;
  battles: number;
  /** Probability that a battle ends in a tie (taken out of both sides' chances evenly). */
  tieRate?: number;
  random: Random;
}

export function simulateBattles(o: SimulationOptions): Battle[] {
  const bots = [...o.strengths.keys()];
  const tie = o.tieRate ?? 0;
  const out: Battle[] = [];
  for (let t = 0; t < o.battles; t++) {
    const i = Math.floor(o.random() * bots.length);
    let j = Math.floor(o.random() * (bots.length - 1));
    if (j >= i) j++;
    const a = bots[i] as string;
    const b = bots[j] as string;
    const pa = expectedScore(o.strengths.get(a) as number, o.strengths.get(b) as number);
    const u = o.random();
    const winner = u < tie ? 'tie' : u < tie + (1 - tie) * pa ? 'a' : 'b';
    out.push({ a, b, winner });
  }
  return out;
}
