// Every replica's own state forgets what a deletion takes away. A follower of
// botsky.network.delete and botsky.network.account, from the state follower's look-back (a
// replayed post is forgotten again), each event applied once the state follower has read up to
// it, so nothing read before the deletion brings the words back after it.
// - A deleted post: its text (PostTexts) and its words in its author's interest profile. When
//   this replica no longer holds the text, the author's whole profile goes; their next posts
//   rebuild it.
// - An account gone (deleted, deactivated, taken down, suspended): its profile, its activity and
//   every text of it held here. It stays inactive (network-account.ts) until it comes back.
// Kept: what a like taught the liker's profile (the liker's own activity, not the post), and the
// term statistics (how many posts use each word: no one's post).
import type { Bus, BusMessage, Subscription } from '@botsky/bus';
import { AccountStatus, decode, NetworkEventSchema, SUBJECTS, type Account, type NetworkEvent } from '@botsky/contracts';
import type { Counter, Metrics } from '@botsky/kit';
import type { MatchState } from '../match/state.ts';
import { InterestProfile, terms } from '../selection/index.ts';
import type { Deps } from './activity.ts';

const POST = 'app.bsky.feed.post';
/** How long one wait for the state follower lasts before the stop signal is looked at again. */
const WAIT_MS = 1000;

export type Forgotten = Counter<'what'>;

/** Whether an account event ends its texts: the rule of scoring's purge (accountTextsGone). */
export function accountTextsGone(a: Account): boolean {
  return !a.active && a.status !== AccountStatus.DESYNCHRONIZED && a.status !== AccountStatus.THROTTLED;
}

export function forgottenCounter(metrics: Metrics): Forgotten {
  return metrics.counter({
    name: 'botsky_matchmaker_forgotten_total',
    help: 'What deletions took from matchmaker\'s state (post_text, profile_terms, profile, person, decision; nothing when it held none)',
    labelNames: ['what'],
  });
}

export async function followForgetting(bus: Bus, deps: Deps, sinceMs: number): Promise<Subscription> {
  const stopping = new AbortController();
  const forgotten = forgottenCounter(deps.ctx.metrics);
  const subs = await Promise.all([SUBJECTS.networkDelete, SUBJECTS.networkAccount].map((subject) =>
    bus.follow(subject, (msg) => forget(deps.st, forgotten, msg, stopping.signal), { sinceMs })));
  return {
    async stop() {
      stopping.abort();
      await Promise.all(subs.map((s) => s.stop()));
    },
  };
}

async function forget(st: MatchState, forgotten: Forgotten, msg: BusMessage, signal: AbortSignal): Promise<void> {
  const ev = decodeOrUndefined(msg);
  // An undecodable event is counted and dead-lettered by the consumer group, once.
  if (!ev) return;
  while (!(await st.cursor.reached(msg.seq, WAIT_MS))) if (signal.aborted) return;
  const p = ev.payload;
  if (p.case === 'delete' && p.value.collection === POST) forgetPost(st, forgotten, ev.did, ev.uri);
  else if (p.case === 'account' && accountTextsGone(p.value)) forgetAccount(st, forgotten, ev.did);
}

function decodeOrUndefined(msg: BusMessage): NetworkEvent | undefined {
  try {
    return decode(NetworkEventSchema, msg.data);
  } catch {
    return undefined;
  }
}

/** A deleted post leaves this replica's state (a delete from another repository changes nothing). */
export function forgetPost(st: MatchState, forgotten: Forgotten, did: string, uri: string): void {
  if (!uri.startsWith(`at://${did}/${POST}/`)) return void forgotten.inc({ what: 'nothing' });
  const text = st.texts.forget(uri);
  if (text !== undefined) forgotten.inc({ what: 'post_text' });
  const person = st.people.get(did);
  if (!person || person.profile.size === 0) {
    if (text === undefined) forgotten.inc({ what: 'nothing' });
    return;
  }
  if (text === undefined) {
    person.profile = new InterestProfile();
    return void forgotten.inc({ what: 'profile' });
  }
  const drop = new Set(terms(text));
  person.profile = InterestProfile.fromJSON(Object.fromEntries(Object.entries(person.profile.toJSON()).filter(([t]) => !drop.has(t))));
  forgotten.inc({ what: 'profile_terms' });
}

/** An account gone leaves this replica's state. */
export function forgetAccount(st: MatchState, forgotten: Forgotten, did: string): void {
  const person = st.people.forget(did);
  const texts = st.texts.forgetAuthor(did);
  if (person) forgotten.inc({ what: 'person' });
  if (texts > 0) forgotten.inc({ what: 'post_text' }, texts);
  if (!person && texts === 0) forgotten.inc({ what: 'nothing' });
}
