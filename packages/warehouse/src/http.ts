// A ClickHouse server over HTTP (@clickhouse/client). Inserts send JSONEachRow bytes from our own
// encoder (the same value rules as the embedded adapter). What depends on the server's version
// (query parameters, insert dedup tokens) is detected on first use and can be forced.
//
// Keep-alive: idle sockets are dropped client-side after 2 s, under the 3 s keep-alive timeout of
// older servers, so we never write into a socket the server is closing. A socket that died with
// the server (kill, restart) fails its request with a transport error and is discarded; the
// batching writer retries writes, and query() retries a read once on a transport error.

import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import { WarehouseError, errorMessage, kindOfCode, parseClickHouseCode } from './errors.ts';
import { writeWhole } from './file-out.ts';
import { DEDUP_COLUMN, createTokenColumnDedup } from './http-dedup.ts';
import { checkIdentifier, qualifyTable } from './identifiers.ts';
import { runMigrations } from './migrate.ts';
import { encodeRows } from './row-encoding.ts';
import { featuresOf, type ServerFeatures } from './server-version.ts';
import { bindParams, formatDateTimeUtc, quoteString } from './sql-literal.ts';
import type { ExportFormat, ParquetCompression, Row, Warehouse } from './types.ts';

export interface HttpWarehouseOptions {
  /** e.g. `http://127.0.0.1:8123` */
  url: string;
  username?: string;
  password?: string;
  /** Database for unqualified table names; default `botsky`. */
  database?: string;
  /** Per request; default 30 s. */
  requestTimeoutMs?: number;
  maxOpenConnections?: number;
  /**
   * How `dedupToken` is honoured. `setting`: insert_deduplication_token (22.4+; the schema's
   * tables have a dedup window). `token-column`: for older servers, see http-dedup.ts.
   * `auto` (default): by server version.
   */
  dedup?: 'auto' | 'setting' | 'token-column';
  /** Where `{name:Type}` is bound: `server`, `client` (sql-literal.ts), `auto` (default). */
  params?: 'auto' | 'server' | 'client';
}

export interface HttpWarehouse extends Warehouse {
  /** The server's version and what it supports (asks it on first use). */
  server(): Promise<ServerFeatures>;
  /** Retries that found their batch already stored (token-column dedup only). */
  readonly recoveredRetries: number;
}

export function createHttpWarehouse(opts: HttpWarehouseOptions): HttpWarehouse {
  const database = checkIdentifier(opts.database ?? 'botsky', 'database');
  const client = createClient(clientConfig(opts));
  const io = createIo(client);
  const features = featureProbe(io);
  const query = queryWith(io, features, opts.params ?? 'auto');
  const tokenColumn = createTokenColumnDedup({
    insert: (target, rows, token, queryId) => io.insertRows(target, rows, {}, queryId, token),
    kill: (queryId) => io.command(`KILL QUERY WHERE query_id = ${quoteString(queryId)} SYNC`),
    countToken: async (target, token) => {
      const sql = `SELECT count() AS n FROM ${target} WHERE ${DEDUP_COLUMN} = {token:String}`;
      const rows = await query<{ n: number }>(sql, { token });
      return Number(rows[0]?.n ?? 0);
    },
  });
  const dedupMode = opts.dedup ?? 'auto';

  const warehouse: HttpWarehouse = {
    database,
    get recoveredRetries() {
      return tokenColumn.recovered;
    },
    server: features,
    migrate: async () => {
      await runMigrations(warehouse, database);
    },
    insert: async (table, rows, insertOpts) => {
      if (rows.length === 0) return;
      const target = qualifyTable(table, database);
      const token = insertOpts?.dedupToken;
      if (token === undefined) return io.insertRows(target, rows, {});
      const useColumn = dedupMode === 'auto' ? !(await features()).dedupToken : dedupMode === 'token-column';
      if (useColumn) return tokenColumn.insert(target, rows, token);
      return io.insertRows(target, rows, { insert_deduplication_token: token, deduplicate_blocks_in_dependent_materialized_views: 1 });
    },
    query,
    command: (sql) => io.command(sql),
    exportToFile: (sql, path, format, exportOpts) => io.toFile(sql, path, format, exportOpts?.compression ?? 'zstd'),
    close: () => client.close(),
  };
  return warehouse;
}

function clientConfig(opts: HttpWarehouseOptions): ClickHouseClientConfigOptions {
  return {
    url: opts.url,
    username: opts.username ?? 'default',
    password: opts.password ?? '',
    request_timeout: opts.requestTimeoutMs ?? 30_000,
    max_open_connections: opts.maxOpenConnections ?? 10,
    keep_alive: { enabled: true, idle_socket_ttl: 2_000 },
    application: 'botsky-warehouse',
    // Errors reach the caller as exceptions; the client's own logging would only repeat them.
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  };
}

type Io = ReturnType<typeof createIo>;

/** Asks the server its version once; a failed probe is asked again next time. */
function featureProbe(io: Io): () => Promise<ServerFeatures> {
  let detected: Promise<ServerFeatures> | undefined;
  return () => {
    detected ??= io.rawQuery<{ v: string }>('SELECT version() AS v').then(
      (rows) => featuresOf(rows[0]?.v ?? '0'),
      (err: unknown) => {
        detected = undefined;
        throw err;
      },
    );
    return detected;
  };
}

// A read is safe to repeat, so one that died on a stale or reset socket is tried once more.
function queryWith(io: Io, features: () => Promise<ServerFeatures>, mode: 'auto' | 'server' | 'client') {
  return async <T>(sql: string, params?: Record<string, unknown>): Promise<T[]> => {
    const server = mode === 'server' || (mode === 'auto' && (await features()).queryParams);
    const attempt = () => {
      if (params === undefined) return io.rawQuery<T>(sql);
      return server ? io.rawQuery<T>(sql, dateParams(params)) : io.rawQuery<T>(bindParams(sql, params));
    };
    try {
      return await attempt();
    } catch (err) {
      if (err instanceof WarehouseError && err.kind === 'transport') return attempt();
      throw err;
    }
  };
}

function dateParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) out[k] = v instanceof Date ? formatDateTimeUtc(v) : v;
  return out;
}

// The requests themselves, each failure turned into a WarehouseError.
function createIo(client: ClickHouseClient) {
  async function call<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw toWarehouseError(err, what);
    }
  }
  return {
    rawQuery<T>(sql: string, params?: Record<string, unknown>): Promise<T[]> {
      return call('query', async () => {
        const rs = await client.query({ query: sql, format: 'JSONEachRow', ...(params ? { query_params: params } : {}) });
        return rs.json<T>();
      });
    },
    command(sql: string): Promise<void> {
      return call('command', async () => {
        await client.command({ query: sql });
      });
    },
    /** The answer's bytes, as the server encoded them, into a file (no row is parsed here). */
    toFile(sql: string, path: string, format: ExportFormat, compression: ParquetCompression): Promise<void> {
      return call(`export to ${path}`, () =>
        writeWhole(path, async (partial) => {
          const parquet = format === 'Parquet' ? { output_format_parquet_compression_method: compression } : {};
          const result = await client.exec({ query: `${sql} FORMAT ${format}`, clickhouse_settings: { log_queries: 0, ...parquet } });
          await pipeline(result.stream, createWriteStream(partial));
        }),
      );
    },
    async insertRows(target: string, rows: readonly Row[], settings: Record<string, string | number>, queryId?: string, token?: string) {
      const encoded = encode(rows, token);
      // Old servers read ISO-8601 times only with best_effort; every version we meet has it.
      const all = { ...settings, date_time_input_format: 'best_effort' as const };
      const sql = `INSERT INTO ${target} (${encoded.columns.join(', ')}) FORMAT JSONEachRow`;
      await call(`insert into ${target}`, async () => {
        const result = await client.exec({
          query: sql,
          values: Readable.from([encoded.body], { objectMode: false }),
          clickhouse_settings: all,
          ...(queryId === undefined ? {} : { query_id: queryId }),
        });
        result.stream.resume();
        await new Promise((resolve, reject) => result.stream.once('end', resolve).once('error', reject));
      });
    },
  };
}

function encode(rows: readonly Row[], token?: string) {
  try {
    const encoded = encodeRows(rows, 'JSONEachRow', token === undefined ? undefined : { name: DEDUP_COLUMN, value: token });
    for (const c of encoded.columns) checkIdentifier(c, 'column');
    return encoded;
  } catch (err) {
    if (err instanceof WarehouseError) throw err;
    throw new WarehouseError(`cannot encode rows: ${errorMessage(err)}`, { kind: 'client', cause: err });
  }
}

function toWarehouseError(err: unknown, what: string): WarehouseError {
  if (err instanceof WarehouseError) return err;
  const message = errorMessage(err);
  const code = parseClickHouseCode(message);
  // Without a ClickHouse code the server never judged the request: refused, reset, timed out.
  const kind = code === undefined ? 'transport' : kindOfCode(code);
  return new WarehouseError(`${what}: ${message}`, { kind, ...(code === undefined ? {} : { code }), cause: err });
}
