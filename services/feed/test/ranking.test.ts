import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCursor, encodeCursor, InvalidCursorError, rankPage, rankUpTo, type Candidate } from '../src/ranking/index.ts';

function candidates(perBot: Record<string, number>): Candidate[] {
  return Object.entries(perBot).flatMap(([bot, n]) =>
    Array.from({ length: n }, (_, i) => ({ uri: `at://${bot}/app.bsky.feed.post/${i}`, botId: bot, createdAtMs: i })),
  );
}

test('paging through with cursors never repeats and never skips an item', () => {
  const pool = candidates({ a: 40, b: 25, c: 60, d: 10 });
  const seen: string[] = [];
  let offset = 0;
  for (;;) {
    const page = rankPage(pool, 1234, offset, 17);
    if (page.length === 0) break;
    seen.push(...page.map((s) => s.uri));
    offset = decodeCursor(encodeCursor({ seed: 1234, snapshotMs: 1, offset: offset + page.length })).offset;
  }
  assert.equal(seen.length, pool.length);
  assert.equal(new Set(seen).size, pool.length);
  assert.deepEqual(rankPage(pool, 1234, 17, 17), rankUpTo(pool, 1234, 34).slice(17));
});

test('over many requests every bot gets equal exposure, at every depth', () => {
  const pool = candidates({ a: 200, b: 50, c: 120, d: 80 });
  const shown = new Map<string, number>();
  const top = new Map<string, number>();
  for (let seed = 0; seed < 3000; seed++) {
    for (const s of rankPage(pool, seed, 0, 30)) {
      shown.set(s.botId, (shown.get(s.botId) ?? 0) + 1);
      if (s.position === 0) top.set(s.botId, (top.get(s.botId) ?? 0) + 1);
    }
  }
  for (const counts of [shown, top]) {
    const values = [...counts.values()];
    const mean = values.reduce((x, y) => x + y, 0) / values.length;
    for (const v of values) assert.ok(Math.abs(v - mean) / mean < 0.1, `${[...counts]} not within 10% of equal`);
  }
});

test("personal weights change which replies fill a bot's slots, not how many slots it gets", () => {
  const pool = candidates({ a: 50, b: 50 }).map((c) => ({ ...c, weight: c.botId === 'a' && c.uri.endsWith('/0') ? 50 : 1 }));
  let firstA = 0;
  const slots = { a: 0, b: 0 };
  for (let seed = 0; seed < 500; seed++) {
    for (const s of rankPage(pool, seed, 0, 10)) {
      slots[s.botId as 'a' | 'b']++;
      if (s.uri === 'at://a/app.bsky.feed.post/0') firstA++;
    }
  }
  assert.equal(slots.a, slots.b);
  assert.ok(firstA > 400, `the favoured reply was shown ${firstA} times of 500`);
});

test('served probabilities match how often items are really shown', () => {
  const pool = candidates({ a: 40, b: 10 });
  const freq = new Map<string, number>();
  let reported = new Map<string, number>();
  const runs = 4000;
  for (let seed = 0; seed < runs; seed++) {
    const page = rankPage(pool, seed, 0, 12);
    for (const s of page) freq.set(s.uri, (freq.get(s.uri) ?? 0) + 1);
    reported = new Map(page.map((s) => [s.botId, s.probability]));
  }
  const empirical = (bot: string) =>
    [...freq].filter(([u]) => u.startsWith(`at://${bot}/`)).reduce((s, [, n]) => s + n, 0) / runs / (bot === 'a' ? 40 : 10);
  assert.ok(Math.abs(empirical('a') - (reported.get('a') as number)) < 0.02);
  assert.ok(Math.abs(empirical('b') - (reported.get('b') as number)) < 0.02);
});

test('malformed and out-of-range cursors are refused with a clear error', () => {
  for (const bad of ['', 'abc', 'a.b', 'A.b.c', 'a.b.c.d', '!!.1.1', 'zzzzzzzzzzzzz.1.1', '1.1.zzzz']) {
    assert.throws(() => decodeCursor(bad), InvalidCursorError, bad);
  }
  const c = { seed: 42, snapshotMs: 1_800_000_000_000, offset: 30 };
  assert.deepEqual(decodeCursor(encodeCursor(c)), c);
});
