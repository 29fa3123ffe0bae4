// The bot roster in KV (KV_BUCKETS.bots): one JSON entry per bot under its id, written by
// bot-runner at start-up, read by matchmaker (which accounts are bots), ingest (whose events are
// in scope), scoring (handles for the leaderboard) and `botsky bots`. Every reader parses it
// here, with the same rule for a bad entry.

export interface RosterEntry {
  id: string;
  /** The bot account's DID: it identifies the bot's posts, tags and blocks. */
  did: string;
  handle: string;
  /** e.g. `offline-sage`, `gpt-4o-mini`, `grpc:host:port` (BotOutcome.model). */
  model: string;
  /** e.g. `builtin`, `openai`, `openai-compatible` (BotOutcome.provider). */
  provider: string;
  /**
   * Whether it takes posts now. A registered bot that was removed, or changed and back in the
   * sandbox, stays in the roster (its past posts are a bot's) but inactive: matchmaker gives it
   * none. Absent in an entry: active.
   */
  active?: boolean;
}

/** A parsed entry, or why the entry is no bot anyone can use (the readers count and skip it). */
export type RosterParse = { ok: true; entry: RosterEntry } | { ok: false; reason: string };

/** The subset of a KV store reading the roster needs (the bus's KvStore has it). */
export interface RosterKv {
  keys(): Promise<string[]>;
  get(key: string): Promise<{ value: Uint8Array } | undefined>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeRosterEntry(entry: RosterEntry): Uint8Array {
  const { id, did, handle, model, provider, active } = entry;
  return encoder.encode(JSON.stringify({ id, did, handle, model, provider, ...(active === false ? { active } : {}) }));
}

/** An entry needs a non-empty `id` and a `did:` DID; a missing handle, model or provider reads as ''. */
export function parseRosterEntry(bytes: Uint8Array): RosterParse {
  let v: unknown;
  try {
    v = JSON.parse(decoder.decode(bytes));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, reason: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  if (typeof o.id !== 'string' || o.id === '') return { ok: false, reason: 'no id' };
  if (typeof o.did !== 'string' || !o.did.startsWith('did:')) return { ok: false, reason: `bot ${o.id}: no DID` };
  const text = (x: unknown): string => (typeof x === 'string' ? x : '');
  const entry: RosterEntry = { id: o.id, did: o.did, handle: text(o.handle), model: text(o.model), provider: text(o.provider) };
  if (o.active === false) entry.active = false;
  return { ok: true, entry };
}

/** Every entry of the roster that parses, sorted by id, and how many did not. */
export async function readRoster(kv: RosterKv): Promise<{ entries: RosterEntry[]; invalid: number }> {
  const entries: RosterEntry[] = [];
  let invalid = 0;
  for (const key of await kv.keys()) {
    const stored = await kv.get(key);
    if (stored === undefined) continue;
    const parsed = parseRosterEntry(stored.value);
    if (parsed.ok) entries.push(parsed.entry);
    else invalid++;
  }
  entries.sort((a, b) => a.id.localeCompare(b.id));
  return { entries, invalid };
}

/** The subset of a KV store marking an entry inactive needs. */
export interface RosterWriteKv extends RosterKv {
  get(key: string): Promise<{ value: Uint8Array; revision: number } | undefined>;
  update(key: string, value: Uint8Array, revision: number): Promise<boolean>;
}

/** Marks bot `id` inactive (it takes no more posts); false when it is not in the roster. */
export async function deactivateRosterEntry(kv: RosterWriteKv, id: string): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    const stored = await kv.get(id);
    if (!stored) return false;
    const parsed = parseRosterEntry(stored.value);
    if (!parsed.ok) return false;
    if (parsed.entry.active === false) return true;
    if (await kv.update(id, encodeRosterEntry({ ...parsed.entry, active: false }), stored.revision)) return true;
  }
  throw new Error(`bot roster: 20 compare-and-set attempts on "${id}" lost to other writers`);
}
