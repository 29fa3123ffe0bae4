// The shared async helpers: the retry curve, the timeouts, bounded concurrency and polling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, eventually, mapBounded, pending, settlesWithin, withTimeout } from '../src/index.ts';

test('backoff doubles up to its cap and, by default, stays in the upper half of it', () => {
  const b = { initialMs: 100, maxMs: 1_000 };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 10].map((a) => backoffDelay(a, b, () => 1)),
    [100, 200, 400, 800, 1_000, 1_000],
  );
  assert.deepEqual(
    [1, 2, 3, 4, 5, 10].map((a) => backoffDelay(a, b, () => 0)),
    [50, 100, 200, 400, 500, 500],
  );
});

test('backoff: jitter 0 is exact, a huge attempt count stays at the cap, attempt 0 counts as the first', () => {
  const b = { initialMs: 250, maxMs: 10_000, jitter: 0 };
  assert.deepEqual(
    [0, 1, 2, 3].map((a) => backoffDelay(a, b, () => 0.3)),
    [250, 250, 500, 1000],
  );
  assert.equal(backoffDelay(1e9, b), 10_000);
  assert.equal(
    backoffDelay(3, { initialMs: 100, maxMs: 1000, jitter: 1 }, () => 0),
    0,
  );
  const delays = Array.from({ length: 200 }, () => backoffDelay(3, { initialMs: 100, maxMs: 1000, jitter: 0.25 }));
  assert.ok(delays.every((d) => d >= 300 && d <= 400));
  assert.ok(new Set(delays).size > 100, 'jittered');
});

test('withTimeout passes the value or the error through, and rejects with its own error when late', async () => {
  assert.equal(await withTimeout(Promise.resolve(7), 1000, () => new Error('late')), 7);
  await assert.rejects(
    withTimeout(Promise.reject(new Error('own')), 1000, () => new Error('late')),
    /own/,
  );
  await assert.rejects(
    withTimeout(sleep(500), 20, () => new Error('no answer within 20 ms')),
    /no answer within 20 ms/,
  );
});

test('settlesWithin: true for a settled promise either way, false for a late one', async () => {
  assert.equal(await settlesWithin(Promise.resolve(), 1000), true);
  assert.equal(await settlesWithin(Promise.reject(new Error('x')), 1000), true);
  assert.equal(await settlesWithin(sleep(500), 20), false);
});

test('mapBounded keeps the order and never runs more than the limit at once', async () => {
  let running = 0;
  let peak = 0;
  const out = await mapBounded([5, 1, 4, 2, 3, 0], 2, async (n, i) => {
    running++;
    peak = Math.max(peak, running);
    await sleep(n * 3);
    running--;
    return `${i}:${n}`;
  });
  assert.deepEqual(out, ['0:5', '1:1', '2:4', '3:2', '4:3', '5:0']);
  assert.equal(peak, 2);
  assert.deepEqual(await mapBounded([], 4, async () => 1), []);
});

test('eventually returns the first truthy value, retries a throwing check, and names the last state', async () => {
  let n = 0;
  assert.equal(await eventually('three tries', () => (++n >= 3 ? n : false), { intervalMs: 1 }), 3);
  let m = 0;
  assert.equal(
    await eventually(
      'a check that throws first',
      () => {
        if (++m < 2) throw new Error('not yet');
        return 'ok';
      },
      { intervalMs: 1 },
    ),
    'ok',
  );
  await assert.rejects(
    eventually('the count', () => pending({ count: 1 }), { timeoutMs: 30, intervalMs: 5 }),
    /the count: not within 30 ms \(last: \{ count: 1 \}\)/,
  );
});
