// What one replica keeps in memory to decide: people (profiles, activity, handles), recent post
// texts, the balanced bot picker, and who is known to be at today's mention limit.
import type { Random } from '@botsky/ratings';
import { BotPicker } from '../selection/index.ts';
import { People, PostTexts } from '../state/people.ts';

export interface MatchState {
  readonly people: People;
  readonly texts: PostTexts;
  readonly picker: BotPicker;
  /** `<did>.<day>` keys found at the limit, so they are not proposed again today. */
  readonly atLimit: Set<string>;
}

export function createMatchState(battleRate: number, random: Random): MatchState {
  return { people: new People(), texts: new PostTexts(), picker: new BotPicker([], battleRate, random), atLimit: new Set() };
}
