// A source that accepts and then goes silent (no frames and no pongs, the socket left open, as a
// half-open TCP connection is) is treated as dropped: ingest gives the connection up after
// BOTSKY_INGEST_IDLE_TIMEOUT_MS, reconnects from its cursor, counts it, and loses nothing. A
// quiet source that still answers pings keeps its connection.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeSource, type FakeSource } from './fake-source.ts';
import { commitFrame, fakeRepo, post, type FakeRepo } from './frames.ts';
import { deleteNamespace, metricValue, networkStream, startIngest, testNamespace, waitUntil, type RunningIngest } from './helpers.ts';

describe('ingest on a silent source', () => {
  const ns = testNamespace('ingidle');
  let source: FakeSource;
  let ingest: RunningIngest;
  let repo: FakeRepo;

  before(async () => {
    source = await startFakeSource();
    repo = await fakeRepo();
  });
  after(async () => {
    await ingest?.stop();
    await source?.close();
    await deleteNamespace(ns);
  });

  it('keeps a quiet connection that answers pings, drops a silent one, reconnects and loses nothing', async () => {
    const first = await commitFrame(repo, 1, [['app.bsky.feed.post', post('one')], ['app.bsky.feed.post', post('two')]]);
    source.add([1, first.frame]);
    ingest = await startIngest({ BOTSKY_NAMESPACE: ns, BOTSKY_INGEST_URL: source.url, BOTSKY_INGEST_IDLE_TIMEOUT_MS: '400' });
    await waitUntil(() => ingest.svc.cursor() === 1, 'the first frame');

    // Quiet but alive: pinged (and answering) for several timeouts' worth of pings, not dropped.
    await waitUntil(() => source.pongs >= 12, 'pings answered by the quiet source');
    assert.deepEqual(source.cursors, ['']);
    assert.equal(await metricValue(ingest.metrics, 'botsky_ingest_reconnects_total'), 0);

    // Silent: the frame added now never reaches the old connection; it must come after reconnecting.
    source.silence();
    const second = await commitFrame(repo, 2, [['app.bsky.feed.post', post('three')]]);
    source.add([2, second.frame]);
    await waitUntil(() => ingest.svc.cursor() === 2, 'the frame sent after the silence');
    assert.deepEqual(source.cursors, ['', '1']);
    assert.equal(await metricValue(ingest.metrics, 'botsky_ingest_reconnects_total'), 1);
    assert.equal(await metricValue(ingest.metrics, 'botsky_ingest_idle_timeouts_total'), 1);
    assert.equal(await metricValue(ingest.metrics, 'botsky_ingest_source_connected'), 1);
    assert.equal(ingest.logs.filter((l) => l.msg === 'source silent: no message and no pong; dropping the connection').length, 1);

    const stored = await networkStream(ns);
    assert.deepEqual(stored.map((s) => s.event.uri), [...first.uris, ...second.uris]);
  });
});
