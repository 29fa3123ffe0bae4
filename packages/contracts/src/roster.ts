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
  const { id, did, handle, model, provider } = entry;
  return encoder.encode(JSON.stringify({ id, did, handle, model, provider }));
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
  return { ok: true, entry: { id: o.id, did: o.did, handle: text(o.handle), model: text(o.model), provider: text(o.provider) } };
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
