// What the simulation keeps per person, and how a bot post seen on the firehose is routed to the
// people it concerns: the author of the post it answers, and anyone it mentions.
import type { PostEvent } from '@botsky/firehose';
import type { Consent, Person } from '../people.ts';
import type { ReaderRole } from '../reactions.ts';
import type { Topic } from '../vocabulary.ts';
import type { SimAccount } from './accounts.ts';
import type { PlannedWrite, StrongRef } from './writes.ts';

/** A bot post waiting for its reader to come online. */
export interface InboxItem {
  role: ReaderRole;
  /** Stable across runs (no URIs or DIDs in it): what the reader's decision is seeded by. */
  key: string;
  /** `answered`: the text of the person's post the bot replied to, when the population wrote it. */
  post: { ref: StrongRef; root: StrongRef; did: string; text: string; answered?: string };
}

export interface QueuedWrite {
  write: PlannedWrite;
  attempts: number;
  /** What to count when the write lands. */
  tag: WriteTag;
}

export type WriteTag =
  | 'post'
  | 'conversation'
  | 'bot-reply'
  | 'mention-reply'
  | 'stop'
  | 'like'
  | 'block'
  | 'feed-like'
  | 'feed-reply'
  | 'setup';

export interface PersonState {
  person: Person;
  handle: string;
  account: SimAccount | null;
  consent: Consent;
  /** Set when this person's social setup (profile, follows) is on the PDS. */
  socialDone: boolean;
  inbox: InboxItem[];
  /** How often each decision key came up, so a repeated text gets its own seed. */
  keyCounts: Map<string, number>;
  feedSeen: Set<string>;
  queue: QueuedWrite[];
}

/** A person's post that others may answer. */
export interface RecentPost {
  ref: StrongRef;
  root: StrongRef;
  author: number;
  topics: ReadonlyMap<Topic, number>;
}

export function rootOf(post: PostEvent): StrongRef {
  return post.reply?.root ?? { uri: post.uri, cid: post.cid };
}

export function didOfUri(uri: string): string {
  return uri.startsWith('at://') ? (uri.slice(5).split('/')[0] ?? '') : '';
}

/** The people a bot post concerns, each once: the author it answers first, then those it mentions. */
export function readersOf(post: PostEvent, personByDid: ReadonlyMap<string, PersonState>): { state: PersonState; role: ReaderRole }[] {
  const out: { state: PersonState; role: ReaderRole }[] = [];
  const seen = new Set<string>();
  const parentDid = post.reply ? didOfUri(post.reply.parent.uri) : '';
  const author = personByDid.get(parentDid);
  if (author) {
    out.push({ state: author, role: 'author' });
    seen.add(parentDid);
  }
  for (const f of post.facets) {
    if (f.type !== 'mention' || seen.has(f.did)) continue;
    const mentioned = personByDid.get(f.did);
    if (!mentioned) continue;
    out.push({ state: mentioned, role: 'mentioned' });
    seen.add(f.did);
  }
  return out;
}

/** Stable across runs: the role, the bot's planted quality (not its DID), the text, and which repeat. */
export function reactionKey(role: ReaderRole, quality: number, text: string, occurrence: number): string {
  return `${role}|q${quality}|${text}|${occurrence}`;
}

export function deliver(state: PersonState, role: ReaderRole, post: PostEvent, quality: number, answered?: string): void {
  const base = `${role}|q${quality}|${post.text}`;
  const n = (state.keyCounts.get(base) ?? 0) + 1;
  state.keyCounts.set(base, n);
  state.inbox.push({
    role,
    key: reactionKey(role, quality, post.text, n),
    post: {
      ref: { uri: post.uri, cid: post.cid },
      root: rootOf(post),
      did: post.did,
      text: post.text,
      ...(answered === undefined ? {} : { answered }),
    },
  });
}
