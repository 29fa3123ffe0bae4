// Research export speed (issue 15): 10 million impression rows (1 million with --quick),
// generated inside embedded ClickHouse (numbers(): about 50,000 viewers, 2,000 bot replies of
// 8 bots, positions and probabilities), then the whole export (every table; impressions is the
// only large one) through exportDataset as `botsky export` runs it: keyed hashes, Parquet written
// by ClickHouse, row counts and SHA-256 checksums. Reported: impression rows exported per second
// of the whole export, and the impressions file's size per row. The anchor is ClickHouse writing
// the same rows to Parquet with no anonymisation (plain SELECT *), as a ratio.
// Run directly: node packages/warehouse/bench/export.bench.ts [--quick]
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from '@botsky/bench';
import { createEmbeddedWarehouse, exportDataset } from '../src/index.ts';

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const rows = opts.quick ? 1_000_000 : 10_000_000;
  const dir = await mkdtemp(join(tmpdir(), 'botsky-export-bench-'));
  const wh = createEmbeddedWarehouse({ path: join(dir, 'clickhouse') });
  try {
    await wh.migrate();
    // Bot replies whose URIs name the bots' DIDs (kept by the export), impressions of them.
    await wh.command(`INSERT INTO botsky.bot_replies (task_id, bot_id, status, post_uri, reply_uri, finished_at)
      SELECT concat('rt_', hex(number)), concat('bot-', toString(number % 8)), 'replied',
        concat('at://did:plc:person', toString(number % 50000), '/app.bsky.feed.post/p', toString(number)),
        concat('at://did:plc:bot', toString(number % 8), '/app.bsky.feed.post/r', toString(number)),
        now64(3) - toIntervalSecond(number)
      FROM numbers(2000)`);
    await wh.command(`INSERT INTO botsky.impressions (impression_id, feed_request_id, viewer_did, post_uri, bot_id, position, probability, served_at)
      SELECT concat('im_', hex(number)), concat('fr_', hex(intDiv(number, 30))), concat('did:plc:viewer', toString(number % 50000)),
        concat('at://did:plc:bot', toString(number % 8), '/app.bsky.feed.post/r', toString(number % 2000)),
        concat('bot-', toString(number % 8)), toUInt16(number % 30), 0.1 + (number % 9) / 10, now64(3) - toIntervalMillisecond(number)
      FROM numbers(${rows})`);
    const plainStarted = performance.now();
    await wh.exportToFile(`SELECT * FROM botsky.impressions FINAL`, join(dir, 'plain.parquet'), 'Parquet');
    const plainS = (performance.now() - plainStarted) / 1000;
    const started = performance.now();
    const sheet = await exportDataset(wh, { out: join(dir, 'out'), asOf: new Date(Date.now() + 60_000), withText: false, method: {} });
    const seconds = (performance.now() - started) / 1000;
    const file = sheet.files.find((f) => f.table === 'impressions');
    if (file?.rows !== rows) throw new Error(`exported ${file?.rows} impressions of ${rows}`);
    const size = (await stat(join(dir, 'out', 'impressions.parquet'))).size;
    console.log(
      `  ${rows} impressions: the whole export in ${seconds.toFixed(1)} s (${Math.round(rows / seconds)} rows/s), ${(size / rows).toFixed(1)} bytes a row; plain SELECT * to Parquet ${plainS.toFixed(1)} s`,
    );
    return [
      { name: 'warehouse.export.impressions_rows_per_s', value: Math.round(rows / seconds), unit: 'rows/s', higherIsBetter: true },
      { name: 'warehouse.export.vs_plain_parquet', value: Number((plainS / seconds).toFixed(3)), unit: 'ratio', higherIsBetter: true },
      { name: 'warehouse.export.bytes_per_impression', value: Number((size / rows).toFixed(1)), unit: 'bytes', higherIsBetter: false },
    ];
  } finally {
    await wh.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  for (const r of await run({ quick: process.argv.includes('--quick') })) console.log(`${r.name} ${r.value} ${r.unit}`);
}
