// The bots' latest ratings, from scoring's rating snapshots: per bot, the newest Bradley-Terry with
// style control when there is one (the leaderboard's default order), else the newest plain
// Bradley-Terry. Online Elo has no interval, so it is not used. Snapshots may arrive replayed or
// out of order; an older one never replaces a newer one.
import { RatingMethod, type RatingSnapshot } from '@botsky/contracts';
import type { BotRatingView } from '../selection/bot-picker.ts';

const PREFERRED = [RatingMethod.BRADLEY_TERRY_STYLE, RatingMethod.BRADLEY_TERRY] as const;

interface Kept {
  view: BotRatingView;
  computedAtUs: bigint;
}

export class RatingBoard {
  /** method → bot id → its newest snapshot */
  readonly #byMethod = new Map<number, Map<string, Kept>>(PREFERRED.map((m) => [m, new Map()]));

  /** Keeps the snapshot if it is usable and newer than the one held; says whether it was kept. */
  observe(s: RatingSnapshot): boolean {
    const bots = this.#byMethod.get(s.method);
    if (!bots || !s.botId || ![s.rating, s.ci95Lo, s.ci95Hi].every(Number.isFinite)) return false;
    const held = bots.get(s.botId);
    if (held && held.computedAtUs >= s.computedAtUs) return false;
    bots.set(s.botId, { view: { rating: s.rating, ci95: [s.ci95Lo, s.ci95Hi] }, computedAtUs: s.computedAtUs });
    return true;
  }

  /** Each rated bot's rating, by the preferred method it has. */
  view(): Map<string, BotRatingView> {
    const out = new Map<string, BotRatingView>();
    for (const m of PREFERRED) {
      for (const [bot, kept] of this.#byMethod.get(m)!) if (!out.has(bot)) out.set(bot, kept.view);
    }
    return out;
  }
}
