// Each season's leaderboard over time (seasons: @botsky/contracts seasons.ts), for the dashboards,
// which read ClickHouse and not the seasons' KV records. Frozen once applied.
//
// The rows of rating_snapshots (one per rated bot and method) with the season they belong to and
// its window: a table of its own rather than a season column there, so the main board's readers
// (the dashboards, the matchmaker's active sampling, the rating history) stay as they are, and a
// season's rows never collapse with the main board's of the same run. scoring writes a running
// season's rows when its battles change, and an ended season's once more, with frozen = 1, when
// it freezes: that board is the season's for good, and nothing is written for it after.
// ended_at is 1970-01-01 while the season runs.
import type { Migration } from './migration.ts';

export const seasonSnapshots: Migration = {
  version: 11,
  name: 'season-snapshots',
  statements: (db) => [
    `CREATE TABLE IF NOT EXISTS ${db}.season_snapshots
    (
      season LowCardinality(String),
      started_at DateTime64(3, 'UTC'),
      ended_at DateTime64(3, 'UTC'),
      frozen UInt8,
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
    ORDER BY (season, method, bot_id, computed_at, frozen)
    SETTINGS non_replicated_deduplication_window = 1000`,
  ],
};
