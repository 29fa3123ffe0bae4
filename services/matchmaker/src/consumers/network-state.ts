// Every replica's own view of the network: profiles, who is online, handles, account status,
// recent post texts and term statistics, blocks and list blocks between people. Fed by
// `bus.follow`, so each replica reads every event (the consumer group would hand it only its
// share and leave it with partial profiles), from `now - BOTSKY_MATCH_STATE_LOOKBACK` at
// start-up. Shared state (consent, mention counts, decisions) stays with the consumer group and KV.
import { decodeFollowed, type Bus, type BusMessage, type Subscription } from '@botsky/bus';
import { NetworkEventSchema, STREAM_SUBJECTS, STREAMS, type NetworkEvent, type Post } from '@botsky/contracts';
import { CONSENT_CACHE_MS, eventTime, noteActivity, type Deps } from './activity.ts';
import { onAccount, onIdentity } from './network-account.ts';
import { onLike } from './network-like.ts';
import { LISTBLOCK, LISTITEM } from './network-list.ts';

export async function followNetworkState(bus: Bus, deps: Deps, sinceMs: number): Promise<Subscription> {
  const sub = await bus.follow(STREAM_SUBJECTS[STREAMS.network], (msg) => observe(deps, msg), { sinceMs });
  // Events before the look-back are not this state's business: a post decided from the backlog
  // must not wait for the follower to read what it never will.
  deps.st.cursor.advance(sub.startSeq - 1);
  return sub;
}

async function observe(deps: Deps, msg: BusMessage): Promise<void> {
  try {
    const ev = decodeFollowed(msg, NetworkEventSchema);
    // An undecodable event is counted and dead-lettered by the consumer group, once.
    if (ev) await route(deps, ev);
  } finally {
    deps.st.cursor.advance(msg.seq);
  }
}

async function route(deps: Deps, ev: NetworkEvent): Promise<void> {
  const p = ev.payload;
  switch (p.case) {
    case 'post':
      return observePost(deps, ev, p.value);
    case 'like':
      return onLike(deps, ev, p.value.subject?.uri ?? '');
    case 'identity':
      return onIdentity(deps, ev);
    case 'account':
      return onAccount(deps, ev, p.value.active);
    case 'block':
      deps.st.blocks.add(ev.uri, ev.did, p.value.subjectDid);
      await noteActivity(deps, ev);
      return;
    case 'listBlock':
      deps.st.lists.add(ev.uri, ev.did, p.value.listUri);
      await noteActivity(deps, ev);
      return;
    case 'listItem':
      deps.st.lists.addItem(ev.uri, p.value.listUri, p.value.subjectDid);
      await noteActivity(deps, ev);
      return;
    case 'profile':
      deps.ctx.botAccounts.observeProfile(ev.did, p.value.selfLabels);
      await noteActivity(deps, ev);
      return;
    case 'delete':
      if (p.value.collection === 'app.bsky.graph.block') deps.st.blocks.remove(ev.uri);
      else if (p.value.collection === LISTBLOCK) deps.st.lists.remove(ev.uri);
      else if (p.value.collection === LISTITEM) deps.st.lists.removeItem(ev.uri);
      return;
    case 'follow':
    case 'repost':
      await noteActivity(deps, ev);
      return;
    default:
      return;
  }
}

/** A post's words join the term statistics, and the author's profile while they are opted in. */
async function observePost({ ctx, st }: Deps, ev: NetworkEvent, post: Post): Promise<void> {
  if (ctx.roster.isBot(ev.did)) return;
  st.texts.set(ev.uri, post.text);
  st.terms.observe(post.text);
  const consent = await ctx.consent.cached(ev.did, CONSENT_CACHE_MS);
  if (consent?.state === 'in') st.people.observePost(ev.did, post.text, eventTime(ctx, ev));
}
