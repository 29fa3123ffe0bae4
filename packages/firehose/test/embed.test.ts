// Post embeds and tags, from both sources: quoted records (record and recordWithMedia), link
// cards, images, gallery and video (blobs checked, not kept), an unknown embed type skipped; and
// every wrong shape rejected as invalid-record with the rest of the commit kept.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { cidForRecord } from '@atproto/repo';
import { decodeFrame, decodeJetstream, type Decoded, type Embed, type PostEvent } from '../src/index.ts';
import { type TestRepo, commitFrame, createTestRepo, post } from './frame-builder.ts';

let alice: TestRepo;
let blob: Record<string, unknown>;
const quoted = {
  uri: 'at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3l3qo2vuowo2b',
  cid: 'bafyreig2fjxi3rptqdgylg7e5hmjl6mcke7rn2b6cugzlqq3i4zu6rq52q',
};
const card = { uri: 'https://example.com/a', title: 'A page', description: 'about it' };
const none: Embed = { record: null, external: null, imageAlts: [], hasVideo: false };

before(async () => {
  alice = await createTestRepo();
  // In DAG-CBOR a blob's ref is a CID link (tag 42); any CID will do for the shape.
  blob = { $type: 'blob', ref: await cidForRecord({ image: 1 }), mimeType: 'image/jpeg', size: 1234 };
});

const images = (...alts: string[]) => ({ $type: 'app.bsky.embed.images', images: alts.map((alt) => ({ image: blob, alt })) });

async function decodePosts(records: Array<Record<string, unknown>>): Promise<Decoded> {
  const { frame } = await commitFrame(
    alice,
    records.map((record) => ({ action: 'create' as const, collection: 'app.bsky.feed.post', record })),
  );
  const r = decodeFrame(frame);
  assert.ok(r.ok, JSON.stringify(r));
  return r;
}

test('firehose: each embed kind and tags normalise; an unknown embed type is no embed', async () => {
  const gallery = {
    $type: 'app.bsky.embed.gallery',
    items: [
      { $type: 'app.bsky.embed.gallery#image', image: blob, alt: 'one', aspectRatio: { width: 1, height: 1 } },
      { $type: 'com.example.future#item' },
    ],
  };
  const r = await decodePosts([
    post('quote', { embed: { $type: 'app.bsky.embed.record', record: quoted }, tags: ['rust', 'open source'] }),
    post('quote with pictures', {
      embed: {
        $type: 'app.bsky.embed.recordWithMedia',
        record: { $type: 'app.bsky.embed.record', record: quoted },
        media: images('a cat', ''),
      },
    }),
    post('link', { embed: { $type: 'app.bsky.embed.external', external: { ...card, thumb: blob } } }),
    post('video', { embed: { $type: 'app.bsky.embed.video', video: { ...blob, mimeType: 'video/mp4' }, alt: 'moving' } }),
    post('gallery', { embed: gallery }),
    post('future', { embed: { $type: 'com.example.embed.hologram', depth: 3 } }),
    post('quote with future media', {
      embed: { $type: 'app.bsky.embed.recordWithMedia', record: { record: quoted }, media: { $type: 'com.example.media' } },
    }),
    post('legacy blob', {
      embed: {
        $type: 'app.bsky.embed.images',
        images: [{ image: { cid: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku', mimeType: 'image/png' }, alt: 'old' }],
      },
    }),
    post('plain'),
  ]);
  assert.deepEqual(r.rejected, []);
  const posts = r.events as PostEvent[];
  assert.deepEqual(
    posts.map((p) => [p.text, p.embed]),
    [
      ['quote', { ...none, record: quoted }],
      ['quote with pictures', { ...none, record: quoted, imageAlts: ['a cat', ''] }],
      ['link', { ...none, external: card }],
      ['video', { ...none, hasVideo: true }],
      ['gallery', { ...none, imageAlts: ['one'] }],
      ['future', null],
      ['quote with future media', { ...none, record: quoted }],
      ['legacy blob', { ...none, imageAlts: ['old'] }],
      ['plain', null],
    ],
  );
  assert.deepEqual(
    posts.map((p) => p.tags),
    [['rust', 'open source'], [], [], [], [], [], [], [], []],
  );
});

test('firehose: wrong embed and tag shapes are invalid-record; the good post beside them is kept', async () => {
  const cases: Array<[string, unknown]> = [
    ['embed not an object', 'https://example.com'],
    ['embed without $type', { record: quoted }],
    ['quote of a non-URI', { $type: 'app.bsky.embed.record', record: { uri: 'hello', cid: quoted.cid } }],
    ['quote without cid', { $type: 'app.bsky.embed.record', record: { uri: quoted.uri } }],
    ['recordWithMedia without media', { $type: 'app.bsky.embed.recordWithMedia', record: { record: quoted } }],
    ['recordWithMedia with a bare strongRef', { $type: 'app.bsky.embed.recordWithMedia', record: quoted, media: images('x') }],
    ['link card URI as number', { $type: 'app.bsky.embed.external', external: { ...card, uri: 42 } }],
    ['link card without title', { $type: 'app.bsky.embed.external', external: { uri: card.uri, description: '' } }],
    ['five images', images('1', '2', '3', '4', '5')],
    ['image alt as number', { $type: 'app.bsky.embed.images', images: [{ image: blob, alt: 7 }] }],
    ['image without blob', { $type: 'app.bsky.embed.images', images: [{ alt: 'x' }] }],
    ['blob ref as string', { $type: 'app.bsky.embed.images', images: [{ image: { ...blob, ref: 'bafy' }, alt: 'x' }] }],
    ['video without blob', { $type: 'app.bsky.embed.video', alt: 'x' }],
    ['gallery item without $type', { $type: 'app.bsky.embed.gallery', items: [{ image: blob, alt: 'x' }] }],
  ];
  const badTags: Array<[string, unknown]> = [
    ['tags not an array', 'rust'],
    ['nine tags', Array.from({ length: 9 }, (_, i) => `t${i}`)],
    ['tag as number', [1]],
    ['tag over 64 graphemes', ['x'.repeat(65)]],
  ];
  const records = [
    ...cases.map(([, embed]) => post('bad embed', { embed })),
    ...badTags.map(([, tags]) => post('bad tags', { tags })),
    post('good'),
  ];
  const r = await decodePosts(records);
  assert.deepEqual(
    r.events.map((e) => e.kind === 'post' && e.text),
    ['good'],
  );
  const names = [...cases, ...badTags].map(([name]) => name);
  assert.equal(r.rejected.length, names.length);
  for (const [i, x] of r.rejected.entries()) assert.equal(x.reason, 'invalid-record', `${names[i]}: ${x.detail}`);
});

test('Jetstream: embeds in JSON (blob refs as $link) normalise the same; a bad one is invalid-record', () => {
  const did = 'did:plc:eygmaihciaxprqvxpfvl6flk';
  const jsonBlob = {
    $type: 'blob',
    ref: { $link: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku' },
    mimeType: 'image/jpeg',
    size: 10,
  };
  const message = (embed: unknown, tags?: unknown) =>
    JSON.stringify({
      did,
      time_us: 1725911162329308,
      kind: 'commit',
      commit: {
        rev: '3l3qo2vutsw2b',
        operation: 'create',
        collection: 'app.bsky.feed.post',
        rkey: '3l3qo2vuowo2b',
        cid: quoted.cid,
        record: { ...post('j', { embed, ...(tags ? { tags } : {}) }), createdAt: '2024-09-09T19:46:02.102Z' },
      },
    });
  const ok = decodeJetstream(
    message(
      {
        $type: 'app.bsky.embed.recordWithMedia',
        record: { record: quoted },
        media: { $type: 'app.bsky.embed.external', external: { ...card, thumb: jsonBlob } },
      },
      ['jet'],
    ),
  );
  assert.ok(ok.ok && ok.rejected.length === 0, JSON.stringify(ok));
  const p = ok.events[0] as PostEvent;
  assert.deepEqual([p.embed, p.tags], [{ ...none, record: quoted, external: card }, ['jet']]);
  const imgs = decodeJetstream(message({ $type: 'app.bsky.embed.images', images: [{ image: jsonBlob, alt: 'a' }] }));
  assert.ok(imgs.ok);
  assert.deepEqual((imgs.events[0] as PostEvent).embed, { ...none, imageAlts: ['a'] });
  const bad = decodeJetstream(
    message({ $type: 'app.bsky.embed.images', images: [{ image: { ...jsonBlob, ref: { $link: 5 } }, alt: 'a' }] }),
  );
  assert.ok(bad.ok);
  assert.deepEqual([bad.events, bad.rejected.map((x) => x.reason)], [[], ['invalid-record']]);
});
