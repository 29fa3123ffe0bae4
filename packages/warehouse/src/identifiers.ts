// Table, column and database names reach SQL text unquoted by design (they come from code, not
// from users), so they are checked against a strict pattern instead of being escaped.

import { WarehouseError } from './errors.ts';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

export function checkIdentifier(name: string, what = 'identifier'): string {
  if (!IDENTIFIER.test(name)) {
    throw new WarehouseError(`invalid ${what} ${JSON.stringify(name)}: expected [A-Za-z_][A-Za-z0-9_]*`, {
      kind: 'client',
    });
  }
  return name;
}

/** `table` or `db.table` → `db.table`, with the warehouse's database as the default. */
export function qualifyTable(table: string, database: string): string {
  const dot = table.indexOf('.');
  if (dot < 0) return `${checkIdentifier(database, 'database')}.${checkIdentifier(table, 'table')}`;
  const db = table.slice(0, dot);
  const name = table.slice(dot + 1);
  return `${checkIdentifier(db, 'database')}.${checkIdentifier(name, 'table')}`;
}
