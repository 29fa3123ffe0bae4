// Where the warehouse keeps words people wrote, and how they are purged when the network says the
// words are gone: a post deleted, or an account deleted, deactivated, taken down or suspended.
// The rows stay (their ids, times and counts feed the ranking); only the words go.
//
// A purge is a mutation (ALTER TABLE ... UPDATE, waited for with mutations_sync = 1): it runs on
// these plain MergeTree tables in embedded ClickHouse and on every server version the schema
// supports. A lightweight UPDATE would need block-number columns the tables do not have, and a
// lightweight DELETE would take the row, and with it the counts. A mutation rewrites only the
// parts holding matching rows, so each statement first counts what it would change and is not
// sent when that is nothing: purging twice is free, and so is a delete of something never stored.
import { quoteString } from './sql-literal.ts';
import type { Warehouse } from './types.ts';

/** A deleted post: its text, wherever the warehouse keeps it. */
export interface PostPurge {
  kind: 'post';
  /** The author (the repository the delete came from). */
  did: string;
  uri: string;
}

/** An account gone or no longer active: every text it wrote up to `untilMs` (the event's time). */
export interface AccountPurge {
  kind: 'account';
  did: string;
  /** Epoch ms; rows written later (after a reactivation) keep their text. */
  untilMs: number;
}

export type PurgeTarget = PostPurge | AccountPurge;

/** What one statement purges: literal posts (or every post delete recorded) and accounts. */
export interface PurgeSet {
  posts: readonly PostPurge[] | 'recorded';
  accounts: readonly AccountPurge[];
}

export interface TextColumn {
  table: string;
  column: string;
  /** SQL: the row still holds words. */
  holds: string;
  /** SQL: what the column becomes. */
  becomes: string;
  /** Columns naming whose words are in it; the first is the post's author. */
  dids: readonly string[];
  /** The column naming the post. */
  uri: string;
  /** When the row was written: an account purge reaches the rows up to the account's event. */
  time: string;
}

/**
 * Every column that can hold words a person wrote (test/text-purge.test.ts fails when a new
 * String column is neither here nor declared free of them).
 * - posts.text. A reply that was exactly "stop" keeps the word "stop": the harm score counts it
 *   (queries/ranking.ts), and it says nothing beyond the command it was.
 * - reply_tasks.reason: "shares: w1, w2, w3", the words the mentioned person's interests share
 *   with the post (from both people's posts); it becomes "shares".
 */
export const TEXT_COLUMNS: readonly TextColumn[] = [
  {
    table: 'posts',
    column: 'text',
    holds: `text NOT IN ('', 'stop')`,
    becomes: `if(lowerUTF8(trimBoth(text)) = 'stop', 'stop', '')`,
    dids: ['author_did'],
    uri: 'uri',
    time: 'indexed_at',
  },
  {
    table: 'reply_tasks',
    column: 'reason',
    holds: `startsWith(reason, 'shares: ')`,
    becomes: `'shares'`,
    dids: ['post_author_did', 'mention_did'],
    uri: 'post_uri',
    time: 'created_at',
  },
];

/** Account statuses that stop an account without its owner or host meaning it: texts are kept. */
export const TEXT_KEEPING_STATUSES: readonly string[] = ['desynchronized', 'throttled'];

/** Whether an account event (active flag, status word) purges the account's texts. */
export function accountTextsGone(active: boolean, status: string): boolean {
  return !active && !TEXT_KEEPING_STATUSES.includes(status);
}

const ACCOUNT_GONE_SQL = `active = 0 AND status NOT IN (${TEXT_KEEPING_STATUSES.map(quoteString).join(', ')})`;

/** SQL: (author, uri) of every post delete recorded. */
export function recordedPostDeletes(db: string): string {
  return `SELECT actor_did, uri FROM ${db}.interactions WHERE kind = 'delete' AND collection = 'app.bsky.feed.post'`;
}

/** The WHERE of a purge of `set` in column `c`; undefined when the set is empty. */
export function purgeWhere(c: TextColumn, db: string, set: PurgeSet): string | undefined {
  const any: string[] = [];
  const key = `(${c.dids[0]}, ${c.uri})`;
  if (set.posts === 'recorded') any.push(`${key} IN (${recordedPostDeletes(db)})`);
  else if (set.posts.length > 0)
    any.push(`${key} IN (${set.posts.map((p) => `(${quoteString(p.did)}, ${quoteString(p.uri)})`).join(', ')})`);
  for (const a of set.accounts) {
    const whose = c.dids.map((d) => `${d} = ${quoteString(a.did)}`).join(' OR ');
    any.push(`((${whose}) AND ${c.time} <= fromUnixTimestamp64Milli(toInt64(${Math.floor(a.untilMs)}), 'UTC'))`);
  }
  return any.length === 0 ? undefined : `${c.holds} AND (${any.join(' OR ')})`;
}

async function count(wh: Warehouse, sql: string): Promise<number> {
  const rows = await wh.query<{ n: number | string }>(sql);
  return Number(rows[0]?.n ?? 0);
}

/** Rows still holding words of `set`, per table (tables with none are left out). */
export async function textsHeld(wh: Warehouse, set: PurgeSet): Promise<Map<string, number>> {
  const held = new Map<string, number>();
  for (const c of TEXT_COLUMNS) {
    const where = purgeWhere(c, wh.database, set);
    const n = where === undefined ? 0 : await count(wh, `SELECT count() AS n FROM ${wh.database}.${c.table} WHERE ${where}`);
    if (n > 0) held.set(c.table, n);
  }
  return held;
}

/** Purges the words of `set` from every text column; returns the rows that had some, per table. */
export async function purgeTexts(wh: Warehouse, set: PurgeSet): Promise<Map<string, number>> {
  const purged = new Map<string, number>();
  for (const c of TEXT_COLUMNS) {
    const where = purgeWhere(c, wh.database, set);
    if (where === undefined) continue;
    const n = await count(wh, `SELECT count() AS n FROM ${wh.database}.${c.table} WHERE ${where}`);
    if (n === 0) continue;
    await wh.command(`ALTER TABLE ${wh.database}.${c.table} UPDATE ${c.column} = ${c.becomes} WHERE ${where} SETTINGS mutations_sync = 1`);
    purged.set(c.table, n);
  }
  return purged;
}

/** Which of `posts` still have their text in `posts` (the rest were never stored, or are purged). */
export async function postsHoldingText(wh: Warehouse, posts: readonly PostPurge[]): Promise<Set<string>> {
  const where = purgeWhere(TEXT_COLUMNS[0] as TextColumn, wh.database, { posts, accounts: [] });
  if (where === undefined) return new Set();
  const rows = await wh.query<{ uri: string }>(`SELECT DISTINCT uri FROM ${wh.database}.posts WHERE ${where}`);
  return new Set(rows.map((r) => r.uri));
}

/**
 * Mutations on the text tables not done yet: one whose request timed out still runs on the
 * server, and a purge waits for it rather than queue another behind it.
 */
export async function textMutationsRunning(wh: Warehouse): Promise<number> {
  return count(
    wh,
    `SELECT count() AS n FROM system.mutations WHERE database = ${quoteString(wh.database)}
    AND table IN (${TEXT_COLUMNS.map((c) => quoteString(c.table)).join(', ')}) AND is_done = 0`,
  );
}

/** Every account purge recorded (account_events): per account, up to its latest such event. */
export async function recordedAccountPurges(wh: Warehouse): Promise<AccountPurge[]> {
  const rows = await wh.query<{ did: string; until_ms: number | string }>(
    `SELECT did, toUnixTimestamp64Milli(max(indexed_at)) AS until_ms FROM ${wh.database}.account_events
     WHERE ${ACCOUNT_GONE_SQL} GROUP BY did ORDER BY did`,
  );
  return rows.map((r) => ({ kind: 'account', did: r.did, untilMs: Number(r.until_ms) }));
}

/** The `limit` most recent post deletes recorded (interactions), newest first. */
export async function recentPostPurges(wh: Warehouse, limit: number): Promise<PostPurge[]> {
  const rows = await wh.query<{ did: string; uri: string }>(
    `SELECT actor_did AS did, uri FROM ${wh.database}.interactions
     WHERE kind = 'delete' AND collection = 'app.bsky.feed.post' ORDER BY indexed_at DESC LIMIT ${Math.max(0, Math.floor(limit))}`,
  );
  return rows.map((r) => ({ kind: 'post', did: r.did, uri: r.uri }));
}
