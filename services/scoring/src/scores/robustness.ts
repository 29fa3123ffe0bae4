// How sturdy a ranking is: the fewest battles, and the fewest people (all their actions), whose
// removal reverses the top rank or a confidently ordered pair under the rankedBy fit
// (packages/ratings: dropBattlesToFlip, dropPeopleToFlip; null when none within the search bound).
import { dropBattlesToFlip, dropPeopleToFlip, type Battle, type RatedBot } from '@botsky/ratings';
import type { DecidedBattle } from './battles.ts';
import type { Robustness } from './board.ts';

/** A decided battle as the ratings' Battle too (a, b: the two bots). */
type Sided = DecidedBattle & Battle;

/**
 * The people refitted one by one to order the search: those with the most battle actions. The
 * rest are not candidates, so the figure stays an upper bound, at a cost that does not grow with
 * the population.
 */
export const PEOPLE_SCREENED = 100;
const sided = (b: DecidedBattle): Sided => ({ ...b, a: b.botA, b: b.botB });

export function robustnessOf(
  battles: readonly DecidedBattle[],
  fit: (battles: readonly DecidedBattle[]) => RatedBot[],
  people: readonly string[],
  without: (dropped: ReadonlySet<string>) => DecidedBattle[],
): Robustness {
  if (battles.length === 0) return { dropToFlipBattles: null, dropToFlipPeople: null };
  const byBattles = dropBattlesToFlip<Sided>(battles.map(sided), fit);
  const byPeople =
    people.length > 0
      ? dropPeopleToFlip<Sided>(people, (dropped) => without(dropped).map(sided), fit, { screen: PEOPLE_SCREENED })
      : { drop: null };
  return { dropToFlipBattles: byBattles.drop, dropToFlipPeople: byPeople.drop };
}
