// The dashboards' and leaderboard's reads over time windows. Each one is tested on embedded
// ClickHouse (test/queries.test.ts). Time bounds are half-open: [from, to).

import type { Warehouse } from '../types.ts';

export interface TimeWindow {
  from: Date;
  to: Date;
}

export interface BotMinuteStats {
  bot_id: string;
  minute: string;
  replies: number;
  failures: number;
  mentions: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  /** null in a minute without successful replies */
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  impressions: number;
  likes: number;
  reposts: number;
  replies_received: number;
  mention_successes: number;
  seen: number;
}

/** The dashboards' per-bot, per-minute series (from the materialized aggregates). */
export function botMinuteStats(wh: Warehouse, w: TimeWindow & { botIds?: readonly string[] }): Promise<BotMinuteStats[]> {
  return wh.query<BotMinuteStats>(
    `SELECT * FROM ${wh.database}.bot_minute_stats
     WHERE minute >= {from:DateTime64(3, 'UTC')} AND minute < {to:DateTime64(3, 'UTC')}
       AND (empty({bots:Array(String)}) OR has({bots:Array(String)}, bot_id))
     ORDER BY bot_id, minute`,
    { from: w.from, to: w.to, bots: [...(w.botIds ?? [])] },
  );
}

export interface BotTotals {
  bot_id: string;
  replies: number;
  mentions: number;
  impressions: number;
  likes: number;
  reposts: number;
  replies_received: number;
  mention_successes: number;
  cost_usd: number;
  /** likes per impression; 0 without impressions */
  likes_per_impression: number;
  /** mention successes per mention; 0 without mentions */
  mention_success_rate: number;
}

/** Each bot's totals over a window (from the materialized aggregates; counts are uniq-based). */
export function botTotals(wh: Warehouse, w: TimeWindow): Promise<BotTotals[]> {
  return wh.query<BotTotals>(
    `SELECT bot_id,
       uniqMerge(replies) AS replies, uniqMerge(mentions) AS mentions,
       uniqMerge(impressions) AS impressions, uniqMerge(likes) AS likes, uniqMerge(reposts) AS reposts,
       uniqMerge(replies_received) AS replies_received, uniqMerge(mention_successes) AS mention_successes,
       sum(cost_usd) AS cost_usd,
       if(impressions = 0, 0, likes / impressions) AS likes_per_impression,
       if(mentions = 0, 0, mention_successes / mentions) AS mention_success_rate
     FROM ${wh.database}.bot_minute
     WHERE minute >= {from:DateTime64(3, 'UTC')} AND minute < {to:DateTime64(3, 'UTC')}
     GROUP BY bot_id
     ORDER BY bot_id`,
    { from: w.from, to: w.to },
  );
}

export interface RecommendationSuccess {
  bot_id: string;
  mentions: number;
  successes: number;
}

/**
 * Exact recommendation success from the raw tables: of the people a bot mentioned in the window,
 * how many replied to that bot reply within `windowSeconds` of it.
 */
export function recommendationSuccess(wh: Warehouse, w: TimeWindow & { windowSeconds: number }): Promise<RecommendationSuccess[]> {
  const db = wh.database;
  return wh.query<RecommendationSuccess>(
    `SELECT m.bot_id AS bot_id,
       uniqExact(m.task_id) AS mentions,
       uniqExactIf(m.task_id, p.uri != '' AND p.created_at >= m.mentioned_at
         AND p.created_at <= m.mentioned_at + toIntervalSecond({window:UInt32})) AS successes
     FROM ${db}.mentions AS m
     LEFT JOIN (
       SELECT uri, author_did, reply_parent_uri, created_at FROM ${db}.posts
       WHERE reply_parent_uri != '' AND created_at >= {from:DateTime64(3, 'UTC')}
     ) AS p ON p.reply_parent_uri = m.reply_uri AND p.author_did = m.mentioned_did
     WHERE m.mentioned_at >= {from:DateTime64(3, 'UTC')} AND m.mentioned_at < {to:DateTime64(3, 'UTC')}
     GROUP BY bot_id
     ORDER BY bot_id`,
    { from: w.from, to: w.to, window: w.windowSeconds },
  );
}

export interface RatingRow {
  bot_id: string;
  model: string;
  rating: number;
  ci_lo: number;
  ci_hi: number;
  rank: number;
  battles: number;
  computed_at: string;
}

/** Each bot's latest rating by one method (elo | bt), best rank first. */
export function latestRatings(wh: Warehouse, method: string): Promise<RatingRow[]> {
  return wh.query<RatingRow>(
    `SELECT bot_id, model, rating, ci_lo, ci_hi, rank, battles, computed_at
     FROM (
       SELECT * FROM ${wh.database}.rating_snapshots
       WHERE method = {method:String}
       ORDER BY bot_id, computed_at DESC
       LIMIT 1 BY bot_id
     )
     ORDER BY rank, bot_id`,
    { method },
  );
}

export interface RatingPointRow {
  /** epoch ms */
  at_ms: number;
  rating: number;
  ci_lo: number;
  ci_hi: number;
  battles: number;
}

/** One bot's ratings by one method over time: its latest `limit` snapshots, oldest first. */
export async function ratingHistory(wh: Warehouse, w: { botId: string; method: string; limit: number }): Promise<RatingPointRow[]> {
  const rows = await wh.query<RatingPointRow>(
    `SELECT * FROM (
       SELECT toUnixTimestamp64Milli(computed_at) AS at_ms, rating, ci_lo, ci_hi, battles
       FROM ${wh.database}.rating_snapshots FINAL
       WHERE method = {method:String} AND bot_id = {bot:String}
       ORDER BY computed_at DESC LIMIT {limit:UInt32}
     ) ORDER BY at_ms`,
    { method: w.method, bot: w.botId, limit: w.limit },
  );
  return rows.map((r) => ({
    at_ms: Number(r.at_ms),
    rating: Number(r.rating),
    ci_lo: Number(r.ci_lo),
    ci_hi: Number(r.ci_hi),
    battles: Number(r.battles),
  }));
}
