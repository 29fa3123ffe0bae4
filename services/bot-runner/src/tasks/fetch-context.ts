// What the prompt says about the people and the thread. Records are read from where each
// repository lives (the PDS in its owner's DID document, through `@botsky/identity`) with
// com.atproto.repo.getRecord / listRecords, which every PDS answers without a login; or, when
// BOTSKY_APPVIEW_URL names one, profiles and recent posts from an AppView (app.bsky.actor.getProfile,
// app.bsky.feed.getAuthorFeed). Most people on the real network live on other servers than the
// bots, so the bots' own PDS would know nothing of them. Everything here is best effort: a
// profile that cannot be read leaves the prompt poorer, never the task failed. All of it is
// untrusted text (the prompt escapes it as data).
import { AtpAgent, AtUri } from '@atproto/api';
import type { MentionCandidate, ReplyTask } from '@botsky/contracts';
import type { Identities } from '@botsky/identity';
import { isNotFound } from '../accounts/bot-account.ts';
import { PROMPT_LIMITS } from '../providers/prompt.ts';
import type { PersonContext, ThreadItem } from '../providers/types.ts';

type Rec = Record<string, unknown>;

/** How long a person's profile and recent posts are reused; within the deletion bound (docs/operations.md#deletions). */
export const PERSON_TTL_MS = 30_000;

/** "Active recently": seen acting within this long before the task (matchmaker's default online window). */
export const RECENT_MS = 15 * 60_000;

/** What the task says of a person besides their DID: verified handle, interests, last activity. */
export interface PersonHints {
  handle: string;
  interests: readonly string[];
  /** Epoch ms of their last activity; undefined when unknown. */
  lastActiveMs?: number;
}

export interface ContextReaderOptions {
  appviewUrl?: string;
  /** How long a person's profile and posts are reused (and kept: older ones are dropped). */
  ttlMs?: number;
  maxPeople?: number;
  now?: () => number;
}

/**
 * Reads what the prompt needs about people and threads, caching people for a short while: an
 * active author or a popular person to introduce appears in many tasks a minute.
 */
export class ContextReader {
  readonly #identities: Identities;
  readonly #appview: AtpAgent | undefined;
  readonly #agents = new Map<string, AtpAgent>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #people = new Map<string, { at: number; person: Promise<Omit<PersonContext, 'handle' | 'interests'>> }>();

  constructor(identities: Identities, opts: ContextReaderOptions = {}) {
    this.#identities = identities;
    this.#appview = opts.appviewUrl ? new AtpAgent({ service: opts.appviewUrl }) : undefined;
    this.#ttlMs = opts.ttlMs ?? PERSON_TTL_MS;
    this.#max = opts.maxPeople ?? 5000;
    this.#now = opts.now ?? Date.now;
    // Profiles and posts are not kept past their reuse: a deleted post's words leave with them.
    setInterval(() => this.#dropExpired(), this.#ttlMs).unref();
  }

  /**
   * Whether the post still exists where its author's repository lives: false only when that PDS
   * says it does not (deleted since the task was made), undefined when it cannot be asked.
   */
  async postExists(task: ReplyTask): Promise<boolean | undefined> {
    const uri = safeUri(task.postRef?.uri ?? '');
    const agent = uri ? await this.#agentFor(uri.hostname) : undefined;
    if (!uri || !agent) return undefined;
    try {
      await agent.com.atproto.repo.getRecord({ repo: uri.hostname, collection: uri.collection, rkey: uri.rkey });
      return true;
    } catch (err) {
      return isNotFound(err) ? false : undefined;
    }
  }

  #dropExpired(): void {
    // Entries are in the order they were read: the oldest first.
    for (const [did, entry] of this.#people) {
      if (this.#now() - entry.at < this.#ttlMs) break;
      this.#people.delete(did);
    }
  }

  /** A person as the prompt shows them: the task's hints, their profile and recent posts. */
  async person(did: string, hints: PersonHints): Promise<PersonContext> {
    const read = await this.#cachedPerson(did);
    const out: PersonContext = { ...read, handle: hints.handle || did, interests: [...hints.interests] };
    if (hints.lastActiveMs !== undefined && hints.lastActiveMs > 0) {
      out.lastActiveAt = new Date(hints.lastActiveMs).toISOString();
      out.activeRecently = this.#now() - hints.lastActiveMs <= RECENT_MS;
    }
    return out;
  }

  /** The ancestors of the post with their authors, oldest first, at most PROMPT_LIMITS.threadPosts of them. */
  async thread(task: ReplyTask): Promise<ThreadItem[]> {
    const items: ThreadItem[] = [];
    let parent = task.post?.reply?.parent?.uri;
    while (parent && items.length < PROMPT_LIMITS.threadPosts) {
      const uri = safeUri(parent);
      if (!uri) break;
      const rec = await this.#record(uri);
      if (!rec) break;
      if (typeof rec.text === 'string') {
        items.unshift({
          authorDid: uri.hostname,
          authorHandle: (await this.#identities.verifiedHandle(uri.hostname)) ?? '',
          text: rec.text,
        });
      }
      parent = ((rec.reply as Rec | undefined)?.parent as Rec | undefined)?.uri as string | undefined;
    }
    return items;
  }

  /** The post's text: the task carries it; its author's PDS is asked only when it does not. */
  async postText(task: ReplyTask): Promise<string> {
    if (task.post?.text) return task.post.text;
    const uri = safeUri(task.postRef?.uri ?? '');
    const rec = uri ? await this.#record(uri) : undefined;
    return typeof rec?.text === 'string' ? rec.text : '';
  }

  #cachedPerson(did: string): Promise<Omit<PersonContext, 'handle' | 'interests'>> {
    const hit = this.#people.get(did);
    if (hit && this.#now() - hit.at < this.#ttlMs) return hit.person;
    const person = this.#appview ? this.#fromAppView(this.#appview, did) : this.#fromRepo(did);
    this.#people.delete(did);
    this.#people.set(did, { at: this.#now(), person });
    if (this.#people.size > this.#max) this.#people.delete(this.#people.keys().next().value as string);
    return person;
  }

  async #fromRepo(did: string): Promise<Omit<PersonContext, 'handle' | 'interests'>> {
    const agent = await this.#agentFor(did);
    if (!agent) return { did, recentPosts: [] };
    const [profile, posts] = await Promise.all([getRecord(agent, did, 'app.bsky.actor.profile', 'self'), recentPosts(agent, did)]);
    const person: Omit<PersonContext, 'handle' | 'interests'> = { did, recentPosts: posts };
    if (typeof profile?.displayName === 'string') person.displayName = profile.displayName;
    if (typeof profile?.description === 'string') person.description = profile.description;
    return person;
  }

  async #fromAppView(appview: AtpAgent, did: string): Promise<Omit<PersonContext, 'handle' | 'interests'>> {
    const [profile, feed] = await Promise.all([
      appview.app.bsky.actor.getProfile({ actor: did }).then(
        (r) => r.data,
        () => undefined,
      ),
      appview.app.bsky.feed.getAuthorFeed({ actor: did, limit: PROMPT_LIMITS.recentPosts * 2, filter: 'posts_no_replies' }).then(
        (r) => r.data.feed,
        () => [],
      ),
    ]);
    const texts = feed
      .filter((item) => item.post.author.did === did && !item.reason)
      .map((item) => (item.post.record as Rec).text)
      .filter((t): t is string => typeof t === 'string')
      .slice(0, PROMPT_LIMITS.recentPosts);
    const person: Omit<PersonContext, 'handle' | 'interests'> = { did, recentPosts: texts };
    if (profile?.displayName) person.displayName = profile.displayName;
    if (profile?.description) person.description = profile.description;
    return person;
  }

  async #record(uri: AtUri): Promise<Rec | undefined> {
    const agent = await this.#agentFor(uri.hostname);
    return agent ? getRecord(agent, uri.hostname, uri.collection, uri.rkey) : undefined;
  }

  /** An unauthenticated client of the PDS hosting the DID's repository (one per PDS). */
  async #agentFor(did: string): Promise<AtpAgent | undefined> {
    const pds = await this.#identities.pdsOf(did);
    if (!pds) return undefined;
    let agent = this.#agents.get(pds);
    if (!agent) {
      agent = new AtpAgent({ service: pds });
      this.#agents.set(pds, agent);
      if (this.#agents.size > this.#max) this.#agents.delete(this.#agents.keys().next().value as string);
    }
    return agent;
  }
}

/** The hints a task carries about its chosen person. */
export function mentionHints(m: MentionCandidate): PersonHints {
  return { handle: m.handle, interests: m.interests, ...(m.lastActiveUs > 0n ? { lastActiveMs: Number(m.lastActiveUs / 1000n) } : {}) };
}

async function recentPosts(agent: AtpAgent, did: string): Promise<string[]> {
  try {
    const res = await agent.com.atproto.repo.listRecords({
      repo: did,
      collection: 'app.bsky.feed.post',
      limit: PROMPT_LIMITS.recentPosts + 1,
    });
    return res.data.records
      .map((r) => (r.value as Rec).text)
      .filter((t): t is string => typeof t === 'string')
      .slice(0, PROMPT_LIMITS.recentPosts);
  } catch {
    return [];
  }
}

async function getRecord(agent: AtpAgent, repo: string, collection: string, rkey: string): Promise<Rec | undefined> {
  try {
    const res = await agent.com.atproto.repo.getRecord({ repo, collection, rkey });
    return res.data.value as Rec;
  } catch {
    return undefined;
  }
}

function safeUri(uri: string): AtUri | undefined {
  try {
    return new AtUri(uri);
  } catch {
    return undefined;
  }
}
