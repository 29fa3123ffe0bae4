// A versioned schema step. Statements must be idempotent (IF NOT EXISTS, ADD COLUMN IF NOT
// EXISTS, ...): two replicas may run the same migration at once, and a crash between a statement
// and the version record reruns it. Once released, a migration's text never changes; its checksum
// is recorded and checked at every start-up.

export interface Migration {
  version: number;
  name: string;
  /** The statements, for database `db` (an identifier already checked). */
  statements: (db: string) => string[];
}
