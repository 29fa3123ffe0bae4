// Retention of what people write: the text of network posts gets a TTL. Frozen once applied.
//
// A column TTL, not a row TTL: the rest of a post (author, reply references, mentions, times)
// stays, because engagement, recommendation success and a rescore from the warehouse count
// replies by their structure. Text that is just "stop" is kept (until 2100): it is an opt-out,
// counted as harm and never as engagement (queries/ranking.ts), and says nothing about anyone.
//
// The TTL here is the longest retention allowed (3650 days), so adding it clears nothing;
// scoring brings it to BOTSKY_POST_TEXT_RETENTION_DAYS (30 days unless configured) right after
// the migrations, at every start (retention.ts). A migration cannot take the configured value:
// its text is frozen.
import type { Migration } from './migration.ts';

export const retention: Migration = {
  version: 7,
  name: 'retention',
  statements: (db) => [
    `ALTER TABLE ${db}.posts
      MODIFY COLUMN text String TTL if(lowerUTF8(trimBoth(text)) = 'stop', toDateTime('2100-01-01 00:00:00', 'UTC'), toDateTime(indexed_at) + toIntervalDay(3650))`,
  ],
};
