// The live hub's fan-out rules, with sinks that record what they get.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics } from '@botsky/kit';
import { metricSum } from '@botsky/kit/testing';
import type { LivePost } from '../src/live/event-types.ts';
import { LiveHub, type ViewerSink } from '../src/live/hub.ts';
import { createWebMetrics } from '../src/metrics.ts';

function hub(o: { recent?: number; maxViewers?: number; bufferBytes?: number } = {}) {
  const registry = createMetrics({ service: 'web', defaultMetrics: false });
  const h = new LiveHub({
    recent: o.recent ?? 3,
    maxViewers: o.maxViewers ?? 10,
    bufferBytes: o.bufferBytes ?? 1000,
    metrics: createWebMetrics(registry),
    now: () => 5_000,
  });
  return { h, registry };
}

function sink(pending = 0): ViewerSink & { frames: string[]; closed: boolean; aborted: boolean; pending: number } {
  const s = {
    frames: [] as string[],
    closed: false,
    aborted: false,
    pending,
    write(frame: Uint8Array) {
      s.frames.push(Buffer.from(frame).toString('utf8'));
    },
    close() {
      s.closed = true;
    },
    abort() {
      s.closed = true;
      s.aborted = true;
    },
  };
  return s;
}

const post = (n: number): LivePost => ({
  kind: 'post',
  cid: 'bafypost',
  uri: `at://did:plc:a/app.bsky.feed.post/${n}`,
  did: 'did:plc:a',
  text: `post ${n}`,
  parentUri: '',
  createdAtMs: 1000,
  eventAtMs: 4_000,
});

test('a new viewer gets the last `recent` events, then every new one, each as one SSE frame', () => {
  const { h } = hub({ recent: 2 });
  for (const n of [1, 2, 3]) h.publish(post(n));
  const v = sink();
  assert.equal(h.attach(v), true);
  h.publish(post(4));
  assert.deepEqual(
    v.frames.map((f) => (JSON.parse(f.split('data: ')[1] ?? '') as LivePost).text),
    ['post 2', 'post 3', 'post 4'],
  );
  assert.match(v.frames[0] as string, /^event: post\ndata: \{.*\}\n\n$/);
});

test('the same event twice (a replay, a redelivery) goes out once; its delay is measured from the network event', async () => {
  const { h, registry } = hub();
  const v = sink();
  h.attach(v);
  assert.equal(h.publish(post(1)), true);
  assert.equal(h.publish(post(1)), false);
  assert.equal(v.frames.length, 1);
  assert.equal(await metricSum(registry, 'botsky_web_live_events_total', { kind: 'post' }), 1);
  const delay = await registry.registry.getSingleMetric('botsky_web_live_delay_seconds')?.get();
  assert.equal(
    (delay?.values as Array<{ metricName?: string; value: number }> | undefined)?.find(
      (v) => v.metricName === 'botsky_web_live_delay_seconds_sum',
    )?.value,
    1,
  );
});

test('a viewer that falls behind is dropped and counted; the others keep getting events', async () => {
  const { h, registry } = hub({ bufferBytes: 100 });
  const slow = sink(500);
  const fast = sink(0);
  h.attach(slow);
  h.attach(fast);
  h.publish(post(1));
  assert.equal(slow.aborted, true, 'dropped: its backlog discarded');
  assert.equal(slow.frames.length, 0);
  assert.equal(fast.frames.length, 1);
  assert.equal(h.viewers, 1);
  assert.equal(await metricSum(registry, 'botsky_web_live_viewers_refused_total', { reason: 'slow' }), 1);
});

test('past maxViewers a viewer is refused and counted; closeAll ends every stream', async () => {
  const { h, registry } = hub({ maxViewers: 2 });
  const [a, b, c] = [sink(), sink(), sink()];
  assert.equal(h.attach(a), true);
  assert.equal(h.attach(b), true);
  assert.equal(h.admits(), false);
  assert.equal(h.attach(c), false);
  assert.equal(await metricSum(registry, 'botsky_web_live_viewers_refused_total', { reason: 'full' }), 2);
  assert.equal(await metricSum(registry, 'botsky_web_live_viewers'), 2);
  h.closeAll();
  assert.equal(a.closed && b.closed, true);
  assert.equal(h.viewers, 0);
});
