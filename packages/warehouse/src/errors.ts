// Errors the warehouse raises. Every adapter failure becomes a `WarehouseError` whose `kind`
// tells the batching writer what to do: retry (transport, server), split the batch to isolate a
// bad row (data), or give up on the whole batch (schema, client).

export type WarehouseErrorKind =
  /** The request may not have reached the server, or its answer was lost: retry. */
  | 'transport'
  /** The server refused for a reason that can pass (overload, too many parts, timeout): retry. */
  | 'server'
  /** A value in the rows cannot be stored (parse or type error): the batch holds a bad row. */
  | 'data'
  /** The statement itself is wrong (unknown table or column, syntax): every row would fail. */
  | 'schema'
  /** Refused before anything was sent (bad identifier, bad parameter, closed warehouse). */
  | 'client';

export class WarehouseError extends Error {
  override name = 'WarehouseError';
  readonly kind: WarehouseErrorKind;
  /** ClickHouse's numeric error code when the server (or engine) gave one. */
  readonly code: number | undefined;

  constructor(message: string, opts: { kind: WarehouseErrorKind; code?: number; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.kind = opts.kind;
    this.code = opts.code;
  }

  get retryable(): boolean {
    return this.kind === 'transport' || this.kind === 'server';
  }
}

/** A `{name:Type}` parameter that cannot be bound (missing, wrong shape, unsupported type). */
export class ParamBindError extends Error {
  override name = 'ParamBindError';
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
  }
}

/** A migration failed, or an applied migration was edited after it ran. */
export class MigrationError extends Error {
  override name = 'MigrationError';
  readonly version: number;
  constructor(message: string, opts: { version: number; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.version = opts.version;
  }
}

/** A write the batching writer could not store; `cause` is the last adapter error. */
export class WarehouseWriteError extends Error {
  override name = 'WarehouseWriteError';
  readonly table: string;
  readonly attempts: number;
  constructor(message: string, opts: { table: string; attempts: number; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.table = opts.table;
    this.attempts = opts.attempts;
  }
}

/** Retrying a deduplicated insert found only part of its rows stored: no safe way to finish. */
export class DedupConflictError extends Error {
  override name = 'DedupConflictError';
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
  }
}

// Codes for a value that does not fit its column: bisecting the batch isolates the row.
// (CANNOT_PARSE_*, TYPE_MISMATCH, INCORRECT_DATA, VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE, ...).
const DATA_CODES = new Set([6, 25, 26, 27, 38, 41, 53, 69, 70, 72, 117, 130, 131, 190, 321, 349, 376, 395, 691]);
// Codes for a statement that can never succeed as written: retrying or splitting is useless.
// (UNKNOWN_TABLE, NO_SUCH_COLUMN_IN_TABLE, SYNTAX_ERROR, UNKNOWN_SETTING, READONLY, ...).
const SCHEMA_CODES = new Set([8, 10, 16, 44, 46, 47, 60, 62, 81, 115, 164, 457, 497]);

/** Reads ClickHouse's `Code: N` from an error message (old servers send no structured code). */
export function parseClickHouseCode(message: string): number | undefined {
  const m = /Code: (\d+)/.exec(message);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** Classifies a ClickHouse error code; unknown codes are treated as passing server trouble. */
export function kindOfCode(code: number): WarehouseErrorKind {
  if (DATA_CODES.has(code)) return 'data';
  if (SCHEMA_CODES.has(code)) return 'schema';
  return 'server';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
