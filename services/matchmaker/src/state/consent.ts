// Consent per person, shared by every replica in NATS KV (KV_BUCKETS.consent): in after following
// the project's account or tagging a bot, out the moment they block a bot, unfollow, or say "stop".
// Blocks of bots are kept per bot too (a person who opts in again still never hears from a bot
// they block), and the follow's record URI, because a delete names only the deleted record.
// Every change is a compare-and-set, awaited before the event is acked: an opt-out is durable.
import type { KvStore } from '@botsky/bus';
import { encodeConsent, parseConsent, type ConsentRecord } from '@botsky/contracts';

export class ConsentConflictError extends Error {
  override readonly name = 'ConsentConflictError';
  constructor(did: string, options?: { cause?: unknown }) {
    super(`consent of ${did} kept changing under concurrent writers`, options);
  }
}

const MAX_ATTEMPTS = 8;

/** What a change did: the record before and after (undefined when there was none). */
export interface ConsentChange {
  before: ConsentRecord | undefined;
  after: ConsentRecord | undefined;
}

export class ConsentStore {
  readonly #kv: KvStore;
  /** This replica's last read of each record; candidates are pre-filtered with it, then re-read. */
  readonly #cache = new Map<string, { record: ConsentRecord | undefined; readAt: number }>();
  readonly #maxCached: number;

  constructor(kv: KvStore, maxCached = 100_000) {
    this.#kv = kv;
    this.#maxCached = maxCached;
  }

  /** Reads the shared record (always from KV) and refreshes the cache. */
  async read(did: string): Promise<ConsentRecord | undefined> {
    const e = await this.#kv.get(did);
    const record = e ? parseConsent(e.value) : undefined;
    this.#remember(did, record);
    return record;
  }

  /** The cached record, re-read from KV when older than `maxAgeMs` or never read. */
  async cached(did: string, maxAgeMs: number): Promise<ConsentRecord | undefined> {
    const hit = this.#cache.get(did);
    if (hit && Date.now() - hit.readAt <= maxAgeMs) return hit.record;
    return this.read(did);
  }

  /** Cached only, no I/O (undefined: unknown or none). */
  peek(did: string): ConsentRecord | undefined {
    return this.#cache.get(did)?.record;
  }

  /**
   * Applies `change` to the current record with compare-and-set, retrying when another replica
   * wrote in between. `change` returns undefined to leave the record as it is.
   */
  async mutate(did: string, change: (cur: ConsentRecord | undefined) => ConsentRecord | undefined): Promise<ConsentChange> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const e = await this.#kv.get(did);
      const before = e ? parseConsent(e.value) : undefined;
      const after = change(before && structuredClone(before));
      if (after === undefined) {
        this.#remember(did, before);
        return { before, after: before };
      }
      if (await this.#kv.update(did, encodeConsent(after), e?.revision ?? 0)) {
        this.#remember(did, after);
        return { before, after };
      }
    }
    throw new ConsentConflictError(did);
  }

  #remember(did: string, record: ConsentRecord | undefined): void {
    this.#cache.delete(did);
    this.#cache.set(did, { record, readAt: Date.now() });
    if (this.#cache.size > this.#maxCached) this.#cache.delete(this.#cache.keys().next().value as string);
  }
}
