// The page encoder must write exactly the bytes the generated protobuf code writes, and the sink
// publishes one message per page under the page's message id, dropping (and counting) what does
// not fit its capacity.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryBus } from '@botsky/bus';
import { decode, encode, ImpressionPageSchema, SUBJECTS } from '@botsky/contracts';
import { createLogging, createMetrics } from '@botsky/kit';
import { encodeImpressionPage, type PageImpressions } from '../src/impression-codec.ts';
import { ImpressionSink } from '../src/impressions.ts';
import { createFeedMetrics } from '../src/metrics.ts';

function generated(page: PageImpressions): Buffer {
  return Buffer.from(encode(ImpressionPageSchema, { ...page, items: [...page.items], servedAtUs: BigInt(page.servedAtUs) }));
}

const page: PageImpressions = {
  requestId: 'req-ü-1',
  viewerDid: 'did:plc:viewer',
  servedAtUs: 1_795_881_256_232_123,
  feedUri: 'at://did:web:feed.test/app.bsky.feed.generator/botsky',
  items: [
    { itemUri: 'at://did:plc:a/app.bsky.feed.post/1', botId: 'a', position: 0, probability: 0, feedContext: 'req/0' },
    {
      itemUri: 'at://did:plc:b/app.bsky.feed.post/2'.padEnd(300, 'x'),
      botId: 'bot-β',
      position: 300,
      probability: 0.3,
      feedContext: 'req/300',
    },
    { itemUri: '', botId: '', position: 0, probability: 0, feedContext: '' },
    { itemUri: 'at://did:plc:c/app.bsky.feed.post/3', botId: 'c', position: 2 ** 31 + 5, probability: 1, feedContext: 'x'.repeat(20_000) },
  ],
};

test('the page encoder writes the same bytes as the generated code, for every field shape', () => {
  for (const p of [page, { ...page, viewerDid: '' }, { ...page, items: [] }, { ...page, requestId: '', servedAtUs: 0, feedUri: '' }]) {
    assert.deepEqual(Buffer.from(encodeImpressionPage(p)), generated(p));
  }
  const back = decode(ImpressionPageSchema, encodeImpressionPage(page));
  assert.equal(back.items.length, 4);
  assert.equal(back.items[3]?.position, 2 ** 31 + 5);
  assert.equal(back.servedAtUs, BigInt(page.servedAtUs));
});

test('the sink publishes one message per page, named by its request id, and counts what it drops', async (t) => {
  const bus = createMemoryBus();
  t.after(() => bus.close());
  await bus.ensureTopology();
  const seen: Array<{ msgId: string | undefined; items: number }> = [];
  await bus.follow(SUBJECTS.feedImpressionPage, async (m) => {
    seen.push({ msgId: m.msgId, items: decode(ImpressionPageSchema, m.data).items.length });
  });
  const metrics = createFeedMetrics(createMetrics({ service: 'feed', defaultMetrics: false }));
  const logger = createLogging({ level: 'silent' }).createLogger('test');
  const sink = new ImpressionSink({ bus, logger, metrics, capacity: 6, flushEveryMs: 1_000_000 });
  assert.equal(sink.pushPage(page), 4);
  assert.equal(sink.pushPage({ ...page, requestId: 'second' }), 2, 'only two more fit');
  assert.equal(sink.pushPage({ ...page, requestId: 'third' }), 0);
  assert.equal(sink.buffered, 6);
  await sink.close();
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(seen, [
    { msgId: `imp:${page.requestId}`, items: 4 },
    { msgId: 'imp:second', items: 2 },
  ]);
  assert.equal((await metrics.impressions.get()).values[0]?.value, 6);
  const dropped = (await metrics.impressionsDropped.get()).values.find((v) => v.labels.reason === 'buffer_full');
  assert.equal(dropped?.value, 6);
});
