// How long the warehouse keeps the text of network posts. Migration 007 adds the TTL at the
// longest retention allowed; scoring calls applyPostTextRetention after the migrations at every
// start: when the retention differs from the one the table was last brought to, the column's TTL
// is changed and materialised (a mutation ClickHouse runs in the background, rewriting the text
// column of old parts once). The table's comment records the retention applied, so an unchanged
// one costs one read. Between materialisations, ClickHouse clears expired text in its TTL merges
// (merge_with_ttl_timeout: at most every 4 hours per partition by default).
import { WarehouseError } from './errors.ts';
import { checkIdentifier } from './identifiers.ts';
import type { MigrationTarget } from './migrate.ts';

export const DEFAULT_POST_TEXT_RETENTION_DAYS = 30;
export const MIN_POST_TEXT_RETENTION_DAYS = 1;
export const MAX_POST_TEXT_RETENTION_DAYS = 3650;

/** The TTL of posts.text: `days` after ingest indexed the post; a bare "stop" is kept (007). */
export function postTextTtl(days: number): string {
  return `if(lowerUTF8(trimBoth(text)) = 'stop', toDateTime('2100-01-01 00:00:00', 'UTC'), toDateTime(indexed_at) + toIntervalDay(${days}))`;
}

function marker(days: number): string {
  return `post text kept ${days} days (BOTSKY_POST_TEXT_RETENTION_DAYS)`;
}

/** The retention the posts table was last brought to, or undefined when never (or by hand). */
export async function appliedPostTextRetention(target: MigrationTarget, database: string): Promise<number | undefined> {
  const rows = await target.query<{ comment: string }>(
    `SELECT comment FROM system.tables WHERE database = {db:String} AND name = 'posts'`,
    { db: checkIdentifier(database, 'database') },
  );
  const m = /^post text kept (\d+) days/.exec(rows[0]?.comment ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Brings posts.text's TTL to `days`; resolves true when it changed something. */
export async function applyPostTextRetention(target: MigrationTarget, database: string, days: number): Promise<boolean> {
  if (!Number.isInteger(days) || days < MIN_POST_TEXT_RETENTION_DAYS || days > MAX_POST_TEXT_RETENTION_DAYS) {
    throw new WarehouseError(
      `post text retention must be ${MIN_POST_TEXT_RETENTION_DAYS}-${MAX_POST_TEXT_RETENTION_DAYS} days, got ${days}`,
      { kind: 'client' },
    );
  }
  const db = checkIdentifier(database, 'database');
  if ((await appliedPostTextRetention(target, db)) === days) return false;
  await target.command(`ALTER TABLE ${db}.posts MODIFY COLUMN text String TTL ${postTextTtl(days)}, MODIFY COMMENT '${marker(days)}'`);
  return true;
}
