// botsky.network.identity and botsky.network.account: a changed identity is looked up afresh (a
// mention is written only under a handle verified both ways, never under the event's word), and
// whether an account is active (an inactive one is neither answered nor mentioned).
import type { NetworkEvent } from '@botsky/contracts';
import type { Deps } from './activity.ts';

export function onIdentity({ ctx }: Deps, ev: NetworkEvent): void {
  ctx.identities.forget(ev.did);
}

export function onAccount({ st }: Deps, ev: NetworkEvent, active: boolean): void {
  st.people.setActive(ev.did, active);
}
