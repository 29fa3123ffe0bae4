// The matchmaker consumer (CONSUMERS.matchmaker, every botsky.network.* subject, shared by the
// replicas): decisions on posts and changes of consent, each made once. What every replica must
// know (profiles, who is online, handles) comes from the state follower (network-state.ts).
// Events of one author run one at a time, in order (so a block is applied before that person's
// next post); a malformed event is dead-lettered, counted, and never crashes the consumer.
import { CONSUMERS, decodeMessage, PoisonMessageError, type Bus, type BusMessage, type Subscription } from '@botsky/bus';
import { NetworkEventSchema, type NetworkEvent } from '@botsky/contracts';
import type { Deps } from './activity.ts';
import { onBlock } from './network-block.ts';
import { onAccount, onDelete } from './network-delete.ts';
import { onFollow } from './network-follow.ts';
import { LISTBLOCK, LISTITEM, onListBlock, onListDelete, onListItem } from './network-list.ts';
import { onPost } from './network-post.ts';

/** A decision waits at most this long for the state follower to reach its post. */
export const STATE_WAIT_MS = 2000;

const decoded = new WeakMap<BusMessage, NetworkEvent | PoisonMessageError>();

function tryDecode(msg: BusMessage): NetworkEvent | PoisonMessageError {
  let ev = decoded.get(msg);
  if (ev === undefined) {
    try {
      ev = decodeMessage(msg, NetworkEventSchema);
    } catch (err) {
      if (!(err instanceof PoisonMessageError)) throw err;
      ev = err;
    }
    decoded.set(msg, ev);
  }
  return ev;
}

function eventOf(deps: Deps, msg: BusMessage): NetworkEvent {
  const ev = tryDecode(msg);
  if (!(ev instanceof PoisonMessageError)) return ev;
  deps.ctx.matchmakerMetrics.badEvents.inc({ reason: 'undecodable' });
  throw ev;
}

async function route(deps: Deps, ev: NetworkEvent, seq: number): Promise<void> {
  const p = ev.payload;
  switch (p.case) {
    case 'post':
      // Decide with this replica's state as of the post: everything before it in the stream.
      if (!(await deps.st.cursor.reached(seq - 1, STATE_WAIT_MS))) deps.ctx.matchmakerMetrics.stateLagging.inc();
      return onPost(deps, ev, p.value);
    case 'follow':
      return onFollow(deps, ev, p.value.subjectDid);
    case 'block':
      return onBlock(deps, ev, p.value.subjectDid);
    case 'listBlock':
      return onListBlock(deps, ev, p.value.listUri, await stateAt(deps, seq));
    case 'listItem':
      await stateAt(deps, seq);
      return onListItem(deps, ev, p.value.listUri, p.value.subjectDid);
    case 'delete':
      if (p.value.collection !== LISTBLOCK && p.value.collection !== LISTITEM) return onDelete(deps, ev, p.value.collection);
      await stateAt(deps, seq);
      return onListDelete(deps, ev, p.value.collection);
    case 'account':
      return onAccount(deps, ev, p.value);
    case 'like':
    case 'identity':
    case 'repost':
    case 'profile':
      return;
    default:
      deps.ctx.matchmakerMetrics.badEvents.inc({ reason: 'no_payload' });
      throw new PoisonMessageError(`network event ${ev.uri || ev.did} has no payload`);
  }
}

/** Waits until the state follower has applied the event itself (who blocks which list, which items); false when it lags. */
async function stateAt(deps: Deps, seq: number): Promise<boolean> {
  const reached = await deps.st.cursor.reached(seq, STATE_WAIT_MS);
  if (!reached) deps.ctx.matchmakerMetrics.stateLagging.inc();
  return reached;
}

export async function consumeNetwork(bus: Bus, deps: Deps, maxInFlight = 32): Promise<Subscription> {
  return bus.consume(CONSUMERS.matchmaker, (msg) => route(deps, eventOf(deps, msg), msg.seq), {
    maxInFlight,
    // The key decodes once and the handler reuses it; an undecodable message gets a key of its own.
    orderingKey: (msg) => {
      const ev = tryDecode(msg);
      return ev instanceof Error ? `seq:${msg.seq}` : ev.did;
    },
  });
}
