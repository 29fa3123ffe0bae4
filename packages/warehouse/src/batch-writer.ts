// Batches rows per table; a table's batch goes out when it reaches maxRows or when its oldest row
// has waited maxDelayMs. write() resolves when the row's batch is stored, so a bus consumer acks
// after it, and rejects when the row cannot be stored, so the consumer naks (or terms).
//
// Failures, by the adapter's error kind:
// - transport / server: retried with jittered exponential backoff and the SAME dedup token
//   (`<writer id>-<batch seq>`), so a batch that landed before its answer was lost is not stored
//   twice. After maxRetries retries (default 10, 30 to 45 s with the default backoff; pass
//   Infinity to never give up) the batch's writes reject with a WarehouseWriteError: the bus
//   redelivers them later, which beats holding them in memory without bound.
// - data (a value that does not fit its column): the batch is split in halves, each with a token
//   derived from the parent's, down to the bad row, which alone is rejected.
// - schema / client: every row would fail the same way; the batch's writes reject at once.
//
// Backpressure: at most maxPendingRows rows are buffered or in flight; further writes wait their
// turn (in order) before joining a batch. close() flushes everything, waits for retries, and
// leaves no timer behind.

import { randomBytes } from 'node:crypto';
import { backoffDelay, type Backoff } from '@botsky/async';
import { setTimeout as sleep } from 'node:timers/promises';
import { Fifo, createLimiter } from './flow.ts';
import { WarehouseError, WarehouseWriteError, errorMessage } from './errors.ts';
import type { BatchWriter, Row, Warehouse } from './types.ts';

export interface BatchWriterOptions {
  /** Rows per batch (per table); default 10,000. */
  maxRows?: number;
  /** Longest a row waits for its batch to fill; default 1,000 ms. */
  maxDelayMs?: number;
  /** Rows buffered or in flight before write() waits; default 10 × maxRows. */
  maxPendingRows?: number;
  /** Retries of a failing batch before its writes reject; default 10 (Infinity: never). */
  maxRetries?: number;
  /** Default { initialMs: 100, maxMs: 10_000 }. */
  backoff?: Backoff;
  /** Batches being stored at once (all tables); default 2, so encoding overlaps storing. */
  maxConcurrentFlushes?: number;
  /** Prefix of the dedup tokens; default random per writer (tokens must not repeat across writers). */
  tokenPrefix?: string;
  onFlush?: (event: FlushEvent) => void;
  onRetry?: (event: RetryEvent) => void;
  onReject?: (event: RejectEvent) => void;
}

export interface FlushEvent {
  table: string;
  rows: number;
  token: string;
  attempts: number;
  durationMs: number;
}
export interface RetryEvent {
  table: string;
  rows: number;
  token: string;
  attempt: number;
  delayMs: number;
  error: WarehouseError;
}
export interface RejectEvent {
  table: string;
  rows: number;
  token: string;
  error: WarehouseWriteError;
}

export interface BatchWriterStats {
  /** Rows written and not yet settled: waiting for room, buffered, or in flight. */
  pendingRows: number;
  /** Of those, rows in a batch (buffered or in flight): never above maxPendingRows. */
  batchedRows: number;
  storedRows: number;
  storedBatches: number;
  retries: number;
  rejectedRows: number;
}

export interface StatefulBatchWriter extends BatchWriter {
  stats(): BatchWriterStats;
}

interface Item {
  table: string;
  row: Row;
  resolve: () => void;
  reject: (err: Error) => void;
  /** The flush epoch it was written in (see flush()). */
  epoch: number;
}

interface TableBuffer {
  items: Item[];
  timer: NodeJS.Timeout | undefined;
}

type Settings = Required<Omit<BatchWriterOptions, 'onFlush' | 'onRetry' | 'onReject'>> &
  Pick<BatchWriterOptions, 'onFlush' | 'onRetry' | 'onReject'>;

export function createBatchWriter(warehouse: Warehouse, options: BatchWriterOptions = {}): StatefulBatchWriter {
  return new Writer(warehouse, settingsOf(options));
}

class Writer implements StatefulBatchWriter {
  readonly #warehouse: Warehouse;
  readonly #cfg: Settings;
  readonly #limit: <T>(task: () => Promise<T>) => Promise<T>;
  readonly #buffers = new Map<string, TableBuffer>();
  readonly #waiting = new Fifo<Item>();
  readonly #inFlight = new Set<Promise<void>>();
  // Unsettled rows per flush epoch: flush() starts a new epoch and waits for the older ones to
  // drain. Counting instead of tracking each row keeps write() cheap (it runs once per row).
  readonly #unsettled = new Map<number, number>(); // earlier epochs
  #epoch = 0;
  #unsettledNow = 0; // the current epoch's
  readonly #stats = { pendingRows: 0, storedRows: 0, storedBatches: 0, retries: 0, rejectedRows: 0 };
  #batched = 0; // rows in a batch (buffered or in flight), not yet settled
  #seq = 0;
  #closed = false;

  constructor(warehouse: Warehouse, cfg: Settings) {
    this.#warehouse = warehouse;
    this.#cfg = cfg;
    this.#limit = createLimiter(cfg.maxConcurrentFlushes);
  }

  write(table: string, row: Row): Promise<void> {
    if (this.#closed) return Promise.reject(new WarehouseWriteError(`${table}: writer is closed`, { table, attempts: 0 }));
    return new Promise<void>((resolve, reject) => {
      this.#unsettledNow += 1;
      this.#stats.pendingRows += 1;
      const item: Item = { table, row, resolve, reject, epoch: this.#epoch };
      // Rows that find the writer full wait in order, and so do rows arriving behind them.
      if (this.#batched >= this.#cfg.maxPendingRows || this.#waiting.length > 0) this.#waiting.push(item);
      else this.#admit(item);
    });
  }

  /** Sends every buffered batch now and resolves when every row written so far has settled. */
  async flush(): Promise<void> {
    const epoch = this.#epoch++;
    if (this.#unsettledNow > 0) this.#unsettled.set(epoch, this.#unsettledNow);
    this.#unsettledNow = 0;
    while ([...this.#unsettled.keys()].some((e) => e <= epoch)) {
      for (const table of [...this.#buffers.keys()]) this.#cut(table);
      // Waiting rows join batches as in-flight ones settle, so waiting on those always progresses.
      if (this.#inFlight.size === 0) break;
      await Promise.allSettled([...this.#inFlight]);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  stats(): BatchWriterStats {
    return { ...this.#stats, batchedRows: this.#batched };
  }

  #admit(item: Item): void {
    const table = item.table;
    this.#batched += 1;
    let buf = this.#buffers.get(table);
    if (buf === undefined) {
      buf = { items: [], timer: undefined };
      this.#buffers.set(table, buf);
    }
    buf.items.push(item);
    if (buf.items.length >= this.#cfg.maxRows) this.#cut(table);
    else buf.timer ??= setTimeout(() => this.#cut(table), this.#cfg.maxDelayMs);
  }

  // Sends a table's buffer off as one batch with a fresh token.
  #cut(table: string): void {
    const buf = this.#buffers.get(table);
    if (buf === undefined) return;
    clearTimeout(buf.timer);
    this.#buffers.delete(table);
    if (buf.items.length === 0) return;
    const token = `${this.#cfg.tokenPrefix}-${++this.#seq}`;
    const p = this.#limit(() => this.#store(table, buf.items, token)).finally(() => {
      this.#inFlight.delete(p);
      this.#batched -= buf.items.length;
      this.#stats.pendingRows -= buf.items.length;
      for (const item of buf.items) this.#settled(item.epoch);
      this.#admitWaiting();
    });
    this.#inFlight.add(p);
  }

  #settled(epoch: number): void {
    if (epoch === this.#epoch) {
      this.#unsettledNow -= 1;
      return;
    }
    const left = (this.#unsettled.get(epoch) ?? 1) - 1;
    if (left > 0) this.#unsettled.set(epoch, left);
    else this.#unsettled.delete(epoch);
  }

  #admitWaiting(): void {
    while (this.#waiting.length > 0 && this.#batched < this.#cfg.maxPendingRows) {
      const next = this.#waiting.shift();
      if (next !== undefined) this.#admit(next);
    }
  }

  async #store(table: string, items: Item[], token: string): Promise<void> {
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#warehouse.insert(
          table,
          items.map((i) => i.row),
          { dedupToken: token },
        );
        for (const i of items) i.resolve();
        this.#stats.storedRows += items.length;
        this.#stats.storedBatches += 1;
        this.#cfg.onFlush?.({ table, rows: items.length, token, attempts: attempt, durationMs: performance.now() - started });
        return;
      } catch (err) {
        const error = asWarehouseError(err);
        if (error.kind === 'data' && items.length > 1) return this.#split(table, items, token);
        if (!error.retryable || attempt > this.#cfg.maxRetries) return this.#reject(table, items, token, error, attempt);
        const delayMs = backoffDelay(attempt, this.#cfg.backoff);
        this.#stats.retries += 1;
        this.#cfg.onRetry?.({ table, rows: items.length, token, attempt, delayMs, error });
        await sleep(delayMs);
      }
    }
  }

  // Halves get tokens derived from the parent's, so their own retries stay deduplicated.
  async #split(table: string, items: Item[], token: string): Promise<void> {
    const half = Math.ceil(items.length / 2);
    await Promise.all([this.#store(table, items.slice(0, half), `${token}.0`), this.#store(table, items.slice(half), `${token}.1`)]);
  }

  #reject(table: string, items: Item[], token: string, cause: WarehouseError, attempts: number): void {
    const what = cause.retryable ? `gave up after ${attempts} attempts` : `refused (${cause.kind})`;
    const error = new WarehouseWriteError(`${table}: ${items.length} rows ${what}: ${cause.message}`, { table, attempts, cause });
    for (const i of items) i.reject(error);
    this.#stats.rejectedRows += items.length;
    this.#cfg.onReject?.({ table, rows: items.length, token, error });
  }
}

function settingsOf(o: BatchWriterOptions): Settings {
  const maxRows = positive(o.maxRows ?? 10_000, 'maxRows');
  return {
    maxRows,
    maxDelayMs: positive(o.maxDelayMs ?? 1_000, 'maxDelayMs'),
    maxPendingRows: Math.max(maxRows, positive(o.maxPendingRows ?? 10 * maxRows, 'maxPendingRows')),
    maxRetries: Math.max(0, o.maxRetries ?? 10),
    backoff: o.backoff ?? { initialMs: 100, maxMs: 10_000 },
    maxConcurrentFlushes: positive(o.maxConcurrentFlushes ?? 2, 'maxConcurrentFlushes'),
    tokenPrefix: o.tokenPrefix ?? `bw-${randomBytes(8).toString('hex')}`,
    onFlush: o.onFlush,
    onRetry: o.onRetry,
    onReject: o.onReject,
  };
}

function positive(n: number, name: string): number {
  if (!(n > 0)) throw new RangeError(`${name} must be positive, got ${n}`);
  return n;
}

// Errors from other Warehouse implementations count as passing trouble: retry.
function asWarehouseError(err: unknown): WarehouseError {
  if (err instanceof WarehouseError) return err;
  return new WarehouseError(errorMessage(err), { kind: 'transport', cause: err });
}
