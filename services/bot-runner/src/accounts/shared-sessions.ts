// Bot sessions shared by every bot-runner replica (KV_BUCKETS.botSessions, sealed with the
// registry's secret), so that scaling out, a rollout or a new self-service bot costs one login
// per account, not one per replica: Bluesky allows 30 logins in 5 minutes and 300 a day.
//
// Keys: `s.<bot id>` holds the session (its handle, PDS and tokens), rewritten at every refresh;
// `l.<bot id>` is the login lock, made by compare-and-set by the one replica that logs in while the
// others wait for its session. A lock older than LOCK_STALE_MS is taken over (its replica died).
// Two replicas holding the same session may both refresh it: the reference PDS accepts a refresh
// token again within its grace period (two hours) and answers with the same next session.
import type { AtpSessionData } from '@atproto/api';
import type { KvStore } from '@botsky/bus';
import type { Sealer } from '@botsky/kit';

export interface StoredSession {
  handle: string;
  service: string;
  session: AtpSessionData;
}

export const LOCK_STALE_MS = 60_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class SharedSessions {
  readonly #kv: KvStore;
  readonly #sealer: Sealer;
  readonly #replica: string;
  readonly #now: () => number;

  constructor(kv: KvStore, sealer: Sealer, replica: string, now: () => number = Date.now) {
    this.#kv = kv;
    this.#sealer = sealer;
    this.#replica = replica;
    this.#now = now;
  }

  /** The session stored for the bot, if it is for this handle on this PDS and opens. */
  async load(botId: string, handle: string, service: string): Promise<AtpSessionData | undefined> {
    const entry = await this.#kv.get(`s.${botId}`);
    if (!entry) return undefined;
    const text = this.#sealer.open(decoder.decode(entry.value));
    if (text === undefined) return undefined;
    try {
      const stored = JSON.parse(text) as StoredSession;
      const same = stored.handle.toLowerCase() === handle.toLowerCase() && stored.service === service;
      return same && typeof stored.session?.accessJwt === 'string' && typeof stored.session.refreshJwt === 'string'
        ? stored.session
        : undefined;
    } catch {
      return undefined;
    }
  }

  async save(botId: string, stored: StoredSession): Promise<void> {
    await this.#kv.put(`s.${botId}`, encoder.encode(this.#sealer.seal(JSON.stringify(stored))));
  }

  /** Forgets a session the PDS no longer accepts. */
  async forget(botId: string): Promise<void> {
    await this.#kv.delete(`s.${botId}`);
  }

  /** Takes the login lock; false when another replica holds a fresh one. */
  async lock(botId: string): Promise<boolean> {
    const key = `l.${botId}`;
    const value = encoder.encode(JSON.stringify({ by: this.#replica, at: this.#now() }));
    const held = await this.#kv.get(key);
    if (!held) return this.#kv.update(key, value, 0);
    let at = 0;
    try {
      at = Number((JSON.parse(decoder.decode(held.value)) as { at?: unknown }).at) || 0;
    } catch {
      at = 0;
    }
    if (this.#now() - at < LOCK_STALE_MS) return false;
    return this.#kv.update(key, value, held.revision);
  }

  /** Keeps a held lock fresh (while its login waits for the login budget). */
  async touch(botId: string): Promise<void> {
    await this.#kv.put(`l.${botId}`, encoder.encode(JSON.stringify({ by: this.#replica, at: this.#now() })));
  }

  async unlock(botId: string): Promise<void> {
    await this.#kv.delete(`l.${botId}`);
  }

  /** Whether a login lock is held (fresh) right now. */
  async locked(botId: string): Promise<boolean> {
    const held = await this.#kv.get(`l.${botId}`);
    if (!held) return false;
    try {
      return this.#now() - Number((JSON.parse(decoder.decode(held.value)) as { at?: unknown }).at) < LOCK_STALE_MS;
    } catch {
      return false;
    }
  }
}
