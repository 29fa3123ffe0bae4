// The batching writer over HTTP against a real clickhouse-server 18.16 that goes away: retries
// until it is back, gives up when told to, and, with the server SIGKILLed and restarted twice in
// the middle of 20,000 rows, stores every row exactly once.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  WarehouseError,
  WarehouseWriteError,
  createBatchWriter,
  createHttpWarehouse,
  type HttpWarehouse,
  type RetryEvent,
} from '../src/index.ts';
import { startClickHouseServer, type ClickHouseServer } from './support/clickhouse-server.ts';

let server: ClickHouseServer;
let wh: HttpWarehouse;

before(async () => {
  server = await startClickHouseServer();
  wh = createHttpWarehouse({ url: server.url, database: 'default', requestTimeoutMs: 5_000 });
  for (const table of ['outage', 'giveup', 'stream']) {
    await wh.command(`CREATE TABLE IF NOT EXISTS default.${table}
      (id String, seq UInt32, payload String, _dedup_token String) ENGINE = MergeTree ORDER BY id`);
  }
});
after(async () => {
  await wh?.close();
  await server?.destroy();
});

async function tally(table: string): Promise<{ rows: number; ids: number }> {
  const [r] = await wh.query<{ rows: number; ids: number }>(`SELECT count() AS rows, uniqExact(id) AS ids FROM default.${table}`);
  return { rows: Number(r?.rows), ids: Number(r?.ids) };
}

function row(prefix: string, i: number) {
  return { id: `${prefix}-${i}`, seq: i, payload: `payload ${i} ${'x'.repeat(i % 50)}` };
}

test('writes wait out an outage: retried until the server is back, stored once', async () => {
  await server.kill();
  const w = createBatchWriter(wh, { maxRows: 100, maxDelayMs: 20, maxRetries: Infinity, backoff: { initialMs: 50, maxMs: 400 } });
  const writes = Array.from({ length: 1_000 }, (_, i) => w.write('outage', row('outage', i)));
  await new Promise((r) => setTimeout(r, 1_000));
  assert.ok(w.stats().retries > 0, 'the writer retried while the server was down');
  assert.equal(w.stats().storedRows, 0);
  await server.start();
  await Promise.all(writes);
  await w.close();
  assert.deepEqual(await tally('outage'), { rows: 1_000, ids: 1_000 });
});

test('after maxRetries the batch rejects its writes with the last error, so the caller can nak', async () => {
  await server.kill();
  try {
    const w = createBatchWriter(wh, { maxRows: 10, maxDelayMs: 10, maxRetries: 2, backoff: { initialMs: 10, maxMs: 20 } });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => w.write('giveup', row('giveup', i))));
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.ok(r.reason instanceof WarehouseWriteError);
      assert.equal(r.reason.attempts, 3);
      assert.ok(r.reason.cause instanceof WarehouseError && r.reason.cause.kind === 'transport');
    }
    assert.equal(w.stats().retries, 2);
    await w.close();
  } finally {
    await server.start();
  }
  assert.deepEqual(await tally('giveup'), { rows: 0, ids: 0 });
});

test('a server SIGKILLed and restarted twice mid-stream: every one of 20,000 rows arrives exactly once', async (t) => {
  const total = 20_000;
  const killAt = [5_000, 12_000];
  const kills: number[] = [];
  const retries: RetryEvent[] = [];
  let outage: Promise<void> = Promise.resolve();
  const w = createBatchWriter(wh, {
    maxRows: 200,
    maxDelayMs: 20,
    maxPendingRows: 2_000,
    maxRetries: Infinity,
    backoff: { initialMs: 50, maxMs: 500 },
    onRetry: (e) => retries.push(e),
    onFlush: () => {
      const stored = w.stats().storedRows;
      if (kills.length < killAt.length && stored >= (killAt[kills.length] ?? Infinity)) {
        kills.push(stored);
        outage = outage.then(async () => {
          await server.kill();
          await new Promise((r) => setTimeout(r, 300));
          await server.start();
        });
      }
    },
  });
  const writes = Array.from({ length: total }, (_, i) => w.write('stream', row('stream', i)));
  await Promise.all(writes);
  await w.close();
  await outage;

  assert.equal(kills.length, 2, 'the server was killed twice');
  assert.ok(
    kills.every((k) => k < total),
    `killed mid-stream, after ${kills.join(' and ')} rows`,
  );
  assert.ok(retries.length > 0, 'batches were retried');
  assert.ok(retries.every((r) => r.error.kind === 'transport'));
  assert.deepEqual(await tally('stream'), { rows: total, ids: total });
  const [tokens] = await wh.query<{ n: number }>('SELECT uniqExact(_dedup_token) AS n FROM default.stream');
  assert.equal(Number(tokens?.n), w.stats().storedBatches, 'one token per stored batch');
  const retried = [...new Set(retries.map((r) => r.token))];
  const [found] = await wh.query<{ n: number }>(
    'SELECT uniqExact(_dedup_token) AS n FROM default.stream WHERE has({t:Array(String)}, _dedup_token)',
    { t: retried },
  );
  assert.equal(Number(found?.n), retried.length, 'a retried batch is stored under the token of its failed attempt');
  t.diagnostic(
    `kills after ${kills.join(', ')} stored rows; ${retries.length} retries; ${wh.recoveredRetries} retries found their batch already stored`,
  );
});
