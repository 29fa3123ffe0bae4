// What the bot page shows besides the leaderboard: each bot's recent replies (from the live
// stream's outcomes) and its style-controlled rating over time (scoring's RatingSnapshots on
// botsky.scores.rating, read from BOTSKY_WEB_REPLAY ago). Bounded per bot.
import type { LiveReply } from './event-types.ts';
import type { BotActivityView, RatingPoint } from './bot-activity-view.ts';

export type { BotActivityView, RatingPoint } from './bot-activity-view.ts';

const RECENT = 20;
const HISTORY = 500;

export class BotActivity {
  readonly #recent = new Map<string, LiveReply[]>();
  readonly #history = new Map<string, RatingPoint[]>();

  addReply(r: LiveReply): void {
    const list = this.#recent.get(r.botId) ?? [];
    list.unshift(r);
    if (list.length > RECENT) list.pop();
    this.#recent.set(r.botId, list);
  }

  /** A rating snapshot; snapshots arrive in publication order, an older or repeated one is skipped. */
  addRating(botId: string, p: RatingPoint): void {
    const list = this.#history.get(botId) ?? [];
    const last = list.at(-1);
    if (last && p.at <= last.at) return;
    list.push(p);
    if (list.length > HISTORY) list.shift();
    this.#history.set(botId, list);
  }

  view(botId: string): BotActivityView {
    return { recent: this.#recent.get(botId) ?? [], history: this.#history.get(botId) ?? [] };
  }
}
