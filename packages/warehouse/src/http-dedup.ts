// Exactly-once inserts on servers without insert_deduplication_token (before 22.4, e.g. 18.16).
//
// Every row of a tokened insert carries the token in a `_dedup_token` column (the table must
// have it: `_dedup_token String`). The first attempt just inserts. When the same token comes
// back (the writer retries because the attempt failed or its answer was lost), we first make sure
// the earlier attempt is over: KILL QUERY ... SYNC on its query_id waits until a still-running
// insert has either committed or been cancelled (after a server restart there is nothing to
// kill). Then we count the rows carrying the token: all of them → the earlier attempt landed,
// done; none → insert again; some → the batch landed partly (possible only when one batch spans
// several partitions, each its own part), which this cannot repair: a DedupConflictError.
//
// A token that succeeded recently in this process (the last 10,000) is skipped outright, so a
// caller repeating a successful insert does not store it twice either.
//
// One insert of fewer than max_insert_block_size rows into one partition is one part, and a part
// appears atomically (written under tmp_, renamed at commit, tmp_ parts dropped at start-up),
// so "all or none" holds for tables without PARTITION BY, or batches within one partition.

import { randomUUID } from 'node:crypto';
import { DedupConflictError, WarehouseError } from './errors.ts';
import type { Row } from './types.ts';

export const DEDUP_COLUMN = '_dedup_token';

export interface TokenColumnIo {
  /** Inserts the rows with the token column, as query `queryId`. */
  insert(target: string, rows: readonly Row[], token: string, queryId: string): Promise<void>;
  /** Ends query `queryId` if it still runs, and waits until it has. */
  kill(queryId: string): Promise<void>;
  /** How many rows of `target` carry `token`. */
  countToken(target: string, token: string): Promise<number>;
}

export interface TokenColumnDedup {
  insert(target: string, rows: readonly Row[], token: string): Promise<void>;
  /** Retries that found their batch already stored (the answer had been lost). */
  readonly recovered: number;
}

const REMEMBERED = 10_000;

export function createTokenColumnDedup(io: TokenColumnIo): TokenColumnDedup {
  // (table, token) → query_id of its last attempt; only failed ones stay (bounded by failing batches).
  const attempts = new Map<string, string>();
  const done = new Set<string>();
  const remember = (key: string) => {
    attempts.delete(key);
    done.add(key);
    if (done.size > REMEMBERED) done.delete(done.values().next().value as string);
  };
  let recovered = 0;
  return {
    get recovered() {
      return recovered;
    },
    async insert(target, rows, token) {
      const key = `${target}\n${token}`;
      if (done.has(key)) return;
      const previous = attempts.get(key);
      if (previous !== undefined) {
        await io.kill(previous);
        const stored = await io.countToken(target, token);
        if (stored === rows.length) {
          remember(key);
          recovered += 1;
          return;
        }
        if (stored > 0) throw partialBatch(target, token, stored, rows.length);
      }
      const queryId = randomUUID();
      attempts.set(key, queryId);
      await io.insert(target, rows, token, queryId);
      remember(key);
    },
  };
}

function partialBatch(target: string, token: string, stored: number, total: number): WarehouseError {
  const cause = new DedupConflictError(`${stored} of ${total} rows of batch ${token} are in ${target}`);
  return new WarehouseError(`cannot retry batch ${token} exactly once: ${cause.message}`, { kind: 'client', cause });
}
