// Mentions per person per day (UTC), shared by every replica in KV_BUCKETS.mentions under
// `<did>.<yyyy-mm-dd>`. A mention is counted with compare-and-set before its task is published,
// so replicas together never exceed the daily limit (a lost race counts once too many, never
// once too few).
import type { KvStore } from '@botsky/bus';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MAX_ATTEMPTS = 8;

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function mentionKey(did: string, ms: number): string {
  return `${did}.${dayOf(ms)}`;
}

function parseCount(bytes: Uint8Array | undefined): number {
  if (!bytes) return 0;
  const n = Number(decoder.decode(bytes));
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

export class MentionCounter {
  readonly #kv: KvStore;

  constructor(kv: KvStore) {
    this.#kv = kv;
  }

  async count(did: string, now: number): Promise<number> {
    return parseCount((await this.#kv.get(mentionKey(did, now)))?.value);
  }

  /** Counts one mention if the person is under `limit` today; false when they are not. */
  async take(did: string, now: number, limit: number): Promise<boolean> {
    const key = mentionKey(did, now);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const e = await this.#kv.get(key);
      const n = parseCount(e?.value);
      if (n >= limit) return false;
      if (await this.#kv.update(key, encoder.encode(String(n + 1)), e?.revision ?? 0)) return true;
    }
    // Under heavy contention, not mentioning is the safe answer.
    return false;
  }
}
