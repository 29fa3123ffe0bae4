// Rows per second into embedded ClickHouse (chdb), into `impressions` with its per-minute
// materialized view attached, as the recorder writes them. The clock covers encoding rows to
// the compact JSON row format, the engine parsing them, the table and the view writing them,
// and the merges running meanwhile. Rows come from a pool of 100,000 built before the clock
// starts (a bus consumer has its rows decoded already, and holds about maxPendingRows of them,
// not millions); each write copies a pool row with a fresh impression_id, inside the clock, so
// every stored row is distinct (the table is a ReplacingMergeTree: repeated ids would merge away
// and the row count could not be checked).
//   direct: Warehouse.insert, one batch after another.
//   writer: BatchWriter.write per row, batches of maxRows, two batches in flight so that
//           encoding the next batch (JS) overlaps storing the last (engine threads).
// Besides wall-clock rows/s it reports rows per CPU-second of this process (JS and engine
// threads together), which moves much less when other processes share the machine.
// Run directly: node packages/warehouse/bench/insert.bench.ts [--quick]

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBatchWriter, createEmbeddedWarehouse, type Row, type Warehouse } from '../src/index.ts';
import type { BenchResult } from '@botsky/bench';

const BATCH = 50_000;
const POOL = 100_000;

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const total = opts.quick ? 200_000 : 1_000_000;
  const dir = await mkdtemp(join(tmpdir(), 'botsky-bench-'));
  const wh = createEmbeddedWarehouse({ path: dir });
  try {
    await wh.migrate();
    const pool = impressions('pool', POOL);
    await direct(wh, pool, POOL, 'warm'); // the first inserts pay the engine's and JIT's warm-up
    const d = await measure(total, () => direct(wh, pool, total, 'direct'));
    const w = await measure(total, () => viaWriter(wh, pool, total, 'writer'));
    await check(wh, POOL + 2 * total);
    return [
      result('warehouse.embedded.insert-direct', d.perSecond, 'rows/s'),
      result('warehouse.embedded.insert-writer', w.perSecond, 'rows/s'),
      result('warehouse.embedded.insert-writer-per-cpu', w.perCpuSecond, 'rows/cpu-s'),
    ];
  } finally {
    await wh.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function result(name: string, value: number, unit: string): BenchResult {
  return { name, value: Math.round(value), unit, higherIsBetter: true };
}

// Times `insert` (which builds its rows first and returns when the clock should start).
async function measure(rows: number, insert: () => Promise<{ wallMs: number; cpuMs: number }>) {
  const { wallMs, cpuMs } = await insert();
  return { perSecond: rows / (wallMs / 1000), perCpuSecond: rows / (cpuMs / 1000) };
}

function clock() {
  const cpu = process.cpuUsage();
  const started = performance.now();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
  };
}

// A literal of one fixed shape, as a decoder builds it (a spread would make slow objects).
function fresh(pool: Row[], i: number, run: string): Row {
  const p = pool[i % pool.length] as Row;
  return {
    impression_id: `${run}-${i}`,
    feed_request_id: p.feed_request_id,
    viewer_did: p.viewer_did,
    post_uri: p.post_uri,
    bot_id: p.bot_id,
    position: p.position,
    probability: p.probability,
    served_at: p.served_at,
  };
}

async function direct(wh: Warehouse, pool: Row[], total: number, run: string) {
  const stop = clock();
  for (let n = 0; n < total; n += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, total - n) }, (_, k) => fresh(pool, n + k, run));
    await wh.insert('impressions', batch, { dedupToken: `${run}-${n}` });
  }
  return stop();
}

// Like a bus consumer with bounded in-flight messages: it keeps at most 4 batches' worth of
// writes outstanding, waiting for the oldest slice before adding another.
async function viaWriter(wh: Warehouse, pool: Row[], total: number, run: string) {
  const writer = createBatchWriter(wh, { maxRows: BATCH, maxDelayMs: 1_000, maxPendingRows: 4 * BATCH });
  const slice = 10_000;
  const outstanding: Promise<unknown>[] = [];
  const stop = clock();
  for (let n = 0; n < total; n += slice) {
    if (outstanding.length * slice >= 4 * BATCH) await outstanding.shift();
    const writes: Promise<void>[] = new Array(Math.min(slice, total - n));
    for (let k = 0; k < writes.length; k++) writes[k] = writer.write('impressions', fresh(pool, n + k, run));
    outstanding.push(Promise.all(writes));
  }
  await Promise.all(outstanding);
  await writer.close();
  return stop();
}

// The rows must all be there: a fast benchmark that loses rows measures nothing.
async function check(wh: Warehouse, expected: number): Promise<void> {
  const [r] = await wh.query<{ n: number }>('SELECT count() AS n FROM botsky.impressions FINAL');
  if (Number(r?.n) !== expected) throw new Error(`expected ${expected} rows, found ${r?.n}`);
}

/** Impressions as the feed logs them: 30 items per page, 20 bots, a few thousand viewers. */
function impressions(run: string, n: number): Row[] {
  const rows: Row[] = new Array(n);
  const t0 = Date.UTC(2026, 2, 1, 12);
  for (let i = 0; i < n; i++) {
    const page = Math.floor(i / 30);
    const position = i % 30;
    rows[i] = {
      impression_id: `${run}-${page}:${position}`,
      feed_request_id: `${run}-${page}`,
      viewer_did: `did:plc:viewer${(page * 7919) % 5000}`,
      post_uri: `at://did:plc:bot${i % 20}/app.bsky.feed.post/3l${run}${i.toString(36)}`,
      bot_id: `bot-${i % 20}`,
      position,
      probability: 1 / 30,
      served_at: new Date(t0 + i * 3),
    };
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await run({ quick: process.argv.includes('--quick') });
  for (const r of results) console.log(`${r.name}: ${r.value.toLocaleString('en')} ${r.unit}`);
}
