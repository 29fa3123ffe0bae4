// Accounts' hosting status over time (#account events). Frozen once applied.
//
// The text purge reads it (text-purge.ts): an account that stopped being active for a reason of
// its own or of its host (deleted, deactivated, taken down, suspended) has the texts it wrote
// until then purged from every table that keeps text, and a restarted scoring re-checks those
// purges from here. status is the source's word: active, deleted, deactivated, takendown,
// suspended, desynchronized, throttled or unspecified. indexed_at is the source's time (carried
// in the event), so a re-delivered event collapses into the row it wrote the first time.
import type { Migration } from './migration.ts';

export const accountEvents: Migration = {
  version: 8,
  name: 'account-events',
  statements: (db) => [
    `CREATE TABLE IF NOT EXISTS ${db}.account_events
    (
      did String,
      active UInt8,
      status LowCardinality(String),
      seq Int64,
      indexed_at DateTime64(3, 'UTC')
    )
    ENGINE = ReplacingMergeTree
    ORDER BY (did, indexed_at, seq)
    SETTINGS non_replicated_deduplication_window = 1000`,
  ],
};
