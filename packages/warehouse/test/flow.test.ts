// Pure logic under the batching writer: the concurrency limiter, the FIFO.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fifo, createLimiter } from '../src/flow.ts';

test('the limiter runs at most `limit` tasks at once, in order', async () => {
  const limit = createLimiter(2);
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      limit(async () => {
        started.push(i);
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 2));
        running -= 1;
      }),
    ),
  );
  assert.equal(peak, 2);
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('the FIFO keeps order and shifts a million items in linear time', () => {
  const q = new Fifo<number>();
  const n = 1_000_000;
  const started = performance.now();
  for (let i = 0; i < n; i++) q.push(i);
  for (let i = 0; i < n; i++) assert.equal(q.shift(), i); // Array#shift here takes minutes
  assert.equal(q.length, 0);
  assert.equal(q.shift(), undefined);
  assert.ok(performance.now() - started < 5_000);
});
