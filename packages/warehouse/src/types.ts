// The warehouse contract. Two adapters implement it: a ClickHouse server over HTTP and embedded
// ClickHouse (chdb). The schema and every query BotSky runs are tested on the embedded engine.

export type Row = Record<string, unknown>;

export interface InsertOptions {
  /**
   * Idempotency token for this block of rows: retrying an insert with the same token never
   * stores the rows twice (ClickHouse insert deduplication).
   */
  dedupToken?: string;
}

export interface Warehouse {
  /** The database unqualified table names refer to (`botsky` unless configured). */
  readonly database: string;
  /** Applies the schema's versioned migrations that have not run yet; idempotent. */
  migrate(): Promise<void>;
  /**
   * Stores rows in one INSERT. `table` is `name` or `db.name`.
   * Values: see row-encoding.ts (Date → UTC, bigint kept exact, null/undefined → column default).
   * Fails with a `WarehouseError` whose `kind` says whether a retry can help.
   */
  insert(table: string, rows: readonly Row[], opts?: InsertOptions): Promise<void>;
  /**
   * Runs a SELECT with `{name:Type}` parameters and returns rows as JSON objects. 64-bit
   * integers come back as numbers, DateTime as `YYYY-MM-DD HH:MM:SS[.fff]` strings in the
   * column's time zone. A Date parameter is sent as a UTC wall-clock time: declare it with an
   * explicit zone, e.g. `{from:DateTime64(3, 'UTC')}`.
   */
  query<T = Row>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  /** Runs a statement that returns nothing (DDL, OPTIMIZE, ...). */
  command(sql: string): Promise<void>;
  /**
   * Writes what a SELECT returns to a local file in `format` (e.g. Parquet), encoded by ClickHouse
   * itself: the embedded engine writes the file, a server's answer is streamed to it. The query
   * is not logged by the server (log_queries = 0): export queries carry their hashing key. The
   * file appears whole or not at all (written beside it, renamed when complete).
   */
  exportToFile(sql: string, path: string, format: ExportFormat, opts?: { compression?: ParquetCompression }): Promise<void>;
  close(): Promise<void>;
}

/** The formats an export writes: Parquet for datasets; tab-separated for a glance, and for servers without Parquet. */
export type ExportFormat = 'Parquet' | 'TabSeparatedWithNames';

/** How ClickHouse compresses a Parquet file it writes (`none` leaves every value readable in the bytes). */
export type ParquetCompression = 'none' | 'lz4' | 'zstd' | 'snappy' | 'gzip';

/** Batches rows per table and flushes on size or time. */
export interface BatchWriter {
  /** Resolves once the row is stored (its batch flushed), so a consumer can ack after it. */
  write(table: string, row: Row): Promise<void>;
  /** Flushes everything buffered. */
  flush(): Promise<void>;
  /** Flushes and stops; nothing buffered is lost. */
  close(): Promise<void>;
}
