// The bus messages that carry a purge's words (stream_messages, migration 009): after the text
// purge has taken the words out of the tables, these are the messages it deletes from the streams.
// - A deleted post: its own messages (the post event, its tasks and decision), and the messages
//   naming its author as another person (a task mentioning them, a decision weighing them)
//   written between the post and its delete: their interest terms may have come from it.
// - An account gone: every message carrying its words, up to the account's event.
import { quoteString } from './sql-literal.ts';
import { recordedPostDeletes, type PurgeSet } from './text-purge.ts';
import type { Warehouse } from './types.ts';

/** One message of a stream, by the stream's logical name (`BOTSKY_TASKS`) and its sequence. */
export interface StreamMessage {
  stream: string;
  seq: number;
}

/** SQL: the (author, uri) keys of the set's posts; undefined when it has none. */
function postKeys(db: string, set: PurgeSet): string | undefined {
  if (set.posts === 'recorded') return recordedPostDeletes(db);
  if (set.posts.length === 0) return undefined;
  return set.posts.map((p) => `(${quoteString(p.did)}, ${quoteString(p.uri)})`).join(', ');
}

/** The WHERE selecting the messages that carry words of `set` as theirs; undefined when the set is empty. */
export function streamMessagesWhere(db: string, set: PurgeSet): string | undefined {
  const any: string[] = [];
  const keys = postKeys(db, set);
  if (keys !== undefined) any.push(`(author_did, post_uri) IN (${keys})`);
  for (const a of set.accounts) {
    const did = quoteString(a.did);
    any.push(
      `((author_did = ${did} OR has(other_dids, ${did})) AND indexed_at <= fromUnixTimestamp64Milli(toInt64(${Math.floor(a.untilMs)}), 'UTC'))`,
    );
  }
  return any.length === 0 ? undefined : any.join(' OR ');
}

/**
 * SQL: messages naming a deleted post's author as another person, written between the post
 * (its indexing) and its delete (as recorded in interactions).
 */
function termsFromPosts(db: string, keys: string): string {
  return `SELECT m.stream AS stream, m.seq AS seq, m.indexed_at AS indexed_at
    FROM (SELECT stream, seq, other, indexed_at FROM ${db}.stream_messages ARRAY JOIN other_dids AS other) AS m
    INNER JOIN (
      SELECT d.actor_did AS did, p.indexed_at AS since, d.indexed_at AS until
      FROM ${db}.interactions AS d INNER JOIN ${db}.posts AS p ON p.uri = d.uri AND p.author_did = d.actor_did
      WHERE d.kind = 'delete' AND d.collection = 'app.bsky.feed.post' AND (d.actor_did, d.uri) IN (${keys})
    ) AS g ON m.other = g.did
    WHERE m.indexed_at >= g.since AND m.indexed_at <= g.until`;
}

/**
 * The messages carrying words of `set`, newest first, at most `limit`: past the limit the oldest
 * are left out, the ones a stream is likeliest to have aged out already.
 */
export async function streamMessagesCarrying(wh: Warehouse, set: PurgeSet, limit: number): Promise<StreamMessage[]> {
  const db = wh.database;
  const where = streamMessagesWhere(db, set);
  if (where === undefined) return [];
  const keys = postKeys(db, set);
  const own = `SELECT stream, seq, indexed_at FROM ${db}.stream_messages WHERE ${where}`;
  const sql = keys === undefined ? own : `${own} UNION ALL ${termsFromPosts(db, keys)}`;
  const rows = await wh.query<{ stream: string; seq: number | string }>(
    `SELECT stream, seq, max(indexed_at) AS at FROM (${sql}) GROUP BY stream, seq ORDER BY at DESC, stream, seq LIMIT ${Math.max(0, Math.floor(limit))}`,
  );
  return rows.map((r) => ({ stream: r.stream, seq: Number(r.seq) }));
}
