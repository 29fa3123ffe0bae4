// The row encoder's shortcuts must give exactly what the slow, obviously right way gives.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeRows, isoDate, jsonString } from '../src/row-encoding.ts';
import { HOSTILE } from './support/fixtures.ts';

test('strings are quoted exactly as JSON.stringify quotes them', () => {
  const odd = ['\ud800', 'a\udc00b', '🙂', '\u2028\u2029', '\u007f', '\u0080é', '"', 'plain text'];
  for (const s of [...HOSTILE, ...odd]) assert.equal(jsonString(s), JSON.stringify(s), JSON.stringify(s));
  for (let i = 0; i < 2_000; i++) {
    const s = String.fromCharCode(...Array.from({ length: 8 }, () => Math.floor(Math.random() * 0x10000)));
    assert.equal(jsonString(s), JSON.stringify(s));
  }
});

test('dates are written exactly as toISOString writes them, across seconds and odd years', () => {
  const base = Date.UTC(2026, 2, 1, 12);
  const times = [0, -1, -1_000, 999, 1_000, 253_402_300_799_999, 253_402_300_800_000, -62_198_755_200_000];
  for (let i = 0; i < 5_000; i++) times.push(base + i * 7, Math.floor(Math.random() * 4e12) - 1e12);
  for (const t of times) assert.equal(isoDate(new Date(t)), JSON.stringify(new Date(t).toISOString()), String(t));
  assert.throws(() => isoDate(new Date(Number.NaN)), RangeError);
});

test('both row forms carry the same values; missing values fall back to the column default', () => {
  const rows = [
    { a: 'x"y', b: 1, c: new Date(0), d: null },
    { a: 'z', b: 2n ** 64n - 1n, e: true, f: [1, 'two', null] },
  ];
  const compact = encodeRows(rows, 'JSONCompactEachRow');
  assert.deepEqual(compact.columns, ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.equal(
    compact.body.toString(),
    '["x\\"y",1,"1970-01-01T00:00:00.000Z",null,null,null]\n["z",18446744073709551615,null,null,1,[1,"two",null]]\n',
  );
  const objects = encodeRows(rows, 'JSONEachRow', { name: '_dedup_token', value: 'tok' });
  assert.equal(
    objects.body.toString(),
    '{"a":"x\\"y","b":1,"c":"1970-01-01T00:00:00.000Z","_dedup_token":"tok"}\n' +
      '{"a":"z","b":18446744073709551615,"e":1,"f":[1,"two",null],"_dedup_token":"tok"}\n',
  );
});
