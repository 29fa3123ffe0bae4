import type { Warehouse } from '../types.ts';
import { botDids } from './bot-dids.ts';
import type { RecommendationSuccess } from './windows.ts';
import { actorStands, postStands } from './withdrawn.ts';

// Scoring's reads. Every one takes `asOf` and counts only what the warehouse holds from
// before it, so a score computed live can be recomputed later from the warehouse alone with the
// same result. Network events count at indexed_at (the source's time, carried in the event), not
// at the author-supplied created_at. A bot's own accounts never count as people: a bot's DID is
// the authority of its replies' at:// URIs. What people took back before asOf (a deleted post;
// every act of an account that is gone) does not count (withdrawn.ts).

/**
 * What a read covers: everything before `asOf`, and, for a season, from `from` on: bot replies
 * posted, impressions served, "seen" reports, mentions made, blocks and unfollows in the window
 * (people's actions on those replies, however late, count until asOf). Without `from`, all history.
 */
export interface AsOfWindow {
  asOf: Date;
  from?: Date;
  /** Replies posted before this count (default asOf): a season's end, with what people did with them until asOf. */
  until?: Date;
}

export const AS_OF = `{asOf:DateTime64(3, 'UTC')}`;
export const FROM = `{from:DateTime64(3, 'UTC')}`;
export const UNTIL = `{until:DateTime64(3, 'UTC')}`;
const EPOCH = new Date(0);
export const fromOf = (w: AsOfWindow): Date => w.from ?? EPOCH;
/** The window's parameters for a query: asOf, from, until. */
export const windowParams = (w: AsOfWindow) => ({ asOf: w.asOf, from: fromOf(w), until: w.until ?? w.asOf });

/** Only items that are the window's bot replies, for a season (all history: no condition). */
export function seasonItems(w: AsOfWindow, column: string, db: string): string {
  if (w.from === undefined) return '';
  return `AND ${column} IN (SELECT reply_uri FROM ${db}.bot_replies FINAL WHERE status = 'replied' AND reply_uri != '' AND finished_at >= ${FROM} AND finished_at < ${UNTIL})`;
}

export { botDids } from './bot-dids.ts';

export interface BotReplyRow {
  task_id: string;
  bot_id: string;
  model: string;
  provider: string;
  post_uri: string;
  reply_uri: string;
  mention_did: string;
  battle_id: string;
  /** epoch milliseconds */
  finished_ms: number;
}

/** Every reply a bot posted before asOf (the newest outcome of each task), oldest first (then by bot; the task id, which a research export hashes, last). */
export function botRepliesAsOf(wh: Warehouse, w: AsOfWindow): Promise<BotReplyRow[]> {
  return wh.query<BotReplyRow>(
    `SELECT task_id, bot_id, model, provider, post_uri, reply_uri, mention_did, battle_id,
       toUnixTimestamp64Milli(finished_at) AS finished_ms
     FROM ${wh.database}.bot_replies FINAL
     WHERE status = 'replied' AND reply_uri != '' AND finished_at < {asOf:DateTime64(3, 'UTC')} AND finished_at >= ${FROM} AND finished_at < ${UNTIL}
     ORDER BY finished_at, bot_id, task_id`,
    windowParams(w),
  );
}

export interface BotEngagementCounts {
  bot_id: string;
  impressions: number;
  /** distinct (person, reply) pairs per action */
  likes: number;
  reposts: number;
  replies_received: number;
}

/**
 * Per bot, before asOf: impressions of its replies, and likes, reposts and replies its replies
 * received, each person counted at most once per reply and action (bots excluded). Unlikes are
 * not subtracted. Bots with no impression and no engagement are absent.
 */
export async function botEngagementAsOf(wh: Warehouse, w: AsOfWindow): Promise<BotEngagementCounts[]> {
  const db = wh.database;
  const replies = `(SELECT DISTINCT bot_id, reply_uri FROM ${db}.bot_replies FINAL
     WHERE status = 'replied' AND reply_uri != '' AND finished_at < {asOf:DateTime64(3, 'UTC')} AND finished_at >= ${FROM} AND finished_at < ${UNTIL})`;
  const rows = await wh.query<{ bot_id: string; what: string; n: number }>(
    `SELECT bot_id, 'impressions' AS what, uniqExact(impression_id) AS n FROM ${db}.impressions
     WHERE bot_id != '' AND served_at < ${AS_OF} ${seasonItems(w, 'post_uri', db)} AND ${actorStands(db, AS_OF, 'viewer_did')} GROUP BY bot_id
     UNION ALL
     SELECT r.bot_id AS bot_id, i.kind AS what, uniqExact(i.actor_did, i.subject_uri) AS n
     FROM ${db}.interactions AS i INNER JOIN ${replies} AS r ON i.subject_uri = r.reply_uri
     WHERE i.kind IN ('like', 'repost') AND i.indexed_at < {asOf:DateTime64(3, 'UTC')}
       AND i.actor_did NOT IN ${botDids(db)} AND ${actorStands(db, AS_OF, 'i.actor_did')}
     GROUP BY bot_id, what
     UNION ALL
     SELECT r.bot_id AS bot_id, 'reply' AS what, uniqExact(p.author_did, p.reply_parent_uri) AS n
     FROM ${db}.posts AS p INNER JOIN ${replies} AS r ON p.reply_parent_uri = r.reply_uri
     WHERE p.indexed_at < ${AS_OF} AND p.author_did NOT IN ${botDids(db)} AND ${postStands(db, AS_OF, 'p.uri', 'p.author_did')}
     GROUP BY bot_id`,
    windowParams(w),
  );
  const byBot = new Map<string, BotEngagementCounts>();
  for (const r of rows) {
    const e = byBot.get(r.bot_id) ?? { bot_id: r.bot_id, impressions: 0, likes: 0, reposts: 0, replies_received: 0 };
    if (r.what === 'impressions') e.impressions = Number(r.n);
    else if (r.what === 'like') e.likes = Number(r.n);
    else if (r.what === 'repost') e.reposts = Number(r.n);
    else e.replies_received = Number(r.n);
    byBot.set(r.bot_id, e);
  }
  return [...byBot.values()].sort((a, b) => (a.bot_id < b.bot_id ? -1 : a.bot_id > b.bot_id ? 1 : 0));
}

/**
 * Recommendation success in the thread, before asOf: of a bot's mentions whose window had closed
 * (mentioned_at + window <= asOf), how many the mentioned person answered with a post in the
 * thread (a reply with the thread's root, or a reply to the bot's reply) indexed within the
 * window after the mention. The thread's root is the answered post's root, or the answered post
 * itself when it is top-level or not in the warehouse.
 */
export function threadRecommendationAsOf(wh: Warehouse, w: AsOfWindow & { windowMs: number }): Promise<RecommendationSuccess[]> {
  const db = wh.database;
  return wh.query<RecommendationSuccess>(
    `WITH m AS (
       SELECT task_id, bot_id, mentioned_did, reply_uri, post_uri, mentioned_at FROM ${db}.mentions FINAL
       WHERE mentioned_at + toIntervalMillisecond({window:UInt64}) <= {asOf:DateTime64(3, 'UTC')} AND mentioned_at >= ${FROM} AND mentioned_at < ${UNTIL}
     ),
     roots AS (
       SELECT uri, any(if(reply_root_uri = '', uri, reply_root_uri)) AS root FROM ${db}.posts
       WHERE uri IN (SELECT post_uri FROM m) AND ${postStands(db, AS_OF, 'uri', 'author_did')} GROUP BY uri
     ),
     mr AS (
       SELECT m.*, if(roots.root = '', m.post_uri, roots.root) AS thread_root
       FROM m LEFT JOIN roots ON roots.uri = m.post_uri
     )
     SELECT mr.bot_id AS bot_id, uniqExact(mr.task_id) AS mentions,
       uniqExactIf(mr.task_id, p.uri != ''
         AND (p.reply_root_uri = mr.thread_root OR p.reply_parent_uri = mr.reply_uri)
         AND p.indexed_at >= mr.mentioned_at
         AND p.indexed_at < mr.mentioned_at + toIntervalMillisecond({window:UInt64})) AS successes
     FROM mr LEFT JOIN (
       SELECT uri, author_did, reply_root_uri, reply_parent_uri, indexed_at FROM ${db}.posts
       WHERE reply_parent_uri != '' AND indexed_at < {asOf:DateTime64(3, 'UTC')}
         AND author_did IN (SELECT mentioned_did FROM m) AND ${postStands(db, AS_OF, 'uri', 'author_did')}
     ) AS p ON p.author_did = mr.mentioned_did
     GROUP BY bot_id
     ORDER BY bot_id`,
    { ...windowParams(w), window: w.windowMs },
  );
}

export interface ReplyEngagementEvent {
  reply_uri: string;
  actor_did: string;
  /** like | repost | reply */
  kind: string;
  /** epoch milliseconds (indexed_at) */
  at_ms: number;
}

/** Each person's likes, reposts and replies on the given bot replies before asOf (bots excluded). */
export function replyEngagementEvents(wh: Warehouse, w: { asOf: Date; replyUris: readonly string[] }): Promise<ReplyEngagementEvent[]> {
  const db = wh.database;
  if (w.replyUris.length === 0) return Promise.resolve([]);
  return wh.query<ReplyEngagementEvent>(
    `SELECT * FROM (
     SELECT subject_uri AS reply_uri, actor_did, kind, min(toUnixTimestamp64Milli(indexed_at)) AS at_ms
     FROM ${db}.interactions
     WHERE kind IN ('like', 'repost') AND has({uris:Array(String)}, subject_uri)
       AND indexed_at < ${AS_OF} AND actor_did NOT IN ${botDids(db)} AND ${actorStands(db, AS_OF, 'actor_did')}
     GROUP BY reply_uri, actor_did, kind
     UNION ALL
     SELECT reply_parent_uri AS reply_uri, author_did AS actor_did, 'reply' AS kind,
       min(toUnixTimestamp64Milli(indexed_at)) AS at_ms
     FROM ${db}.posts
     WHERE has({uris:Array(String)}, reply_parent_uri) AND indexed_at < {asOf:DateTime64(3, 'UTC')}
       AND author_did NOT IN ${botDids(db)} AND ${postStands(db, AS_OF, 'uri', 'author_did')}
     GROUP BY reply_uri, actor_did, kind
     ) ORDER BY reply_uri, actor_did, kind`,
    { asOf: w.asOf, uris: [...w.replyUris] },
  );
}

/** Impressions of each given item served before asOf. */
export function itemImpressions(
  wh: Warehouse,
  w: { asOf: Date; uris: readonly string[] },
): Promise<Array<{ post_uri: string; n: number; at_ms: number[] }>> {
  if (w.uris.length === 0) return Promise.resolve([]);
  const db = wh.database;
  return wh.query(
    `SELECT post_uri, uniqExact(impression_id) AS n,
       arraySort(groupArray(toUnixTimestamp64Milli(served_at))) AS at_ms
     FROM (SELECT DISTINCT impression_id, post_uri, served_at FROM ${db}.impressions
           WHERE has({uris:Array(String)}, post_uri) AND served_at < ${AS_OF} AND ${actorStands(db, AS_OF, 'viewer_did')})
     GROUP BY post_uri ORDER BY post_uri`,
    { asOf: w.asOf, uris: [...w.uris] },
  );
}

/** The newest `limit` posted bot replies (uri, bot, mention), to warm the recorder's index. */
export function recentBotReplies(wh: Warehouse, limit: number): Promise<Array<{ reply_uri: string; bot_id: string; mention_did: string }>> {
  return wh.query(
    `SELECT reply_uri, bot_id, mention_did FROM ${wh.database}.bot_replies
     WHERE status = 'replied' AND reply_uri != ''
     ORDER BY finished_at DESC LIMIT {limit:UInt32}`,
    { limit },
  );
}
