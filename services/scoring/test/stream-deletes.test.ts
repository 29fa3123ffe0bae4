// The purge's second half on the real NATS and embedded ClickHouse: once a deleted post's words
// are out of the tables, the messages carrying them (noted in stream_messages) are deleted from
// their streams; a bus that went away fails the pass, counted, and the next pass does it all.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createBus, parseBusUrl, type Bus } from '@botsky/bus';
import { SUBJECTS } from '@botsky/contracts';
import { createLogger, createMetrics } from '@botsky/kit';
import { deleteTestNamespace, metricSum, natsUrl, testNamespace } from '@botsky/kit/testing';
import { createEmbeddedWarehouse, runMigrations, type Warehouse } from '@botsky/warehouse';
import { createScoringMetrics } from '../src/metrics.ts';
import { createTextPurger } from '../src/purge/purger.ts';
import { post } from './helpers.ts';

const ns = testNamespace('sdel');
let dir: string;
let wh: Warehouse;
let bus: Bus;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'botsky-stream-deletes-'));
  wh = createEmbeddedWarehouse({ path: join(dir, 'wh') });
  await runMigrations(wh, 'botsky');
  bus = await createBus({ ...parseBusUrl(natsUrl()), namespace: ns });
  await bus.ensureTopology();
});

after(async () => {
  await bus?.close();
  await deleteTestNamespace(ns).catch(() => undefined);
  await wh?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a purge pass deletes the messages carrying a deleted post; a bus that went away fails the pass, and the next one does it', async () => {
  const uri = 'at://did:plc:alice/app.bsky.feed.post/gone';
  const kept = await bus.publish(SUBJECTS.networkPost, post('alice', 'kept', Date.now()).data);
  const gone = await bus.publish(SUBJECTS.networkPost, post('alice', 'gone', Date.now()).data);
  const now = new Date();
  await wh.insert('botsky.stream_messages', [
    { stream: gone.stream, seq: gone.seq, post_uri: uri, author_did: 'did:plc:alice', other_dids: [], indexed_at: now },
    {
      stream: kept.stream,
      seq: kept.seq,
      post_uri: 'at://did:plc:alice/app.bsky.feed.post/kept',
      author_did: 'did:plc:alice',
      other_dids: [],
      indexed_at: now,
    },
  ]);
  const registry = createMetrics({ service: 'scoring', defaultMetrics: false });
  const metrics = createScoringMetrics(registry);
  const gonebus = await createBus({ ...parseBusUrl(natsUrl()), namespace: ns });
  await gonebus.close();
  let deleteVia = gonebus;
  const purger = createTextPurger({
    warehouse: wh,
    flush: async () => {},
    deleteMessage: (stream, seq) => deleteVia.deleteMessage(stream, seq),
    metrics,
    logger: createLogger('test', { level: 'silent' }),
    intervalMs: 60_000,
    resweepMs: 3_600_000,
  });
  purger.handle({ target: { kind: 'post', did: 'did:plc:alice', uri } });
  await purger.pass();
  assert.equal(purger.pending, 1, 'the target waits for the next pass');
  assert.equal(await metricSum(registry, 'botsky_scoring_text_purge_errors_total'), 1);
  deleteVia = bus;
  await purger.pass();
  assert.equal(purger.pending, 0);
  assert.equal(
    await metricSum(registry, 'botsky_scoring_stream_messages_deleted_total', { stream: 'BOTSKY_NETWORK', result: 'deleted' }),
    1,
  );
  assert.equal(await bus.deleteMessage(gone.stream, gone.seq), false, 'the message is gone');
  assert.equal(await bus.deleteMessage(kept.stream, kept.seq), true, 'the other post was still there');
  await purger.stop();
});
