// What the prompt says about the people and the thread, read from the PDS's repos
// (com.atproto.repo.getRecord / listRecords) rather than an AppView, which a local network may not
// run. Everything here is best effort: a profile that cannot be read leaves the prompt poorer,
// never the task failed. All of it is untrusted text (the prompt escapes it as data).
import { AtUri, type AtpAgent } from '@atproto/api';
import type { ReplyTask } from '@botsky/contracts';
import { PROMPT_LIMITS } from '../providers/prompt.ts';
import type { PersonContext } from '../providers/types.ts';

type Rec = Record<string, unknown>;

/**
 * People's profiles and recent posts for a short while: an active author or a popular person to
 * introduce appears in many tasks a minute, and each read is a PDS request.
 */
export class PersonCache {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #entries = new Map<string, { at: number; person: Promise<PersonContext> }>();

  constructor(ttlMs = 60_000, max = 5000) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  get(agent: AtpAgent, did: string, handle: string): Promise<PersonContext> {
    const hit = this.#entries.get(did);
    if (hit && Date.now() - hit.at < this.#ttlMs) return hit.person.then((p) => ({ ...p, handle: handle || p.handle }));
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
    const person = personContext(agent, did, handle);
    this.#entries.set(did, { at: Date.now(), person });
    return person;
  }
}

export async function personContext(agent: AtpAgent, did: string, handle: string): Promise<PersonContext> {
  const [profile, posts] = await Promise.all([readRecord(agent, did, 'app.bsky.actor.profile', 'self'), recentPosts(agent, did)]);
  const person: PersonContext = { handle: handle || did, did, recentPosts: posts, interests: [] };
  if (typeof profile?.displayName === 'string') person.displayName = profile.displayName;
  if (typeof profile?.description === 'string') person.description = profile.description;
  return person;
}

async function recentPosts(agent: AtpAgent, did: string): Promise<string[]> {
  try {
    const res = await agent.com.atproto.repo.listRecords({ repo: did, collection: 'app.bsky.feed.post', limit: PROMPT_LIMITS.recentPosts + 1 });
    return res.data.records.map((r) => (r.value as Rec).text).filter((t): t is string => typeof t === 'string').slice(0, PROMPT_LIMITS.recentPosts);
  } catch {
    return [];
  }
}

/** The ancestors of the post, oldest first, at most PROMPT_LIMITS.threadPosts of them. */
export async function threadOf(agent: AtpAgent, task: ReplyTask): Promise<string[]> {
  const texts: string[] = [];
  let parent = task.post?.reply?.parent?.uri;
  while (parent && texts.length < PROMPT_LIMITS.threadPosts) {
    const uri = safeUri(parent);
    if (!uri) break;
    const rec = await readRecord(agent, uri.hostname, uri.collection, uri.rkey);
    if (!rec) break;
    if (typeof rec.text === 'string') texts.unshift(rec.text);
    parent = ((rec.reply as Rec | undefined)?.parent as Rec | undefined)?.uri as string | undefined;
  }
  return texts;
}

/** The post's text: the task carries it; the PDS is asked only when it does not. */
export async function postText(agent: AtpAgent, task: ReplyTask): Promise<string> {
  if (task.post?.text) return task.post.text;
  const uri = safeUri(task.postRef?.uri ?? '');
  const rec = uri ? await readRecord(agent, uri.hostname, uri.collection, uri.rkey) : undefined;
  return typeof rec?.text === 'string' ? rec.text : '';
}

async function readRecord(agent: AtpAgent, repo: string, collection: string, rkey: string): Promise<Rec | undefined> {
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
