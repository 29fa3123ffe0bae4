// The bot roster, read from KV_BUCKETS.bots (bot-runner writes one entry per bot at start-up, in
// the format of @botsky/contracts roster.ts) and refreshed periodically, since the bus has no KV
// watch. A bot's DID identifies its posts (never answered), tags (an opt-in) and blocks.
import type { KvStore } from '@botsky/bus';
import { parseRosterEntry as parseEntry, readRoster } from '@botsky/contracts';

export interface RosterBot {
  id: string;
  did: string;
  handle: string;
  /** False for a registered bot removed or back in the sandbox: still a bot, given no posts. */
  active: boolean;
}

/** What matchmaker keeps of a roster entry; undefined for an entry the contract rejects. */
export function parseRosterEntry(bytes: Uint8Array): RosterBot | undefined {
  const parsed = parseEntry(bytes);
  return parsed.ok
    ? { id: parsed.entry.id, did: parsed.entry.did, handle: parsed.entry.handle, active: parsed.entry.active !== false }
    : undefined;
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
    const { entries, invalid } = await readRoster(this.#kv);
    const byId = new Map<string, RosterBot>(
      entries.map(({ id, did, handle, active }) => [id, { id, did, handle, active: active !== false }]),
    );
    // Swapped in one step so a decision never sees half a roster.
    this.#byId = byId;
    this.#byDid = new Map([...byId.values()].map((b) => [b.did, b]));
    this.invalid = invalid;
  }

  /** The bots that take posts now (inactive ones are left out). */
  get ids(): string[] {
    return [...this.#byId.values()]
      .filter((b) => b.active)
      .map((b) => b.id)
      .sort();
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
