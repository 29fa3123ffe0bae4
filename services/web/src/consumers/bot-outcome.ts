// botsky.outcomes.reply (followed by every replica, from BOTSKY_WEB_REPLAY ago): each posted bot
// reply goes to the live view with its disclosure (bot, model, provider) and whom it introduced.
// Failed outcomes posted nothing and are skipped; an undecodable one is counted.
import { decodeFollowed, type FollowHandler } from '@botsky/bus';
import { BotOutcomeSchema } from '@botsky/contracts';
import { liveReply } from '../live/events.ts';
import type { BotActivity } from '../live/bot-activity.ts';
import type { LiveHub } from '../live/hub.ts';
import type { ThreadIndex } from '../live/threads.ts';
import type { WebMetrics } from '../metrics.ts';

export function botOutcomeHandler(deps: { hub: LiveHub; activity: BotActivity; threads: ThreadIndex; metrics: WebMetrics }): FollowHandler {
  return (msg, reader) => {
    const outcome = decodeFollowed(msg, BotOutcomeSchema, reader);
    if (!outcome) {
      deps.metrics.events.inc({ kind: 'malformed' });
      return;
    }
    const reply = liveReply(outcome);
    if (!reply) return;
    deps.threads.add(reply);
    if (deps.hub.publish(reply)) deps.activity.addReply(reply);
  };
}
