// The matchmaker consumer (CONSUMERS.matchmaker, every botsky.network.* subject): decodes each
// event and hands it to the handler of its kind. Events of one author run one at a time, in order
// (so a block is applied before that person's next post); a malformed event is dead-lettered,
// counted, and never crashes the consumer.
import { CONSUMERS, PoisonMessageError, type Bus, type BusMessage, type Subscription } from '@botsky/bus';
import { decode, NetworkEventSchema, type NetworkEvent } from '@botsky/contracts';
import type { Deps } from './activity.ts';
import { noteActivity } from './activity.ts';
import { onAccount, onIdentity } from './network-account.ts';
import { onBlock } from './network-block.ts';
import { onDelete } from './network-delete.ts';
import { onFollow } from './network-follow.ts';
import { onLike } from './network-like.ts';
import { onPost } from './network-post.ts';

const decoded = new WeakMap<BusMessage, NetworkEvent | Error>();

function tryDecode(msg: BusMessage): NetworkEvent | Error {
  let ev = decoded.get(msg);
  if (ev === undefined) {
    try {
      ev = decode(NetworkEventSchema, msg.data);
    } catch (err) {
      ev = err instanceof Error ? err : new Error(String(err));
    }
    decoded.set(msg, ev);
  }
  return ev;
}

function eventOf(deps: Deps, msg: BusMessage): NetworkEvent {
  const ev = tryDecode(msg);
  if (!(ev instanceof Error)) return ev;
  deps.ctx.mm.badEvents.inc({ reason: 'undecodable' });
  throw new PoisonMessageError(`undecodable network event on ${msg.subject}: ${ev.message}`, { cause: ev });
}

async function route(deps: Deps, ev: NetworkEvent): Promise<void> {
  const p = ev.payload;
  switch (p.case) {
    case 'post': return onPost(deps, ev, p.value);
    case 'like': return onLike(deps, ev, p.value.subject?.uri ?? '');
    case 'follow': return onFollow(deps, ev, p.value.subjectDid);
    case 'block': return onBlock(deps, ev, p.value.subjectDid);
    case 'delete': return onDelete(deps, ev, p.value.collection);
    case 'identity': return onIdentity(deps, ev, p.value.handle);
    case 'account': return onAccount(deps, ev, p.value.active);
    case 'repost':
    case 'profile':
      await noteActivity(deps, ev);
      return;
    default:
      deps.ctx.mm.badEvents.inc({ reason: 'no_payload' });
      throw new PoisonMessageError(`network event ${ev.uri || ev.did} has no payload`);
  }
}

export async function consumeNetwork(bus: Bus, deps: Deps, maxInFlight = 32): Promise<Subscription> {
  return bus.consume(CONSUMERS.matchmaker, (msg) => route(deps, eventOf(deps, msg)), {
    maxInFlight,
    // The key decodes once and the handler reuses it; an undecodable message gets a key of its own.
    orderingKey: (msg) => {
      const ev = tryDecode(msg);
      return ev instanceof Error ? `seq:${msg.seq}` : ev.did;
    },
  });
}
