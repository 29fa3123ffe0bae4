// What ingest reads from the network. Frozen once applied: change the schema with a new migration.
//
// Partitioned by indexed_at (stamped by ingest, carried in the event, so the same on a bus
// re-delivery), not by created_at: created_at is whatever the author's client wrote, and one
// batch of back-dated posts (archive imports) could span more months than ClickHouse accepts in
// one insert (max_partitions_per_insert_block), failing the batch again on every retry.
import type { Migration } from './migration.ts';

export const networkEvents: Migration = {
  version: 1,
  name: 'network-events',
  statements: (db) => [
    // Every post seen on the network (people's and the bots' own). ReplacingMergeTree keyed by the
    // record URI: a post delivered twice by the bus collapses to one row (read with FINAL for exact
    // counts); the insert dedup window drops a batch the writer retried. parent_bot_id and
    // answers_mention are filled by the recorder, which knows the bots' DIDs and whom each bot
    // reply mentioned; they make "replies received" and "mention successes" countable in a view.
    `CREATE TABLE IF NOT EXISTS ${db}.posts
    (
      uri String,
      cid String,
      author_did String,
      text String,
      langs Array(LowCardinality(String)),
      reply_root_uri String,
      reply_parent_uri String,
      mentions Array(String),
      parent_bot_id LowCardinality(String),
      answers_mention UInt8,
      created_at DateTime64(3, 'UTC'),
      indexed_at DateTime64(3, 'UTC'),
      INDEX idx_reply_parent reply_parent_uri TYPE bloom_filter GRANULARITY 4,
      INDEX idx_uri uri TYPE bloom_filter GRANULARITY 4
    )
    ENGINE = ReplacingMergeTree(indexed_at)
    PARTITION BY toYYYYMM(indexed_at)
    ORDER BY (author_did, uri)
    SETTINGS non_replicated_deduplication_window = 1000`,
    // Likes, reposts, follows, blocks and deletes in one table: they share one shape (an actor
    // acts on a subject post or account at a time), engagement queries read likes and reposts
    // together, and one table means one dedup window and one view source instead of five.
    // kind: like | repost | follow | block | delete. uri is the record's own URI (for a delete,
    // the deleted record's); subject_uri the liked or reposted post; subject_did the followed or
    // blocked account, or the subject post's author; subject_bot_id the bot that account belongs
    // to ('' for people), filled by the recorder. Sorted by subject so "likes on this bot's
    // replies" reads a narrow range.
    `CREATE TABLE IF NOT EXISTS ${db}.interactions
    (
      kind LowCardinality(String),
      uri String,
      cid String,
      actor_did String,
      subject_uri String,
      subject_did String,
      subject_bot_id LowCardinality(String),
      collection LowCardinality(String),
      created_at DateTime64(3, 'UTC'),
      indexed_at DateTime64(3, 'UTC'),
      INDEX idx_subject_uri subject_uri TYPE bloom_filter GRANULARITY 4
    )
    ENGINE = ReplacingMergeTree(indexed_at)
    PARTITION BY toYYYYMM(indexed_at)
    ORDER BY (kind, subject_did, uri)
    SETTINGS non_replicated_deduplication_window = 1000`,
  ],
};
