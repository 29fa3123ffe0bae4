// The embedded adapter (chdb, ClickHouse 26.x): parameter binding against hostile input, how
// values are stored, dedup tokens, and how failures are classified.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ParamBindError, WarehouseError, bindParams, createWarehouse, type Row, type Warehouse } from '../src/index.ts';
import { HOSTILE, T0, impression, post, tempDir } from './support/fixtures.ts';

let wh: Warehouse;
let remove: () => Promise<void>;

before(async () => {
  const dir = await tempDir('embedded');
  remove = dir.remove;
  wh = createWarehouse({ kind: 'embedded', path: dir.path });
  await wh.migrate();
  await wh.command(`CREATE TABLE IF NOT EXISTS botsky.kinds (
    id String, u64 UInt64, i64 Int64, f Float64, b Bool, flag UInt8, maybe Nullable(String),
    dflt String DEFAULT 'dflt', tags Array(String), at DateTime64(3, 'UTC'), sec DateTime('UTC')
  ) ENGINE = MergeTree ORDER BY id`);
});
after(async () => {
  await wh.close();
  await remove();
});

async function selectOne<T>(sql: string, params?: Record<string, unknown>): Promise<T> {
  const [row] = await wh.query<{ v: T }>(sql, params);
  assert.ok(row);
  return row.v;
}

describe('parameters', () => {
  test('hostile strings come back unchanged, bound by the engine and by our client-side binder', async () => {
    for (const s of HOSTILE) {
      assert.equal(await selectOne('SELECT {s:String} AS v', { s }), s, `engine: ${JSON.stringify(s)}`);
      assert.equal(await selectOne(bindParams('SELECT {s:String} AS v', { s })), s, `client: ${JSON.stringify(s)}`);
    }
  });

  test('hostile strings inside arrays and nullable types', async () => {
    const sql = 'SELECT {a:Array(String)} AS v';
    assert.deepEqual(await selectOne(sql, { a: HOSTILE }), HOSTILE);
    assert.deepEqual(await selectOne(bindParams(sql, { a: HOSTILE })), HOSTILE);
    assert.equal(await selectOne(bindParams('SELECT {n:Nullable(String)} AS v', { n: null })), null);
  });

  test('a hostile value finds exactly its row, and nothing is injected', async () => {
    await wh.insert(
      'posts',
      HOSTILE.map((text, i) => post({ uri: `at://h/${i}`, text })),
    );
    for (const s of HOSTILE) {
      const sql = 'SELECT count() AS v FROM botsky.posts WHERE text = {s:String}';
      assert.equal(await selectOne(sql, { s }), 1);
      assert.equal(await selectOne(bindParams(sql, { s })), 1);
    }
    assert.equal(await selectOne("SELECT count() AS v FROM system.tables WHERE database = 'botsky' AND name = 'posts'"), 1);
  });

  test('typed values: integers beyond 2^53, floats, dates, booleans, identifiers', async () => {
    const big = 2n ** 63n - 1n;
    const bigSql = 'SELECT toString({n:Int64}) AS v';
    assert.equal(await selectOne(bigSql, { n: big }), big.toString());
    assert.equal(await selectOne(bindParams(bigSql, { n: big })), big.toString());
    const dSql = "SELECT {d:DateTime64(3, 'UTC')} AS v";
    assert.equal(await selectOne(dSql, { d: T0 }), '2026-03-01 12:00:00.000');
    assert.equal(await selectOne(bindParams(dSql, { d: T0 })), '2026-03-01 12:00:00.000');
    assert.equal(await selectOne(bindParams('SELECT {f:Float64} * 2 AS v', { f: 1.25 })), 2.5);
    assert.equal(await selectOne(bindParams('SELECT {b:Bool} AS v', { b: true })), true);
    assert.equal(await selectOne(bindParams('SELECT count() AS v FROM botsky.{t:Identifier}', { t: 'battles' })), 0);
  });

  test('the client-side binder refuses what is not the declared type', () => {
    assert.throws(() => bindParams('SELECT {n:UInt32}', { n: '1 OR 1=1' }), ParamBindError);
    assert.throws(() => bindParams('SELECT {n:UInt32}', { n: 1.5 }), ParamBindError);
    assert.throws(() => bindParams('SELECT {s:String}', { s: 42 }), ParamBindError);
    assert.throws(() => bindParams('SELECT {s:String}', {}), ParamBindError);
    assert.throws(() => bindParams('SELECT * FROM {t:Identifier}', { t: 'posts; DROP TABLE x' }), ParamBindError);
    assert.throws(() => bindParams('SELECT {m:Map(String, String)}', { m: {} }), ParamBindError);
  });

  test('placeholders inside literals, quoted names and comments are left alone', async () => {
    const sql = "SELECT '{s:String}' AS v /* {s:String} */ -- {s:String}\n";
    assert.equal(bindParams(sql, {}), sql);
    assert.equal(await selectOne(bindParams(sql, {})), '{s:String}');
    assert.equal(await selectOne(sql, { s: 'x' }), '{s:String}');
  });
});

describe('inserts', () => {
  test('store every kind of value as documented', async () => {
    const big = 2n ** 64n - 1n;
    const rows: Row[] = [
      { id: 'a', u64: big, i64: -(2n ** 63n), f: Number.NaN, b: true, flag: false, maybe: null, tags: HOSTILE, at: T0, sec: T0 },
      { id: 'b', u64: 1, f: Number.POSITIVE_INFINITY, b: false, flag: true, maybe: 'x', dflt: undefined, at: '2026-03-01T12:00:00.5Z' },
      { id: "c'\n", u64: 2, f: 1.5, extraAbsent: undefined, at: T0.getTime(), sec: T0.getTime() / 1000 },
    ];
    await wh.insert(
      'botsky.kinds',
      rows.map(({ extraAbsent, ...r }) => r),
    );
    const back = await wh.query<Row>(
      'SELECT id, toString(u64) AS u64, toString(i64) AS i64, isNaN(f) AS nan, isInfinite(f) AS inf, f, b, flag, maybe, dflt, tags, at, sec FROM botsky.kinds ORDER BY id',
    );
    assert.deepEqual(back[0], {
      id: 'a',
      u64: big.toString(),
      i64: (-(2n ** 63n)).toString(),
      nan: 1,
      inf: 0,
      f: null,
      b: true,
      flag: 0,
      maybe: null,
      dflt: 'dflt',
      tags: HOSTILE,
      at: '2026-03-01 12:00:00.000',
      sec: '2026-03-01 12:00:00',
    });
    assert.deepEqual(pick(back[1], ['u64', 'inf', 'b', 'flag', 'maybe', 'dflt', 'tags', 'at']), {
      u64: '1',
      inf: 1,
      b: false,
      flag: 1,
      maybe: 'x',
      dflt: 'dflt',
      tags: [],
      at: '2026-03-01 12:00:00.500',
    });
    // numbers are ticks of the column: milliseconds for DateTime64(3), seconds for DateTime
    assert.deepEqual(pick(back[2], ['id', 'f', 'at', 'sec']), {
      id: "c'\n",
      f: 1.5,
      at: '2026-03-01 12:00:00.000',
      sec: '2026-03-01 12:00:00',
    });
  });

  test('rows with different keys are stored under the union of their columns', async () => {
    await wh.insert('botsky.kinds', [
      { id: 'u1', u64: 7 },
      { id: 'u2', maybe: 'm' },
    ]);
    const back = await wh.query<Row>("SELECT id, u64, maybe FROM botsky.kinds WHERE id LIKE 'u%' ORDER BY id");
    assert.deepEqual(back, [
      { id: 'u1', u64: 7, maybe: null },
      { id: 'u2', u64: 0, maybe: 'm' },
    ]);
  });

  test('the same dedup token stores once, a new token stores again', async () => {
    const rows = [impression({ impression_id: 'dup', bot_id: 'dup-bot' })];
    const stored = () => selectOne("SELECT count() AS v FROM botsky.impressions WHERE bot_id = 'dup-bot'");
    await wh.insert('impressions', rows, { dedupToken: 'tok-a' });
    await wh.insert('impressions', rows, { dedupToken: 'tok-a' });
    assert.equal(await stored(), 1);
    await wh.insert('impressions', rows, { dedupToken: 'tok-b' });
    assert.equal(await stored(), 2);
    await wh.insert('impressions', rows);
    assert.equal(await stored(), 3, 'without a token nothing is deduplicated');
  });
});

describe('failures', () => {
  const kindOf = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof WarehouseError, String(err));
      return err.kind;
    }
    return 'none';
  };

  test('are classified so the writer knows whether to retry, split or give up', async () => {
    assert.equal(await kindOf(wh.insert('botsky.kinds', [{ id: 'x', u64: 'not a number' }])), 'data');
    assert.equal(await kindOf(wh.insert('botsky.nope', [{ id: 'x' }])), 'schema');
    assert.equal(await kindOf(wh.insert('botsky.kinds', [{ id: 'x', nope: 1 }])), 'schema');
    assert.equal(await kindOf(wh.query('SELEC 1')), 'schema');
    assert.equal(await kindOf(wh.insert('botsky.kinds; DROP TABLE botsky.posts', [{ id: 'x' }])), 'client');
    assert.equal(await kindOf(wh.insert('botsky.kinds', [{ 'id) SELECT 1 --': 'x' }])), 'client');
  });
});

function pick(row: Row | undefined, keys: string[]): Row {
  assert.ok(row);
  return Object.fromEntries(keys.map((k) => [k, row[k]]));
}
