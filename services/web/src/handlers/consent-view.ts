// What GET /api/consent answers (types only: the browser client imports this file too).
import type { HeldAboutYou } from '../live/decisions-view.ts';

export interface ConsentView {
  projectDid: string | null;
  /** Bots may answer the person's posts. */
  answered: boolean;
  /** The person may be introduced to strangers. */
  introduced: boolean;
  /** Why the state is what it is (follow, tag, stop, unfollow, block, ...), and since when. */
  reason: string;
  since: string | null;
  blockedBots: number;
  /** Whether opting out here can undo it (the opt-in was a follow the page can delete). */
  followUri: string | null;
}

/** GET /api/consent: the consent state and what BotSky holds about the person. */
export interface ConsentPageView extends ConsentView {
  held: HeldAboutYou;
}
