// Bad input from the source: truncated, garbled and oversized frames, malformed messages and
// records with wrong types, between good frames, from a WebSocket server on 127.0.0.1. ingest
// keeps running, counts each by reason, logs each reason once, publishes only the good events;
// and when the source drops it reconnects (counted) and resumes after the last frame it read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually, metricSum } from '@botsky/kit/testing';
import { commitFrame, messageFrame, post, type FakeRepo } from './frames.ts';
import { networkStream, sourceSuite, startIngest, testNamespace, type RunningIngest } from './helpers.ts';

const REASONS = ['truncated', 'garbled', 'oversized', 'invalid-record', 'invalid-frame', 'unknown-type'];

/** One frame per rejection reason at seq from..from+4 (the wrong-typed record is beside a good post). */
async function badFrames(repo: FakeRepo, from: number): Promise<{ frames: Array<[number, Uint8Array]>; goodUri: string }> {
  const cut = await commitFrame(repo, from, [['app.bsky.feed.post', post('cut short')]]);
  const mixed = await commitFrame(repo, from + 3, [
    ['app.bsky.feed.post', post(42)],
    ['app.bsky.feed.post', post('kept beside a bad one')],
  ]);
  const frames: Array<[number, Uint8Array]> = [
    [from, cut.frame.slice(0, Math.floor(cut.frame.length / 2))],
    [from + 1, new Uint8Array(64).fill(0xff)],
    [from + 2, new Uint8Array(100_000).fill(7)],
    [from + 3, mixed.frame],
    [from + 4, messageFrame('#commit', { seq: from + 4, repo: 123 })],
    [from + 5, messageFrame('#whatever', { seq: from + 5 })],
  ];
  return { frames, goodUri: mixed.uris[1] as string };
}

describe('ingest on bad input', () => {
  const ns = testNamespace('ingbad');
  const suite = sourceSuite(ns);
  let ingest: RunningIngest;
  const expected: string[] = [];

  it('skips and counts every bad frame and record, publishes only the good ones', async () => {
    const { source, repo } = suite;
    const first = await commitFrame(repo, 1, [
      ['app.bsky.feed.post', post('first')],
      ['app.bsky.feed.post', post('second')],
    ]);
    const bad = await badFrames(repo, 2);
    const last = await commitFrame(repo, 8, [['app.bsky.feed.post', post('last')]]);
    const again = await badFrames(repo, 9);
    source.add([1, first.frame], ...bad.frames, [8, last.frame], ...again.frames);
    expected.push(...first.uris, bad.goodUri, ...last.uris, again.goodUri);

    ingest = await startIngest(suite.hooks, {
      BOTSKY_NAMESPACE: ns,
      BOTSKY_INGEST_URL: source.url,
      BOTSKY_INGEST_MAX_FRAME_BYTES: '65536',
    });
    await eventually('the cursor to pass the last frame', () => ingest.svc.cursor() === 14);

    const stored = await networkStream(ns);
    assert.deepEqual(
      stored.map((s) => s.event.uri),
      expected,
    );
    assert.ok(stored.every((s) => s.subject === 'botsky.network.post' && s.event.payload.case === 'post'));
    for (const reason of REASONS) {
      assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_decode_errors_total', { reason }), 2, reason);
      // Twice each, logged once each: a flood of bad frames is not a flood of log lines.
      const lines = ingest.logs.filter((l) => l.msg === 'input rejected' && l.reason === reason);
      assert.equal(lines.length, 1, `${reason} logged once`);
      assert.equal(typeof lines[0]?.detail, 'string');
    }
    assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_events_total', { kind: 'post' }), expected.length);
    assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_cursor'), 14);
  });

  it('reconnects when the source drops, resumes after the last frame read, and saves the cursor', async () => {
    const { source, repo } = suite;
    source.dropClients();
    await eventually('a reconnection', () => source.cursors.length === 2);
    assert.deepEqual(source.cursors, ['', '14']);
    assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_reconnects_total'), 1);

    const more = await commitFrame(repo, 15, [['app.bsky.feed.post', post('after the drop')]]);
    source.add([15, more.frame]);
    expected.push(...more.uris);
    await eventually('the frame after the drop', () => ingest.svc.cursor() === 15);
    await ingest.stop();

    // A new ingest resumes from the cursor the first one saved in KV, and republishes nothing.
    ingest = await startIngest(suite.hooks, {
      BOTSKY_NAMESPACE: ns,
      BOTSKY_INGEST_URL: source.url,
      BOTSKY_INGEST_MAX_FRAME_BYTES: '65536',
    });
    await ingest.svc.whenConnected();
    assert.equal(source.cursors.at(-1), '15');
    const stored = await networkStream(ns);
    assert.deepEqual(
      stored.map((s) => s.event.uri),
      expected,
    );
    assert.equal(new Set(stored.map((s) => s.msgId)).size, stored.length);
  });
});
