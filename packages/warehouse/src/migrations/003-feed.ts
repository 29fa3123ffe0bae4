// What the feed generator served and what clients said about it. Frozen once applied.
import type { Migration } from './migration.ts';

export const feed: Migration = {
  version: 3,
  name: 'feed',
  statements: (db) => [
    // Every item served in a feed page: the exposure that engagement is normalised by.
    // probability is the chance the ranking gave this item that slot (for inverse-propensity
    // weighting). impression_id is deterministic (request id and position), so a re-delivered
    // impression collapses on merge. bot_id is '' for items that are not a bot's reply.
    `CREATE TABLE IF NOT EXISTS ${db}.impressions
    (
      impression_id String,
      feed_request_id String,
      viewer_did String,
      post_uri String,
      bot_id LowCardinality(String),
      position UInt16,
      probability Float64,
      served_at DateTime64(3, 'UTC')
    )
    ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(served_at)
    ORDER BY (bot_id, served_at, impression_id)
    SETTINGS non_replicated_deduplication_window = 1000`,
    // What clients report through app.bsky.feed.sendInteractions: event is seen | like | repost
    // | reply | quote | show_more | show_less | click ... ; "seen" is real exposure, as opposed
    // to merely served. interaction_id is derived by the feed from (viewer, item, event, context).
    `CREATE TABLE IF NOT EXISTS ${db}.client_interactions
    (
      interaction_id String,
      viewer_did String,
      item_uri String,
      event LowCardinality(String),
      feed_context String,
      bot_id LowCardinality(String),
      received_at DateTime64(3, 'UTC')
    )
    ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(received_at)
    ORDER BY (bot_id, event, interaction_id)
    SETTINGS non_replicated_deduplication_window = 1000`,
  ],
};
