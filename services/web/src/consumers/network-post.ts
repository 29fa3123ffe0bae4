// botsky.network.post (followed by every replica, from BOTSKY_WEB_REPLAY ago): every post on the
// network goes to the live view. An undecodable event is skipped and counted (the bus logs it too).
import { decodeFollowed, type FollowHandler } from '@botsky/bus';
import { NetworkEventSchema } from '@botsky/contracts';
import { livePost } from '../live/events.ts';
import type { LiveHub } from '../live/hub.ts';
import type { ThreadIndex } from '../live/threads.ts';
import type { WebMetrics } from '../metrics.ts';

export function networkPostHandler(deps: { hub: LiveHub; threads: ThreadIndex; metrics: WebMetrics }): FollowHandler {
  return (msg, reader) => {
    const ev = decodeFollowed(msg, NetworkEventSchema, reader);
    if (ev?.payload.case !== 'post') {
      deps.metrics.events.inc({ kind: 'malformed' });
      return;
    }
    const post = livePost(ev, ev.payload.value);
    deps.threads.add(post);
    deps.hub.publish(post);
  };
}
