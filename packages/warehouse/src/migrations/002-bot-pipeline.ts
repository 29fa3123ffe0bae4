// What matchmaker decides and what bot-runner does. Frozen once applied.
import type { Migration } from './migration.ts';

export const botPipeline: Migration = {
  version: 2,
  name: 'bot-pipeline',
  statements: (db) => [
    // One row per reply task matchmaker emits: which bot answers which post, whom it should
    // mention, and the battle it belongs to (battle_id '' for a single reply). Keyed by task_id.
    `CREATE TABLE IF NOT EXISTS ${db}.reply_tasks
    (
      task_id String,
      post_uri String,
      post_author_did String,
      bot_id LowCardinality(String),
      mention_did String,
      battle_id String,
      reason LowCardinality(String),
      created_at DateTime64(3, 'UTC')
    )
    ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(created_at)
    ORDER BY (bot_id, task_id)
    SETTINGS non_replicated_deduplication_window = 1000`,
    // Every post matchmaker looked at and what it decided (outcome task | skip, with the reason:
    // not opted in, mention limit, no candidate, ...), so skipped posts can be audited.
    `CREATE TABLE IF NOT EXISTS ${db}.match_decisions
    (
      decision_id String,
      post_uri String,
      post_author_did String,
      outcome LowCardinality(String),
      reason LowCardinality(String),
      bot_ids Array(LowCardinality(String)),
      mention_did String,
      battle_id String,
      candidates UInt32,
      decided_at DateTime64(3, 'UTC')
    )
    ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(decided_at)
    ORDER BY (outcome, decision_id)
    SETTINGS non_replicated_deduplication_window = 1000`,
    // The outcome of each reply task (status replied | failed), with the model's cost. Keyed by
    // task_id; when a failed task later succeeds, the newest outcome (finished_at) wins on merge.
    `CREATE TABLE IF NOT EXISTS ${db}.bot_replies
    (
      task_id String,
      bot_id LowCardinality(String),
      model LowCardinality(String),
      provider LowCardinality(String),
      status LowCardinality(String),
      post_uri String,
      reply_uri String,
      reply_cid String,
      mention_did String,
      battle_id String,
      failure_reason String,
      latency_ms UInt32,
      tokens_in UInt32,
      tokens_out UInt32,
      cost_usd Float64,
      finished_at DateTime64(3, 'UTC'),
      INDEX idx_reply_uri reply_uri TYPE bloom_filter GRANULARITY 4
    )
    ENGINE = ReplacingMergeTree(finished_at)
    PARTITION BY toYYYYMM(finished_at)
    ORDER BY (bot_id, task_id)
    SETTINGS non_replicated_deduplication_window = 1000`,
    // The recommendations: each posted reply that mentions a person. Filled by the view below
    // from bot_replies, so no service writes it twice; recommendation success joins it with the
    // mentioned person's replies (posts) within a window.
    `CREATE TABLE IF NOT EXISTS ${db}.mentions
    (
      task_id String,
      bot_id LowCardinality(String),
      mentioned_did String,
      reply_uri String,
      post_uri String,
      battle_id String,
      mentioned_at DateTime64(3, 'UTC')
    )
    ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(mentioned_at)
    ORDER BY (bot_id, task_id)
    SETTINGS non_replicated_deduplication_window = 1000`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.mentions_mv TO ${db}.mentions AS
    SELECT task_id, bot_id, mention_did AS mentioned_did, reply_uri, post_uri, battle_id,
      finished_at AS mentioned_at
    FROM ${db}.bot_replies
    WHERE status = 'replied' AND mention_did != ''`,
  ],
};
