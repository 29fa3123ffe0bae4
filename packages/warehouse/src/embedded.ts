// Embedded ClickHouse (chdb): the engine runs inside this process on a data folder that stays on
// disk for inspection (`clickhouse local --path <folder>` opens it). The engine is a process-wide
// singleton: one data path per process. Queries bind `{name:Type}` parameters in the engine;
// inserts send the compact JSON row format as raw bytes, which the engine parses in parallel.

import { createRequire } from 'node:module';
import type { Session } from 'chdb';
import { WarehouseError, errorMessage, kindOfCode, parseClickHouseCode } from './errors.ts';
import { writeWhole } from './file-out.ts';
import { checkIdentifier, qualifyTable } from './identifiers.ts';
import { runMigrations } from './migrate.ts';
import { encodeRows } from './row-encoding.ts';
import { formatDateTimeUtc, quoteString } from './sql-literal.ts';
import type { InsertOptions, Row, Warehouse } from './types.ts';

export interface EmbeddedWarehouseOptions {
  /** The data folder (created when missing, kept after close). */
  path: string;
  /** Database for unqualified table names; default `botsky`. */
  database?: string;
  /** Extra engine arguments, `clickhouse local` style (see chdb's SessionOptions). */
  connectionArgs?: readonly string[];
}

const requireModule = createRequire(import.meta.url);

// chdb is loaded on first use, not when this package is imported: only this adapter needs the
// engine (about 540 MB of native library), so an install that talks to a ClickHouse server over
// HTTP can leave it out (the Dockerfile's EMBEDDED_CLICKHOUSE=false).
function loadChdb(): typeof import('chdb') {
  try {
    return requireModule('chdb') as typeof import('chdb');
  } catch (err) {
    throw new WarehouseError(
      'the embedded warehouse needs the chdb package, which this install leaves out: point BOTSKY_WAREHOUSE at a ClickHouse server (http(s)://...), or use an image built with EMBEDDED_CLICKHOUSE=true',
      { kind: 'client', cause: err },
    );
  }
}

export function createEmbeddedWarehouse(opts: EmbeddedWarehouseOptions): Warehouse {
  const database = checkIdentifier(opts.database ?? 'botsky', 'database');
  const { Session } = loadChdb();
  let session: Session;
  try {
    session = new Session(opts.path, { connectionArgs: opts.connectionArgs ?? [] });
  } catch (err) {
    throw toWarehouseError(err, `cannot open embedded ClickHouse at ${opts.path}`);
  }
  const guard = createGuard();

  const warehouse: Warehouse = {
    database,
    migrate: async () => {
      await runMigrations(warehouse, database);
    },
    insert: async (table, rows, insertOpts) => {
      if (rows.length === 0) return;
      const target = qualifyTable(table, database);
      const { body, columns } = encodeOrThrow(rows);
      const settings = insertSettings(insertOpts);
      await guard.run(`insert into ${target}`, () =>
        session.insert({ table: target, values: body, format: 'JSONCompactEachRow', columns, settings }),
      );
    },
    query: async <T = Row>(sql: string, params?: Record<string, unknown>): Promise<T[]> => {
      const bound = params !== undefined && Object.keys(params).length > 0;
      const result = await guard.run('query', () =>
        bound
          ? session.queryBindAsync(sql, engineParams(params), { format: 'JSONEachRow' })
          : session.queryAsync(sql, { format: 'JSONEachRow' }),
      );
      return parseJsonLines<T>(result.text());
    },
    command: async (sql) => {
      await guard.run('command', () => session.queryAsync(sql));
    },
    exportToFile: (sql, path, format, exportOpts) =>
      writeWhole(path, async (partial) => {
        const target = `INSERT INTO FUNCTION file(${quoteString(partial)}, ${quoteString(format)}) ${sql}
          SETTINGS engine_file_truncate_on_insert = 1, log_queries = 0, output_format_parquet_compression_method = ${quoteString(exportOpts?.compression ?? 'zstd')}`;
        await guard.run(`export to ${path}`, () => session.queryAsync(target));
      }),
    close: async () => {
      if (await guard.close()) session.close();
    },
  };
  return warehouse;
}

// Every engine call goes through run(): refused after close, awaited by close(), and its
// failure turned into a WarehouseError.
function createGuard() {
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;
  return {
    async run<T>(what: string, op: () => Promise<T>): Promise<T> {
      if (closed) throw new WarehouseError('embedded warehouse is closed', { kind: 'client' });
      const p = (async () => op())(); // a synchronous throw becomes a rejection too
      inFlight.add(p);
      try {
        return await p;
      } catch (err) {
        throw toWarehouseError(err, what);
      } finally {
        inFlight.delete(p);
      }
    },
    /** Resolves true (once) when the last call has finished. */
    async close(): Promise<boolean> {
      if (closed) return false;
      closed = true;
      await Promise.allSettled([...inFlight]);
      return true;
    },
  };
}

function insertSettings(opts: InsertOptions | undefined): Record<string, string | number> {
  // Synchronous inserts: the writer batches already, and a returned promise must mean stored.
  const settings: Record<string, string | number> = { async_insert: 0, date_time_input_format: 'best_effort' };
  if (opts?.dedupToken !== undefined) {
    settings.insert_deduplication_token = opts.dedupToken;
    settings.deduplicate_blocks_in_dependent_materialized_views = 1;
  }
  return settings;
}

function encodeOrThrow(rows: readonly Row[]) {
  try {
    const encoded = encodeRows(rows, 'JSONCompactEachRow');
    for (const c of encoded.columns) checkIdentifier(c, 'column');
    return encoded;
  } catch (err) {
    if (err instanceof WarehouseError) throw err;
    throw new WarehouseError(`cannot encode rows: ${errorMessage(err)}`, { kind: 'client', cause: err });
  }
}

// The engine binds strings, numbers, bigints, booleans and arrays itself; Dates become UTC text.
function engineParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) out[k] = v instanceof Date ? formatDateTimeUtc(v) : v;
  return out;
}

export function parseJsonLines<T>(text: string): T[] {
  const rows: T[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) rows.push(JSON.parse(text.slice(start, end)) as T);
    start = end + 1;
  }
  return rows;
}

function toWarehouseError(err: unknown, what: string): WarehouseError {
  if (err instanceof WarehouseError) return err;
  const message = errorMessage(err);
  const raw = (err as { clickhouseCode?: unknown }).clickhouseCode;
  const code = typeof raw === 'number' ? raw : parseClickHouseCode(message);
  const name = (err as { name?: unknown }).name;
  const kind = code !== undefined ? kindOfCode(code) : name === 'ChdbTimeoutError' ? 'server' : 'client';
  return new WarehouseError(`${what}: ${message}`, { kind, ...(code === undefined ? {} : { code }), cause: err });
}
