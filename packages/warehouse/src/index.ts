// @botsky/warehouse: the ClickHouse schema, its two adapters and the batching writer.

import { createEmbeddedWarehouse, type EmbeddedWarehouseOptions } from './embedded.ts';
import { createHttpWarehouse, type HttpWarehouseOptions } from './http.ts';
import type { Warehouse } from './types.ts';

export type { BatchWriter, ExportFormat, InsertOptions, ParquetCompression, Row, Warehouse } from './types.ts';
export { createEmbeddedWarehouse, type EmbeddedWarehouseOptions } from './embedded.ts';
export { createHttpWarehouse, type HttpWarehouse, type HttpWarehouseOptions } from './http.ts';
export {
  createBatchWriter,
  type BatchWriterOptions,
  type BatchWriterStats,
  type FlushEvent,
  type RejectEvent,
  type RetryEvent,
  type StatefulBatchWriter,
} from './batch-writer.ts';
export {
  DedupConflictError,
  MigrationError,
  ParamBindError,
  WarehouseError,
  WarehouseWriteError,
  type WarehouseErrorKind,
} from './errors.ts';
export * from './export/index.ts';
export { MIGRATIONS, type Migration } from './migrations/index.ts';
export { appliedMigrations, migrationChecksum, runMigrations } from './migrate.ts';
export {
  DEFAULT_POST_TEXT_RETENTION_DAYS,
  MAX_POST_TEXT_RETENTION_DAYS,
  MIN_POST_TEXT_RETENTION_DAYS,
  applyPostTextRetention,
  appliedPostTextRetention,
  postTextTtl,
} from './retention.ts';
export { DEDUP_COLUMN } from './http-dedup.ts';
export { bindParams, formatParam, quoteString } from './sql-literal.ts';
export * from './queries/index.ts';
export * from './text-purge.ts';
export * from './stream-messages.ts';

export type WarehouseConfig = ({ kind: 'embedded' } & EmbeddedWarehouseOptions) | ({ kind: 'http' } & HttpWarehouseOptions);

export function createWarehouse(config: WarehouseConfig): Warehouse {
  if (config.kind === 'embedded') return createEmbeddedWarehouse(config);
  return createHttpWarehouse(config);
}
