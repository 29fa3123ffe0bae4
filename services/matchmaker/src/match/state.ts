// What one replica keeps in memory to decide: people (profiles, activity, handles), recent post
// texts and term statistics (all fed by the state follower), the balanced bot picker and the
// bots' ratings it samples battles by (fed by the ratings follower), who is known to be at
// today's mention limit, and the blocks between people, one by one and by list.
import type { Random } from '@botsky/ratings';
import { BotPicker, TermStats, type BattleSampling } from '../selection/index.ts';
import { FollowCursor } from '../state/follow-cursor.ts';
import { ListBlocks, ListUnreadableError } from '../state/list-blocks.ts';
import { People, PostTexts } from '../state/people.ts';
import { PersonBlocks } from '../state/person-blocks.ts';
import { RatingBoard } from '../state/ratings.ts';
import { RecentDeletions } from '../state/recent-deletions.ts';

export interface MatchState {
  readonly people: People;
  readonly texts: PostTexts;
  /** How common each term is in the posts seen: similarity weighs terms by their rarity. */
  readonly terms: TermStats;
  readonly picker: BotPicker;
  readonly ratings: RatingBoard;
  /** How far the state follower has read the network stream. */
  readonly cursor: FollowCursor;
  /** `<did>.<day>` keys found at the limit, so they are not proposed again today. */
  readonly atLimit: Set<string>;
  /** Blocks between people: nobody is introduced to someone they block or who blocks them. */
  readonly blocks: PersonBlocks;
  /** List blocks and the blocked lists' members: nobody is introduced across a list block either. */
  readonly lists: ListBlocks;
  /** What went lately and which decisions were stored lately: a deletion racing a decision still scrubs it. */
  readonly recent: RecentDeletions;
}

/** A state made without a reader (tests of other parts) cannot read any list's members. */
const noListReader = (list: string) => Promise.reject(new ListUnreadableError(list));

export function createMatchState(
  battleRate: number,
  random: Random,
  sampling: BattleSampling = 'uniform',
  lists = new ListBlocks(noListReader),
): MatchState {
  return {
    people: new People(),
    texts: new PostTexts(),
    terms: new TermStats(),
    cursor: new FollowCursor(),
    picker: new BotPicker([], battleRate, random, { sampling }),
    ratings: new RatingBoard(),
    atLimit: new Set(),
    blocks: new PersonBlocks(),
    lists,
    recent: new RecentDeletions(),
  };
}
