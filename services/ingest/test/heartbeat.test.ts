// A source that accepts and then goes silent (no frames and no pongs, the socket left open, as a
// half-open TCP connection is) is treated as dropped: ingest gives the connection up after
// BOTSKY_INGEST_IDLE_TIMEOUT_MS, reconnects from its cursor, counts it, and loses nothing. A
// quiet source that still answers pings keeps its connection.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually, metricSum } from '@botsky/kit/testing';
import { commitFrame, post } from './frames.ts';
import { networkStream, sourceSuite, startIngest, testNamespace, type RunningIngest } from './helpers.ts';

describe('ingest on a silent source', () => {
  const ns = testNamespace('ingidle');
  const suite = sourceSuite(ns);
  let ingest: RunningIngest;

  it('keeps a quiet connection that answers pings, drops a silent one, reconnects and loses nothing', async () => {
    const { source, repo } = suite;
    const first = await commitFrame(repo, 1, [
      ['app.bsky.feed.post', post('one')],
      ['app.bsky.feed.post', post('two')],
    ]);
    source.add([1, first.frame]);
    ingest = await startIngest(suite.hooks, { BOTSKY_NAMESPACE: ns, BOTSKY_INGEST_URL: source.url, BOTSKY_INGEST_IDLE_TIMEOUT_MS: '400' });
    await eventually('the first frame', () => ingest.svc.cursor() === 1);

    // Quiet but alive: pinged (and answering) for several timeouts' worth of pings, not dropped.
    await eventually('pings answered by the quiet source', () => source.pongs >= 12);
    assert.deepEqual(source.cursors, ['']);
    assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_reconnects_total'), 0);

    // Silent: the frame added now never reaches the old connection; it must come after reconnecting.
    source.silence();
    const second = await commitFrame(repo, 2, [['app.bsky.feed.post', post('three')]]);
    source.add([2, second.frame]);
    await eventually('the frame sent after the silence', () => ingest.svc.cursor() === 2);
    assert.deepEqual(source.cursors, ['', '1']);
    assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_reconnects_total'), 1);
    assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_idle_timeouts_total'), 1);
    assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_source_connected'), 1);
    assert.equal(ingest.logs.filter((l) => l.msg === 'source silent: no message and no pong; dropping the connection').length, 1);

    const stored = await networkStream(ns);
    assert.deepEqual(
      stored.map((s) => s.event.uri),
      [...first.uris, ...second.uris],
    );
  });
});
