// Applies the schema's migrations that have not run yet, in version order. Safe to run twice and
// from two replicas at once: every statement is idempotent, and the version record sits in a
// ReplacingMergeTree read with GROUP BY, so two replicas recording the same version is harmless.
// A version's record is written only after all its statements succeeded, so a crash mid-way
// reruns the whole migration next time.

import { createHash } from 'node:crypto';
import { MigrationError, errorMessage } from './errors.ts';
import { checkIdentifier } from './identifiers.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';
import type { Warehouse } from './types.ts';

/** The part of a warehouse that migrations need (so an adapter can call this from migrate()). */
export type MigrationTarget = Pick<Warehouse, 'command' | 'query' | 'insert'>;

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

export async function runMigrations(
  target: MigrationTarget,
  database: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  const db = checkIdentifier(database, 'database');
  checkOrder(migrations);
  await target.command(`CREATE DATABASE IF NOT EXISTS ${db}`);
  await target.command(`CREATE TABLE IF NOT EXISTS ${db}.schema_migrations
    (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC'))
    ENGINE = ReplacingMergeTree ORDER BY version`);
  const applied = new Map((await appliedMigrations(target, db)).map((m) => [m.version, m]));
  const ran: number[] = [];
  for (const m of migrations) {
    const checksum = migrationChecksum(m);
    const done = applied.get(m.version);
    if (done !== undefined) {
      if (done.checksum !== checksum) {
        throw new MigrationError(`migration ${m.version} (${m.name}) changed after it was applied`, {
          version: m.version,
        });
      }
      continue;
    }
    await applyOne(target, db, m, checksum);
    ran.push(m.version);
  }
  return ran;
}

export async function appliedMigrations(target: MigrationTarget, database: string): Promise<AppliedMigration[]> {
  const db = checkIdentifier(database, 'database');
  return target.query<AppliedMigration>(
    `SELECT version, any(name) AS name, any(checksum) AS checksum
     FROM ${db}.schema_migrations GROUP BY version ORDER BY version`,
  );
}

/** A digest of a migration's statements, independent of the database they run in. */
export function migrationChecksum(m: Migration): string {
  return createHash('sha256').update(m.statements('__db__').join('\n;\n')).digest('hex');
}

async function applyOne(target: MigrationTarget, db: string, m: Migration, checksum: string): Promise<void> {
  for (const sql of m.statements(db)) {
    try {
      await target.command(sql);
    } catch (err) {
      throw new MigrationError(`migration ${m.version} (${m.name}) failed: ${errorMessage(err)}`, {
        version: m.version,
        cause: err,
      });
    }
  }
  await target.insert(`${db}.schema_migrations`, [{ version: m.version, name: m.name, checksum, applied_at: new Date() }]);
}

function checkOrder(migrations: readonly Migration[]): void {
  let last = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= last) {
      throw new MigrationError(`migration versions must increase: ${m.version} after ${last}`, {
        version: m.version,
      });
    }
    last = m.version;
  }
}
