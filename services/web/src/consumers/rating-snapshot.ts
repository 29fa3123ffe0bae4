// botsky.scores.rating (followed by every replica, from BOTSKY_WEB_REPLAY ago): each bot's
// style-controlled rating as scoring computes it, for the bot page's history. Other methods are
// skipped; an undecodable snapshot is counted.
import { decodeFollowed, type FollowHandler } from '@botsky/bus';
import { RatingMethod, RatingSnapshotSchema } from '@botsky/contracts';
import type { BotActivity } from '../live/bot-activity.ts';
import type { WebMetrics } from '../metrics.ts';

export function ratingSnapshotHandler(deps: { activity: BotActivity; metrics: WebMetrics }): FollowHandler {
  return (msg, reader) => {
    const s = decodeFollowed(msg, RatingSnapshotSchema, reader);
    if (!s) {
      deps.metrics.events.inc({ kind: 'malformed' });
      return;
    }
    if (s.method !== RatingMethod.BRADLEY_TERRY_STYLE) return;
    deps.activity.addRating(s.botId, {
      at: Number(s.computedAtUs / 1000n),
      rating: s.rating,
      lo: s.ci95Lo,
      hi: s.ci95Hi,
      battles: s.battles,
    });
  };
}
