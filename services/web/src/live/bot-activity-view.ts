// What GET /api/bots/<id> answers (types only: the browser client imports this file too).
import type { LiveReply } from './event-types.ts';

export interface RatingPoint {
  /** When scoring computed it, epoch ms. */
  at: number;
  rating: number;
  lo: number;
  hi: number;
  battles: number;
}

export interface BotActivityView {
  /** The bot's latest replies, newest first. */
  recent: LiveReply[];
  /** Its style-controlled rating over time, oldest first. */
  history: RatingPoint[];
}
