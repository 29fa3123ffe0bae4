// The bot roster, read from KV_BUCKETS.bots (bot-runner writes one JSON entry per bot at
// start-up: {id, did, handle, model, provider}) and refreshed periodically, since the bus has no
// KV watch. A bot's DID identifies its posts (never answered), tags (an opt-in) and blocks.
import type { KvStore } from '@botsky/bus';

export interface RosterBot {
  id: string;
  did: string;
  handle: string;
}

const decoder = new TextDecoder();

export function parseRosterEntry(bytes: Uint8Array): RosterBot | undefined {
  try {
    const v = JSON.parse(decoder.decode(bytes)) as Partial<RosterBot>;
    if (typeof v.id !== 'string' || typeof v.did !== 'string' || !v.id || !v.did.startsWith('did:')) return undefined;
    return { id: v.id, did: v.did, handle: typeof v.handle === 'string' ? v.handle : '' };
  } catch {
    return undefined;
  }
}

export class BotRoster {
  readonly #kv: KvStore;
  #byId = new Map<string, RosterBot>();
  #byDid = new Map<string, RosterBot>();
  /** Entries that could not be read at the last refresh (counted in a metric by the caller). */
  invalid = 0;

  constructor(kv: KvStore) {
    this.#kv = kv;
  }

  #refreshedAt = 0;
  #refreshing: Promise<void> | undefined;

  /**
   * Re-reads the roster unless it was read less than `ms` ago: a block of an account not known
   * as a bot may be a block of a bot registered since the last periodic refresh.
   */
  async refreshUnlessFresh(ms: number): Promise<void> {
    if (Date.now() - this.#refreshedAt < ms) return;
    this.#refreshing ??= this.refresh().finally(() => (this.#refreshing = undefined));
    await this.#refreshing;
  }

  async refresh(): Promise<void> {
    this.#refreshedAt = Date.now();
    const byId = new Map<string, RosterBot>();
    let invalid = 0;
    for (const key of await this.#kv.keys()) {
      const e = await this.#kv.get(key);
      const bot = e && parseRosterEntry(e.value);
      if (bot) byId.set(bot.id, bot);
      else if (e) invalid++;
    }
    // Swapped in one step so a decision never sees half a roster.
    this.#byId = byId;
    this.#byDid = new Map([...byId.values()].map((b) => [b.did, b]));
    this.invalid = invalid;
  }

  get ids(): string[] {
    return [...this.#byId.keys()].sort();
  }

  byId(id: string): RosterBot | undefined {
    return this.#byId.get(id);
  }

  byDid(did: string): RosterBot | undefined {
    return this.#byDid.get(did);
  }

  isBot(did: string): boolean {
    return this.#byDid.has(did);
  }
}
