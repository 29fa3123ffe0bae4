// Every replica's own state forgets what a deletion takes away. A follower of
// botsky.network.delete and botsky.network.account, from the state follower's look-back (a
// replayed post is forgotten again), each event applied once the state follower has read up to
// it, so nothing read before the deletion brings the words back after it.
// - A deleted post: its text (PostTexts) and its words in its author's interest profile. When
//   this replica no longer holds the text, the author's whole profile goes; their next posts
//   rebuild it.
// - An account gone (deleted, deactivated, taken down, suspended): its profile, its activity and
//   every text of it held here. It stays inactive (network-account.ts) until it comes back.
// - A liked post's words leave its likers' profiles too (PostTexts remembers who liked it).
// Kept: the term statistics (how many posts use each word: no one's post).
import { decodeFollowed, type Bus, type BusMessage, type Subscription } from '@botsky/bus';
import { NetworkEventSchema, SUBJECTS } from '@botsky/contracts';
import type { MatchState } from '../match/state.ts';
import { InterestProfile, terms } from '../selection/index.ts';
import type { Gone } from '../state/decision-scrub.ts';
import type { Deps } from './activity.ts';
import { accountTextsGone, forgottenCounter, type Forgotten } from './forget-rules.ts';
import { scrubDecision } from './scrub-decision.ts';

const POST = 'app.bsky.feed.post';
/** How long one wait for the state follower lasts before the stop signal is looked at again. */
const WAIT_MS = 1000;

export async function followForgetting(bus: Bus, deps: Deps, sinceMs: number): Promise<Subscription> {
  const stopping = new AbortController();
  const forgotten = forgottenCounter(deps.ctx.metrics);
  const subs = await Promise.all(
    [SUBJECTS.networkDelete, SUBJECTS.networkAccount].map((subject) =>
      bus.follow(subject, (msg) => forget(deps, forgotten, msg, stopping.signal), { sinceMs }),
    ),
  );
  return {
    async stop() {
      stopping.abort();
      await Promise.all(subs.map((s) => s.stop()));
    },
  };
}

async function forget({ ctx, st }: Deps, forgotten: Forgotten, msg: BusMessage, signal: AbortSignal): Promise<void> {
  const ev = decodeFollowed(msg, NetworkEventSchema);
  // An undecodable event is counted and dead-lettered by the consumer group, once.
  if (!ev) return;
  while (!(await st.cursor.reached(msg.seq, WAIT_MS))) if (signal.aborted) return;
  const p = ev.payload;
  let gone: Gone | undefined;
  if (p.case === 'delete' && p.value.collection === POST) {
    // forgetPost ignores a delete naming another repository's post; so does the scrub.
    if (forgetPost(st, forgotten, ev.did, ev.uri)) gone = { did: ev.did, postUri: ev.uri };
  } else if (p.case === 'account' && accountTextsGone(p.value)) {
    forgetAccount(st, forgotten, ev.did);
    gone = { did: ev.did, account: true };
  }
  if (!gone) return;
  // Decisions this replica stored lately may have been made before the consumer group's scrub.
  st.recent.noteGone(gone, ctx.now());
  for (const id of st.recent.stored(ctx.now()))
    await scrubDecision(ctx, id, [gone]).catch((err: unknown) => ctx.logger.warn({ err, id }, 'cannot scrub a recent decision'));
}

/** A deleted post leaves this replica's state; false for a delete from another repository (nothing changes). */
export function forgetPost(st: MatchState, forgotten: Forgotten, did: string, uri: string): boolean {
  if (!uri.startsWith(`at://${did}/${POST}/`)) {
    forgotten.inc({ what: 'nothing' });
    return false;
  }
  const likers = st.texts.likersOf(uri);
  const text = st.texts.forget(uri);
  if (text !== undefined) forgotten.inc({ what: 'post_text' });
  if (text !== undefined) for (const liker of likers) if (dropTerms(st, liker, text)) forgotten.inc({ what: 'liker_terms' });
  const person = st.people.get(did);
  if (!person || person.profile.size === 0) {
    if (text === undefined) forgotten.inc({ what: 'nothing' });
    return true;
  }
  if (text === undefined) {
    person.profile = new InterestProfile();
    forgotten.inc({ what: 'profile' });
    return true;
  }
  dropTerms(st, did, text);
  forgotten.inc({ what: 'profile_terms' });
  return true;
}

/** Takes a text's terms out of someone's profile; false when they have none here. */
function dropTerms(st: MatchState, did: string, text: string): boolean {
  const person = st.people.get(did);
  if (!person || person.profile.size === 0) return false;
  const drop = new Set(terms(text));
  person.profile = InterestProfile.fromJSON(Object.fromEntries(Object.entries(person.profile.toJSON()).filter(([t]) => !drop.has(t))));
  return true;
}

/** An account gone leaves this replica's state. */
export function forgetAccount(st: MatchState, forgotten: Forgotten, did: string): void {
  const person = st.people.forget(did);
  const texts = st.texts.forgetAuthor(did);
  if (person) forgotten.inc({ what: 'person' });
  if (texts > 0) forgotten.inc({ what: 'post_text' }, texts);
  if (!person && texts === 0) forgotten.inc({ what: 'nothing' });
}
