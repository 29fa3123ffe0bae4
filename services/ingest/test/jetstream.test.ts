// The Jetstream source, chosen by config: JSON events from a server on 127.0.0.1 come out as the
// same NetworkEvents as firehose ones; its cursor is time_us, saved and resumed from; a malformed
// message (or a post with a wrongly shaped embed) is counted and skipped.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NetworkSource } from '@botsky/contracts';
import { deleteTestNamespace, eventually, metricSum, suiteHooks } from '@botsky/kit/testing';
import { startFakeSource, type FakeSource } from './fake-source.ts';
import { networkStream, startIngest, testNamespace, type RunningIngest } from './helpers.ts';

const DID = 'did:plc:jetstreamtestaccount0';
const CID = 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm';
const T0 = 1_760_000_000_000_000;

function commit(timeUs: number, rkey: string, record: unknown): string {
  const body = { rev: '3l3qo2vutsw2b', operation: 'create', collection: 'app.bsky.feed.post', rkey, record, cid: CID };
  return JSON.stringify({ did: DID, time_us: timeUs, kind: 'commit', commit: body });
}

const QUOTED = { uri: 'at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3l3qo2vuowo2b', cid: CID };
const THUMB = {
  $type: 'blob',
  ref: { $link: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku' },
  mimeType: 'image/jpeg',
  size: 10,
};
// A quote with a link card (thumbnail blob in JSON form) and tags.
const embed = {
  $type: 'app.bsky.embed.recordWithMedia',
  record: { record: QUOTED },
  media: { $type: 'app.bsky.embed.external', external: { uri: 'https://example.com/j', title: 'J', description: 'd', thumb: THUMB } },
};
const post = (text: unknown, extra: Record<string, unknown> = {}) => ({
  $type: 'app.bsky.feed.post',
  text,
  langs: ['en'],
  createdAt: '2025-10-09T08:00:00.000Z',
  ...extra,
});

describe('ingest from Jetstream', () => {
  const hooks = suiteHooks();
  const ns = testNamespace('ingjet');
  let source: FakeSource;
  let ingest: RunningIngest;
  const env = () => ({ BOTSKY_NAMESPACE: ns, BOTSKY_INGEST_SOURCE: 'jetstream', BOTSKY_INGEST_URL: source.url });

  before(async () => {
    source = await startFakeSource('/subscribe');
  });
  after(async () => {
    await ingest?.stop();
    await source?.close();
    await deleteTestNamespace(ns);
  });

  it('publishes Jetstream events, skips a bad one, and resumes from time_us', async () => {
    source.add(
      [T0 + 1, commit(T0 + 1, '3l3qo2vuowo2b', post('from jetstream', { embed, tags: ['jet'] }))],
      [T0 + 2, '{"did": "did:plc:x", "time_us": '],
      [T0 + 3, commit(T0 + 3, '3l3qo2vuowo2c', post(7))],
      [T0 + 4, commit(T0 + 4, '3l3qo2vuowo2d', post('bad embed', { embed: { $type: 'app.bsky.embed.record', record: { uri: 42 } } }))],
      [
        T0 + 5,
        JSON.stringify({
          did: DID,
          time_us: T0 + 5,
          kind: 'identity',
          identity: { did: DID, handle: 'jet.test', seq: 9, time: '2025-10-09T08:00:00.000Z' },
        }),
      ],
    );
    ingest = await startIngest(hooks, env());
    await eventually('the last message', () => ingest.svc.cursor() === T0 + 5);
    const stored = await networkStream(ns);
    assert.deepEqual(
      stored.map((s) => [s.subject, s.event.seq, s.event.source]),
      [
        ['botsky.network.post', BigInt(T0 + 1), NetworkSource.JETSTREAM],
        ['botsky.network.identity', BigInt(T0 + 5), NetworkSource.JETSTREAM],
      ],
    );
    const p = stored[0]?.event.payload;
    assert.ok(p?.case === 'post');
    assert.deepEqual(
      [p.value.text, p.value.langs, stored[0]?.event.uri],
      ['from jetstream', ['en'], `at://${DID}/app.bsky.feed.post/3l3qo2vuowo2b`],
    );
    assert.deepEqual(
      [p.value.embed?.record?.uri, p.value.embed?.externalUri, p.value.embed?.externalTitle, p.value.tags],
      [QUOTED.uri, 'https://example.com/j', 'J', ['jet']],
    );
    assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_decode_errors_total', { reason: 'truncated' }), 1);
    assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_decode_errors_total', { reason: 'invalid-record' }), 2);

    await ingest.stop();
    ingest = await startIngest(hooks, env());
    await ingest.svc.whenConnected();
    assert.deepEqual(source.cursors, ['', String(T0 + 5)]);
    assert.equal((await networkStream(ns)).length, 2);
  });
});
