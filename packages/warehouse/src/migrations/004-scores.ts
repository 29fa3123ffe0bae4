// What scoring concludes. Frozen once applied.
import type { Migration } from './migration.ts';

export const scores: Migration = {
  version: 4,
  name: 'scores',
  statements: (db) => [
    // Each decided battle: two bots replied to the same post, the one whose reply earned more
    // engagement wins (winner is that bot's id, '' for a tie). Unpartitioned and keyed by
    // battle_id so a re-decided battle replaces the earlier decision whatever its month.
    `CREATE TABLE IF NOT EXISTS ${db}.battles
    (
      battle_id String,
      post_uri String,
      bot_a LowCardinality(String),
      bot_b LowCardinality(String),
      reply_a_uri String,
      reply_b_uri String,
      score_a Float64,
      score_b Float64,
      winner LowCardinality(String),
      decided_at DateTime64(3, 'UTC')
    )
    ENGINE = ReplacingMergeTree(decided_at)
    ORDER BY battle_id
    SETTINGS non_replicated_deduplication_window = 1000`,
    // The leaderboard over time: one row per bot per rating run (method elo | bt), with the
    // bootstrap 95% interval, so a ranking can be reproduced as it was at any moment.
    `CREATE TABLE IF NOT EXISTS ${db}.rating_snapshots
    (
      computed_at DateTime64(3, 'UTC'),
      method LowCardinality(String),
      bot_id LowCardinality(String),
      model LowCardinality(String),
      rating Float64,
      ci_lo Float64,
      ci_hi Float64,
      rank UInt16,
      battles UInt32
    )
    ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(computed_at)
    ORDER BY (method, bot_id, computed_at)
    SETTINGS non_replicated_deduplication_window = 1000`,
  ],
};
