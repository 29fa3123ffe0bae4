// Where a word someone wrote can still be found, for the deletion tests: every String column of
// every table of the warehouse (whatever the schema adds, not a list of the known ones), a
// matchmaker replica's memory (post texts, interest profiles), every NATS KV bucket of the
// deployment (the stored decisions decoded, the other buckets as they are stored) and every
// message of every stream (as stored: protobuf keeps strings as UTF-8).
import type { Bus } from '@botsky/bus';
import { KV_BUCKETS, STREAM_SUBJECTS } from '@botsky/contracts';
import type { MatchmakerContext, MatchmakerService } from '@botsky/matchmaker';
import type { Warehouse } from '@botsky/warehouse';

/** `table.column` of every column holding one of `words` (any case). */
export async function warehouseHolding(wh: Warehouse, words: readonly string[]): Promise<string[]> {
  const columns = await wh.query<{ table: string; name: string; type: string }>(
    `SELECT c.table AS table, c.name AS name, c.type AS type FROM system.columns AS c
     INNER JOIN system.tables AS t ON t.database = c.database AND t.name = c.table
     WHERE c.database = {db:String} AND t.engine LIKE '%MergeTree' AND match(c.type, '^(Array\\\\()?(LowCardinality\\\\()?String')`,
    { db: wh.database },
  );
  const found: string[] = [];
  for (const c of columns) {
    const hit = c.type.startsWith('Array')
      ? `arrayExists(x -> multiSearchAnyCaseInsensitiveUTF8(x, {words:Array(String)}), ${c.name})`
      : `multiSearchAnyCaseInsensitiveUTF8(${c.name}, {words:Array(String)})`;
    const rows = await wh.query<{ n: number | string }>(`SELECT count() AS n FROM ${wh.database}.${c.table} WHERE ${hit}`, {
      words: [...words],
    });
    if (Number(rows[0]?.n ?? 0) > 0) found.push(`${c.table}.${c.name}`);
  }
  return found;
}

/** What of a matchmaker replica's memory holds one of `words`: post texts by URI, profiles by DID. */
export function matchmakerHolding(
  svc: MatchmakerService,
  words: readonly string[],
  o: { uris: readonly string[]; dids: readonly string[] },
): string[] {
  const st = svc.state;
  const has = (text: string) => words.some((w) => text.toLowerCase().includes(w.toLowerCase()));
  const found: string[] = [];
  for (const uri of o.uris) if (has(st.texts.get(uri) ?? '')) found.push(`text ${uri}`);
  const people = new Map(st.people.onlineSince(0).map((p) => [p.did, p]));
  for (const did of o.dids) {
    const p = st.people.get(did);
    if (p) people.set(did, p);
  }
  for (const [did, p] of people) if (has(Object.keys(p.profile.toJSON()).join(' '))) found.push(`profile ${did}`);
  return found;
}

/** Every KV entry holding one of `words`: the stored decisions decoded, the rest as stored. */
export async function kvHolding(ctx: MatchmakerContext, words: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const has = (bytes: Uint8Array) => words.some((w) => Buffer.from(bytes).toString('utf8').toLowerCase().includes(w.toLowerCase()));
  for (const bucket of Object.values(KV_BUCKETS)) {
    const kv = await ctx.bus.kv(bucket);
    for (const key of await kv.keys()) {
      if (bucket === KV_BUCKETS.decisions) {
        const d = await ctx.decisions.get(key);
        if (d && [...d.tasks, d.decision].some(has)) found.push(`${bucket}/${key}`);
        continue;
      }
      const entry = await kv.get(key);
      if (entry && has(entry.value)) found.push(`${bucket}/${key}`);
    }
  }
  return found;
}

/** `stream <name> <subject> #<seq>` of every stored message holding one of `words`, read from the start of each stream. */
export async function streamsHolding(bus: Bus, words: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  const has = (bytes: Uint8Array) => words.some((w) => Buffer.from(bytes).toString('utf8').toLowerCase().includes(w.toLowerCase()));
  for (const [stream, subjects] of Object.entries(STREAM_SUBJECTS)) {
    const reader = await bus.follow(
      subjects,
      (m) => {
        if (has(m.data)) found.add(`stream ${stream} ${m.subject} #${m.seq}`);
      },
      { sinceMs: 0 },
    );
    await reader.caughtUp;
    await reader.stop();
  }
  return [...found].sort();
}
