// The batching writer on embedded ClickHouse: flushing on size and on time, close, backpressure,
// and a bad row isolated from its batch. Retries against a failing server: http-faults.test.ts.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  WarehouseError,
  WarehouseWriteError,
  createBatchWriter,
  createEmbeddedWarehouse,
  type FlushEvent,
  type Warehouse,
} from '../src/index.ts';
import { impression, tempDir } from './support/fixtures.ts';

let wh: Warehouse;
let remove: () => Promise<void>;

before(async () => {
  const dir = await tempDir('writer');
  remove = dir.remove;
  wh = createEmbeddedWarehouse({ path: dir.path });
  await wh.migrate();
});
after(async () => {
  await wh.close();
  await remove();
});

async function storedFor(bot: string): Promise<number> {
  const [row] = await wh.query<{ n: number }>('SELECT count() AS n FROM botsky.impressions WHERE bot_id = {bot:String}', { bot });
  return Number(row?.n);
}

function rows(bot: string, n: number) {
  return Array.from({ length: n }, (_, i) => impression({ impression_id: `${bot}-${i}`, bot_id: bot }));
}

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('a table flushes when it reaches maxRows; the rest waits for its time', async () => {
  const flushes: FlushEvent[] = [];
  const w = createBatchWriter(wh, { maxRows: 100, maxDelayMs: 60_000, onFlush: (e) => flushes.push(e) });
  const settled: boolean[] = [];
  const writes = rows('size', 250).map((r, i) => w.write('impressions', r).then(() => (settled[i] = true)));
  await Promise.all(writes.slice(0, 200));
  assert.deepEqual(
    flushes.map((f) => f.rows),
    [100, 100],
  );
  assert.equal(await storedFor('size'), 200);
  assert.equal(settled.filter(Boolean).length, 200, 'the last 50 rows are not stored yet, so not resolved');
  await w.flush();
  await Promise.all(writes);
  assert.deepEqual(
    flushes.map((f) => f.rows),
    [100, 100, 50],
  );
  assert.equal(await storedFor('size'), 250);
  await w.close();
});

test('a table flushes maxDelayMs after its first row', async () => {
  const flushes: FlushEvent[] = [];
  const w = createBatchWriter(wh, { maxRows: 1_000, maxDelayMs: 150, onFlush: (e) => flushes.push(e) });
  const started = performance.now();
  await Promise.all(rows('time', 5).map((r) => w.write('impressions', r)));
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= 140 && elapsed < 2_000, `flushed after ${elapsed} ms`);
  assert.deepEqual(
    flushes.map((f) => f.rows),
    [5],
  );
  assert.equal(await storedFor('time'), 5);
  await w.close();
});

test('close() stores every buffered row of every table and leaves no timer behind', async () => {
  const before = timers();
  const w = createBatchWriter(wh, { maxRows: 1_000, maxDelayMs: 60_000 });
  const writes = [
    ...rows('close-a', 30).map((r) => w.write('impressions', r)),
    ...rows('close-b', 20).map((r) => w.write('botsky.impressions', r)),
    w.write('client_interactions', { interaction_id: 'close-c', bot_id: 'close-c', event: 'seen', received_at: new Date() }),
  ];
  assert.ok(timers() > before, 'buffers wait on timers');
  await w.close();
  await Promise.all(writes);
  assert.equal(await storedFor('close-a'), 30);
  assert.equal(await storedFor('close-b'), 20);
  assert.equal(timers(), before);
  await assert.rejects(w.write('impressions', rows('late', 1)[0] ?? {}), WarehouseWriteError);
});

test('write() waits while maxPendingRows rows are batched, then rows go out in order', async () => {
  const flushes: FlushEvent[] = [];
  const w = createBatchWriter(wh, {
    maxRows: 10,
    maxDelayMs: 5,
    maxPendingRows: 20,
    maxConcurrentFlushes: 1,
    onFlush: (e) => flushes.push(e),
  });
  const order: number[] = [];
  const writes = rows('bp', 100).map((r, i) => w.write('impressions', r).then(() => order.push(i)));
  const s = w.stats();
  assert.equal(s.pendingRows, 100);
  assert.ok(s.batchedRows <= 20, `batched ${s.batchedRows}`);
  await Promise.all(writes);
  assert.equal(await storedFor('bp'), 100);
  assert.ok(flushes.every((f) => f.rows <= 10));
  assert.deepEqual(
    order,
    [...order].sort((a, b) => a - b),
    'batches are stored in write order',
  );
  assert.equal(w.stats().pendingRows, 0);
  await w.close();
});

test('a row that does not fit its column is rejected alone; its batch-mates are stored', async () => {
  const w = createBatchWriter(wh, { maxRows: 50, maxDelayMs: 60_000 });
  const batch = rows('poison', 50);
  batch[37] = { ...batch[37], position: 'not a number' };
  const results = await Promise.allSettled(batch.map((r) => w.write('impressions', r)));
  const rejected = results.flatMap((r, i) => (r.status === 'rejected' ? [[i, r.reason]] : []));
  assert.equal(rejected.length, 1);
  const [index, reason] = rejected[0] as [number, unknown];
  assert.equal(index, 37);
  assert.ok(reason instanceof WarehouseWriteError && reason.cause instanceof WarehouseError);
  assert.equal(reason.cause.kind, 'data');
  assert.equal(await storedFor('poison'), 49);
  assert.equal(w.stats().retries, 0, 'data errors are split, not retried');
  await w.close();
});

test('writes to a table that does not exist reject at once, without retries', async () => {
  const w = createBatchWriter(wh, { maxRows: 10, maxDelayMs: 10 });
  const results = await Promise.allSettled([w.write('no_such_table', { id: 1 }), w.write('no_such_table', { id: 2 })]);
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    assert.ok(r.reason instanceof WarehouseWriteError);
    assert.equal((r.reason.cause as WarehouseError).kind, 'schema');
  }
  assert.equal(w.stats().retries, 0);
  assert.equal(w.stats().rejectedRows, 2);
  await w.close();
});

test('flush() settles the rows written before it, even while writes keep coming', async () => {
  const w = createBatchWriter(wh, { maxRows: 1_000, maxDelayMs: 60_000 });
  let producing = true;
  let i = 0;
  const producer = (async () => {
    while (producing) {
      void w.write('impressions', impression({ impression_id: `cont-${i}`, bot_id: 'cont' }));
      i += 1;
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  await new Promise((r) => setTimeout(r, 50));
  const before = i;
  await w.flush();
  assert.ok((await storedFor('cont')) >= before, 'every row written before flush() is stored');
  producing = false;
  await producer;
  await w.close();
  assert.equal(await storedFor('cont'), i);
});
