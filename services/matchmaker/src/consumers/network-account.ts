// botsky.network.identity and botsky.network.account: handles (for the @mention) and whether an
// account is active (an inactive one is neither answered nor mentioned).
import type { NetworkEvent } from '@botsky/contracts';
import type { Deps } from './activity.ts';

export function onIdentity({ st }: Deps, ev: NetworkEvent, handle: string): void {
  st.people.setHandle(ev.did, handle);
}

export function onAccount({ st }: Deps, ev: NetworkEvent, active: boolean): void {
  st.people.setActive(ev.did, active);
}
