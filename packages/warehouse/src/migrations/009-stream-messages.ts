// Which bus messages carry whose words. Frozen once applied.
//
// The JetStream streams keep a post's text (BOTSKY_NETWORK, in the post event; BOTSKY_TASKS, in
// the reply tasks that answer it) and people's interest terms (BOTSKY_TASKS: tasks and decisions)
// until the stream's max age. The recorder writes one row per such message as it stores it; the
// text purge finds here the messages a deleted post or account leaves on the bus and deletes them
// by sequence (stream-messages.ts). Only ids, DIDs and sequences: nothing here is anyone's words.
//
// author_did is whose post (or profile) it is; other_dids the other people whose words it carries
// (a task's mentioned person, a decision's candidates). indexed_at is the event's own time (a
// post's indexing, a task's creation): an account purge reaches the messages up to its event.
// Rows go after 90 days, the longest any stream may keep a message (MAX_STREAM_AGE_MS in the bus).
import type { Migration } from './migration.ts';

export const streamMessages: Migration = {
  version: 9,
  name: 'stream-messages',
  statements: (db) => [
    `CREATE TABLE IF NOT EXISTS ${db}.stream_messages
    (
      stream LowCardinality(String),
      seq UInt64,
      post_uri String,
      author_did String,
      other_dids Array(String),
      indexed_at DateTime64(3, 'UTC'),
      INDEX idx_post_uri post_uri TYPE bloom_filter GRANULARITY 4,
      INDEX idx_author author_did TYPE bloom_filter GRANULARITY 4
    )
    ENGINE = ReplacingMergeTree
    ORDER BY (stream, seq)
    TTL toDateTime(indexed_at) + toIntervalDay(90)
    SETTINGS non_replicated_deduplication_window = 1000`,
  ],
};
