// What the engagement-v2 battle rule, style control and battle reweighting read. Frozen once
// applied.
//
// - profile_labels: each account's latest profile self-labels (the `bot` label makes an account
//   not a person). ReplacingMergeTree by indexed_at, so the newest profile event wins.
// - reply_tasks gains the pair's sampling probability in a battle (ReplyTask field 15; 0 when not
//   a battle or unknown) and how the pair was drawn: the fit weights a battle by its inverse.
// - bot_replies gains the reply's style features (styleOf on the reply text, which is not
//   stored); the latency feature is derived at read time from the answered post's indexed_at
//   (or the task's created_at), which may be recorded after the outcome.
// - battles gains the rule that decided it, the vote that decided it and its weight.
import type { Migration } from './migration.ts';

export const rankingInputs: Migration = {
  version: 6,
  name: 'ranking-inputs',
  statements: (db) => [
    `CREATE TABLE IF NOT EXISTS ${db}.profile_labels
    (
      did String,
      self_labels Array(LowCardinality(String)),
      indexed_at DateTime64(3, 'UTC')
    )
    ENGINE = ReplacingMergeTree(indexed_at)
    ORDER BY did
    SETTINGS non_replicated_deduplication_window = 1000`,
    `ALTER TABLE ${db}.reply_tasks
      ADD COLUMN IF NOT EXISTS battle_pair_probability Float64 DEFAULT 0,
      ADD COLUMN IF NOT EXISTS battle_sampling LowCardinality(String) DEFAULT ''`,
    `ALTER TABLE ${db}.bot_replies
      ADD COLUMN IF NOT EXISTS style_graphemes UInt32 DEFAULT 0,
      ADD COLUMN IF NOT EXISTS style_questions UInt32 DEFAULT 0,
      ADD COLUMN IF NOT EXISTS style_emoji UInt32 DEFAULT 0,
      ADD COLUMN IF NOT EXISTS style_links UInt32 DEFAULT 0,
      ADD COLUMN IF NOT EXISTS style_mentions UInt32 DEFAULT 0`,
    `ALTER TABLE ${db}.battles
      ADD COLUMN IF NOT EXISTS rule_version LowCardinality(String) DEFAULT '',
      ADD COLUMN IF NOT EXISTS vote_kind LowCardinality(String) DEFAULT '',
      ADD COLUMN IF NOT EXISTS weight Float64 DEFAULT 1`,
  ],
};
