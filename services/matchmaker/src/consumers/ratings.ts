// The bots' ratings, for active battle sampling. Every replica draws battles, so every replica
// follows scoring's rating snapshots itself (`bus.follow` on botsky.scores.rating alone, not the
// battles next to it); a consumer group would hand each replica only some bots. Replayed from
// the same look-back as the network state: scoring publishes a whole table whenever the decided
// battles change (and when it starts), so a replica that starts after a longer quiet spell draws
// its battles uniformly among the balanced pairs until the next table, which is still logged
// with its exact probability.
import { decodeFollowed, type Bus, type BusMessage, type FollowReader, type FollowSubscription } from '@botsky/bus';
import { RatingSnapshotSchema, SUBJECTS } from '@botsky/contracts';
import type { Deps } from './activity.ts';

export async function followRatings(bus: Bus, { ctx, st }: Deps, sinceMs: number): Promise<FollowSubscription> {
  return bus.follow(SUBJECTS.ratingSnapshot, (msg, reader) => observe({ ctx, st }, msg, reader), { sinceMs });
}

/** An undecodable snapshot is skipped: the bus counts it (`followers[subject].failed`) and logs it. */
function observe({ ctx, st }: Deps, msg: BusMessage, reader: FollowReader): void {
  const snapshot = decodeFollowed(msg, RatingSnapshotSchema, reader);
  if (!snapshot || !st.ratings.observe(snapshot)) return;
  const view = st.ratings.view();
  st.picker.setRatings(view);
  ctx.matchmakerMetrics.ratedBots.set(view.size);
}
