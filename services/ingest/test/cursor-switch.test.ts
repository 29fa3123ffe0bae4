// The saved cursor belongs to the source it came from (NATS KV, with the source URL): switching
// to another relay starts at its live tip (or at BOTSKY_INGEST_CURSOR) with a warning naming
// both, instead of resuming at a sequence number that means something else there; restarting on
// the same source resumes; a cursor saved by the earlier format (under the URL) is still resumed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KV_BUCKETS } from '@botsky/contracts';
import { commonConfigSpec, createLogging, loadConfig, openBus } from '@botsky/kit';
import { deleteTestNamespace, eventually, metricSum, suiteHooks } from '@botsky/kit/testing';
import { sameSource } from '../src/pipeline/resume-point.ts';
import { startFakeSource, type FakeSource } from './fake-source.ts';
import { commitFrame, fakeRepo, post } from './frames.ts';
import { natsUrl, networkStream, startIngest, testNamespace, type RunningIngest } from './helpers.ts';

describe('which saved cursor belongs to the configured source', () => {
  it('the same relay whatever the spelling; any Jetstream instance (a time cursor); nothing else', () => {
    const relay = { source: 'wss://Relay.example/xrpc/com.atproto.sync.subscribeRepos', kind: 'firehose' };
    assert.ok(sameSource(relay, 'wss://relay.example/xrpc/com.atproto.sync.subscribeRepos/', 'firehose'));
    assert.ok(sameSource(relay, 'wss://relay.example/xrpc/com.atproto.sync.subscribeRepos?cursor=5', 'firehose'));
    assert.ok(!sameSource(relay, 'wss://other.example/xrpc/com.atproto.sync.subscribeRepos', 'firehose'));
    const js = { source: 'wss://jetstream1.example/subscribe', kind: 'jetstream' };
    assert.ok(sameSource(js, 'wss://jetstream2.example/subscribe?wantedCollections=app.bsky.feed.post', 'jetstream'));
    assert.ok(!sameSource(js, 'wss://jetstream2.example/subscribe', 'firehose'), 'a time is not a sequence number');
    assert.ok(
      !sameSource({ ...js, kind: null }, 'wss://jetstream2.example/subscribe', 'jetstream'),
      'an old cursor without its kind: by URL',
    );
  });
});

describe('ingest switching sources', () => {
  const hooks = suiteHooks();
  const ns = testNamespace('ingswitch');
  let a: FakeSource;
  let b: FakeSource;
  let ingest: RunningIngest | undefined;

  before(async () => {
    [a, b] = await Promise.all([startFakeSource(), startFakeSource()]);
    const repo = await fakeRepo();
    // Relay A is at seq 10..12; relay B, with its own numbering, at 500..501.
    for (const seq of [10, 11, 12]) a.add([seq, (await commitFrame(repo, seq, [['app.bsky.feed.post', post(`a${seq}`)]])).frame]);
    for (const seq of [500, 501]) b.add([seq, (await commitFrame(repo, seq, [['app.bsky.feed.post', post(`b${seq}`)]])).frame]);
  });
  after(async () => {
    await ingest?.stop();
    await Promise.all([a?.close(), b?.close()]);
    await deleteTestNamespace(ns);
  });

  async function run(url: string, until: number, env: Record<string, string> = {}): Promise<RunningIngest> {
    ingest = await startIngest(hooks, { BOTSKY_NAMESPACE: ns, BOTSKY_INGEST_URL: url, ...env });
    await ingest.svc.whenConnected();
    await eventually(`cursor ${until}`, () => ingest?.svc.cursor() === until);
    await ingest.stop();
    return ingest;
  }

  it('resumes only on the source the cursor came from', async () => {
    // The earlier format: {seq} under the source URL. Still resumed on that source.
    const bus = await openBus(
      loadConfig(commonConfigSpec, { BOTSKY_BUS: natsUrl(), BOTSKY_NAMESPACE: ns }),
      createLogging({ level: 'silent' }).root,
      'test',
    );
    await (await bus.kv(KV_BUCKETS.cursors)).put(a.url, new TextEncoder().encode('{"seq":10,"savedAt":"2026-01-01T00:00:00.000Z"}'));
    await bus.close();

    const t0 = Math.floor(Date.now() / 1000);
    const onA = await run(a.url, 12);
    assert.deepEqual(a.cursors, ['10']);
    assert.ok((await metricSum(onA.metrics, 'botsky_ingest_cursor_saved_timestamp_seconds')) >= t0, 'saved now');
    const check = await openBus(
      loadConfig(commonConfigSpec, { BOTSKY_BUS: natsUrl(), BOTSKY_NAMESPACE: ns }),
      createLogging({ level: 'silent' }).root,
      'test',
    );
    assert.equal(
      await (await check.kv(KV_BUCKETS.cursors)).get(a.url),
      undefined,
      "the earlier format's key is gone once saved the new way",
    );
    await check.close();

    const onB = await run(b.url, 501);
    assert.deepEqual(b.cursors, ['']);
    const warning = onB.logs.find(
      (l) => l.level === 40 && typeof l.msg === 'string' && l.msg.startsWith('the saved cursor belongs to another source'),
    );
    assert.ok(warning, 'the switch is logged as a warning');
    assert.deepEqual([warning.url, warning.previousSource, warning.previousCursor], [b.url, a.url, 12]);
    assert.equal(warning.msg, 'the saved cursor belongs to another source and means nothing on this one: starting from the live tip');

    // Resumed, and nothing new to save: the cursor's age still comes from when it was saved.
    const again = await run(b.url, 501);
    assert.deepEqual(b.cursors, ['', '501']);
    assert.ok((await metricSum(again.metrics, 'botsky_ingest_cursor_saved_timestamp_seconds')) >= t0, 'savedAt of the resumed cursor');

    // Back to A, from a position the operator names: B's 501 is not used there.
    const back = await run(a.url, 12, { BOTSKY_INGEST_CURSOR: '11' });
    assert.deepEqual(a.cursors, ['10', '11']);
    assert.ok(back.logs.some((l) => l.previousSource === b.url && String(l.msg).endsWith('starting from BOTSKY_INGEST_CURSOR')));

    const texts = (await networkStream(ns)).map((s) => s.event.payload.case === 'post' && s.event.payload.value.text);
    assert.deepEqual(texts, ['a11', 'a12', 'b500', 'b501']);
  });
});
