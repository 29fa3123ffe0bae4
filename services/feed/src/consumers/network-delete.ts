// botsky.network.delete (followed by every replica, from the window's start): a deleted bot reply
// leaves the feed at once and is kept out. An undecodable event is skipped: the bus logs and counts it.
import { decodeFollowed, type FollowHandler } from '@botsky/bus';
import { NetworkEventSchema, SUBJECTS } from '@botsky/contracts';
import type { CandidateStore } from '../candidates/store.ts';
import type { FeedMetrics } from '../metrics.ts';

export interface NetworkDeleteDeps {
  store: CandidateStore;
  metrics: FeedMetrics;
}

export function networkDeleteHandler(deps: NetworkDeleteDeps): FollowHandler {
  return (msg, reader) => {
    if (msg.subject !== SUBJECTS.networkDelete) return;
    const ev = decodeFollowed(msg, NetworkEventSchema, reader);
    if (ev && deps.store.delete(ev.uri)) {
      deps.metrics.deletes.inc();
      deps.metrics.candidates.set(deps.store.size);
    }
  };
}
