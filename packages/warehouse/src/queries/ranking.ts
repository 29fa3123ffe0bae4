import type { Warehouse } from '../types.ts';
import { AS_OF, type AsOfWindow, botDids, FROM, seasonItems, UNTIL, windowParams } from './as-of.ts';
import { actorStands, postStands } from './withdrawn.ts';

// The as-of reads of the ranking method's second version (docs/ranking-method.md): people's
// actions on bot replies one row per (reply, person, action), the feed's impressions and "seen"
// reports per viewer, harm events, accounts labelled `bot`, and per-reply battle details (the
// pair's sampling probability, the style features). Like as-of.ts, each counts only what the
// warehouse holds from before asOf; bots' own accounts are left out here, `bot`-labelled ones by
// the caller (botLabelledAsOf), so that a pure function of these rows decides. Rows come in time
// order, then by what they say (kind, bot, probability), with ids and URIs, which a research
// export hashes, only last; scoring does not rely on the order of rows tied on everything else.
// What people took back before asOf (a deleted post; every act of an account that is gone) does
// not count (withdrawn.ts).

/** Text that is just "stop" (trimmed, any case): an opt-out, never engagement. */
const IS_STOP = `lowerUTF8(trimBoth(p.text)) = 'stop'`;

function postedReplies(db: string): string {
  return `(SELECT DISTINCT bot_id, reply_uri FROM ${db}.bot_replies FINAL
     WHERE status = 'replied' AND reply_uri != '' AND finished_at < ${AS_OF} AND finished_at >= ${FROM} AND finished_at < ${UNTIL})`;
}

export interface PersonAction {
  bot_id: string;
  reply_uri: string;
  actor_did: string;
  /** like | repost | reply */
  kind: string;
  /** epoch ms (indexed_at) of the person's first such action on the reply */
  at_ms: number;
}

/** Every person's first like, repost and reply on each posted bot reply before asOf ("stop" is not one). */
export async function personActionsAsOf(wh: Warehouse, w: AsOfWindow): Promise<PersonAction[]> {
  const db = wh.database;
  const rows = await wh.query<PersonAction>(
    `SELECT * FROM (
     SELECT r.bot_id AS bot_id, i.subject_uri AS reply_uri, i.actor_did AS actor_did, i.kind AS kind,
       min(toUnixTimestamp64Milli(i.indexed_at)) AS at_ms
     FROM ${db}.interactions AS i INNER JOIN ${postedReplies(db)} AS r ON i.subject_uri = r.reply_uri
     WHERE i.kind IN ('like', 'repost') AND i.indexed_at < ${AS_OF} AND i.actor_did NOT IN ${botDids(db)}
       AND ${actorStands(db, AS_OF, 'i.actor_did')}
     GROUP BY bot_id, reply_uri, actor_did, kind
     UNION ALL
     SELECT r.bot_id AS bot_id, p.reply_parent_uri AS reply_uri, p.author_did AS actor_did, 'reply' AS kind,
       min(toUnixTimestamp64Milli(p.indexed_at)) AS at_ms
     FROM ${db}.posts AS p INNER JOIN ${postedReplies(db)} AS r ON p.reply_parent_uri = r.reply_uri
     WHERE p.indexed_at < ${AS_OF} AND p.author_did NOT IN ${botDids(db)} AND NOT (${IS_STOP})
       AND ${postStands(db, AS_OF, 'p.uri', 'p.author_did')}
     GROUP BY bot_id, reply_uri, actor_did, kind
     ) ORDER BY at_ms, kind, bot_id, reply_uri, actor_did`,
    windowParams(w),
  );
  return rows.map((r) => ({ ...r, at_ms: Number(r.at_ms) }));
}

export interface ServedImpression {
  impression_id: string;
  viewer_did: string;
  post_uri: string;
  bot_id: string;
  /** the probability the item had of being in the page, as logged */
  probability: number;
  served_ms: number;
}

/** Every impression of a bot reply served to a known viewer before asOf. */
export async function servedImpressionsAsOf(wh: Warehouse, w: AsOfWindow): Promise<ServedImpression[]> {
  const db = wh.database;
  const rows = await wh.query<ServedImpression>(
    `SELECT impression_id, any(v) AS viewer_did, any(u) AS post_uri, any(b) AS bot_id,
       any(p) AS probability, min(t) AS served_ms
     FROM (SELECT impression_id, viewer_did AS v, post_uri AS u, bot_id AS b, probability AS p,
             toUnixTimestamp64Milli(served_at) AS t
           FROM ${db}.impressions
           WHERE bot_id != '' AND viewer_did != '' AND served_at < ${AS_OF} ${seasonItems(w, 'post_uri', db)}
             AND ${actorStands(db, AS_OF, 'viewer_did')})
     GROUP BY impression_id ORDER BY served_ms, bot_id, probability, impression_id`,
    windowParams(w),
  );
  return rows.map((r) => ({ ...r, probability: Number(r.probability), served_ms: Number(r.served_ms) }));
}

export interface SeenReport {
  interaction_id: string;
  viewer_did: string;
  item_uri: string;
  bot_id: string;
  received_ms: number;
}

/** Every "seen" a client reported for a bot reply before asOf. */
export async function seenReportsAsOf(wh: Warehouse, w: AsOfWindow): Promise<SeenReport[]> {
  const db = wh.database;
  const rows = await wh.query<SeenReport>(
    `SELECT interaction_id, any(v) AS viewer_did, any(u) AS item_uri, any(b) AS bot_id, min(t) AS received_ms
     FROM (SELECT interaction_id, viewer_did AS v, item_uri AS u, bot_id AS b, toUnixTimestamp64Milli(received_at) AS t
           FROM ${db}.client_interactions
           WHERE event = 'seen' AND bot_id != '' AND viewer_did != '' AND received_at < ${AS_OF} ${seasonItems(w, 'item_uri', db)}
             AND ${actorStands(db, AS_OF, 'viewer_did')})
     GROUP BY interaction_id ORDER BY received_ms, bot_id, interaction_id`,
    windowParams(w),
  );
  return rows.map((r) => ({ ...r, received_ms: Number(r.received_ms) }));
}

export interface HarmEvent {
  /** block (target: the blocked DID) | unfollow (target: the unfollowed DID) | stop (target: the answered reply's URI) */
  kind: string;
  actor_did: string;
  target: string;
  at_ms: number;
}

/** Blocks, deleted follows (with the followed DID) and "stop" replies before asOf, bots' own excluded. */
export async function harmEventsAsOf(wh: Warehouse, w: AsOfWindow): Promise<HarmEvent[]> {
  const db = wh.database;
  const rows = await wh.query<HarmEvent>(
    `SELECT * FROM (
     SELECT 'block' AS kind, actor_did, target, min(t) AS at_ms
     FROM (SELECT actor_did, subject_did AS target, toUnixTimestamp64Milli(indexed_at) AS t FROM ${db}.interactions
           WHERE kind = 'block' AND indexed_at < ${AS_OF} AND indexed_at >= ${FROM} AND subject_did != '')
     GROUP BY actor_did, target
     UNION ALL
     SELECT 'unfollow' AS kind, d.actor_did AS actor_did, f.subject_did AS target, min(d.at_ms) AS at_ms
     FROM (SELECT uri, actor_did, toUnixTimestamp64Milli(indexed_at) AS at_ms FROM ${db}.interactions
           WHERE kind = 'delete' AND collection = 'app.bsky.graph.follow' AND indexed_at < ${AS_OF} AND indexed_at >= ${FROM}) AS d
     INNER JOIN (SELECT uri, any(subject_did) AS subject_did FROM ${db}.interactions
           WHERE kind = 'follow' AND indexed_at < ${AS_OF} GROUP BY uri) AS f ON f.uri = d.uri
     GROUP BY actor_did, target
     UNION ALL
     SELECT 'stop' AS kind, p.author_did AS actor_did, p.reply_parent_uri AS target,
       min(toUnixTimestamp64Milli(p.indexed_at)) AS at_ms
     FROM ${db}.posts AS p INNER JOIN ${postedReplies(db)} AS r ON p.reply_parent_uri = r.reply_uri
     WHERE p.indexed_at < ${AS_OF} AND ${IS_STOP} AND ${postStands(db, AS_OF, 'p.uri', 'p.author_did')}
     GROUP BY actor_did, target
     ) WHERE actor_did NOT IN ${botDids(db)} AND ${actorStands(db, AS_OF, 'actor_did')} ORDER BY at_ms, kind, actor_did, target`,
    windowParams(w),
  );
  return rows.map((r) => ({ ...r, at_ms: Number(r.at_ms) }));
}

/** Accounts whose latest profile before asOf carries the `bot` self-label (of accounts not gone). */
export async function botLabelledAsOf(wh: Warehouse, w: AsOfWindow): Promise<string[]> {
  const db = wh.database;
  const rows = await wh.query<{ did: string }>(
    `SELECT did FROM ${db}.profile_labels WHERE indexed_at < ${AS_OF} AND ${actorStands(db, AS_OF, 'did')}
     GROUP BY did HAVING has(argMax(self_labels, indexed_at), 'bot') ORDER BY did`,
    { asOf: w.asOf },
  );
  return rows.map((r) => r.did);
}

export interface ReplyDetails {
  task_id: string;
  /** the pair's sampling probability recorded with the reply task (0 when unknown) */
  pair_probability: number;
  graphemes: number;
  questions: number;
  emoji: number;
  links: number;
  mentions: number;
  /** seconds from the answered post's indexed_at (else the task's created_at) to the reply; 0 when neither is known */
  latency_seconds: number;
}

/** Per posted battle reply before asOf: the pair's sampling probability and the style features. */
export async function battleReplyDetailsAsOf(wh: Warehouse, w: AsOfWindow): Promise<ReplyDetails[]> {
  const db = wh.database;
  const rows = await wh.query<ReplyDetails>(
    `WITH r AS (
       SELECT task_id, post_uri, finished_at, style_graphemes, style_questions, style_emoji, style_links, style_mentions
       FROM ${db}.bot_replies FINAL
       WHERE status = 'replied' AND reply_uri != '' AND battle_id != '' AND finished_at < ${AS_OF} AND finished_at >= ${FROM} AND finished_at < ${UNTIL}
     ),
     t AS (SELECT task_id, any(battle_pair_probability) AS p, min(created_at) AS task_at FROM ${db}.reply_tasks
           WHERE task_id IN (SELECT task_id FROM r) GROUP BY task_id),
     posted AS (SELECT uri, min(indexed_at) AS posted_at FROM ${db}.posts
           WHERE uri IN (SELECT post_uri FROM r) AND indexed_at < ${AS_OF} AND ${postStands(db, AS_OF, 'uri', 'author_did')} GROUP BY uri)
     SELECT r.task_id AS task_id, ifNull(t.p, 0) AS pair_probability,
       r.style_graphemes AS graphemes, r.style_questions AS questions, r.style_emoji AS emoji,
       r.style_links AS links, r.style_mentions AS mentions,
       multiIf(posted.uri != '', greatest(0, toUnixTimestamp64Milli(r.finished_at) - toUnixTimestamp64Milli(posted.posted_at)) / 1000,
               t.task_id != '', greatest(0, toUnixTimestamp64Milli(r.finished_at) - toUnixTimestamp64Milli(t.task_at)) / 1000,
               0) AS latency_seconds
     FROM r LEFT JOIN t ON t.task_id = r.task_id LEFT JOIN posted ON posted.uri = r.post_uri
     ORDER BY task_id`,
    windowParams(w),
  );
  const n = (x: unknown) => Number(x);
  return rows.map((r) => ({
    task_id: r.task_id,
    pair_probability: n(r.pair_probability),
    graphemes: n(r.graphemes),
    questions: n(r.questions),
    emoji: n(r.emoji),
    links: n(r.links),
    mentions: n(r.mentions),
    latency_seconds: n(r.latency_seconds),
  }));
}
