// Seasons: a named time window with its own leaderboard (issue 14). `botsky season start NAME`
// writes the record (KV_BUCKETS.seasons, key: the name), `botsky season end NAME` sets its end;
// scoring computes every season's leaderboard over the bot replies posted in its window and, once
// a season has ended, freezes it: the leaderboard as of the end, kept in the record, which later
// events never change. Bots that answer during a season are in it; there is nothing to join.
import type { LeaderboardJson } from './leaderboard-json.ts';

/** The subset of a KV store seasons need (the bus's KvStore has it). */
export interface SeasonsKv {
  get(key: string): Promise<{ value: Uint8Array; revision: number } | undefined>;
  update(key: string, value: Uint8Array, revision: number): Promise<boolean>;
  keys(): Promise<string[]>;
}

export interface SeasonRecord {
  name: string;
  /** epoch ms */
  startedAt: number;
  endedAt?: number;
  /** The leaderboard as of endedAt, set by scoring once the season has ended. */
  frozen?: { at: number; leaderboard: LeaderboardJson };
}

/** A season's name: what `botsky season` and the URLs take. */
export const SEASON_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeSeason = (r: SeasonRecord): Uint8Array => encoder.encode(JSON.stringify(r));

export function parseSeason(bytes: Uint8Array): SeasonRecord | undefined {
  try {
    const v = JSON.parse(decoder.decode(bytes)) as Partial<SeasonRecord>;
    if (typeof v.name !== 'string' || !SEASON_NAME.test(v.name) || !Number.isFinite(v.startedAt)) return undefined;
    return {
      name: v.name,
      startedAt: Number(v.startedAt),
      ...(Number.isFinite(v.endedAt) ? { endedAt: Number(v.endedAt) } : {}),
      ...(v.frozen && typeof v.frozen === 'object' ? { frozen: v.frozen } : {}),
    };
  } catch {
    return undefined;
  }
}

export class SeasonError extends Error {
  override readonly name = 'SeasonError';
}

/** Starts season `name` at `at`; throws SeasonError when the name is taken (seasons are never reused). */
export async function startSeason(kv: SeasonsKv, name: string, at: number): Promise<SeasonRecord> {
  if (!SEASON_NAME.test(name)) throw new SeasonError(`a season's name is letters, digits, . _ - (up to 64), got "${name}"`);
  const record: SeasonRecord = { name, startedAt: at };
  if (!(await kv.update(name, encodeSeason(record), 0))) throw new SeasonError(`season ${name} exists already`);
  return record;
}

/** Ends season `name` at `at` (after its start); throws SeasonError when it is unknown or already ended. */
export async function endSeason(kv: SeasonsKv, name: string, at: number): Promise<SeasonRecord> {
  for (let i = 0; i < 20; i++) {
    const entry = await kv.get(name);
    const record = entry ? parseSeason(entry.value) : undefined;
    if (!entry || !record) throw new SeasonError(`no season ${name}`);
    if (record.endedAt !== undefined) throw new SeasonError(`season ${name} ended already, at ${new Date(record.endedAt).toISOString()}`);
    const ended = { ...record, endedAt: Math.max(at, record.startedAt) };
    if (await kv.update(name, encodeSeason(ended), entry.revision)) return ended;
  }
  throw new SeasonError(`season ${name}: could not end it (lost every compare-and-set)`);
}

/** Every season, oldest first (a record that does not parse is skipped). */
export async function listSeasons(kv: SeasonsKv): Promise<SeasonRecord[]> {
  const out: SeasonRecord[] = [];
  for (const key of await kv.keys()) {
    const entry = await kv.get(key);
    const r = entry ? parseSeason(entry.value) : undefined;
    if (r) out.push(r);
  }
  return out.sort((a, b) => a.startedAt - b.startedAt || a.name.localeCompare(b.name));
}
