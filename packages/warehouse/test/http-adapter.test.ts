// The HTTP adapter against a real clickhouse-server process (Debian's 18.16, started here):
// version detection, client-side parameter binding, inserts, token-column dedup including a lost
// answer, error classes, exports streamed to a file (whole, or not at all), and surviving a
// server restart.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WarehouseError, createHttpWarehouse, createWarehouse, type HttpWarehouse, type Row } from '../src/index.ts';
import { startClickHouseServer, type ClickHouseServer } from './support/clickhouse-server.ts';
import { HOSTILE } from './support/fixtures.ts';

let server: ClickHouseServer;
let wh: HttpWarehouse;

const EVENTS = `CREATE TABLE IF NOT EXISTS default.events
  (id String, seq UInt32, text String, at DateTime, _dedup_token String) ENGINE = MergeTree ORDER BY id`;

before(async () => {
  server = await startClickHouseServer();
  wh = createHttpWarehouse({ url: server.url, database: 'default' });
  await wh.command(EVENTS);
});
after(async () => {
  await wh?.close();
  await server?.destroy();
});

async function count(sql: string, params?: Record<string, unknown>): Promise<number> {
  const [row] = await wh.query<{ n: number }>(sql, params);
  return Number(row?.n);
}

describe('http adapter on clickhouse-server 18.16', () => {
  test('detects the server and what it lacks', async () => {
    const f = await wh.server();
    assert.match(f.version, /^18\.16\./);
    assert.equal(f.queryParams, false);
    assert.equal(f.dedupToken, false);
  });

  test('binds hostile parameters client-side, for an old server that has no query parameters', async () => {
    for (const s of HOSTILE) {
      const [row] = await wh.query<{ v: string; a: string[] }>('SELECT {s:String} AS v, {a:Array(String)} AS a', { s, a: [s, 'x'] });
      assert.equal(row?.v, s, JSON.stringify(s));
      assert.deepEqual(row?.a, [s, 'x']);
    }
  });

  test('inserts JSONEachRow and reads back rows with hostile text exactly', async () => {
    const rows: Row[] = HOSTILE.map((text, i) => ({ id: `h-${i}`, seq: i, text, at: 1_700_000_000 + i }));
    await wh.insert('events', rows);
    for (const [i, text] of HOSTILE.entries()) {
      assert.equal(await count('SELECT count() AS n FROM default.events WHERE text = {t:String} AND seq = {i:UInt32}', { t: text, i }), 1);
    }
    const [first] = await wh.query<Row>("SELECT id, seq, at, _dedup_token FROM default.events WHERE id = 'h-0'");
    assert.deepEqual(first, { id: 'h-0', seq: 0, at: '2023-11-14 22:13:20', _dedup_token: '' });
  });

  test('a token used twice stores its rows once', async () => {
    const rows = [
      { id: 'tok-1', seq: 1 },
      { id: 'tok-2', seq: 2 },
    ];
    await wh.insert('events', rows, { dedupToken: 'twice' });
    await wh.insert('events', rows, { dedupToken: 'twice' });
    assert.equal(await count("SELECT count() AS n FROM default.events WHERE _dedup_token = 'twice'"), 2);
  });

  test('forcing the dedup setting on a server without it fails loudly, not silently twice', async () => {
    const forced = createHttpWarehouse({ url: server.url, database: 'default', dedup: 'setting' });
    try {
      const err = await forced.insert('events', [{ id: 'forced' }], { dedupToken: 'forced' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof WarehouseError);
      assert.equal(err.kind, 'schema');
      assert.equal(err.code, 115, 'UNKNOWN_SETTING insert_deduplication_token');
    } finally {
      await forced.close();
    }
  });

  test('a retry whose first attempt landed although its answer was lost is not stored again', async () => {
    // The insert runs longer than the client waits: a view on the table sleeps for a second.
    await wh.command('CREATE TABLE IF NOT EXISTS default.slow (id String, _dedup_token String) ENGINE = MergeTree ORDER BY id');
    await wh.command('CREATE MATERIALIZED VIEW IF NOT EXISTS default.slow_mv ENGINE = Null AS SELECT sleep(1) AS s FROM default.slow');
    const impatient = createHttpWarehouse({ url: server.url, database: 'default', requestTimeoutMs: 300 });
    try {
      const rows = [{ id: 'lost-1' }, { id: 'lost-2' }, { id: 'lost-3' }];
      const first = await impatient.insert('slow', rows, { dedupToken: 'lost-answer' }).then(
        () => 'ok',
        (e: unknown) => e,
      );
      assert.ok(first instanceof WarehouseError && first.kind === 'transport', `first attempt: ${String(first)}`);
      await new Promise((r) => setTimeout(r, 1_500)); // the server finishes the insert meanwhile
      await impatient.insert('slow', rows, { dedupToken: 'lost-answer' });
      assert.equal(impatient.recoveredRetries, 1, 'the retry found its rows already stored');
      assert.equal(await count('SELECT count() AS n FROM default.slow'), 3);
    } finally {
      await impatient.close();
    }
  });

  test('classifies failures: bad value, unknown table, no server', async () => {
    const kind = (p: Promise<unknown>) =>
      p.then(
        () => 'none',
        (e: unknown) => (e instanceof WarehouseError ? e.kind : String(e)),
      );
    assert.equal(await kind(wh.insert('events', [{ id: 'bad', seq: 'x' }])), 'data');
    assert.equal(await kind(wh.insert('nope', [{ id: 'x' }])), 'schema');
    assert.equal(await kind(wh.query('SELECT * FROM default.nope')), 'schema');
    const nowhere = createWarehouse({ kind: 'http', url: 'http://127.0.0.1:1', database: 'default', requestTimeoutMs: 2_000 });
    assert.equal(await kind(nowhere.query('SELECT 1')), 'transport');
    await nowhere.close();
  });

  test('exports: the server’s own encoding streamed to a file, whole; a format it lacks is refused and leaves no file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'botsky-http-export-'));
    try {
      const tsv = join(dir, 'events.tsv');
      await wh.exportToFile(
        "SELECT id, seq, text FROM default.events WHERE startsWith(id, 'h-') ORDER BY seq",
        tsv,
        'TabSeparatedWithNames',
      );
      const lines = (await readFile(tsv, 'utf8')).split('\n');
      assert.equal(lines[0], 'id\tseq\ttext');
      assert.equal(lines.length, HOSTILE.length + 2, 'a header, a line per row, the final newline');
      // The server escapes tabs, newlines and backslashes: a row is one line whatever its text.
      const unescapeTsv = (t: string) =>
        t.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', '0': '\0', r: '\r', b: '\b', f: '\f' })[c] ?? c);
      assert.deepEqual(
        lines.slice(1, -1).map((l) => unescapeTsv(l.split('\t')[2] as string)),
        [...HOSTILE],
      );
      // Two million rows stream through without being held: every byte the server wrote is there.
      const big = join(dir, 'numbers.tsv');
      await wh.exportToFile('SELECT number FROM system.numbers LIMIT 2000000', big, 'TabSeparatedWithNames');
      let expected = 'number\n'.length;
      for (let i = 0; i < 2_000_000; i++) expected += String(i).length + 1;
      assert.equal((await stat(big)).size, expected);
      // 18.16 writes no Parquet (nor knows its compression setting): a clear error, and no file.
      const parquet = join(dir, 'events.parquet');
      await assert.rejects(wh.exportToFile('SELECT id FROM default.events', parquet, 'Parquet'), (e: unknown) => {
        assert.ok(e instanceof WarehouseError, String(e));
        assert.match(e.message, /^export to .*events\.parquet: /);
        return true;
      });
      assert.equal(existsSync(parquet) || existsSync(`${parquet}.partial`), false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('an export whose server dies mid-answer fails as a transport error and leaves no file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'botsky-http-export-'));
    const path = join(dir, 'endless.tsv');
    try {
      const exporting = wh.exportToFile('SELECT number FROM system.numbers LIMIT 200000000', path, 'TabSeparatedWithNames');
      const outcome = exporting.then(
        () => undefined,
        (e: unknown) => e,
      );
      let settled = false;
      void outcome.then(() => {
        settled = true;
      });
      // Once the answer is flowing (the file being written beside its path), the server is killed;
      // a server that drops the answer by itself first is the same case.
      const deadline = Date.now() + 20_000;
      const size = async () => (await stat(`${path}.partial`).catch(() => undefined))?.size ?? 0;
      while (!settled && (await size()) < 1_000_000) {
        assert.ok(Date.now() < deadline, 'the answer never started');
        await new Promise((r) => setTimeout(r, 20));
      }
      if (!settled) await server.kill();
      const e = await outcome;
      assert.ok(e instanceof WarehouseError && e.kind === 'transport', String(e));
      assert.match(e.message, /^export to .*endless\.tsv: /);
      assert.equal(existsSync(path) || existsSync(`${path}.partial`), false);
    } finally {
      await server.kill();
      await server.start();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('keeps working after the server is killed and restarted', async () => {
    assert.equal(await count('SELECT count() AS n FROM system.one'), 1);
    await server.kill();
    await server.start();
    assert.equal(await count('SELECT count() AS n FROM system.one'), 1);
    await wh.insert('events', [{ id: 'after-restart', seq: 1 }]);
    assert.equal(await count("SELECT count() AS n FROM default.events WHERE id = 'after-restart'"), 1);
  });
});
