// Bot replies per person, capped per day (UTC) and per thread, shared by every replica in the
// KV bucket of the mention counters (KV_BUCKETS.mentions, two days' TTL) under
// `replies.<did>.<yyyy-mm-dd>` and `thread.<did>.<hash of the thread's root>`. Each counter holds
// the replies granted per post, so a post decided by two replicas at once (or redelivered) is
// counted once: the second take finds the post's grant and shares it. Grants are taken with
// compare-and-set before anything is drawn and settled to what was published by the replica
// whose decision won, so replicas together never exceed a cap (a lost race counts high, never low).
import { createHash } from 'node:crypto';
import type { KvStore } from '@botsky/bus';
import { dayOf } from './mentions.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MAX_ATTEMPTS = 8;

export interface ReplyLimits {
  daily: number;
  perThread: number;
}

/** What a take granted: how many replies the post may get, and which cap stopped it, if one did. */
export interface Grant {
  granted: number;
  limitedBy?: 'reply_limit' | 'thread_limit';
  /** Settles the post's grant to what it used (its published replies), giving back the rest. */
  settle(used: number): Promise<void>;
}

type Counts = Record<string, number>;

function parse(bytes: Uint8Array | undefined): Counts {
  if (!bytes) return {};
  try {
    const v = JSON.parse(decoder.decode(bytes)) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v).filter(([, n]) => typeof n === 'number' && Number.isFinite(n) && n > 0)) as Counts;
  } catch {
    return {};
  }
}

const total = (c: Counts) => Object.values(c).reduce((s, n) => s + n, 0);

export const dailyReplyKey = (did: string, ms: number) => `replies.${did}.${dayOf(ms)}`;
export const threadReplyKey = (did: string, rootUri: string) =>
  `thread.${did}.${createHash('sha256').update(rootUri).digest('hex').slice(0, 32)}`;

export class ReplyQuota {
  readonly #kv: KvStore;

  constructor(kv: KvStore) {
    this.#kv = kv;
  }

  /** Up to `want` replies to `did` for the post `postId` in the thread rooted at `rootUri`, within both caps. */
  async take(did: string, rootUri: string, postId: string, now: number, want: number, limits: ReplyLimits): Promise<Grant> {
    const day = dailyReplyKey(did, now);
    const thread = threadReplyKey(did, rootUri);
    const fromDay = await this.#take(day, postId, want, limits.daily);
    const fromThread = fromDay > 0 ? await this.#take(thread, postId, fromDay, limits.perThread) : 0;
    if (fromThread < fromDay) await this.#set(day, postId, fromThread);
    const limitedBy = fromDay < want ? 'reply_limit' : fromThread < fromDay ? 'thread_limit' : undefined;
    return {
      granted: fromThread,
      ...(limitedBy ? { limitedBy } : {}),
      settle: async (used) => {
        const n = Math.max(0, Math.min(used, fromThread));
        if (n === fromThread) return;
        await this.#set(thread, postId, n);
        await this.#set(day, postId, n);
      },
    };
  }

  /** Replies counted under a key. */
  async count(key: string): Promise<number> {
    return total(parse((await this.#kv.get(key))?.value));
  }

  async #take(key: string, postId: string, want: number, limit: number): Promise<number> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const e = await this.#kv.get(key);
      const counts = parse(e?.value);
      const had = counts[postId];
      if (had !== undefined) return Math.min(had, want);
      const take = Math.max(0, Math.min(want, limit - total(counts)));
      if (take === 0) return 0;
      if (await this.#kv.update(key, encoder.encode(JSON.stringify({ ...counts, [postId]: take })), e?.revision ?? 0)) return take;
    }
    // Under heavy contention, not replying is the safe answer.
    return 0;
  }

  /** Best effort: a settlement lost to contention leaves the count high, the safe side. */
  async #set(key: string, postId: string, n: number): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const e = await this.#kv.get(key);
      if (!e) return;
      const counts = parse(e.value);
      if (counts[postId] === undefined || counts[postId] === n) return;
      const next = { ...counts, [postId]: n };
      if (n === 0) delete next[postId];
      if (await this.#kv.update(key, encoder.encode(JSON.stringify(next)), e.revision)) return;
    }
  }
}
