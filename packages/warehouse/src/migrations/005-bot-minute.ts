// Per-bot, per-minute aggregates for the dashboards, kept up to date by materialized views.
// Frozen once applied.
//
// Counts are uniq states over the event's id, not plain counts: an event the bus re-delivers in
// another batch lands twice in the raw table until a merge, but its id is counted once here.
// (uniq is exact up to 65,536 ids per merged group, then within about 1%.) Token and cost sums
// are plain sums: exact under writer retries (the insert dedup token also dedups the views'
// blocks), but a re-delivered outcome adds twice; exact figures come from bot_replies FINAL.
// Unlikes (deletes) are not subtracted: likes here are gross.
import type { Migration } from './migration.ts';

export const botMinute: Migration = {
  version: 5,
  name: 'bot-minute-aggregates',
  statements: (db) => [
    `CREATE TABLE IF NOT EXISTS ${db}.bot_minute
    (
      bot_id LowCardinality(String),
      minute DateTime('UTC'),
      replies AggregateFunction(uniq, String),
      failures AggregateFunction(uniq, String),
      mentions AggregateFunction(uniq, String),
      tokens_in SimpleAggregateFunction(sum, UInt64),
      tokens_out SimpleAggregateFunction(sum, UInt64),
      cost_usd SimpleAggregateFunction(sum, Float64),
      latency_ms AggregateFunction(quantiles(0.5, 0.95), UInt32),
      impressions AggregateFunction(uniq, String),
      likes AggregateFunction(uniq, String),
      reposts AggregateFunction(uniq, String),
      replies_received AggregateFunction(uniq, String),
      mention_successes AggregateFunction(uniq, String),
      seen AggregateFunction(uniq, String)
    )
    ENGINE = AggregatingMergeTree
    PARTITION BY toYYYYMM(minute)
    ORDER BY (bot_id, minute)
    SETTINGS non_replicated_deduplication_window = 1000`,
    // Each view fills only its own columns; the others get empty states, which merge as zero.
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.bot_minute_replies_mv TO ${db}.bot_minute AS
    SELECT bot_id, toStartOfMinute(finished_at) AS minute,
      uniqStateIf(task_id, status = 'replied') AS replies,
      uniqStateIf(task_id, status = 'failed') AS failures,
      uniqStateIf(task_id, status = 'replied' AND mention_did != '') AS mentions,
      sum(toUInt64(tokens_in)) AS tokens_in,
      sum(toUInt64(tokens_out)) AS tokens_out,
      sum(cost_usd) AS cost_usd,
      quantilesStateIf(0.5, 0.95)(latency_ms, status = 'replied') AS latency_ms
    FROM ${db}.bot_replies
    GROUP BY bot_id, minute`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.bot_minute_impressions_mv TO ${db}.bot_minute AS
    SELECT bot_id, toStartOfMinute(served_at) AS minute, uniqState(impression_id) AS impressions
    FROM ${db}.impressions
    WHERE bot_id != ''
    GROUP BY bot_id, minute`,
    // Likes and reposts of a bot's posts. Network events count at indexed_at, not at the
    // author-supplied created_at, which can be anything (see 001-network-events.ts).
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.bot_minute_engagement_mv TO ${db}.bot_minute AS
    SELECT subject_bot_id AS bot_id, toStartOfMinute(indexed_at) AS minute,
      uniqStateIf(uri, kind = 'like') AS likes,
      uniqStateIf(uri, kind = 'repost') AS reposts
    FROM ${db}.interactions
    WHERE subject_bot_id != '' AND kind IN ('like', 'repost')
    GROUP BY bot_id, minute`,
    // Replies to a bot's posts; those by the person the bot mentioned are mention successes.
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.bot_minute_replies_received_mv TO ${db}.bot_minute AS
    SELECT parent_bot_id AS bot_id, toStartOfMinute(indexed_at) AS minute,
      uniqState(uri) AS replies_received,
      uniqStateIf(uri, answers_mention = 1) AS mention_successes
    FROM ${db}.posts
    WHERE parent_bot_id != ''
    GROUP BY bot_id, minute`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.bot_minute_seen_mv TO ${db}.bot_minute AS
    SELECT bot_id, toStartOfMinute(received_at) AS minute, uniqState(interaction_id) AS seen
    FROM ${db}.client_interactions
    WHERE bot_id != '' AND event = 'seen'
    GROUP BY bot_id, minute`,
    // What the dashboards read: one finished row per bot and minute.
    `CREATE VIEW IF NOT EXISTS ${db}.bot_minute_stats AS
    SELECT bot_id, minute,
      uniqMerge(replies) AS replies,
      uniqMerge(failures) AS failures,
      uniqMerge(mentions) AS mentions,
      sum(tokens_in) AS tokens_in,
      sum(tokens_out) AS tokens_out,
      sum(cost_usd) AS cost_usd,
      quantilesMerge(0.5, 0.95)(latency_ms)[1] AS latency_p50_ms,
      quantilesMerge(0.5, 0.95)(latency_ms)[2] AS latency_p95_ms,
      uniqMerge(impressions) AS impressions,
      uniqMerge(likes) AS likes,
      uniqMerge(reposts) AS reposts,
      uniqMerge(replies_received) AS replies_received,
      uniqMerge(mention_successes) AS mention_successes,
      uniqMerge(seen) AS seen
    FROM ${db}.bot_minute
    GROUP BY bot_id, minute`,
  ],
};
