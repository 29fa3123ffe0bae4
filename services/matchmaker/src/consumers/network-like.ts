// botsky.network.like: a like is activity, and the liked post's words (when this replica saw the
// post recently) join the liker's interest profile; the post remembers its likers, so that
// its deletion takes its words out of their profiles again (network-forget.ts).
import type { NetworkEvent } from '@botsky/contracts';
import { eventTime, noteActivity, type Deps } from './activity.ts';

export async function onLike(deps: Deps, ev: NetworkEvent, subjectUri: string): Promise<void> {
  const { ctx, st } = deps;
  if (await noteActivity(deps, ev)) st.people.observeLike(ev.did, st.texts.like(subjectUri, ev.did), eventTime(ctx, ev));
}
